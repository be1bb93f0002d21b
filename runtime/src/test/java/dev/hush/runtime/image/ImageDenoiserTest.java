package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tiled inference with the real shipped model in ONNX Runtime. */
class ImageDenoiserTest {
    private static DenoiserModel model;

    @BeforeAll
    static void open() throws HushException {
        model = DenoiserModel.openShipped(ShippedModels.defaultFor(Domain.IMAGE), SessionConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void close() throws HushException {
        model.close();
    }

    static FloatImage noisyScene(int w, int h, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 100 + 60 * Math.sin(x / 17.0) * Math.cos(y / 11.0) + ((x / 40 + y / 40) % 2 == 0 ? 40 : 0);
                px[y * w + x] = (float) (v + sigma * rnd.nextGaussian());
            }
        }
        return FloatImage.gray(w, h, px);
    }

    @Test
    void tiledOutputEqualsWholeImageOutput() throws HushException {
        FloatImage img = noisyScene(700, 450, 20, 1); // 128-px tiles: 6 × 4 tiles with blended overlaps
        ImageDenoiser d = new ImageDenoiser(model).withTileSize(128).withBatchSize(3);
        int[] seen = new int[2];
        FloatImage tiled = d.denoise(img, (done, total) -> {
            seen[0] = (int) done;
            seen[1] = (int) total;
        });
        FloatImage whole = d.denoiseWhole(img);
        assertTrue(seen[1] >= 12, "several tiles wide and high, got " + seen[1]);
        assertEquals(seen[1], seen[0], "progress reaches the total");
        double maxDiff = maxAbsDiff(tiled.data(), whole.data());
        double range = 200; // pixel units; 1e-4 in the model's normalised units is ~0.02 here
        assertTrue(maxDiff / range <= 1e-4, "max |tiled - whole| = " + maxDiff);
    }

    @Test
    void batchAndTileSizeDoNotChangeTheResult() throws HushException {
        FloatImage img = noisyScene(300, 200, 15, 2);
        FloatImage a = new ImageDenoiser(model).withTileSize(64).withBatchSize(1).denoise(img, ProgressListener.NONE);
        FloatImage b = new ImageDenoiser(model).withTileSize(100).withBatchSize(4).denoise(img, ProgressListener.NONE);
        assertTrue(maxAbsDiff(a.data(), b.data()) < 0.02, "max diff " + maxAbsDiff(a.data(), b.data()));
    }

    @Test
    void bordersAreNeitherDarkenedNorShifted() throws HushException {
        int w = 200;
        int h = 160;
        float[] flat = new float[w * h];
        java.util.Arrays.fill(flat, 120f);
        FloatImage out = new ImageDenoiser(model).withTileSize(64).denoise(FloatImage.gray(w, h, flat), ProgressListener.NONE);
        for (float v : out.data()) {
            assertEquals(120f, v, 1.5f);
        }
        // A clean ramp must come back as the same ramp at the edges: no shift, no dark frame.
        float[] ramp = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp[y * w + x] = 50 + x * 0.5f + y * 0.3f;
            }
        }
        FloatImage r = new ImageDenoiser(model).withTileSize(64).denoise(FloatImage.gray(w, h, ramp), ProgressListener.NONE);
        double edge = 0;
        double edgeOut = 0;
        for (int x = 0; x < w; x++) {
            edge += ramp[x] + ramp[(h - 1) * w + x];
            edgeOut += r.data()[x] + r.data()[(h - 1) * w + x];
        }
        assertEquals(edge / (2 * w), edgeOut / (2 * w), 1.0, "mean of the top and bottom rows");
        assertTrue(ImageMetrics.psnr(r.data(), ramp, 255) > 35, "a clean ramp passes nearly unchanged");
    }

    @Test
    void denoisingImprovesPsnr() throws HushException {
        FloatImage clean = noisyScene(256, 256, 0, 3);
        FloatImage noisy = noisyScene(256, 256, 25, 3);
        FloatImage out = new ImageDenoiser(model).denoise(noisy, ProgressListener.NONE);
        double before = ImageMetrics.psnr(noisy.data(), clean.data(), 255);
        double after = ImageMetrics.psnr(out.data(), clean.data(), 255);
        assertTrue(after > before + 3, "PSNR " + before + " -> " + after);
    }

    @Test
    void tinyImagesWork() throws HushException {
        FloatImage one = new ImageDenoiser(model).denoise(FloatImage.gray(1, 1, new float[] {42}), ProgressListener.NONE);
        assertEquals(1, one.data().length);
        assertEquals(42f, one.data()[0], 1f);
        FloatImage small = noisyScene(5, 3, 10, 4); // smaller than the halo
        FloatImage out = new ImageDenoiser(model).denoise(small, ProgressListener.NONE);
        assertEquals(15, out.data().length);
        for (float v : out.data()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void nanPixelsAreRefusedWithAClearMessage() {
        FloatImage img = noisyScene(32, 32, 5, 5);
        img.data()[17] = Float.NaN;
        HushException e = assertThrows(HushException.class, () -> new ImageDenoiser(model).denoise(img, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("1 NaN"), e.getMessage());
    }

    @Test
    void inputIsNotModified() throws HushException {
        FloatImage img = noisyScene(64, 64, 10, 6);
        float[] before = img.data().clone();
        new ImageDenoiser(model).denoise(img, ProgressListener.NONE);
        assertEquals(0.0, maxAbsDiff(before, img.data()));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
