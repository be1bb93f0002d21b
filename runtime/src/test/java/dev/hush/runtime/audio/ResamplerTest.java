package dev.hush.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {
    /** Least-squares amplitude of a sine at {@code hz} over [from, to), and the RMS of what it leaves. */
    private static double[] fitSine(float[] v, int rate, double hz, int from, int to) {
        double cc = 0;
        double ss = 0;
        double cs = 0;
        double vc = 0;
        double vs = 0;
        for (int i = from; i < to; i++) {
            double c = Math.cos(2 * Math.PI * hz * i / rate);
            double s = Math.sin(2 * Math.PI * hz * i / rate);
            cc += c * c;
            ss += s * s;
            cs += c * s;
            vc += v[i] * c;
            vs += v[i] * s;
        }
        double det = cc * ss - cs * cs;
        double a = (vc * ss - vs * cs) / det;
        double b = (vs * cc - vc * cs) / det;
        double residual = 0;
        for (int i = from; i < to; i++) {
            double fit = a * Math.cos(2 * Math.PI * hz * i / rate) + b * Math.sin(2 * Math.PI * hz * i / rate);
            residual += (v[i] - fit) * (v[i] - fit);
        }
        return new double[] {Math.hypot(a, b), Math.sqrt(residual / (to - from))};
    }

    @Test
    void aSineKeepsItsFrequencyAndAmplitude() {
        int[][] rates = {{16_000, 10_000}, {10_000, 16_000}, {44_100, 16_000}, {16_000, 48_000}};
        for (int[] r : rates) {
            float[] x = Signals.sine(r[0], r[0], 1000, 0.5); // one second
            float[] y = new Resampler(r[0], r[1]).resample(x);
            assertEquals(r[1], y.length);
            // Away from the ends, where the kernel reaches past the signal.
            double[] fit = fitSine(y, r[1], 1000, r[1] / 10, r[1] - r[1] / 10);
            System.out.printf("resample 1 kHz sine %d → %d Hz: amplitude %.6f (0.5), residual RMS %.2e%n",
                    r[0], r[1], fit[0], fit[1]);
            assertEquals(0.5, fit[0], 0.005, "amplitude within 1 %");
            // A wrong frequency would leave most of the sine in the residual.
            assertTrue(fit[1] < 0.005 * 0.5, "residual RMS " + fit[1]);
        }
    }

    @Test
    void toneAboveTheNewNyquistIsRemoved() {
        float[] x = Signals.sine(16_000, 16_000, 6500, 0.5); // above 5 kHz, would alias to 3.5 kHz
        float[] y = new Resampler(16_000, 10_000).resample(x);
        double rms = 0;
        for (int i = 1000; i < 9000; i++) {
            rms += y[i] * y[i];
        }
        rms = Math.sqrt(rms / 8000);
        double db = 20 * Math.log10(rms / (0.5 / Math.sqrt(2)));
        System.out.printf("resample 6.5 kHz sine 16 → 10 kHz: %.1f dB left%n", db);
        assertTrue(db < -80, db + " dB");
    }

    @Test
    void sameRateCopiesAndLengthsRoundUp() {
        float[] x = Signals.noise(1001, 0.1, 4);
        assertArrayEquals(x, new Resampler(22_050, 22_050).resample(x));
        assertEquals(626, new Resampler(16_000, 10_000).outputLength(1001), "⌈1001 · 5/8⌉");
        assertEquals(0, new Resampler(16_000, 10_000).resample(new float[0]).length);
        assertThrows(IllegalArgumentException.class, () -> new Resampler(0, 16_000));
    }
}
