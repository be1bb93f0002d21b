package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {
    @Test
    void psnrOfAKnownError() {
        float[] a = new float[100];
        float[] b = new float[100];
        java.util.Arrays.fill(b, 10f); // MSE 100 → PSNR = 10·log10(255² / 100)
        assertEquals(10 * Math.log10(255.0 * 255 / 100), ImageMetrics.psnr(a, b, 255), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(a, a.clone(), 255));
    }

    @Test
    void ssimOfConstantImagesIsTheLuminanceTerm() {
        float[] a = new float[32 * 24];
        float[] b = new float[32 * 24];
        java.util.Arrays.fill(a, 100f);
        java.util.Arrays.fill(b, 120f);
        double c1 = Math.pow(0.01 * 255, 2);
        double expected = (2 * 100.0 * 120 + c1) / (100.0 * 100 + 120.0 * 120 + c1);
        assertEquals(expected, ImageMetrics.ssim(a, b, 32, 24, 255), 1e-9);
    }

    @Test
    void ssimIsOneForIdenticalImagesAndFallsWithNoise() {
        Random rnd = new Random(1);
        float[] a = new float[64 * 64];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (128 + 50 * Math.sin(i / 7.0));
        }
        assertEquals(1.0, ImageMetrics.ssim(a, a.clone(), 64, 64, 255), 1e-9);
        float[] weak = a.clone();
        float[] strong = a.clone();
        for (int i = 0; i < a.length; i++) {
            double n = rnd.nextGaussian();
            weak[i] += (float) (5 * n);
            strong[i] += (float) (30 * n);
        }
        double sw = ImageMetrics.ssim(a, weak, 64, 64, 255);
        double ss = ImageMetrics.ssim(a, strong, 64, 64, 255);
        assertTrue(sw < 1 && ss < sw, sw + " " + ss);
        assertEquals(sw, ImageMetrics.ssim(weak, a, 64, 64, 255), 1e-12, "symmetric");
    }
}
