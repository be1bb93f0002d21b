package dev.hush.audio;

import dev.hush.runtime.HushException;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.Resampler;
import java.util.Arrays;

/**
 * One channel of a file: resample to the model's rate, denoise with its own {@link AudioDenoiser.Stream},
 * resample back. The denoiser's delay is removed, so the concatenated output is aligned with the input:
 * at the model's rate it equals {@link AudioDenoiser#denoise} of the whole channel.
 */
final class ChannelPipeline {
    private final Resampler.Stream down;
    private final Resampler.Stream up;
    private final AudioDenoiser.Stream stream;
    private long skip;
    private boolean finished;

    ChannelPipeline(AudioDenoiser denoiser, int fileRate) {
        int rate = denoiser.sampleRate();
        this.down = fileRate == rate ? null : new Resampler(fileRate, rate).stream();
        this.up = fileRate == rate ? null : new Resampler(rate, fileRate).stream();
        this.stream = denoiser.stream();
        this.skip = denoiser.latencySamples();
    }

    /** Takes {@code len} samples at the file's rate; returns the output samples ready so far. */
    float[] push(float[] in, int off, int len) throws HushException {
        float[] x = down == null ? Arrays.copyOfRange(in, off, off + len) : down.push(in, off, len);
        float[] y = denoise(x);
        return up == null ? y : up.push(y, 0, y.length);
    }

    /** Ends the channel and returns the rest of its output (at least as many samples as went in, in all). */
    float[] finish() throws HushException {
        finished = true;
        float[] y = down == null ? new float[0] : denoise(down.finish());
        float[] tail = stream.finish();
        int from = (int) Math.min(skip, tail.length);
        skip -= from;
        float[] rest = concat(y, Arrays.copyOfRange(tail, from, tail.length));
        if (up == null) {
            return rest;
        }
        return concat(up.push(rest, 0, rest.length), up.finish());
    }

    boolean finished() {
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
        return from == 0 ? out : Arrays.copyOfRange(out, from, out.length);
    }

    static float[] concat(float[] a, float[] b) {
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
