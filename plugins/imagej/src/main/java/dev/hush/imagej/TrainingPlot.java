package dev.hush.imagej;

import ij.gui.Plot;
import ij.gui.PlotWindow;
import ij.macro.Interpreter;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live loss plot of a training run: every step's loss (grey) and each epoch's mean (red), redrawn in one window
 * after each epoch. Without a display, or in batch mode, there is no window and the calls do nothing. If the user
 * closes the window, training goes on without it.
 */
final class TrainingPlot {
    private final String title;
    private final int stepsPerEpoch;
    private final boolean live;
    private final List<Double> stepLoss = new ArrayList<>();
    private final List<double[]> epochs = new ArrayList<>();
    private PlotWindow window;
    private boolean closed;

    TrainingPlot(String title, int stepsPerEpoch) {
        this.title = title;
        this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
        this.live = !GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode();
    }

    void step(double loss) {
        stepLoss.add(loss);
    }

    /** Adds an epoch's mean loss (and validation PSNR in dB, NaN without a reference) and redraws. */
    void epoch(int epoch, int of, double loss, double valPsnr) {
        epochs.add(new double[] {epoch, loss, valPsnr});
        if (!live || closed) {
            return;
        }
        Plot plot = build(of);
        if (window == null) {
            window = plot.show();
        } else if (window.isVisible() && window.getImagePlus().getWindow() == window) {
            window.drawPlot(plot);
        } else {
            closed = true;
        }
    }

    /** The plot as it stands after {@code epochs} epochs of {@code of}. */
    Plot build(int of) {
        Plot plot = new Plot(title, "epoch", "training loss");
        // Steps are placed within their epoch (the last step of epoch e at x = e), sharing the x axis with the means.
        double[] sx = new double[stepLoss.size()];
        double[] sy = new double[stepLoss.size()];
        for (int i = 0; i < sx.length; i++) {
            sx[i] = (i + 1) / (double) stepsPerEpoch;
            sy[i] = stepLoss.get(i);
        }
        double[] ex = new double[epochs.size()];
        double[] ey = new double[epochs.size()];
        for (int i = 0; i < ex.length; i++) {
            ex[i] = epochs.get(i)[0];
            ey[i] = epochs.get(i)[1];
        }
        plot.setColor(new Color(170, 170, 170));
        plot.add("line", sx, sy);
        Color red = new Color(200, 50, 30);
        plot.setColor(red, red);
        plot.setLineWidth(2);
        plot.add("connected circle", ex, ey);
        plot.setLimitsToFit(false);
        double[] last = epochs.get(epochs.size() - 1);
        String status = String.format(Locale.ROOT, "epoch %d/%d: mean loss %.5f", (int) last[0], of, last[1])
                + (Double.isNaN(last[2]) ? "" : String.format(Locale.ROOT, ", validation PSNR %.2f dB", last[2]));
        plot.setColor(Color.BLACK);
        plot.addLabel(0.02, 0.06, status);
        return plot;
    }
}
