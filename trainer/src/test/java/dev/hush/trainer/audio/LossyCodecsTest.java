package dev.hush.trainer.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lossy-codec augmentation through the real FFmpeg (the CI installs it; without FFmpeg the round-trip tests are
 * skipped, saying so): every codec comes back the same length and time-aligned (no lag within ±20 samples, less than
 * the pitch period, beats lag 0), and a mixer with codecs codes about
 * a quarter of augment's share of the noisy inputs while the targets stay as they were.
 */
class LossyCodecsTest {
    private static final int RATE = 16000;

    private static double correlation(float[] a, float[] b, int lag) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
            if (i + lag < 0) {
                continue;
            }
            ab += a[i] * (double) b[i + lag];
            aa += a[i] * (double) a[i];
            bb += b[i + lag] * (double) b[i + lag];
        }
        return ab / Math.sqrt(aa * bb + 1e-30);
    }

    @Test
    void everyCodecComesBackTheSameLengthAndAligned() throws Exception {
        LossyCodecs here = LossyCodecs.available();
        assumeFalse(here.isEmpty(), "FFmpeg is not installed (apt-get install ffmpeg): the codec round trips are not run");
        for (int rate : new int[] {RATE, 48000}) {
            float[] x = AudioModelTest.speechLike(rate, rate, new SplittableRandom(5));
            for (LossyCodecs.Codec c : here.codecs()) {
                int kbit = c.kbps()[c.kbps().length / 2];
                float[] y = here.roundTrip(x, rate, c, kbit);
                assertEquals(x.length, y.length, c.name());
                double at0 = correlation(x, y, 0);
                assertTrue(at0 > 0.5, c.name() + " at " + kbit + " kbit/s, " + rate + " Hz: correlation " + at0);
                for (int lag = -20; lag <= 20; lag++) {
                    if (lag != 0) {
                        double r = correlation(x, y, lag);
                        assertTrue(r < at0, c.name() + " at " + rate + " Hz is delayed: correlation " + r + " at lag "
                                + lag + " over " + at0 + " at 0");
                    }
                }
                assertFalse(Arrays.equals(x, y), c.name() + " changed nothing");
            }
        }
    }

    @Test
    void aMixerCodesSomeNoisyInputsAndNeverTheTarget() {
        LossyCodecs gsm;
        try {
            gsm = LossyCodecs.select("gsm");
        } catch (IllegalArgumentException e) {
            assumeFalse(true, e.getMessage());
            return;
        }
        SplittableRandom voices = new SplittableRandom(2);
        List<float[]> speech = List.of(AudioModelTest.speechLike(RATE, RATE, voices),
                AudioModelTest.speechLike(RATE, RATE, voices));
        SpeechMixer plain = new SpeechMixer(speech, speech, List.of("pink"), 0, 10, RATE).augment(1);
        SpeechMixer coded = new SpeechMixer(speech, speech, List.of("pink"), 0, 10, RATE).augment(1).codecs(gsm);
        int changed = 0;
        for (int i = 0; i < 40; i++) {
            SpeechMixer.Mixture a = plain.make(RATE, new SplittableRandom(100 + i));
            SpeechMixer.Mixture b = coded.make(RATE, new SplittableRandom(100 + i));
            assertArrayEquals(a.clean(), b.clean(), "the target is never coded");
            if (!Arrays.equals(a.noisy(), b.noisy())) {
                changed++;
                assertTrue(correlation(a.noisy(), b.noisy(), 0) > 0.5, "the coded input is still the mixture");
            }
        }
        assertTrue(changed >= 3 && changed <= 20, "about a quarter of 40 mixtures coded, got " + changed);
        assertEquals(0, coded.codecFailures());
    }

    @Test
    void theRecipeValueIsChecked() {
        assertEquals(List.of("opus", "mp3"), LossyCodecs.parse("opus, mp3"));
        assertEquals(List.of("none"), LossyCodecs.parse("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossyCodecs.parse("opus,ogg"));
        assertTrue(e.getMessage().contains("opus, mp3, aac, gsm"), e.getMessage());
        IllegalArgumentException noAugment = assertThrows(IllegalArgumentException.class,
                () -> AudioTrainingConfig.defaults().with("codecs", "auto").validate());
        assertTrue(noAugment.getMessage().contains("augment"), noAugment.getMessage());
        AudioTrainingConfig.defaults().with("codecs", "auto").with("augment", "0.3").validate();
        assertTrue(LossyCodecs.available("/nonexistent/ffmpeg").isEmpty(), "no FFmpeg: no codecs, no error");
        assertEquals("none", LossyCodecs.select("none").names());
    }
}
