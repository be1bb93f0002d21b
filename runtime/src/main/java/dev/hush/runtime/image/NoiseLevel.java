package dev.hush.runtime.image;

import java.util.Arrays;

/**
 * The noise level of an image: the standard deviation of its noise, for models that take it as an input
 * ({@code hush.noise_level_input}). Estimated, when the caller gives none, by the median absolute deviation
 * of the finest diagonal Haar wavelet coefficients divided by 0.6745 (Donoho and Johnstone 1994): a 2×2
 * block's (a − b − c + d)/2 has the noise's standard deviation for white noise and is nearly zero on smooth
 * image content, and the median ignores the edges and textures that are not.
 *
 * <p>The blocks are read row by row ({@link Blocks}), so an image too large to hold gives the same estimate when
 * its rows are handed over in order ({@link ImageStatistics}) as when it is held whole.
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
        if (image.width() / 2 == 0 || image.height() / 2 == 0) {
            return 0;
        }
        int area = image.width() * image.height();
        double sum = 0;
        for (int c = 0; c < image.channels(); c++) {
            Blocks blocks = new Blocks(image.width(), image.height());
            blocks.rows(image.data(), c * area, image.height());
            sum += blocks.sigma();
        }
        return sum / image.channels();
    }

    /**
     * The 2×2 blocks (their mean and diagonal Haar coefficient) at about a million evenly spaced positions of an
     * image of one channel, gathered from its rows handed over in order, any number at a time.
     */
    static final class Blocks {
        private final int width;
        private final int blocksDown;
        private final int step;
        private final int perRow;
        final float[] mean;
        final float[] coef;
        private int n;
        private int nextRow;
        private final float[] held;

        Blocks(int width, int height) {
            this.width = width;
            int w = width / 2;
            blocksDown = height / 2;
            long blocks = (long) w * blocksDown;
            step = (int) Math.max(1, Math.ceil(Math.sqrt((double) blocks / MAX_BLOCKS)));
            perRow = (w + step - 1) / step;
            int rows = (blocksDown + step - 1) / step;
            mean = new float[(int) ((long) perRow * rows)];
            coef = new float[mean.length];
            held = new float[width];
        }

        /** The next {@code count} rows of the image, from {@code data[offset]} on, {@code width} values each. */
        void rows(float[] data, int offset, int count) {
            for (int r = 0; r < count; r++, nextRow++) {
                int y = nextRow;
                if (y / 2 >= blocksDown || (y / 2) % step != 0) {
                    continue;
                }
                int at = offset + r * width;
                if (y % 2 == 0) {
                    if (r == count - 1) {
                        System.arraycopy(data, at, held, 0, width); // its pair comes with the next rows
                    }
                    continue;
                }
                float[] top = r == 0 ? held : data;
                int t = r == 0 ? 0 : at - width;
                for (int bx = 0; bx < perRow; bx++) {
                    int x = 2 * bx * step;
                    float a = top[t + x];
                    float b = top[t + x + 1];
                    float c = data[at + x];
                    float e = data[at + x + 1];
                    mean[n] = (a + b + c + e) / 4f;
                    coef[n++] = Math.abs((a - b - c + e) / 2f);
                }
            }
        }

        /** Blocks gathered so far. */
        int count() {
            return n;
        }

        /** The noise's standard deviation from the blocks' coefficients (0 without blocks). */
        double sigma() {
            if (n == 0) {
                return 0;
            }
            float[] sorted = Arrays.copyOf(coef, n);
            Arrays.sort(sorted);
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            return median / MAD_TO_SIGMA;
        }
    }

    /** Intensity bins of the signal-dependent fit. */
    private static final int BINS = 12;
    /** The brightest bin's noise variance must be this many times the darkest's to call the noise signal-dependent. */
    private static final double DEPENDENT_RATIO = 1.5;
    /** Smoothing of the local intensity the map follows (Gaussian sigma, pixels): about a training patch's reach. */
    static final double MAP_SMOOTHING = 16;
    /** Rows above and below a pixel that its map value depends on (the smoothing kernel's reach). */
    static final int MAP_REACH = (int) Math.ceil(2 * MAP_SMOOTHING);

    /**
     * A noise-level map for noise that grows with brightness (shot noise, Poisson–Gaussian), in the image's units
     * per pixel; null when the noise looks the same at every brightness (then {@link #estimate} is the better
     * single number). Fits variance = a·intensity + b to the Haar-MAD estimates of 2×2 blocks grouped by their
     * mean (12 bins of equal counts), and evaluates it on the image smoothed over {@value #MAP_SMOOTHING} px,
     * so the map varies as slowly as the per-patch levels the models were trained with. One channel's image
     * (the mean over channels for colour).
     */
    public static float[] map(FloatImage image) {
        if (image.width() / 2 < 8 || image.height() / 2 < 8) {
            return null;
        }
        float[] grey = grey(image);
        Blocks blocks = new Blocks(image.width(), image.height());
        blocks.rows(grey, 0, image.height());
        Curve curve = Curve.fit(blocks);
        return curve == null ? null : curve.map(grey, image.width(), image.height());
    }

    /** The mean over an image's channels (the image's own data for one channel). */
    static float[] grey(FloatImage image) {
        if (image.channels() == 1) {
            return image.data();
        }
        int area = image.width() * image.height();
        float[] grey = new float[area];
        float[] d = image.data();
        for (int c = 0; c < image.channels(); c++) {
            for (int i = 0; i < area; i++) {
                grey[i] += d[c * area + i] / image.channels();
            }
        }
        return grey;
    }

    /**
     * Noise variance = a·intensity + b, with a floor for the darkest pixels: how the noise grows with brightness.
     */
    record Curve(double a, double b, float floor) {
        /** The fit to {@code blocks}' bins, or null when the noise does not grow with brightness. */
        static Curve fit(Blocks blocks) {
            int n = blocks.count();
            if (n < BINS) {
                return null;
            }
            float[] mean = blocks.mean;
            float[] coef = blocks.coef;
            // Sorted by their mean (mean bits and index in one long).
            long[] keyed = new long[n];
            for (int k = 0; k < n; k++) {
                int bits = Float.floatToIntBits(mean[k]);
                int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff; // orders like the floats, negatives included
                keyed[k] = ((long) sortable << 32) | k;
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
            return new Curve(a, b, (float) Math.sqrt(Math.max(0, Math.min(lo, by[1]))));
        }

        /**
         * The map over {@code rows} rows of grey values: the level the curve gives at each pixel's smoothed
         * intensity. A row's value depends on the {@link #MAP_REACH} rows above and below it that are given.
         */
        float[] map(float[] grey, int width, int rows) {
            double[] smooth = ImageMetrics.blur(grey, width, rows, ImageMetrics.gaussian(MAP_SMOOTHING, MAP_REACH));
            float[] out = new float[width * rows];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) Math.max(floor, Math.sqrt(Math.max(0, a * smooth[i] + b)));
            }
            return out;
        }
    }
}
