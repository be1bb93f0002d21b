package dev.hush.trainer.image.data;

import java.util.SplittableRandom;

/**
 * Dead-leaves images: opaque shapes of random grey level dropped on top of each other, with radii
 * drawn from a power law (density ∝ r⁻³) so that the image is scale invariant and its spectrum
 * falls like natural photographs'. Shapes are discs, ellipses and rectangles with soft, anti-aliased
 * edges; some carry a linear shading or a fine sinusoidal texture, so the network sees gradients
 * and texture, not only flat patches. Values lie in [0, 1]. Seeded: the same seed gives the same image.
 */
public final class DeadLeaves implements CleanImages {
    private final double minRadius;
    private final double maxRadius;

    public DeadLeaves(double minRadius, double maxRadius) {
        this.minRadius = minRadius;
        this.maxRadius = maxRadius;
    }

    public static DeadLeaves standard() {
        return new DeadLeaves(2, 64);
    }

    @Override
    public String describe() {
        return "built-in dead-leaves generator (hush-trainer DeadLeaves)";
    }

    /** Draws one image of the given size. */
    @Override
    public float[] generate(int width, int height, SplittableRandom rnd) {
        return generate(width, height, 1, rnd);
    }

    /**
     * Colour dead leaves: every shape has one colour (a grey level plus a random tint, so channels are strongly
     * but not perfectly correlated, as in photographs) and its edges, shading and texture are the same in every
     * channel. Channel-major, C·H·W values in [0, 1]; with one channel the same image as the grey generator.
     */
    @Override
    public float[] generate(int width, int height, int channels, SplittableRandom rnd) {
        float[] img = new float[channels * width * height];
        double bg = rnd.nextDouble();
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(img, c * width * height, (c + 1) * width * height,
                    (float) (channels == 1 ? bg : clamp(bg + rnd.nextDouble(-0.15, 0.15))));
        }
        // Enough shapes to cover the image about four times over, so little background shows:
        // for p(r) ∝ r^-3 on [a, b] the mean shape area is 2πa²b² ln(b/a) / (b² - a²).
        double a = minRadius;
        double b = maxRadius;
        double meanArea = 2 * Math.PI * a * a * b * b * Math.log(b / a) / (b * b - a * a);
        int shapes = (int) Math.ceil(4 * (double) width * height / meanArea);
        for (int s = 0; s < shapes; s++) {
            drawShape(img, width, height, channels, rnd);
        }
        return img;
    }

    private double radius(SplittableRandom rnd) {
        // Inverse CDF of p(r) ∝ r^-3 on [min, max].
        double a = 1 / (minRadius * minRadius);
        double b = 1 / (maxRadius * maxRadius);
        double u = rnd.nextDouble();
        return 1 / Math.sqrt(a - u * (a - b));
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private void drawShape(float[] img, int w, int h, int channels, SplittableRandom rnd) {
        double r = radius(rnd);
        double cx = rnd.nextDouble(-r, w + r);
        double cy = rnd.nextDouble(-r, h + r);
        int type = rnd.nextInt(3);
        double aspect = type == 0 ? 1 : Math.exp(rnd.nextDouble(-0.9, 0.9));
        double rx = r * Math.sqrt(aspect);
        double ry = r / Math.sqrt(aspect);
        double theta = rnd.nextDouble(Math.PI);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double value = rnd.nextDouble();
        double[] tint = new double[channels];
        double spread = channels == 1 ? 0 : rnd.nextDouble(0, 0.35);
        for (int c = 0; c < channels; c++) {
            tint[c] = channels == 1 ? 0 : spread * rnd.nextDouble(-1, 1);
        }
        // Shading: a linear ramp across the shape; texture: a sinusoid of a few pixels' period.
        double shade = rnd.nextDouble() < 0.3 ? rnd.nextDouble(-0.4, 0.4) : 0;
        double shadeAngle = rnd.nextDouble(2 * Math.PI);
        double tex = rnd.nextDouble() < 0.15 ? rnd.nextDouble(0.05, 0.25) : 0;
        double texPeriod = rnd.nextDouble(2.5, 12);
        double texAngle = rnd.nextDouble(Math.PI);
        double edge = rnd.nextDouble() < 0.2 ? rnd.nextDouble(1, 3) : 0.7; // some shapes out of focus
        double reach = Math.max(rx, ry) + edge + 1;
        int x0 = Math.max(0, (int) Math.floor(cx - reach));
        int x1 = Math.min(w - 1, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach));
        int y1 = Math.min(h - 1, (int) Math.ceil(cy + reach));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double u = dx * cos + dy * sin;
                double v = -dx * sin + dy * cos;
                double dist; // signed distance-like measure in pixels, negative inside
                if (type == 2) {
                    dist = Math.max(Math.abs(u) - rx, Math.abs(v) - ry);
                } else {
                    double q = Math.sqrt((u / rx) * (u / rx) + (v / ry) * (v / ry));
                    dist = (q - 1) * Math.min(rx, ry);
                }
                double alpha = smoothstep(edge, -edge, dist);
                if (alpha <= 0) {
                    continue;
                }
                double val = value;
                if (shade != 0) {
                    val += shade * (dx * Math.cos(shadeAngle) + dy * Math.sin(shadeAngle)) / Math.max(r, 1);
                }
                if (tex != 0) {
                    double t = dx * Math.cos(texAngle) + dy * Math.sin(texAngle);
                    val += tex * Math.sin(2 * Math.PI * t / texPeriod);
                }
                for (int c = 0; c < channels; c++) {
                    int i = c * w * h + y * w + x;
                    img[i] = (float) (img[i] * (1 - alpha) + clamp(val + tint[c]) * alpha);
                }
            }
        }
    }

    private static double smoothstep(double e0, double e1, double x) {
        double t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
        return t * t * (3 - 2 * t);
    }
}
