package dev.hush.runtime.image;

/** Image quality measures against a reference. */
public final class ImageMetrics {
    private ImageMetrics() {
    }

    /** Mean squared error over all values. */
    public static double mse(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("images differ in size: " + a.length + " vs " + b.length + " values");
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s / a.length;
    }

    /** Peak signal-to-noise ratio in dB for signals whose range is {@code peak} (255 for 8-bit, 1 for unit range). */
    public static double psnr(float[] estimate, float[] reference, double peak) {
        double mse = mse(estimate, reference);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(peak * peak / mse);
    }

    /**
     * Structural similarity (Wang et al. 2004) with the usual constants: an 11×11 Gaussian window of
     * sigma 1.5, K1 = 0.01, K2 = 0.03, dynamic range {@code peak}; windows are clipped at the borders
     * (statistics over the pixels inside). Returns the mean SSIM over all pixels.
     */
    public static double ssim(float[] a, float[] b, int width, int height, double peak) {
        if (a.length != b.length || a.length != width * height) {
            throw new IllegalArgumentException("images must both hold " + width + "×" + height + " values");
        }
        double c1 = Math.pow(0.01 * peak, 2);
        double c2 = Math.pow(0.03 * peak, 2);
        int n = a.length;
        float[] ab = new float[n];
        float[] aa = new float[n];
        float[] bb = new float[n];
        for (int i = 0; i < n; i++) {
            aa[i] = a[i] * a[i];
            bb[i] = b[i] * b[i];
            ab[i] = a[i] * b[i];
        }
        double[] kernel = gaussian(1.5, 5);
        double[] ma = blur(a, width, height, kernel);
        double[] mb = blur(b, width, height, kernel);
        double[] maa = blur(aa, width, height, kernel);
        double[] mbb = blur(bb, width, height, kernel);
        double[] mab = blur(ab, width, height, kernel);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double va = Math.max(0, maa[i] - ma[i] * ma[i]);
            double vb = Math.max(0, mbb[i] - mb[i] * mb[i]);
            double cov = mab[i] - ma[i] * mb[i];
            sum += (2 * ma[i] * mb[i] + c1) * (2 * cov + c2) / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
        }
        return sum / n;
    }

    /** A Gaussian kernel of {@code 2·radius + 1} taps (unnormalised; {@link #blur} normalises). */
    public static double[] gaussian(double sigma, int radius) {
        double[] k = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
        }
        return k;
    }

    /** Separable weighted mean, renormalised where the window leaves the image. */
    public static double[] blur(float[] v, int w, int h, double[] k) {
        int r = k.length / 2;
        double[] tmp = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                double ws = 0;
                for (int d = -r; d <= r; d++) {
                    int xx = x + d;
                    if (xx >= 0 && xx < w) {
                        s += k[d + r] * v[y * w + xx];
                        ws += k[d + r];
                    }
                }
                tmp[y * w + x] = s / ws;
            }
        }
        double[] out = new double[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                double ws = 0;
                for (int d = -r; d <= r; d++) {
                    int yy = y + d;
                    if (yy >= 0 && yy < h) {
                        s += k[d + r] * tmp[yy * w + x];
                        ws += k[d + r];
                    }
                }
                out[y * w + x] = s / ws;
            }
        }
        return out;
    }
}
