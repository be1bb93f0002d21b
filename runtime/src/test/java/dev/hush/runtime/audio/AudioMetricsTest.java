package dev.hush.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AudioMetricsTest {
    private static final int RATE = 16_000;

    @Test
    void snrOfNoiseScaledToTenDecibels() {
        float[] x = Signals.speechLike(2, RATE, 5);
        float[] noisy = Signals.plus(x, Signals.noiseAt(x, 10, 6));
        assertEquals(10.0, AudioMetrics.snr(noisy, x), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, AudioMetrics.snr(x, x.clone()));
        assertEquals(0.0, AudioMetrics.snr(new float[x.length], x), 1e-12, "all signal lost: 0 dB");
        assertThrows(IllegalArgumentException.class, () -> AudioMetrics.snr(x, new float[x.length]), "silent reference");
        assertThrows(IllegalArgumentException.class, () -> AudioMetrics.snr(x, new float[3]), "lengths differ");
    }

    @Test
    void siSdrOfOrthogonalNoiseIsItsSnrAndIgnoresScaleAndOffset() {
        float[] x = Signals.speechLike(2, RATE, 7);
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        for (int i = 0; i < x.length; i++) {
            x[i] -= (float) mean;
        }
        // Noise with the part along x and its mean projected out, so the projection α is exactly 1.
        double[] n = Signals.noiseAt(x, 0, 8);
        double nMean = 0;
        double nx = 0;
        double xx = 0;
        for (int i = 0; i < n.length; i++) {
            nMean += n[i];
        }
        nMean /= n.length;
        for (int i = 0; i < n.length; i++) {
            n[i] -= nMean;
            nx += n[i] * x[i];
            xx += (double) x[i] * x[i];
        }
        double nn = 0;
        for (int i = 0; i < n.length; i++) {
            n[i] -= nx / xx * x[i];
            nn += n[i] * n[i];
        }
        double g = Math.sqrt(xx / nn / 10); // 10 dB
        for (int i = 0; i < n.length; i++) {
            n[i] *= g;
        }
        float[] est = Signals.plus(x, n);
        assertEquals(10.0, AudioMetrics.siSdr(est, x), 1e-6);
        float[] louderWithOffset = new float[est.length];
        for (int i = 0; i < est.length; i++) {
            louderWithOffset[i] = 3.5f * est[i] + 0.25f;
        }
        assertEquals(10.0, AudioMetrics.siSdr(louderWithOffset, x), 1e-5, "scale and DC offset do not count");
        assertTrue(AudioMetrics.siSdr(louderWithOffset, x) - AudioMetrics.snr(louderWithOffset, x) > 10,
                "plain SNR punishes the gain");
        float[] scaled = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            scaled[i] = 0.5f * x[i];
        }
        assertTrue(AudioMetrics.siSdr(scaled, x) > 100, "a scaled copy is (numerically) perfect");
    }

    @Test
    void segmentalSnrAveragesClampedSegments() {
        int seg = AudioMetrics.SEGMENT;
        float[] x = Signals.noise(4 * seg + 100, 0.5, 9); // 100 trailing samples are left out
        float[] est = x.clone();
        // Segment 0 exact (→ +35), 1 at 10 dB, 2 at −30 dB (→ −10), 3 at 50 dB (→ +35).
        double[] db = {Double.NaN, 10, -30, 50};
        for (int k = 1; k < 4; k++) {
            float[] part = java.util.Arrays.copyOfRange(x, k * seg, (k + 1) * seg);
            double[] n = Signals.noiseAt(part, db[k], 10 + k);
            for (int i = 0; i < seg; i++) {
                est[k * seg + i] = (float) (part[i] + n[i]);
            }
        }
        for (int i = 4 * seg; i < x.length; i++) {
            est[i] = 0; // would pull the mean down if the partial segment counted
        }
        assertEquals((35 + 10 - 10 + 35) / 4.0, AudioMetrics.segmentalSnr(est, x), 1e-4);
        assertEquals(AudioMetrics.SEGMENT_SNR_MAX, AudioMetrics.segmentalSnr(x, x.clone()));
        assertEquals(AudioMetrics.SEGMENT_SNR_MAX, AudioMetrics.segmentalSnr(new float[x.length], new float[x.length]),
                "silent and exact counts as perfect");
        assertEquals(AudioMetrics.SEGMENT_SNR_MIN, AudioMetrics.segmentalSnr(scaled(x, 200), x), 1e-12, "error 199·x");
        assertEquals(-20 * Math.log10(3), AudioMetrics.segmentalSnr(scaled(x, -2), x), 1e-9, "error 3·x: −9.54 dB, not clamped");
        assertEquals(-10 * Math.log10(0.01), AudioMetrics.segmentalSnr(scaled(x, 0.9f), x, 100), 1e-5, "error 0.1·x: 20 dB");
    }

    private static float[] scaled(float[] x, float gain) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = gain * x[i];
        }
        return out;
    }

    @Test
    void stoiIsOneForIdenticalSignals() {
        float[] x = Signals.speechLike(3, RATE, 11);
        assertEquals(1.0, AudioMetrics.stoi(x, x.clone(), RATE), 1e-3);
        float[] at10k = new Resampler(RATE, 10_000).resample(x);
        assertEquals(1.0, AudioMetrics.stoi(at10k, at10k.clone(), 10_000), 1e-3, "no resampling at 10 kHz");
    }

    @Test
    void stoiFallsAsNoiseRises() {
        float[] x = Signals.speechLike(3, RATE, 12);
        double last = 1;
        StringBuilder figures = new StringBuilder("STOI of speech-like signal + white noise:");
        for (double snr : new double[] {20, 5, -5}) {
            float[] noisy = Signals.plus(x, Signals.noiseAt(x, snr, 13));
            double stoi = AudioMetrics.stoi(noisy, x, RATE);
            figures.append(String.format(" %+.0f dB → %.4f", snr, stoi));
            assertTrue(stoi >= -1 && stoi <= 1, "in [−1, 1]: " + stoi);
            assertTrue(stoi < last, "STOI at " + snr + " dB (" + stoi + ") must be below " + last);
            last = stoi;
        }
        System.out.println(figures);
    }

    /**
     * A pinned value: 0.8095154278071653 is what an independent numpy implementation, laid out like the
     * authors' MATLAB code, gives for this pair at 10 kHz (the same formulas, and the same 64-bit LCG as noise).
     * At 10 kHz nothing is resampled, so the two must agree to rounding.
     */
    @Test
    void stoiMatchesAReferenceComputation() {
        int n = 30_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / 10_000.0;
            double env = t > 0.1 ? Math.pow(Math.max(0, Math.sin(2 * Math.PI * 3 * t)), 2) : 0;
            double v = 0;
            for (int h = 1; h < 25; h++) {
                v += Math.sin(2 * Math.PI * h * 140 * t * (1 + 0.05 * Math.sin(2 * Math.PI * 0.7 * t))) / h;
            }
            x[i] = (float) (env * v);
        }
        double[] noise = new double[n];
        long state = 42;
        double nn = 0;
        double xx = 0;
        for (int i = 0; i < n; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            noise[i] = (state >>> 11) / 0x1p53 - 0.5;
            nn += noise[i] * noise[i];
            xx += (double) x[i] * x[i];
        }
        double g = Math.sqrt(xx / nn); // 0 dB
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (float) (x[i] + g * noise[i]);
        }
        assertEquals(-0.47016135f, y[1234], 1e-7f, "same test signal as the reference");
        assertEquals(0.8095154278071653, AudioMetrics.stoi(y, x, 10_000), 1e-6);
    }

    @Test
    void stoiIgnoresGainAndStaysInRangeForUnrelatedSignals() {
        float[] x = Signals.speechLike(3, RATE, 14);
        float[] noisy = Signals.plus(x, Signals.noiseAt(x, 5, 15));
        assertEquals(AudioMetrics.stoi(noisy, x, RATE), AudioMetrics.stoi(scaled(noisy, 0.1f), x, RATE), 1e-6);
        double unrelated = AudioMetrics.stoi(Signals.noise(x.length, 0.2, 16), x, RATE);
        double otherSpeech = AudioMetrics.stoi(Signals.speechLike(3, RATE, 17), x, RATE);
        System.out.printf("STOI of unrelated noise %.4f, of other speech-like signal %.4f%n", unrelated, otherSpeech);
        // Not 0 for noise: clipping the scaled noise envelope at (1 + 10^(15/20))·clean puts some of the
        // clean envelope into it. Still well below any real mixture.
        double atMinus5 = AudioMetrics.stoi(Signals.plus(x, Signals.noiseAt(x, -5, 18)), x, RATE);
        assertTrue(unrelated >= -1 && unrelated < atMinus5 - 0.2, "unrelated noise: " + unrelated);
        assertTrue(otherSpeech >= -1 && otherSpeech < atMinus5 - 0.2, "other speech: " + otherSpeech);
    }

    @Test
    void stoiRefusesTooLittleSpeech() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> AudioMetrics.stoi(new float[RATE], new float[RATE], RATE));
        assertTrue(e.getMessage().contains("silent"), e.getMessage());
        float[] brief = Signals.sine(RATE / 10, RATE, 440, 0.5);
        e = assertThrows(IllegalArgumentException.class, () -> AudioMetrics.stoi(brief, brief, RATE));
        assertTrue(e.getMessage().contains("30 frames"), e.getMessage());
    }

    @Test
    void stoiBandsAreOneThirdOctavesFrom150Hz() {
        int[][] bins = Stoi.bandBins();
        assertEquals(15, bins.length);
        assertEquals(7, bins[0][0], "133.6 Hz is nearest bin 7 of 19.53 Hz");
        for (int j = 1; j < bins.length; j++) {
            assertEquals(bins[j - 1][1], bins[j][0], "bands touch");
            assertTrue(bins[j][1] > bins[j][0], "band " + j + " holds a bin");
        }
        assertTrue(bins[14][1] <= 257);
    }
}
