package dev.hush.runtime.audio;

import java.util.Arrays;

/**
 * STFT synthesis of a stream: takes frames one at a time (from {@link StreamingStft}, perhaps changed by a
 * mask) and gives back the hop samples each frame completes, holding only one frame of partial sums.
 * The output stream is the padded signal of {@link Stft}: its sample i + {@link #latency()} is input
 * sample i, and its first latency samples are the leading padding (zeros if the spectrum was not changed).
 * Output equals {@link Stft#synthesize(Spectrogram, int)} of the same frames exactly.
 */
public final class OverlapAdd {
    private final Stft stft;
    private final float[] accumulator;
    private final float[] frame;
    private long frames;

    public OverlapAdd(int nFft, int hop) {
        this.stft = new Stft(nFft, hop);
        this.accumulator = new float[nFft];
        this.frame = new float[nFft];
    }

    /** Forgets the stream. */
    public void reset() {
        Arrays.fill(accumulator, 0f);
        frames = 0;
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

    /** nFft − hop, the delay of the output behind the input of the {@link StreamingStft} feeding it. */
    public int latency() {
        return stft.latency();
    }

    /** Frames added so far; the output stream so far is frames × hop samples long. */
    public long frames() {
        return frames;
    }

    /**
     * Adds the next frame (bins {@code re[0 .. bins)}, {@code im[0 .. bins)}) and writes the {@link #hop()}
     * samples that no later frame touches to {@code out[offset .. offset + hop)}.
     */
    public void push(float[] re, float[] im, float[] out, int offset) {
        int hop = stft.hop();
        if (re.length < stft.bins() || im.length < stft.bins()) {
            throw new IllegalArgumentException("a frame needs " + stft.bins() + " bins (n_fft " + stft.nFft()
                    + "), got " + re.length + " and " + im.length);
        }
        if (offset < 0 || offset + hop > out.length) {
            throw new IndexOutOfBoundsException("output of " + out.length + " samples has no room for " + hop
                    + " samples at " + offset);
        }
        stft.inverse(re, im, 0, frame);
        for (int i = 0; i < frame.length; i++) {
            accumulator[i] += frame[i];
        }
        for (int j = 0; j < hop; j++) {
            out[offset + j] = accumulator[j] * stft.inverseEnvelope(j);
        }
        System.arraycopy(accumulator, hop, accumulator, 0, accumulator.length - hop);
        Arrays.fill(accumulator, accumulator.length - hop, accumulator.length, 0f);
        frames++;
    }
}
