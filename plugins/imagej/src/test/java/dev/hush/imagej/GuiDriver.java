package dev.hush.imagej;

import ij.IJ;
import ij.ImageJ;
import ij.WindowManager;
import java.awt.Dialog;
import java.awt.Rectangle;
import java.awt.EventQueue;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Runs in its own JVM on a (virtual) display, as ImageJGuiIT starts it: real ImageJ with its menus and windows, our
 * plugin loaded from the Fiji layout's plugins folder and its libraries from jars/ on the class path, as Fiji's
 * launcher arranges. It runs a macro that opens an image, denoises it and saves the result, then opens the dialogs
 * as a menu click would and saves screenshots of them. Only ImageJ and the JDK are used here: the plugin's classes
 * come from its jar.
 *
 * <p>Then it trains a tiny Noise2Void model on the image from a macro (not in batch mode, so the live loss plot is
 * shown), which denoises the image with it, and captures the plot.
 *
 * <p>Arguments: input TIFF, output TIFF, screenshot folder, model file to train. Exit code 0 when all went well.
 */
public final class GuiDriver {
    private GuiDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Path shots = Files.createDirectories(Path.of(args[2]));
        Path model = Path.of(args[3]);
        new ImageJ();
        waitFor(() -> IJ.getInstance() != null && IJ.getInstance().isShowing(), 20_000, "the ImageJ window");

        String macro = "open('" + input + "');\n"
                + "title = getTitle();\n"
                + "run('Hush Denoise Image...', 'model=[image-gray-small] device=cpu tile=0 threads=1');\n"
                + "selectImage(title + '-denoised');\n"
                + "saveAs('Tiff', '" + output + "');\n"
                + "selectImage(title);\n"
                + "return getTitle();\n";
        String result = IJ.runMacro(macro.replace('\'', '"'));
        System.out.println("macro returned: " + result);
        if (!Files.isRegularFile(output)) {
            fail("the macro did not save " + output);
        }

        String title = input.getFileName().toString();
        String train = "selectImage('" + title + "');\n"
                + "run('Hush Train Denoiser (Noise2Void)...', 'name=gui-n2v file=[" + model + "] architecture=residual depth=3"
                + " width=4 epochs=3 steps=3 patch=32 batch=4 mask=0.05 denoise');\n"
                + "return getTitle();\n";
        System.out.println("training macro returned: " + IJ.runMacro(train.replace('\'', '"')));
        if (!Files.isRegularFile(model)) {
            fail("the training macro did not write " + model);
        }
        if (WindowManager.getImage(title + "-denoised") == null) {
            fail("the training macro did not denoise " + title + " with the new model");
        }
        capture(find("Training loss: gui-n2v"), shots.resolve("training-loss-plot.png"));

        // A long training, stopped from its window: the best model so far is written.
        Path stopped = model.resolveSibling("gui-stopped.onnx");
        String longTrain = "selectImage('" + title + "');\n"
                + "run('Hush Train Denoiser (Noise2Void)...', 'name=gui-stopped file=[" + stopped + "] architecture=residual"
                + " depth=3 width=4 epochs=200 steps=20 patch=32 batch=4 mask=0.05');\n";
        Thread trainer = new Thread(() -> IJ.runMacro(longTrain.replace('\'', '"')), "long training");
        trainer.start();
        Window controls = find("Hush training: gui-stopped");
        // The window's line shows "epoch 2/200, ..." once the first epoch (validated, so a best model exists) is done.
        waitFor(() -> allComponents(controls).stream().anyMatch(c -> c instanceof java.awt.Label l
                && l.getText().startsWith("epoch 2/")), 60_000, "the first epoch");
        capture(controls, shots.resolve("training-controls.png"));
        EventQueue.invokeAndWait(() -> {
            for (java.awt.Component c : allComponents(controls)) {
                if (c instanceof java.awt.Button b && b.getLabel().startsWith("Stop")) {
                    for (java.awt.event.ActionListener l : b.getActionListeners()) {
                        l.actionPerformed(new java.awt.event.ActionEvent(b, java.awt.event.ActionEvent.ACTION_PERFORMED,
                                b.getLabel()));
                    }
                }
            }
        });
        trainer.join(60_000);
        if (trainer.isAlive() || !Files.isRegularFile(stopped) || !IJ.getLog().contains("stopped after")) {
            fail("Stop did not end the training with its best model written to " + stopped);
        }
        waitFor(() -> !controls.isShowing(), 10_000, "the training window to close");

        WindowManager.setCurrentWindow(WindowManager.getImage(title).getWindow());
        shoot("Hush Denoise Image...", "Denoise Image", shots.resolve("denoise-dialog.png"));
        shoot("Hush Train Denoiser (Noise2Void)...", "Train Denoiser (Noise2Void)", shots.resolve("train-n2v-dialog.png"));
        shoot("Hush Compare...", "Compare", shots.resolve("compare-dialog.png"));
        shoot("Hush Train on Folder...", "Train on Folder", shots.resolve("train-folder-dialog.png"));
        // The shipped model's result (saved and renamed by the first macro), not the tiny model's.
        IJ.runMacro("run(\"Hush Compare...\", \"noisy=[" + title + "] denoised=[" + output.getFileName() + "] layout=montage\");"
                + " run(\"Set... \", \"zoom=300\");");
        capture(find(title + "-comparison"), shots.resolve("compare-montage.png"));
        System.out.println("screenshots in " + shots);
        System.out.println("ImageJ's log:\n" + IJ.getLog());
        System.exit(0);
    }

    /**
     * Runs a command as its menu item does (on a thread of its own, no macro), waits for its dialog, saves a
     * screenshot of it and closes it as the window's close button would (the command then does nothing).
     */
    private static void shoot(String command, String dialogTitle, Path png) throws Exception {
        IJ.doCommand(command);
        Window dialog = find(dialogTitle);
        capture(dialog, png);
        EventQueue.invokeAndWait(() -> dialog.dispatchEvent(new WindowEvent(dialog, WindowEvent.WINDOW_CLOSING)));
        waitFor(() -> !dialog.isShowing(), 10_000, "the dialog '" + dialogTitle + "' to close");
    }

    /** The window's components, nested panels included. */
    private static List<java.awt.Component> allComponents(java.awt.Container c) {
        List<java.awt.Component> out = new java.util.ArrayList<>();
        for (java.awt.Component k : c.getComponents()) {
            out.add(k);
            if (k instanceof java.awt.Container inner) {
                out.addAll(allComponents(inner));
            }
        }
        return out;
    }

    /** Waits for a shown dialog or frame whose title starts with {@code title}. */
    private static Window find(String title) throws Exception {
        Window[] found = new Window[1];
        waitFor(() -> {
            for (Window w : Window.getWindows()) {
                String t = w instanceof Dialog d ? d.getTitle() : w instanceof java.awt.Frame f ? f.getTitle() : null;
                if (w.isShowing() && t != null && t.startsWith(title)) {
                    found[0] = w;
                    return true;
                }
            }
            return false;
        }, 20_000, "the window '" + title + "'");
        return found[0];
    }

    /**
     * Captures a window once it is painted: on a busy machine a fresh window can still be black for a while, so the
     * capture is repeated (asking for a repaint) until most of it is not black.
     */
    private static void capture(Window window, Path png) throws Exception {
        // Without a window manager Java's idea of where a window is can lag behind the X server's (ImageJ centres
        // dialogs after showing them), so the window is put at a known place first, and brought to the front.
        EventQueue.invokeAndWait(() -> {
            window.setLocation(20, 120);
            window.toFront();
        });
        BufferedImage shot = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            Thread.sleep(attempt == 0 ? 700 : 300);
            EventQueue.invokeAndWait(window::repaint);
            EventQueue.invokeAndWait(() -> { });
            Toolkit.getDefaultToolkit().sync();
            shot = new Robot().createScreenCapture(window.getBounds());
            if (paintedShare(shot) > 0.5) {
                break;
            }
        }
        if (!ImageIO.write(shot, "png", png.toFile())) {
            fail("no PNG writer");
        }
        if (paintedShare(shot) <= 0.5) {
            // For the diagnosis: the whole screen, to see where the window went.
            Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
            ImageIO.write(new Robot().createScreenCapture(screen), "png", png.resolveSibling("unpainted-screen.png").toFile());
            System.out.println("still unpainted: " + png.getFileName() + " at " + window.getBounds());
        }
        System.out.println("captured " + png.getFileName() + " (" + shot.getWidth() + "×" + shot.getHeight() + ")");
    }

    /** The share of pixels that are not (nearly) black: an unpainted window on Xvfb is all black. */
    static double paintedShare(BufferedImage img) {
        long painted = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) > 30) {
                    painted++;
                }
            }
        }
        return painted / (double) Math.max(1, (long) img.getWidth() * img.getHeight());
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    private static void waitFor(Condition condition, long millis, String what) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (!condition.met()) {
            if (System.currentTimeMillis() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void fail(String message) {
        System.err.println("GuiDriver: " + message + "\nImageJ's log:\n" + IJ.getLog());
        System.exit(2);
    }

    /** For the test's class path: where this class lives. */
    static File location() throws Exception {
        return new File(GuiDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
