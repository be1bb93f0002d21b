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

    /** Intensity bins of the signal-dependent fit. */
    private static final int BINS = 12;
    /** The brightest bin's noise variance must be this many times the darkest's to call the noise signal-dependent. */
    private static final double DEPENDENT_RATIO = 1.5;
    /** Smoothing of the local intensity the map follows (Gaussian sigma, pixels): about a training patch's reach. */
    static final double MAP_SMOOTHING = 16;

    /**
     * A noise-level map for noise that grows with brightness (shot noise, Poisson–Gaussian), in the image's units
     * per pixel; null when the noise looks the same at every brightness (then {@link #estimate} is the better
     * single number). Fits variance = a·intensity + b to the Haar-MAD estimates of 2×2 blocks grouped by their
     * mean (12 bins of equal counts), and evaluates it on the image smoothed over {@value #MAP_SMOOTHING} px,
     * so the map varies as slowly as the per-patch levels the models were trained with. One channel's image
     * (the mean over channels for colour).
     */
    public static float[] map(FloatImage image) {
        int w = image.width() / 2;
        int h = image.height() / 2;
        if (w < 8 || h < 8) {
            return null;
        }
        int width = image.width();
        int height = image.height();
        int area = width * height;
        float[] grey = new float[area];
        float[] d = image.data();
        for (int c = 0; c < image.channels(); c++) {
            for (int i = 0; i < area; i++) {
                grey[i] += d[c * area + i] / image.channels();
            }
        }
        // At most about a million 2×2 blocks, evenly spaced, sorted by their mean (mean bits and index in one long).
        long blocks = (long) w * h;
        int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) blocks / MAX_BLOCKS)));
        int n = ((w + step - 1) / step) * ((h + step - 1) / step);
        float[] mean = new float[n];
        float[] coef = new float[n];
        long[] keyed = new long[n];
        int k = 0;
        for (int by = 0; by < h; by += step) {
            int r0 = 2 * by * width;
            int r1 = r0 + width;
            for (int bx = 0; bx < w; bx += step, k++) {
                int x = 2 * bx;
                float a = grey[r0 + x];
                float b = grey[r0 + x + 1];
                float c = grey[r1 + x];
                float e = grey[r1 + x + 1];
                mean[k] = (a + b + c + e) / 4f;
                coef[k] = Math.abs((a - b - c + e) / 2f);
                int bits = Float.floatToIntBits(mean[k]);
                int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff; // orders like the floats, negatives included
                keyed[k] = ((long) sortable << 32) | k;
            }
        }
        Arrays.sort(keyed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keyed[i];
        }
        double[] bx = new double[BINS];
        double[] by = new double[BINS];
        float[] tmp = new float[n / BINS + 1];
        for (int bin = 0; bin < BINS; bin++) {
            int from = (int) ((long) n * bin / BINS);
            int to = (int) ((long) n * (bin + 1) / BINS);
            double m = 0;
            for (int i = from; i < to; i++) {
                tmp[i - from] = coef[order[i]];
                m += mean[order[i]];
            }
            int cnt = to - from;
            Arrays.sort(tmp, 0, cnt);
            double sigma = tmp[cnt / 2] / MAD_TO_SIGMA;
            bx[bin] = m / cnt;
            by[bin] = sigma * sigma;
        }
        // Ignore the extreme bins (clipped blacks and whites have no noise left), fit variance = a·I + b.
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int m = 0;
        for (int bin = 1; bin < BINS - 1; bin++) {
            sx += bx[bin];
            sy += by[bin];
            sxx += bx[bin] * bx[bin];
            sxy += bx[bin] * by[bin];
            m++;
        }
        double den = m * sxx - sx * sx;
        if (den <= 0) {
            return null;
        }
        double a = (m * sxy - sx * sy) / den;
        double b = (sy - a * sx) / m;
        double lo = a * bx[1] + b;
        double hi = a * bx[BINS - 2] + b;
        if (!(a > 0) || !(hi > DEPENDENT_RATIO * Math.max(lo, 1e-12))) {
            return null;
        }
        double[] smooth = dev.hush.runtime.image.ImageMetrics.blur(grey, width, height,
                dev.hush.runtime.image.ImageMetrics.gaussian(MAP_SMOOTHING, (int) Math.ceil(2 * MAP_SMOOTHING)));
        float floor = (float) Math.sqrt(Math.max(0, Math.min(lo, by[1])));
        float[] out = new float[area];
        for (int i = 0; i < area; i++) {
            out[i] = (float) Math.max(floor, Math.sqrt(Math.max(0, a * smooth[i] + b)));
        }
        return out;
    }
}
