package dev.hush.imagej;

import java.awt.Button;
import java.awt.EventQueue;
import java.awt.FlowLayout;
import java.awt.Frame;
import java.awt.Label;
import java.awt.Panel;
import java.awt.BorderLayout;
import java.awt.GraphicsEnvironment;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;

/**
 * A small window beside a running training with two buttons: <b>Stop</b> ends the training after the current step
 * and keeps the best model so far (it is validated, exported and written as usual), <b>Cancel</b> ends it with no
 * model. The training runs on the command's own thread, so the window, ImageJ and the loss plot stay responsive. Not
 * shown when ImageJ runs headless (Esc still cancels there).
 */
final class TrainingControls implements AutoCloseable {
    private final Frame frame;
    private final Label status;
    private volatile boolean decided;

    private TrainingControls(String name, Runnable stop, Runnable cancel) {
        frame = new Frame("Hush training: " + name);
        status = new Label("Training " + name + "...");
        Button stopButton = new Button("Stop and keep the best model");
        Button cancelButton = new Button("Cancel (no model)");
        stopButton.addActionListener(e -> {
            decided = true;
            stop.run();
            stopButton.setEnabled(false);
            cancelButton.setEnabled(false);
            status.setText("Stopping after this step; validating and writing the best model...");
        });
        cancelButton.addActionListener(e -> {
            decided = true;
            cancel.run();
            stopButton.setEnabled(false);
            cancelButton.setEnabled(false);
            status.setText("Cancelling; no model will be written...");
        });
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent e) {
                // Closing the window is not a decision: say what the buttons do instead.
                status.setText("Use Stop (keeps the best model) or Cancel (no model); Esc also cancels.");
            }
        });
        Panel buttons = new Panel(new FlowLayout(FlowLayout.RIGHT));
        buttons.add(cancelButton);
        buttons.add(stopButton);
        Panel text = new Panel(new java.awt.GridLayout(0, 1));
        text.add(status);
        text.add(new Label("Stop: ends after the current step and writes the best model so far."));
        text.add(new Label("Cancel (or Esc): ends it and writes no model."));
        frame.setLayout(new BorderLayout(8, 8));
        frame.add(text, BorderLayout.CENTER);
        frame.add(buttons, BorderLayout.SOUTH);
        frame.pack();
        frame.setSize(Math.max(frame.getWidth(), 520), Math.max(frame.getHeight(), 140));
        frame.setVisible(true);
    }

    /** Opens the window, or returns a no-op when headless. */
    static TrainingControls open(String name, Runnable stop, Runnable cancel) {
        if (GraphicsEnvironment.isHeadless()) {
            return null;
        }
        TrainingControls[] made = new TrainingControls[1];
        try {
            EventQueue.invokeAndWait(() -> made[0] = new TrainingControls(name, stop, cancel));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.lang.reflect.InvocationTargetException e) {
            return null; // no window; Esc still cancels
        }
        return made[0];
    }

    /** Shows a line of progress in the window. */
    void status(String line) {
        if (!decided) {
            EventQueue.invokeLater(() -> {
                if (!decided) {
                    status.setText(line);
                }
            });
        }
    }

    /** The window, for screenshots in the GUI test. */
    Frame frame() {
        return frame;
    }

    @Override
    public void close() {
        EventQueue.invokeLater(frame::dispose);
    }
}
