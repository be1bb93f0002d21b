package dev.hush.runtime.audio;

import java.util.Random;

/** Test signals with known content. */
final class Signals {
    private Signals() {
    }

    static float[] noise(int length, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (sigma * rnd.nextGaussian());
        }
        return out;
    }

    /** Linear chirp from f0 to f1 Hz over the whole length, amplitude 0.8. */
    static float[] chirp(int length, int rate, double f0, double f1) {
        float[] out = new float[length];
        double duration = (double) length / rate;
        for (int i = 0; i < length; i++) {
            double t = (double) i / rate;
            out[i] = (float) (0.8 * Math.sin(2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * duration))));
        }
        return out;
    }

    static float[] sine(int length, int rate, double hz, double amplitude) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }

    /**
     * Something speech-like: syllables of 150–300 ms separated by short pauses of true silence, each a
     * harmonic series on a gliding 100–220 Hz pitch, shaped by two moving formant peaks, with a raised-cosine
     * loudness envelope.
     */
    static float[] speechLike(double seconds, int rate, long seed) {
        Random rnd = new Random(seed);
        int length = (int) Math.round(seconds * rate);
        float[] out = new float[length];
        int pos = (int) (0.1 * rate);
        while (pos < length) {
            int syllable = (int) ((0.15 + 0.15 * rnd.nextDouble()) * rate);
            double f0Start = 100 + 120 * rnd.nextDouble();
            double f0End = f0Start * (0.8 + 0.4 * rnd.nextDouble());
            double formant1 = 300 + 600 * rnd.nextDouble();
            double formant2 = 900 + 1800 * rnd.nextDouble();
            double loudness = 0.2 + 0.6 * rnd.nextDouble();
            double phase = 0;
            for (int i = 0; i < syllable && pos + i < length; i++) {
                double u = (double) i / syllable;
                double f0 = f0Start + (f0End - f0Start) * u;
                phase += 2 * Math.PI * f0 / rate;
                double envelope = loudness * 0.5 * (1 - Math.cos(2 * Math.PI * u));
                double v = 0;
                for (int h = 1; h * f0 < 4500; h++) {
                    double f = h * f0;
                    double gain = 1 / (1 + Math.pow((f - formant1) / 150, 2)) + 0.5 / (1 + Math.pow((f - formant2) / 250, 2)) + 0.02;
                    v += gain * Math.sin(h * phase);
                }
                out[pos + i] = (float) (0.3 * envelope * v);
            }
            pos += syllable + (int) ((0.05 + 0.15 * rnd.nextDouble()) * rate);
        }
        return out;
    }

    /** White Gaussian noise scaled so that the signal-to-noise energy ratio is exactly {@code snrDb}. */
    static double[] noiseAt(float[] signal, double snrDb, long seed) {
        Random rnd = new Random(seed);
        double[] n = new double[signal.length];
        double ns = 0;
        double ss = 0;
        for (int i = 0; i < n.length; i++) {
            n[i] = rnd.nextGaussian();
            ns += n[i] * n[i];
            ss += (double) signal[i] * signal[i];
        }
        double g = Math.sqrt(ss / ns / Math.pow(10, snrDb / 10));
        for (int i = 0; i < n.length; i++) {
            n[i] *= g;
        }
        return n;
    }

    static float[] plus(float[] signal, double[] noise) {
        float[] out = new float[signal.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (signal[i] + noise[i]);
        }
        return out;
    }

    static double maxAbsDifference(float[] a, int aFrom, float[] b, int bFrom, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs((double) a[aFrom + i] - b[bFrom + i]));
        }
        return max;
    }
}
