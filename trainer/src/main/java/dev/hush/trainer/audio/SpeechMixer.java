package dev.hush.trainer.audio;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Noisy/clean speech pairs made on the fly: an utterance (or two) placed in a segment of the asked length,
 * noise of one to three kinds from {@link NoiseSignals} (generated, or excerpts of real recordings) at a random
 * SNR, and a random overall gain so the model sees quiet and loud recordings alike. The SNR is the ratio of the
 * whole segment's speech energy to its noise energy. Optional real-world conditions: rooms ({@link #reverb}) and
 * the microphone and channel ({@link #augment}).
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
    private List<float[]> recordings = List.of();
    private double reverb;
    private double augment;
    private LossyCodecs codecs;
    private final AtomicInteger codecFailures = new AtomicInteger();

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

    /** Real noise recordings for the {@code recorded} noise kind. */
    public SpeechMixer recordings(List<float[]> clips) {
        this.recordings = List.copyOf(clips);
        return this;
    }

    /**
     * With probability {@code p} a mixture's speech is first played in a simulated room: convolved with a
     * synthetic impulse response (the direct sound, then exponentially decaying noise with RT60 0.2–0.8 s). The
     * target is the speech with only the direct sound and the first 50 ms of the response (the early reflections
     * that do not hurt intelligibility): the model learns to remove noise and the late reverberation.
     */
    public SpeechMixer reverb(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("reverb is a probability in [0, 1], got " + p);
        }
        this.reverb = p;
        return this;
    }

    /**
     * With probability {@code p} each, the ways real recordings differ from clean studio speech: a microphone's
     * colouration (a random smooth EQ, ±6 dB, on speech and noise alike; the target keeps it), and with
     * probability {@code p}/4 each, a telephone channel (300–3400 Hz on the whole mixture and the target, which
     * also stands for 8 kHz sources), clipping of the noisy input (at 30–80 % of its peak; the target is not
     * clipped) and, where {@link #codecs} are given, a lossy codec on the noisy input (the target is not coded).
     */
    public SpeechMixer augment(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("augment is a probability in [0, 1], got " + p);
        }
        this.augment = p;
        return this;
    }

    /**
     * Lossy codecs for {@link #augment} (probability {@code p}/4): the noisy input goes through one, at a random bit
     * rate, after the gain and clipping. A round trip that fails leaves that mixture uncoded and is counted
     * ({@link #codecFailures}).
     */
    public SpeechMixer codecs(LossyCodecs codecs) {
        this.codecs = codecs;
        return this;
    }

    /** Round trips through a codec that failed (those mixtures went uncoded). */
    public int codecFailures() {
        return codecFailures.get();
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
        float[] dry = clean;
        if (reverb > 0 && rnd.nextDouble() < reverb) {
            float[] h = room(rate, rnd.nextDouble(0.2, 0.8), rnd);
            dry = convolve(clean, java.util.Arrays.copyOf(h, Math.min(h.length, rate / 20)));
            clean = convolve(clean, h);
        }
        int count = kinds.size() > 1 && rnd.nextInt(4) == 0 ? (rnd.nextInt(3) == 0 ? 3 : 2) : 1;
        float[] noise = new float[length];
        for (int k = 0; k < count; k++) {
            float[] one = NoiseSignals.make(kinds.get(rnd.nextInt(kinds.size())), length, rate, babbleVoices, recordings,
                    rnd);
            float w = k == 0 ? 1f : (float) rnd.nextDouble(0.2, 0.8);
            for (int i = 0; i < length; i++) {
                noise[i] += w * one[i];
            }
        }
        if (augment > 0) {
            // Everything the microphone hears is coloured the same way.
            if (rnd.nextDouble() < augment) {
                double[] eq = randomEq(rnd);
                boolean same = dry == clean;
                clean = filter(clean, eq);
                dry = same ? clean : filter(dry, eq);
                noise = filter(noise, eq);
            }
            if (rnd.nextDouble() < augment / 4) {
                double[] phone = telephone();
                boolean same = dry == clean;
                clean = filter(clean, phone);
                dry = same ? clean : filter(dry, phone);
                noise = filter(noise, phone);
            }
        }
        boolean clip = augment > 0 && rnd.nextDouble() < augment / 4;
        float g = noiseGain(clean, noise, 0, snrDb);
        float[] noisy = new float[length];
        float peak = 0;
        for (int i = 0; i < length; i++) {
            noisy[i] = clean[i] + g * noise[i];
            peak = Math.max(peak, Math.abs(noisy[i]));
        }
        // Loud and quiet recordings alike: peak between −30 and −0.5 dBFS.
        float target = (float) Math.pow(10, rnd.nextDouble(-30, -0.5) / 20);
        float s = peak > 0 ? target / peak : 1f;
        float limit = clip ? (float) (target * rnd.nextDouble(0.3, 0.8)) : Float.MAX_VALUE;
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            noisy[i] = Math.max(-limit, Math.min(limit, noisy[i] * s));
            out[i] = dry[i] * s;
        }
        if (augment > 0 && codecs != null && !codecs.isEmpty() && rnd.nextDouble() < augment / 4) {
            try {
                noisy = codecs.random(noisy, rate, rnd);
            } catch (IOException e) {
                codecFailures.incrementAndGet();
            }
        }
        return new Mixture(noisy, out, snrDb);
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

    /**
     * A random microphone colouration as gains at the FFT's bins' relative frequencies: a sum of 2–4 bumps of
     * ±6 dB, each a Gaussian in log frequency (a third to two octaves wide) between 80 Hz and 7 kHz, relative to a
     * 16 kHz rate; returned as {centre, width, gain} triples for {@link #filter}.
     */
    static double[] randomEq(SplittableRandom rnd) {
        int n = 2 + rnd.nextInt(3);
        double[] bumps = new double[3 * n];
        for (int i = 0; i < n; i++) {
            bumps[3 * i] = Math.log(rnd.nextDouble(80, 7000));
            bumps[3 * i + 1] = rnd.nextDouble(0.23, 1.39); // a third of an octave to two octaves, in ln units
            bumps[3 * i + 2] = rnd.nextDouble(-6, 6);
        }
        return bumps;
    }

    /** The telephone band as a filter for {@link #filter}: a marker followed by the band edges in Hz. */
    static double[] telephone() {
        return new double[] {Double.NaN, 300, 3400};
    }

    /**
     * x filtered in the frequency domain (zero-padded FFT, so no wrap-around): by the EQ bumps of {@link #randomEq},
     * or, for {@link #telephone}, a band-pass with raised-cosine edges an octave wide (gain 1 inside the band).
     */
    float[] filter(float[] x, double[] spec) {
        int n = Integer.highestOneBit(Math.max(2, 2 * x.length) - 1) << 1;
        float[] a = java.util.Arrays.copyOf(x, n);
        org.jtransforms.fft.FloatFFT_1D fft = new org.jtransforms.fft.FloatFFT_1D(n);
        fft.realForward(a);
        for (int k = 0; k <= n / 2; k++) {
            double hz = (double) k * rate / n;
            double g;
            if (Double.isNaN(spec[0])) {
                double lo = spec[1];
                double hi = spec[2];
                g = hz <= 0 ? 0 : hz < lo ? edge(Math.log(hz / lo) / Math.log(2)) : hz > hi
                        ? edge(Math.log(hi / hz) / Math.log(2)) : 1;
            } else {
                double db = 0;
                double lf = Math.log(Math.max(hz, 1));
                for (int i = 0; i < spec.length; i += 3) {
                    double d = (lf - spec[i]) / spec[i + 1];
                    db += spec[i + 2] * Math.exp(-0.5 * d * d);
                }
                g = Math.pow(10, db / 20);
            }
            if (k == 0) {
                a[0] *= (float) g;
            } else if (k == n / 2) {
                a[1] *= (float) g;
            } else {
                a[2 * k] *= (float) g;
                a[2 * k + 1] *= (float) g;
            }
        }
        fft.realInverse(a, true);
        return java.util.Arrays.copyOf(a, x.length);
    }

    /** A raised-cosine edge: 1 at 0 octaves outside the band, 0 at one octave or more (o ≤ 0 outside). */
    private static double edge(double octavesInside) {
        double o = Math.max(-1, Math.min(0, octavesInside));
        return 0.5 * (1 + Math.cos(Math.PI * o));
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

    /**
     * The gain on {@code noise} that puts {@code speech} at {@code snrDb} over it, both energies summed from sample
     * {@code from} on (a bench leaves out its noise-only lead-in); 0 for silent noise.
     */
    public static float noiseGain(float[] speech, float[] noise, int from, double snrDb) {
        double es = 0;
        double en = 0;
        for (int i = from; i < speech.length; i++) {
            es += (double) speech[i] * speech[i];
            en += (double) noise[i] * noise[i];
        }
        return en > 0 ? (float) Math.sqrt(es / en / Math.pow(10, snrDb / 10)) : 0f;
    }
}
