package dev.hush.runtime.audio;

import java.util.Arrays;

/**
 * STFT analysis of a stream: takes sample blocks of any length and hands each frame to a sink as soon as
 * its last sample arrives, holding only one frame of samples. The frames are exactly those of
 * {@link Stft#analyze(float[])} on the whole signal: one frame per hop samples pushed, and
 * {@link #flush(FrameSink)} at the end of the stream adds the frames that cover its last samples.
 * Pair it with {@link OverlapAdd} for a stream whose output is the input delayed by
 * {@link #latency()} samples.
 */
public final class StreamingStft {
    /** Receives frames in order. The arrays are reused for the next frame: copy what you keep. */
    @FunctionalInterface
    public interface FrameSink {
        /** Frame {@code index} (from 0): bins {@code re[0 .. bins)}, {@code im[0 .. bins)}. */
        void frame(long index, float[] re, float[] im);
    }

    private final Stft stft;
    private final float[] buffer;
    private final float[] re;
    private final float[] im;
    private int filled;
    private long samples;
    private long frames;
    private boolean flushed;

    public StreamingStft(int nFft, int hop) {
        this.stft = new Stft(nFft, hop);
        this.buffer = new float[nFft];
        this.re = new float[stft.bins()];
        this.im = new float[stft.bins()];
        reset();
    }

    /** Forgets the stream: the next sample pushed is the first of a new one. */
    public void reset() {
        Arrays.fill(buffer, 0f);
        filled = stft.latency(); // the leading zeros of the padded signal
        samples = 0;
        frames = 0;
        flushed = false;
    }

    public int nFft() {
        return stft.nFft();
    }

    public int hop() {
        return stft.hop();
    }

    public int bins() {
        return stft.bins();
    }

    /** nFft − hop: with {@link OverlapAdd}, output sample i + latency is input sample i. */
    public int latency() {
        return stft.latency();
    }

    /** Frames emitted so far. */
    public long frames() {
        return frames;
    }

    public void push(float[] block, FrameSink sink) {
        push(block, 0, block.length, sink);
    }

    /** Pushes {@code block[offset .. offset + length)}; calls {@code sink} for every frame it completes. */
    public void push(float[] block, int offset, int length, FrameSink sink) {
        if (flushed) {
            throw new IllegalStateException("this stream was flushed; reset() it to start a new one");
        }
        if (offset < 0 || length < 0 || offset + length > block.length) {
            throw new IndexOutOfBoundsException("block of " + block.length + " samples has no range [" + offset
                    + ", " + offset + " + " + length + ")");
        }
        int n = buffer.length;
        while (length > 0) {
            int take = Math.min(length, n - filled);
            System.arraycopy(block, offset, buffer, filled, take);
            filled += take;
            offset += take;
            length -= take;
            samples += take;
            if (filled == n) {
                emit(sink);
            }
        }
    }

    /**
     * Ends the stream: pads it with zeros until every sample pushed lies in complete frames, emitting those
     * frames (at most ⌈latency / hop⌉ of them). Afterwards the stream takes no more samples until {@link #reset()}.
     */
    public void flush(FrameSink sink) {
        if (flushed) {
            return;
        }
        long target = ((long) samples + stft.latency() + stft.hop() - 1) / stft.hop();
        while (frames < target) {
            Arrays.fill(buffer, filled, buffer.length, 0f);
            filled = buffer.length;
            emit(sink);
        }
        flushed = true;
    }

    private void emit(FrameSink sink) {
        stft.forward(buffer, 0, re, im, 0);
        sink.frame(frames++, re, im);
        int hop = stft.hop();
        System.arraycopy(buffer, hop, buffer, 0, buffer.length - hop);
        filled = buffer.length - hop;
    }
}
