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
        SpeechMixer m = new SpeechMixer(speech(), speech(), NoiseSignals.KINDS, -5, 20, RATE);
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
        assertTrue(AudioMetrics.snr(b.clean(), a.clean()) < 20, "the room changes the target speech");
        assertEquals(10, AudioMetrics.snr(b.noisy(), b.clean()), 1e-3, "still at the asked SNR over the wet speech");
        assertThrows(IllegalArgumentException.class, () -> dry.reverb(1.5));
    }
}
