package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;

/**
 * Cancels a run when the user presses Esc. ImageJ only records the key ({@link IJ#escapePressed()}), so a daemon
 * thread polls it and calls {@link ImageDenoiser#cancel()}, which also terminates a running ONNX Runtime call:
 * the run stops well within a second, even in the middle of a large tile.
 */
final class EscapeWatcher implements AutoCloseable {
    private static final long POLL_MS = 50;

    private final Thread thread;
    private volatile boolean pressed;
    private volatile boolean closed;
    private volatile ImageDenoiser target;

    /** Forgets an earlier Esc and starts watching. */
    EscapeWatcher() {
        IJ.resetEscape();
        thread = new Thread(this::poll, "Hush Esc watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** The denoiser to cancel; if Esc came first (while the model was loading) it is cancelled at once. */
    void watch(ImageDenoiser denoiser) {
        target = denoiser;
        if (pressed) {
            denoiser.cancel();
        }
    }

    /** Throws {@link CancelledException} if Esc was pressed; for the steps between denoiser calls. */
    void check() {
        if (pressed) {
            throw new CancelledException();
        }
    }

    private void poll() {
        while (!closed) {
            if (IJ.escapePressed()) {
                pressed = true;
                ImageDenoiser d = target;
                if (d != null) {
                    d.cancel();
                }
                return;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
