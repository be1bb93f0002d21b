package dev.hush.trainer.audio;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Noisy/clean speech pairs made on the fly: an utterance (or two) placed in a segment of the asked length,
 * noise of one or two kinds from {@link NoiseSignals} at a random SNR, and a random overall gain so the
 * model sees quiet and loud recordings alike. The SNR is the ratio of the whole segment's speech energy to
 * its noise energy.
 */
public final class SpeechMixer {
    /** A mixture and the clean speech in it, equally scaled. */
    public record Mixture(float[] noisy, float[] clean, double snrDb) {
    }

    private final List<float[]> speech;
    private final List<float[]> babbleVoices;
    private final List<String> kinds;
    private final double snrMin;
    private final double snrMax;
    private final int rate;
    private double reverb;

    /** {@code babbleVoices}: utterances for babble noise (other utterances than the targets where possible). */
    public SpeechMixer(List<float[]> speech, List<float[]> babbleVoices, List<String> kinds, double snrMin, double snrMax,
                       int rate) {
        if (speech.isEmpty()) {
            throw new IllegalArgumentException("no speech to mix");
        }
        if (!(snrMax >= snrMin)) {
            throw new IllegalArgumentException("snr range must be MIN:MAX with MIN <= MAX, got " + snrMin + ":" + snrMax);
        }
        this.speech = speech;
        this.babbleVoices = babbleVoices;
        this.kinds = kinds;
        this.snrMin = snrMin;
        this.snrMax = snrMax;
        this.rate = rate;
    }

    /**
     * With probability {@code p} a mixture's speech is first played in a simulated room: convolved with a
     * synthetic impulse response (the direct sound, then exponentially decaying noise with RT60 0.2–0.8 s). The
     * target is that reverberant speech: the model learns to remove noise and keep the room, not to dereverberate.
     */
    public SpeechMixer reverb(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("reverb is a probability in [0, 1], got " + p);
        }
        this.reverb = p;
        return this;
    }

    public Mixture make(int length, SplittableRandom rnd) {
        return make(length, rnd.nextDouble(snrMin, Math.nextUp(snrMax)), rnd);
    }

    public Mixture make(int length, double snrDb, SplittableRandom rnd) {
        float[] clean = new float[length];
        place(clean, rnd);
        if (rnd.nextInt(3) == 0) {
            place(clean, rnd);
        }
        if (reverb > 0 && rnd.nextDouble() < reverb) {
            clean = convolve(clean, room(rate, rnd.nextDouble(0.2, 0.8), rnd));
        }
        float[] noise = NoiseSignals.make(kinds.get(rnd.nextInt(kinds.size())), length, rate, babbleVoices, rnd);
        if (kinds.size() > 1 && rnd.nextInt(4) == 0) {
            float[] second = NoiseSignals.make(kinds.get(rnd.nextInt(kinds.size())), length, rate, babbleVoices, rnd);
            float w = (float) rnd.nextDouble(0.2, 0.8);
            for (int i = 0; i < length; i++) {
                noise[i] = (1 - w) * noise[i] + w * second[i];
            }
        }
        double es = energy(clean);
        double en = energy(noise);
        float g = en > 0 ? (float) Math.sqrt(es / en / Math.pow(10, snrDb / 10)) : 0f;
        float[] noisy = new float[length];
        float peak = 0;
        for (int i = 0; i < length; i++) {
            noisy[i] = clean[i] + g * noise[i];
            peak = Math.max(peak, Math.abs(noisy[i]));
        }
        // Loud and quiet recordings alike: peak between −30 and −0.5 dBFS.
        float target = (float) Math.pow(10, rnd.nextDouble(-30, -0.5) / 20);
        float s = peak > 0 ? target / peak : 1f;
        for (int i = 0; i < length; i++) {
            noisy[i] *= s;
            clean[i] *= s;
        }
        return new Mixture(noisy, clean, snrDb);
    }

    /** Adds an utterance (or a window of it) at a random place, so that it fills at least half the segment. */
    private void place(float[] track, SplittableRandom rnd) {
        float[] u = speech.get(rnd.nextInt(speech.size()));
        float g = (float) rnd.nextDouble(0.5, 1.0);
        int n = track.length;
        if (u.length >= n) {
            int from = rnd.nextInt(u.length - n + 1);
            for (int i = 0; i < n; i++) {
                track[i] += g * u[from + i];
            }
        } else {
            int at = rnd.nextInt(n - u.length + 1);
            for (int i = 0; i < u.length; i++) {
                track[at + i] += g * u[i];
            }
        }
    }

    /** A synthetic room impulse response: a unit direct path, then Gaussian noise decaying by 60 dB over rt60 s. */
    static float[] room(int rate, double rt60, SplittableRandom rnd) {
        int n = (int) Math.round(rt60 * rate);
        float[] h = new float[Math.max(2, n)];
        h[0] = 1;
        int delay = (int) (rate * rnd.nextDouble(0.002, 0.01)); // first reflections arrive a few ms later
        double tau = rt60 / 6.91; // exp(−t/τ) falls by 60 dB at rt60
        double level = rnd.nextDouble(0.2, 0.6);
        for (int i = Math.max(1, delay); i < h.length; i++) {
            h[i] = (float) (level * NoiseSignals.gaussian(rnd) * Math.exp(-(double) i / rate / tau) / Math.sqrt(rate * tau));
        }
        return h;
    }

    /** x convolved with h, cut to x's length (FFT convolution). */
    static float[] convolve(float[] x, float[] h) {
        int n = Integer.highestOneBit(Math.max(1, x.length + h.length - 1) - 1) << 1;
        float[] a = new float[2 * n];
        float[] b = new float[2 * n];
        for (int i = 0; i < x.length; i++) {
            a[2 * i] = x[i];
        }
        for (int i = 0; i < h.length; i++) {
            b[2 * i] = h[i];
        }
        org.jtransforms.fft.FloatFFT_1D fft = new org.jtransforms.fft.FloatFFT_1D(n);
        fft.complexForward(a);
        fft.complexForward(b);
        for (int k = 0; k < n; k++) {
            float re = a[2 * k] * b[2 * k] - a[2 * k + 1] * b[2 * k + 1];
            float im = a[2 * k] * b[2 * k + 1] + a[2 * k + 1] * b[2 * k];
            a[2 * k] = re;
            a[2 * k + 1] = im;
        }
        fft.complexInverse(a, true);
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[2 * i];
        }
        return y;
    }

    static double energy(float[] x) {
        double e = 0;
        for (float v : x) {
            e += (double) v * v;
        }
        return e;
    }
}
