package dev.hush.runtime.audio;

import dev.hush.runtime.RunContext;
import dev.hush.runtime.HushException;
import java.util.Arrays;

/**
 * One channel of audio at any rate, as a stream: resample to the model's rate, denoise with its own
 * {@link AudioDenoiser.Stream}, resample back ({@link AudioDenoiser#denoise(float[][], int, RunContext)} runs one per
 * channel over whole signals; the audio-file module streams files through them). The denoiser's delay is removed, so the concatenated output is aligned with the input:
 * at the model's rate it equals {@link AudioDenoiser#denoise} of the whole channel.
 *
 * <p>When the file's rate is above the model's, the band the model cannot see (above about 0.92 × the model's
 * Nyquist frequency: 7.4 kHz for a 16 kHz model) is not thrown away: it is the input minus its own round trip
 * through the two resamplers, and it is added back, attenuated by the model's gain at that moment: the ratio
 * of the denoised to the noisy signal's high-frequency energy at the model's rate (first differences, which
 * weigh the model's top octave most), tracked with a 20 ms time constant and capped at 1. Speech keeps its air
 * and sibilants; where the model removes noise, the noise above its band goes down with it. Every step is
 * causal and per sample, so the output does not depend on how the input is split into blocks.
 */
public final class ChannelPipeline {
    /** Time constant of the high-band gain tracker. */
    static final double GAIN_SECONDS = 0.02;
    /** The high band gets the model's amplitude gain to this power (1: the same gain; 2: more attenuation where it is below 1). */
    static final double GAIN_POWER = 2;
    /** Energy floor (per sample, squared full scale) below which the gain tracker treats the input as silence. */
    private static final double FLOOR = 1e-10;

    private final Resampler.Stream down;
    private final Resampler.Stream up;
    private final AudioDenoiser.Stream stream;
    private final int fileRate;
    private final int modelRate;
    private long skip;
    private boolean finished;

    // The high band (null / unused when the file's rate is not above the model's).
    private final Resampler.Stream loUp;
    private final FloatQueue raw = new FloatQueue(); // file-rate input not yet paired with its low band
    private final FloatQueue high = new FloatQueue(); // file-rate high band, in output order
    private final FloatQueue noisyDown = new FloatQueue(); // model-rate input awaiting its denoised sample
    private final FloatQueue gains = new FloatQueue(); // model-rate gains, from model index gainStart on
    private long gainStart;
    private long outIndex; // file-rate index of the next output sample
    private float prevNoisy;
    private float prevClean;
    private double noisyEnergy;
    private double cleanEnergy;
    private final double decay;

    public ChannelPipeline(AudioDenoiser denoiser, int fileRate) {
        this(denoiser, fileRate, new RunContext());
    }

    /** As {@link #ChannelPipeline(AudioDenoiser, int)}, its stream under {@code context} (which cancels it). */
    public ChannelPipeline(AudioDenoiser denoiser, int fileRate, RunContext context) {
        int rate = denoiser.sampleRate();
        this.fileRate = fileRate;
        this.modelRate = rate;
        this.down = fileRate == rate ? null : new Resampler(fileRate, rate).stream();
        this.up = fileRate == rate ? null : new Resampler(rate, fileRate).stream();
        this.loUp = fileRate > rate ? new Resampler(rate, fileRate).stream() : null;
        this.stream = denoiser.stream(context);
        this.skip = stream.latencySamples();
        this.decay = Math.exp(-1 / (GAIN_SECONDS * rate));
    }

    /** True when the band above the model's is kept (the file's rate is above the model's). */
    public boolean keepsHighBand() {
        return loUp != null;
    }

    /** Takes {@code len} samples at the file's rate; returns the output samples ready so far. */
    public float[] push(float[] in, int off, int len) throws HushException {
        float[] x = down == null ? Arrays.copyOfRange(in, off, off + len) : down.push(in, off, len);
        if (loUp != null) {
            raw.add(in, off, len);
            noisyDown.add(x, 0, x.length);
            pairHigh(loUp.push(x, 0, x.length));
        }
        float[] y = denoise(x);
        return up == null ? y : withHigh(up.push(y, 0, y.length));
    }

    /** Ends the channel and returns the rest of its output (at least as many samples as went in, in all). */
    public float[] finish() throws HushException {
        finished = true;
        float[] last = down == null ? new float[0] : down.finish();
        if (loUp != null) {
            noisyDown.add(last, 0, last.length);
            pairHigh(loUp.push(last, 0, last.length));
            pairHigh(loUp.finish());
        }
        float[] y = denoise(last);
        float[] tail = stream.finish();
        int from = (int) Math.min(skip, tail.length);
        skip -= from;
        float[] t = Arrays.copyOfRange(tail, from, tail.length);
        track(t);
        float[] rest = concat(y, t);
        if (up == null) {
            return rest;
        }
        return concat(withHigh(up.push(rest, 0, rest.length)), withHigh(up.finish()));
    }

    public boolean finished() {
        return finished;
    }

    private float[] denoise(float[] x) throws HushException {
        if (x.length == 0) {
            return x;
        }
        float[] out = new float[x.length];
        stream.process(x, 0, x.length, out, 0);
        int from = (int) Math.min(skip, out.length);
        skip -= from;
        float[] y = from == 0 ? out : Arrays.copyOfRange(out, from, out.length);
        track(y);
        return y;
    }

    /** The high band: the raw input minus its low band (its round trip through both resamplers), in order. */
    private void pairHigh(float[] lo) {
        for (float v : lo) {
            // The round trip may run past the input's end (zeros there); nothing is left to pair then.
            high.add((raw.isEmpty() ? 0f : raw.poll()) - v);
        }
    }

    /** Updates the gain tracker with denoised model-rate samples, each paired with the noisy sample it came from. */
    private void track(float[] clean) {
        if (loUp == null) {
            return;
        }
        for (float c : clean) {
            float n = noisyDown.isEmpty() ? 0f : noisyDown.poll();
            double dn = n - prevNoisy;
            double dc = c - prevClean;
            prevNoisy = n;
            prevClean = c;
            noisyEnergy = decay * noisyEnergy + (1 - decay) * dn * dn;
            cleanEnergy = decay * cleanEnergy + (1 - decay) * dc * dc;
            gains.add((float) Math.min(1, Math.pow((cleanEnergy + FLOOR) / (noisyEnergy + FLOOR), 0.5 * GAIN_POWER)));
        }
    }

    /** Adds the gained high band to file-rate output samples (in place) and drops what is no longer needed. */
    private float[] withHigh(float[] y) {
        if (loUp == null) {
            return y;
        }
        for (int i = 0; i < y.length; i++, outIndex++) {
            long j = outIndex * modelRate / fileRate; // the model-rate sample at (or just before) this time
            float g = gains.isEmpty() ? 1f : gains.get((int) Math.min(gains.size() - 1, Math.max(0, j - gainStart)));
            y[i] += g * (high.isEmpty() ? 0f : high.poll());
        }
        long keep = outIndex * modelRate / fileRate;
        int drop = (int) Math.min(gains.size(), Math.max(0, keep - gainStart));
        gains.drop(drop);
        gainStart += drop;
        return y;
    }

    /** {@code a} followed by {@code b} (either one itself when the other is empty). */
    public static float[] concat(float[] a, float[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
