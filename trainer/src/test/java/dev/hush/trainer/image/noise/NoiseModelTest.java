package dev.hush.trainer.image.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoiseModelTest {
    private static float[] flat(float v, int n) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    private static double[] meanVar(float[] a) {
        double m = 0;
        for (float v : a) {
            m += v;
        }
        m /= a.length;
        double var = 0;
        for (float v : a) {
            var += (v - m) * (v - m);
        }
        return new double[] {m, var / a.length};
    }

    @Test
    void poissonHasMeanAndVarianceOfPhotonCounts() {
        // clean 0.5 at peak 40 photons: 20 photons on average, variance 20 → in signal units 0.5 and 20/40².
        float[] out = NoiseModel.parse("poisson:40").apply(flat(0.5f, 200_000), new SplittableRandom(1));
        double[] mv = meanVar(out);
        assertEquals(0.5, mv[0], 0.003);
        assertEquals(20.0 / 1600, mv[1], 0.0004);
        // Large counts use the normal approximation; the variance still follows the mean.
        double[] big = meanVar(NoiseModel.parse("poisson:400").apply(flat(0.5f, 200_000), new SplittableRandom(2)));
        assertEquals(200.0 / 160_000, big[1], 0.00005);
    }

    @Test
    void poissonGaussianAddsReadNoise() {
        double[] mv = meanVar(NoiseModel.parse("poisson-gaussian:40:40:10:10").apply(flat(0.5f, 200_000),
                new SplittableRandom(3)));
        assertEquals(20.0 / 1600 + Math.pow(10 / 255.0, 2), mv[1], 0.0005);
    }

    @Test
    void saltPepperSpeckleAndClip() {
        float[] sp = NoiseModel.parse("salt-pepper:0.1").apply(flat(0.5f, 100_000), new SplittableRandom(4));
        long hit = 0;
        for (float v : sp) {
            if (v != 0.5f) {
                hit++;
                assertTrue(v == 0f || v == 1f);
            }
        }
        assertEquals(0.1, hit / 100_000.0, 0.005);
        double[] sk = meanVar(NoiseModel.parse("speckle:0.2").apply(flat(0.5f, 200_000), new SplittableRandom(5)));
        assertEquals(0.5, sk[0], 0.002);
        assertEquals(0.01, sk[1], 0.0005); // (0.5 · 0.2)²
        float[] clipped = NoiseModel.parse("gaussian:80,clip=1").apply(flat(0.9f, 10_000), new SplittableRandom(6));
        for (float v : clipped) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void mixturesPickAnAlternativePerImage() {
        NoiseModel m = NoiseModel.parse("gaussian:0|salt-pepper:1");
        SplittableRandom rnd = new SplittableRandom(7);
        int unchanged = 0;
        for (int i = 0; i < 200; i++) {
            float[] out = m.apply(flat(0.5f, 4), rnd);
            if (out[0] == 0.5f) {
                unchanged++;
            }
        }
        assertTrue(unchanged > 60 && unchanged < 140, "about half of the images get each alternative: " + unchanged);
        assertEquals("gaussian:0|salt-pepper:1.0:1.0", m.describe());
        assertEquals("gaussian:0:50,clip=0.5|poisson-gaussian:2:200:0:10,clip=0.5",
                NoiseModel.parse("gaussian:0:50,clip=0.5|poisson-gaussian:2:200:0:10,clip=0.5").describe());
    }

    @Test
    void sameSeedSameNoise() {
        NoiseModel m = NoiseModel.parse("poisson-gaussian:2:200:0:10");
        float[] a = m.apply(flat(0.3f, 1000), new SplittableRandom(9));
        float[] b = m.apply(flat(0.3f, 1000), new SplittableRandom(9));
        assertTrue(Arrays.equals(a, b));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("pink:3")).getMessage()
                .contains("poisson-gaussian"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("gaussian:x")).getMessage()
                .contains("not a number"));
        assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("poisson:0"));
        assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("poisson-gaussian:1:2"));
        assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("gaussian:10,clip=2"));
    }

    @Test
    void blotchesDamageLocallyAndRepeatWithTheSeed() {
        // A smooth ramp: every kind of damage (a level, a flattened or a shifted copy) shows as changed pixels.
        int side = 128;
        float[] clean = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                clean[y * side + x] = (float) (0.5 + 0.2 * Math.sin(x * 0.3) * Math.cos(y * 0.2) + 0.2 * (x / (double) side - 0.5));
            }
        }
        NoiseModel m = NoiseModel.parse("blotches:2:2");
        int damagedImages = 0;
        for (int seed = 0; seed < 20; seed++) {
            float[] a = m.apply(clean, new SplittableRandom(seed));
            float[] b = m.apply(clean, new SplittableRandom(seed));
            assertTrue(Arrays.equals(a, b), "the same seed gives the same damage");
            int changed = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(a[i] >= 0 && a[i] <= 1, "values stay in [0, 1]");
                changed += a[i] != clean[i] ? 1 : 0;
            }
            // Local: two blotches or strokes never cover a fifth of the image.
            assertTrue(changed < side * side / 5, "seed " + seed + ": " + changed + " px changed");
            damagedImages += changed > 0 ? 1 : 0;
        }
        assertTrue(damagedImages >= 18, damagedImages + " of 20 images damaged");
        assertEquals(0, countChanged(NoiseModel.parse("blotches:0:0").apply(clean, new SplittableRandom(1)), clean));
        // Three channels of a square image work too; a non-square length is refused with the reason.
        float[] rgb = new float[3 * 64 * 64];
        Arrays.fill(rgb, 0.5f);
        assertTrue(countChanged(NoiseModel.parse("blotches:20:20").apply(rgb, new SplittableRandom(4)), rgb) > 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.apply(new float[10 * 12], new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NoiseModel.parse("blotches:3:1"));
    }

    private static int countChanged(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }
}
