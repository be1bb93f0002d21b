package dev.hush.runtime;

/** Told how far long work has got; called from the working thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void update(long done, long total);
}
