package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import ij.IJ;

/**
 * Cancels a run when the user presses Esc. ImageJ only records the key ({@link IJ#escapePressed()}), so a daemon
 * thread polls it and calls the target's cancel: {@link dev.hush.runtime.RunContext#cancel()} also terminates a
 * running ONNX Runtime call, so denoising stops well within a second, even in the middle of a large tile; the
 * trainer stops before its next step.
 */
final class EscapeWatcher implements AutoCloseable {
    private static final long POLL_MS = 50;

    private final Thread thread;
    private volatile boolean pressed;
    private volatile boolean closed;
    private volatile Runnable target;

    /** Forgets an earlier Esc and starts watching. */
    EscapeWatcher() {
        IJ.resetEscape();
        thread = new Thread(this::poll, "Hush Esc watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** What Esc calls (once); if Esc came first it is called at once. */
    void watch(Runnable cancel) {
        target = cancel;
        if (pressed) {
            cancel.run();
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
                Runnable t = target;
                if (t != null) {
                    t.run();
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
