package dev.hush.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The run options of one ONNX Runtime call, which other threads may terminate (cancel, close) while it runs.
 * Terminate and close are serialised, and terminate after close does nothing: ONNX Runtime's own RunOptions would
 * touch freed native memory if terminated after it was closed.
 */
final class ActiveRun implements AutoCloseable {
    private final OrtSession.RunOptions options;
    private boolean closed;
    private boolean terminated;

    ActiveRun() throws OrtException {
        this.options = new OrtSession.RunOptions();
    }

    OrtSession.RunOptions options() {
        return options;
    }

    synchronized void terminate() {
        if (closed || terminated) {
            return;
        }
        try {
            options.setTerminate(true);
            terminated = true;
        } catch (OrtException e) {
            // ONNX Runtime refused the flag: the run goes on to its end, and the caller's check after it stops the job.
        }
    }

    synchronized boolean terminated() {
        return terminated;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            options.close();
        }
    }
}
