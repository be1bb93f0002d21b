package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-ensemble over flips and turns ({@link ImageDenoiser#withEnsemble}): the eight transforms invert exactly,
 * the full ensemble commutes with turning the image (each copy's result is turned back, whatever the model), one copy
 * is the plain denoiser, and on a noisy image the ensemble is not worse.
 */
class EnsembleTest {
    private static DenoiserModel grey;
    private static DenoiserModel levelModel;

    @BeforeAll
    static void open() throws Exception {
        grey = DenoiserModel.openShipped("image-gray-fast", SessionConfig.defaults().withThreads(2));
        levelModel = DenoiserModel.openShipped("image-gray-multiscale", SessionConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void close() throws Exception {
        grey.close();
        levelModel.close();
    }

    @Test
    void everyTurnInvertsExactly() {
        float[] x = new float[2 * 5 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        for (int t : Dihedral.ORDER) {
            assertArrayEquals(x, Dihedral.invert(Dihedral.apply(x, 2, 5, 3, t), 2, 5, 3, t), "turn " + t);
        }
        // Transpose of a 5×3 plane: pixel (x=4, y=0) goes to (x=0, y=4) in the 3×5 result.
        assertEquals(4f, Dihedral.apply(x, 2, 5, 3, 0b001)[4 * 3]);
    }

    private static FloatImage noisyScene(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double clean = 120 + 60 * Math.sin(x * 0.11) * Math.cos(y * 0.07) + (x > w / 2 ? 40 : 0);
                px[y * w + x] = (float) (clean + 20 * rnd.nextGaussian());
            }
        }
        return FloatImage.gray(w, h, px);
    }

    @Test
    void theFullEnsembleCommutesWithTurningTheImage() throws Exception {
        FloatImage img = noisyScene(77, 52, 1);
        float[] turned = Dihedral.apply(img.data(), 1, 77, 52, 0b001);
        for (DenoiserModel m : new DenoiserModel[] {grey, levelModel}) {
            ImageDenoiser d = new ImageDenoiser(m).withEnsemble(8).withTileSize(64);
            float[] a = Dihedral.apply(d.denoise(img, ProgressListener.NONE).data(), 1, 77, 52, 0b001);
            float[] b = d.denoise(FloatImage.gray(52, 77, turned), ProgressListener.NONE).data();
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst < 1e-2, m.contract().name() + ": ensemble(turn(x)) differs from turn(ensemble(x)) by " + worst);
        }
    }

    @Test
    void oneCopyIsThePlainDenoiserAndEightAreNotWorse() throws Exception {
        FloatImage img = noisyScene(96, 80, 2);
        float[] c = new float[96 * 80];
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 96; x++) {
                c[y * 96 + x] = (float) (120 + 60 * Math.sin(x * 0.11) * Math.cos(y * 0.07) + (x > 48 ? 40 : 0));
            }
        }
        ImageDenoiser plain = new ImageDenoiser(grey);
        assertArrayEquals(plain.denoise(img, ProgressListener.NONE).data(),
                plain.withEnsemble(1).denoise(img, ProgressListener.NONE).data(), 0f);
        double once = ImageMetrics.psnr(plain.denoise(img, ProgressListener.NONE).data(), c, 255);
        double eight = ImageMetrics.psnr(plain.withEnsemble(8).denoise(img, ProgressListener.NONE).data(), c, 255);
        assertTrue(eight > once - 0.05, "ensemble " + eight + " dB against " + once + " dB once");
        assertThrows(IllegalArgumentException.class, () -> plain.withEnsemble(3));
        // One progress over the copies: it only grows, keeps its total, and ends at it.
        java.util.List<long[]> updates = new java.util.ArrayList<>();
        plain.withEnsemble(4).withTileSize(32).denoise(img, (done, total) -> updates.add(new long[] {done, total}));
        long[] last = updates.get(updates.size() - 1);
        assertEquals(last[1], last[0], "ends at its total");
        for (int i = 1; i < updates.size(); i++) {
            assertTrue(updates.get(i)[0] >= updates.get(i - 1)[0] && updates.get(i)[1] == last[1], "monotonic, one total");
        }
    }
}
