package dev.hush.trainer.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.trainer.image.noise.GaussianNoise;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
    @Test
    void deadLeavesAreSeededBoundedAndVaried() {
        float[] a = DeadLeaves.standard().generate(96, 80, new SplittableRandom(5));
        float[] b = DeadLeaves.standard().generate(96, 80, new SplittableRandom(5));
        assertArrayEquals(a, b, "same seed, same image");
        double mean = 0;
        for (float v : a) {
            assertTrue(v >= 0 && v <= 1);
            mean += v;
        }
        mean /= a.length;
        double var = 0;
        for (float v : a) {
            var += (v - mean) * (v - mean);
        }
        assertTrue(Math.sqrt(var / a.length) > 0.1, "the image has contrast");
    }

    @Test
    void fluorescenceImagesAreMostlyDarkWithBrightStructures() {
        float[] a = CleanImages.named("fluorescence").generate(128, 96, new SplittableRandom(3));
        float[] b = CleanImages.named("fluorescence").generate(128, 96, new SplittableRandom(3));
        assertArrayEquals(a, b, "seeded");
        float[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        assertTrue(sorted[sorted.length / 2] < 0.3, "median is dark: " + sorted[sorted.length / 2]);
        assertTrue(sorted[sorted.length - 1] > 0.3, "there are bright structures: " + sorted[sorted.length - 1]);
        for (float v : a) {
            assertTrue(v >= 0 && v <= 1);
        }
        assertTrue(CleanImages.named("mixed").describe().contains("fluorescence"));
        assertThrows(IllegalArgumentException.class, () -> CleanImages.named("photos"));
    }

    @Test
    void gaussianNoiseHasTheRequestedSigma() {
        float[] clean = new float[200_000];
        java.util.Arrays.fill(clean, 0.5f);
        float[] noisy = GaussianNoise.parse("25", 0).apply(clean, new SplittableRandom(1));
        double s = 0;
        for (int i = 0; i < clean.length; i++) {
            s += (noisy[i] - 0.5) * (noisy[i] - 0.5);
        }
        assertEquals(25 / 255.0, Math.sqrt(s / clean.length), 0.002);
    }

    @Test
    void patchesKeepNoisyAndCleanAligned() {
        SyntheticPairs pairs = new SyntheticPairs(DeadLeaves.standard(), GaussianNoise.parse("0", 0), 0.1, 99.9, 96);
        float[] n = new float[3 * 32 * 32];
        float[] c = new float[n.length];
        pairs.fill(n, c, null, 0, 3, 32, new SplittableRandom(2));
        assertArrayEquals(c, n, 1e-6f, "with sigma 0 the noisy patch is the clean one");
    }
}
