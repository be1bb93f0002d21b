package dev.hush.runtime.image;

import java.util.Arrays;

/**
 * The noise level of an image: the standard deviation of its noise, for models that take it as an input
 * ({@code hush.noise_level_input}). Estimated, when the caller gives none, by the median absolute deviation
 * of the finest diagonal Haar wavelet coefficients divided by 0.6745 (Donoho and Johnstone 1994): a 2×2
 * block's (a − b − c + d)/2 has the noise's standard deviation for white noise and is nearly zero on smooth
 * image content, and the median ignores the edges and textures that are not.
 */
public final class NoiseLevel {
    private static final int MAX_BLOCKS = 1 << 20;
    private static final double MAD_TO_SIGMA = 0.6745;

    private NoiseLevel() {
    }

    /**
     * The estimated standard deviation of the noise in {@code image}, in its own units: the mean of the
     * per-channel estimates (at most about a million 2×2 blocks are read per channel, evenly spaced).
     */
    public static double estimate(FloatImage image) {
        int w = image.width() / 2;
        int h = image.height() / 2;
        if (w == 0 || h == 0) {
            return 0;
        }
        long blocks = (long) w * h;
        int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) blocks / MAX_BLOCKS)));
        float[] d = image.data();
        int width = image.width();
        double sum = 0;
        for (int c = 0; c < image.channels(); c++) {
            int base = c * width * image.height();
            float[] coef = new float[(int) (((long) (w + step - 1) / step) * ((h + step - 1) / step))];
            int n = 0;
            for (int by = 0; by < h; by += step) {
                int r0 = base + 2 * by * width;
                int r1 = r0 + width;
                for (int bx = 0; bx < w; bx += step) {
                    int x = 2 * bx;
                    coef[n++] = Math.abs((d[r0 + x] - d[r0 + x + 1] - d[r1 + x] + d[r1 + x + 1]) / 2f);
                }
            }
            Arrays.sort(coef, 0, n);
            double median = n % 2 == 1 ? coef[n / 2] : (coef[n / 2 - 1] + coef[n / 2]) / 2.0;
            sum += median / MAD_TO_SIGMA;
        }
        return sum / image.channels();
    }
}
