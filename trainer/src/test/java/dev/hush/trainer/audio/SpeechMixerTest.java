package dev.hush.trainer.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.audio.AudioMetrics;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mixtures at the asked SNR, and the optional room (reverberation) on the speech. */
class SpeechMixerTest {
    private static final int RATE = 16000;

    private static List<float[]> speech() {
        SplittableRandom rnd = new SplittableRandom(2);
        return List.of(AudioModelTest.speechLike(RATE, RATE, rnd), AudioModelTest.speechLike(RATE / 2, RATE, rnd));
    }

    @Test
    void theNoiseIsAtTheAskedSnr() {
        SpeechMixer m = new SpeechMixer(speech(), speech(), NoiseSignals.GENERATED, -5, 20, RATE);
        for (double snr : new double[] {0, 5, 10}) {
            SpeechMixer.Mixture x = m.make(2 * RATE, snr, new SplittableRandom((long) snr + 7));
            assertEquals(snr, AudioMetrics.snr(x.noisy(), x.clean()), 1e-3, "SNR of the mixture");
        }
    }

    @Test
    void convolutionWithAnImpulseIsTheIdentity() {
        float[] x = speech().get(0);
        float[] h = new float[300];
        h[0] = 1;
        assertArrayEquals(x, SpeechMixer.convolve(x, h), 1e-5f);
        float[] shifted = new float[300];
        shifted[100] = 1;
        float[] y = SpeechMixer.convolve(x, shifted);
        assertEquals(x[500], y[600], 1e-5f);
    }

    @Test
    void roomsDecayBySixtyDecibelsOverTheirRt60AndAddATail() {
        float[] h = SpeechMixer.room(RATE, 0.5, new SplittableRandom(4));
        assertEquals(8000, h.length);
        double early = 0;
        double late = 0;
        for (int i = 400; i < 1200; i++) {
            early += h[i] * h[i];
        }
        for (int i = 7200; i < 8000; i++) {
            late += h[i] * h[i];
        }
        double drop = 10 * Math.log10(early / late);
        // Energy falls by 60 dB over 0.5 s, so by about 50 dB between these two 50-ms windows 0.425 s apart.
        assertTrue(drop > 40 && drop < 62, "decay between the windows: " + drop + " dB");

        SpeechMixer dry = new SpeechMixer(speech(), speech(), List.of("white"), 10, 10, RATE);
        SpeechMixer wet = new SpeechMixer(speech(), speech(), List.of("white"), 10, 10, RATE).reverb(1);
        SpeechMixer.Mixture a = dry.make(2 * RATE, 10, new SplittableRandom(9));
        SpeechMixer.Mixture b = wet.make(2 * RATE, 10, new SplittableRandom(9));
        double target = AudioMetrics.snr(b.clean(), a.clean());
        assertTrue(target < 30, "the early reflections change the target speech: " + target + " dB");
        // The late reverberation is in the input but not in the target, so it counts as noise against it.
        double against = AudioMetrics.snr(b.noisy(), b.clean());
        // Exactly 10 dB if the target were the wet speech; the late tail (about -15 dB here) lowers it.
        assertTrue(against < 9.9, "late reverberation is to be removed: SNR " + against);
        assertThrows(IllegalArgumentException.class, () -> dry.reverb(1.5));
    }

    @Test
    void theTelephoneBandKeepsSpeechFrequenciesAndRemovesTheRest() {
        SpeechMixer m = new SpeechMixer(speech(), speech(), List.of("white"), 10, 10, RATE);
        float[] white = NoiseSignals.make("white", 4 * RATE, RATE, List.of(), new SplittableRandom(3));
        float[] phone = m.filter(white, SpeechMixer.telephone());
        double[] in = bandEnergies(white);
        double[] out = bandEnergies(phone);
        assertEquals(1, out[1] / in[1], 0.1, "1-2 kHz passes");
        assertTrue(out[2] / in[2] < 1e-3, "above 6.8 kHz (an octave over 3.4 kHz) nothing is left: " + out[2] / in[2]);
        assertTrue(out[0] / in[0] < 1e-3, "below 150 Hz (an octave under 300 Hz) nothing is left: " + out[0] / in[0]);
    }

    @Test
    void microphoneEqStaysWithinItsBumpsAndAugmentedMixturesClipOnlyTheInput() {
        SpeechMixer m = new SpeechMixer(speech(), speech(), List.of("white"), 10, 10, RATE);
        float[] white = NoiseSignals.make("white", 4 * RATE, RATE, List.of(), new SplittableRandom(3));
        // One bump of +6 dB at 1 kHz, an octave wide: 1-2 kHz gains up to 6 dB, the band far away nothing.
        float[] eq = m.filter(white, new double[] {Math.log(1000), Math.log(2), 6});
        double[] in = bandEnergies(white);
        double[] out = bandEnergies(eq);
        double gainDb = 10 * Math.log10(out[1] / in[1]);
        assertTrue(gainDb > 1 && gainDb < 6, "1-2 kHz raised by " + gainDb + " dB");
        assertEquals(0, 10 * Math.log10(out[2] / in[2]), 0.3, "above 6.8 kHz unchanged");

        SpeechMixer aug = new SpeechMixer(speech(), speech(), List.of("white"), 10, 10, RATE).augment(1);
        int clipped = 0;
        for (int seed = 0; seed < 40; seed++) {
            SpeechMixer.Mixture x = aug.make(RATE, 10, new SplittableRandom(seed));
            float peakNoisy = 0;
            float peakClean = 0;
            int atPeak = 0;
            for (int i = 0; i < x.noisy().length; i++) {
                peakNoisy = Math.max(peakNoisy, Math.abs(x.noisy()[i]));
                peakClean = Math.max(peakClean, Math.abs(x.clean()[i]));
            }
            for (float v : x.noisy()) {
                atPeak += Math.abs(v) == peakNoisy ? 1 : 0;
            }
            clipped += atPeak > 10 ? 1 : 0;
            assertTrue(peakNoisy <= 1f && peakClean <= 1.5f, "levels stay in range");
        }
        // Clipping comes with probability 1/4: among 40 mixtures, some and not all (binomial, p < 1e-4 otherwise).
        assertTrue(clipped >= 2 && clipped <= 22, "clipped mixtures: " + clipped);
        assertThrows(IllegalArgumentException.class, () -> m.augment(-0.1));
    }

    @Test
    void recordedNoiseLoopsShortRecordingsWithoutAClickAndHasUnitRms() {
        float[] rec = new float[1000];
        for (int i = 0; i < rec.length; i++) {
            rec[i] = (float) Math.sin(2 * Math.PI * i / 100.0); // 10 periods: a seamless loop would need no fade
        }
        float[] x = NoiseSignals.make("recorded", 5000, RATE, List.of(), List.of(rec), new SplittableRandom(1));
        double e = 0;
        float jump = 0;
        for (int i = 0; i < x.length; i++) {
            e += x[i] * x[i];
            if (i > 0) {
                jump = Math.max(jump, Math.abs(x[i] - x[i - 1]));
            }
        }
        assertEquals(1, Math.sqrt(e / x.length), 1e-3);
        // A sine of period 100 at unit RMS steps by at most 2π/100·√2 ≈ 0.089 per sample; a seam would jump more.
        assertTrue(jump < 0.1, "largest step " + jump);
        assertThrows(IllegalArgumentException.class,
                () -> NoiseSignals.make("recorded", 100, RATE, List.of(), List.of(), new SplittableRandom(1)));
    }

    /** Energy below 150 Hz, in 1-2 kHz, and above 6.8 kHz (16 kHz rate). */
    private static double[] bandEnergies(float[] x) {
        int n = Integer.highestOneBit(x.length);
        float[] a = java.util.Arrays.copyOf(x, n);
        new org.jtransforms.fft.FloatFFT_1D(n).realForward(a);
        double[] e = new double[3];
        for (int k = 1; k < n / 2; k++) {
            double hz = (double) k * RATE / n;
            double p = a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
            if (hz < 150) {
                e[0] += p;
            } else if (hz >= 1000 && hz < 2000) {
                e[1] += p;
            } else if (hz > 6800) {
                e[2] += p;
            }
        }
        return e;
    }
}
