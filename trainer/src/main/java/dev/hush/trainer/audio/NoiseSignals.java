package dev.hush.trainer.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Noise made here for training and evaluation: coloured noise (white, pink, brown: a 1/f^α power spectrum),
 * mains hum with harmonics, clicks and babble (several voices talking at once), and {@code recorded}: an
 * excerpt of a real noise recording (from the recipe's {@code noise_data} folder). Each is scaled to unit RMS;
 * the mixer sets the level.
 */
public final class NoiseSignals {
    /** The kinds made here, from nothing but a seed (and voices for babble). */
    public static final List<String> GENERATED = List.of("white", "pink", "brown", "hum", "clicks", "babble");
    /** Every kind: the generated ones and {@code recorded}. */
    public static final List<String> KINDS = List.of("white", "pink", "brown", "hum", "clicks", "babble", "recorded");

    private NoiseSignals() {
    }

    /** Checks a spec of kinds joined by '|' and returns the kinds. */
    public static List<String> parse(String spec) {
        List<String> kinds = new ArrayList<>();
        for (String k : spec.split("\\|")) {
            String kind = k.trim().toLowerCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown audio noise '" + kind + "'; use " + String.join(", ", KINDS)
                        + ", joined by '|'");
            }
            kinds.add(kind);
        }
        return kinds;
    }

    /** {@code n} samples of noise of one kind, unit RMS; babble takes its voices from {@code speech}. */
    public static float[] make(String kind, int n, int rate, List<float[]> speech, SplittableRandom rnd) {
        return make(kind, n, rate, speech, List.of(), rnd);
    }

    /** As {@link #make(String, int, int, List, SplittableRandom)}; {@code recorded} draws from {@code recordings}. */
    public static float[] make(String kind, int n, int rate, List<float[]> speech, List<float[]> recordings,
                               SplittableRandom rnd) {
        if (kind.equals("recorded")) {
            return unitRms(recorded(n, recordings, rnd));
        }
        float[] x = switch (kind) {
            case "white" -> colored(n, rnd.nextDouble(-0.3, 0.3), rnd);
            case "pink" -> colored(n, rnd.nextDouble(0.7, 1.3), rnd);
            case "brown" -> colored(n, rnd.nextDouble(1.6, 2.2), rnd);
            case "hum" -> hum(n, rate, rnd);
            case "clicks" -> clicks(n, rate, rnd);
            case "babble" -> babble(n, speech, rnd);
            default -> throw new IllegalArgumentException("unknown audio noise '" + kind + "'");
        };
        if (rnd.nextInt(3) == 0) {
            modulate(x, rate, rnd);
        }
        return unitRms(x);
    }

    /**
     * {@code n} samples from a random place in a random recording, looped (with a 10 ms crossfade at each seam)
     * when the recording is shorter; an excerpt that is near silence is drawn again (up to 8 times).
     */
    static float[] recorded(int n, List<float[]> recordings, SplittableRandom rnd) {
        if (recordings.isEmpty()) {
            throw new IllegalArgumentException("noise 'recorded' needs a folder of noise recordings (noise_data=DIR)");
        }
        float[] x = new float[n];
        for (int attempt = 0; attempt < 8; attempt++) {
            float[] r = recordings.get(rnd.nextInt(recordings.size()));
            int fade = Math.min(160, r.length / 4);
            int pos = rnd.nextInt(r.length);
            for (int i = 0; i < n; i++) {
                if (pos >= r.length) {
                    pos = fade; // the crossfade below already played the start up to here
                }
                float v = r[pos];
                // Near the end of the recording, fade into its start so the loop has no click.
                int left = r.length - pos;
                if (left <= fade && fade > 0) {
                    float w = (float) left / fade;
                    v = w * v + (1 - w) * r[fade - left];
                }
                x[i] = v;
                pos++;
            }
            double e = 0;
            for (float v : x) {
                e += (double) v * v;
            }
            if (Math.sqrt(e / n) > 1e-4) {
                break;
            }
        }
        return x;
    }

    /** Gaussian noise with a power spectrum ∝ 1/f^α (0 white, 1 pink, 2 brown), shaped in one FFT. */
    static float[] colored(int n, double alpha, SplittableRandom rnd) {
        int len = Math.max(2, n + (n & 1));
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) gaussian(rnd);
        }
        if (Math.abs(alpha) > 1e-3) {
            FloatFFT_1D fft = new FloatFFT_1D(len);
            fft.realForward(x);
            // x[0] = DC, x[1] = Nyquist, then (re, im) pairs for bins 1 … len/2 − 1.
            x[0] = 0;
            x[1] *= (float) Math.pow(len / 2.0, -alpha / 2);
            for (int k = 1; k < len / 2; k++) {
                float g = (float) Math.pow(k, -alpha / 2);
                x[2 * k] *= g;
                x[2 * k + 1] *= g;
            }
            fft.realInverse(x, true);
        }
        float[] out = new float[n];
        System.arraycopy(x, 0, out, 0, n);
        return out;
    }

    /** Mains hum: 50 or 60 Hz (±1 %) and up to 12 harmonics with random levels and phases, a little hiss. */
    static float[] hum(int n, int rate, SplittableRandom rnd) {
        double f0 = (rnd.nextBoolean() ? 50 : 60) * rnd.nextDouble(0.99, 1.01);
        int harmonics = 3 + rnd.nextInt(10);
        double[] amp = new double[harmonics];
        double[] phase = new double[harmonics];
        for (int h = 0; h < harmonics; h++) {
            amp[h] = Math.pow(rnd.nextDouble(0.2, 1.0), 1 + h * 0.3);
            phase[h] = rnd.nextDouble(2 * Math.PI);
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double v = 0;
            for (int h = 0; h < harmonics && (h + 1) * f0 < rate / 2.0; h++) {
                v += amp[h] * Math.sin(2 * Math.PI * (h + 1) * f0 * t + phase[h]);
            }
            x[i] = (float) (v + 0.02 * gaussian(rnd));
        }
        return x;
    }

    /** Clicks and crackle: short decaying impulses at random times (2–40 a second), random signs and sizes. */
    static float[] clicks(int n, int rate, SplittableRandom rnd) {
        float[] x = new float[n];
        double perSample = rnd.nextDouble(2, 40) / rate;
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.01 * gaussian(rnd));
        }
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < perSample) {
                double a = (rnd.nextBoolean() ? 1 : -1) * Math.pow(rnd.nextDouble(), 2);
                double tau = rnd.nextDouble(0.0002, 0.003) * rate;
                for (int k = 0; k < (int) (6 * tau) && i + k < n; k++) {
                    x[i + k] += (float) (a * Math.exp(-k / tau) * (k % 2 == 0 ? 1 : -0.6));
                }
            }
        }
        return x;
    }

    /** 3–7 utterances at random offsets and levels, summed: a room of people talking. */
    static float[] babble(int n, List<float[]> speech, SplittableRandom rnd) {
        float[] x = new float[n];
        if (speech.isEmpty()) {
            return colored(n, 1, rnd);
        }
        int voices = 3 + rnd.nextInt(5);
        for (int v = 0; v < voices; v++) {
            float g = (float) rnd.nextDouble(0.3, 1.0);
            int at = 0;
            while (at < n) {
                float[] u = speech.get(rnd.nextInt(speech.size()));
                int start = rnd.nextInt(u.length);
                for (int i = start; i < u.length && at < n; i++) {
                    x[at++] += g * u[i];
                }
            }
        }
        return x;
    }

    /** Slow loudness changes (0.1–2 Hz, up to ±10 dB), so the noise is not perfectly stationary. */
    private static void modulate(float[] x, int rate, SplittableRandom rnd) {
        double f = rnd.nextDouble(0.1, 2);
        double depth = rnd.nextDouble(0.2, 1.15);
        double ph = rnd.nextDouble(2 * Math.PI);
        for (int i = 0; i < x.length; i++) {
            x[i] *= (float) Math.pow(10, depth * 0.5 * Math.sin(2 * Math.PI * f * i / rate + ph));
        }
    }

    static float[] unitRms(float[] x) {
        double e = 0;
        for (float v : x) {
            e += (double) v * v;
        }
        double rms = Math.sqrt(e / Math.max(1, x.length));
        if (rms > 0) {
            float g = (float) (1 / rms);
            for (int i = 0; i < x.length; i++) {
                x[i] *= g;
            }
        }
        return x;
    }

    static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
