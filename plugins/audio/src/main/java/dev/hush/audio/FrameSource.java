package dev.hush.audio;

import dev.hush.runtime.HushException;

/**
 * A pull source of multi-channel audio frames as floats (nominally in [-1, 1]), channel by channel.
 * Sources are for one thread.
 */
public interface FrameSource extends AutoCloseable {
    int channels();

    /** Frames per second. */
    int sampleRate();

    /**
     * Reads up to {@code max} frames into {@code dst[c][0 ..)} for each channel c; returns the frames read,
     * at least 1, or -1 at the end. Blocks until at least one frame is there.
     */
    int read(float[][] dst, int max) throws HushException;

    @Override
    void close() throws HushException;
}
