package dev.hush.imagej;

import dev.hush.runtime.ProgressListener;
import ij.IJ;

/**
 * Shows a run's progress in ImageJ's progress bar and status line: the run is a number of passes (a plane, or one
 * colour of an RGB plane), each a number of tiles. Both calls do nothing where there is no ImageJ window.
 */
final class StackProgress {
    private final String command;
    private final int passes;

    StackProgress(String command, int passes) {
        this.command = command;
        this.passes = Math.max(1, passes);
    }

    /** The listener for pass {@code index} (0-based); {@code what} says which plane it is. */
    ProgressListener pass(int index, String what) {
        return (done, total) -> {
            double inPass = total > 0 ? done / (double) total : 0;
            // Stay below 1: ImageJ hides the bar at 1, which only the end of the whole run should do.
            IJ.showProgress(Math.min(0.999, (index + inPass) / passes));
            IJ.showStatus(command + ": " + what + ", tile " + done + "/" + total + " (Esc cancels)");
        };
    }

    void done(String message) {
        IJ.showProgress(1.0);
        IJ.showStatus(message);
    }
}
