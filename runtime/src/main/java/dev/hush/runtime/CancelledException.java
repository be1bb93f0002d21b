package dev.hush.runtime;

/** Thrown when work was cancelled on request; nothing was written. */
public class CancelledException extends RuntimeException {
    public CancelledException() {
        super("cancelled");
    }
}
