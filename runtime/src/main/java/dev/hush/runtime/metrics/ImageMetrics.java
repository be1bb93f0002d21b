package dev.hush.runtime.metrics;

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
}
