package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The single noise estimate and the brightness-dependent map, on images with known noise. */
class NoiseLevelTest {
    static final int W = 256;
    static final int H = 256;

    /** A left-to-right ramp from 20 to 230 grey levels with a few soft bumps (some structure, mostly smooth). */
    static float[] scene() {
        float[] px = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                px[y * W + x] = (float) (20 + 210.0 * x / (W - 1) + 8 * Math.sin(y / 9.0) * Math.cos(x / 13.0));
            }
        }
        return px;
    }

    @Test
    void constantNoiseGivesOneNumberAndNoMap() {
        float[] px = scene();
        Random r = new Random(1);
        for (int i = 0; i < px.length; i++) {
            px[i] += (float) (12 * r.nextGaussian());
        }
        FloatImage img = FloatImage.gray(W, H, px);
        assertEquals(12, NoiseLevel.estimate(img), 0.8);
        assertNull(NoiseLevel.map(img), "the same noise at every brightness: the single estimate is used");
    }

    @Test
    void shotNoiseGetsAMapThatGrowsWithBrightness() {
        float[] px = scene();
        Random r = new Random(2);
        // Poisson-like: variance = 0.8 · intensity (grey levels), so sigma 4 at 20 and 13.6 at 230.
        for (int i = 0; i < px.length; i++) {
            px[i] += (float) (Math.sqrt(0.8 * px[i]) * r.nextGaussian());
        }
        float[] map = NoiseLevel.map(FloatImage.gray(W, H, px));
        assertNotNull(map);
        double dark = map[(H / 2) * W + 20];
        double bright = map[(H / 2) * W + W - 20];
        double wantDark = Math.sqrt(0.8 * (20 + 210.0 * 20 / (W - 1)));
        double wantBright = Math.sqrt(0.8 * (20 + 210.0 * (W - 20) / (W - 1)));
        // The map follows the image smoothed over 16 px, so it is close to, not exactly, the true level.
        assertEquals(wantDark, dark, 0.25 * wantDark, "dark side");
        assertEquals(wantBright, bright, 0.15 * wantBright, "bright side");
        assertTrue(bright > 2 * dark, "bright " + bright + " vs dark " + dark);
    }

    @Test
    void tinyImagesHaveNoMap() {
        assertNull(NoiseLevel.map(FloatImage.gray(10, 10, new float[100])));
    }
}
