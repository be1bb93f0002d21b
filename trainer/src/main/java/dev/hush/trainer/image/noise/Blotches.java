package dev.hush.trainer.image.noise;

import java.util.SplittableRandom;

/**
 * Synthetic local damage for training anomaly autoencoders to repair (a denoising autoencoder whose "noise" is
 * damage): irregular blobs and thin random-walk strokes, each filled with a constant level, a blurred (flattened)
 * copy of what lies under it, or content shifted from elsewhere in the image. The network learns to put back the
 * normal structure from the surroundings, so at run time its reconstruction differs from the input where the input
 * is unusual, and hardly anywhere else. The count is per 128 × 128 pixels, drawn in [MIN, MAX] for each image.
 *
 * <p>The images must be square (C × S × S, channel-major, as the synthetic training pairs are); the side is inferred
 * from the length for 1 or 3 channels.
 */
public final class Blotches implements NoiseModel {
    private final double min;
    private final double max;

    public Blotches(double min, double max) {
        if (!(min >= 0 && max >= min && max <= 64)) {
            throw new IllegalArgumentException("blotches count range (per 128 × 128 pixels) must lie in [0, 64] with"
                    + " MIN <= MAX, got " + min + ":" + max);
        }
        this.min = min;
        this.max = max;
    }

    @Override
    public float[] apply(float[] clean, SplittableRandom rnd) {
        int channels = side(clean.length) > 0 ? 1 : 3;
        int side = side(clean.length / channels);
        if (side <= 0 || clean.length % channels != 0) {
            throw new IllegalArgumentException("blotches need square images of 1 or 3 channels; got " + clean.length
                    + " values");
        }
        float[] out = clean.clone();
        double expected = NoiseModel.uniform(rnd, min, max) * side * (double) side / (128 * 128);
        int count = (int) expected + (rnd.nextDouble() < expected - (int) expected ? 1 : 0);
        for (int i = 0; i < count; i++) {
            boolean[] mask = rnd.nextDouble() < 0.6 ? blob(side, rnd) : stroke(side, rnd);
            fill(clean, out, mask, side, channels, rnd);
        }
        return out;
    }

    /** An irregular star-shaped blob: radius 2–14 px modulated by three random harmonics of the angle. */
    static boolean[] blob(int side, SplittableRandom rnd) {
        boolean[] m = new boolean[side * side];
        double r = rnd.nextDouble(2, 14);
        double cx = rnd.nextDouble(0, side);
        double cy = rnd.nextDouble(0, side);
        double stretch = rnd.nextDouble(0.4, 1);
        double tilt = rnd.nextDouble(0, Math.PI);
        double[] amp = new double[3];
        double[] phase = new double[3];
        for (int k = 0; k < 3; k++) {
            amp[k] = rnd.nextDouble(0, 0.25);
            phase[k] = rnd.nextDouble(0, 2 * Math.PI);
        }
        int reach = (int) Math.ceil(r * 1.8) + 1;
        for (int y = Math.max(0, (int) cy - reach); y < Math.min(side, (int) cy + reach); y++) {
            for (int x = Math.max(0, (int) cx - reach); x < Math.min(side, (int) cx + reach); x++) {
                double dx = x - cx;
                double dy = y - cy;
                double u = dx * Math.cos(tilt) + dy * Math.sin(tilt);
                double v = (-dx * Math.sin(tilt) + dy * Math.cos(tilt)) / stretch;
                double a = Math.atan2(v, u);
                double edge = r;
                for (int k = 0; k < 3; k++) {
                    edge *= 1 + amp[k] * Math.sin((k + 2) * a + phase[k]);
                }
                if (Math.hypot(u, v) <= edge) {
                    m[y * side + x] = true;
                }
            }
        }
        return m;
    }

    /** A random walk of 10–50 steps, 1–3 px wide, turning a little at each step. */
    static boolean[] stroke(int side, SplittableRandom rnd) {
        boolean[] m = new boolean[side * side];
        double x = rnd.nextDouble(0, side);
        double y = rnd.nextDouble(0, side);
        double angle = rnd.nextDouble(0, 2 * Math.PI);
        double turn = rnd.nextDouble(0, 0.3);
        double width = rnd.nextDouble(0.5, 1.6);
        int steps = rnd.nextInt(10, 51);
        for (int s = 0; s < steps; s++) {
            angle += rnd.nextDouble(-turn, turn);
            x += Math.cos(angle);
            y += Math.sin(angle);
            int w = (int) Math.ceil(width);
            for (int dy = -w; dy <= w; dy++) {
                for (int dx = -w; dx <= w; dx++) {
                    int xx = (int) Math.round(x) + dx;
                    int yy = (int) Math.round(y) + dy;
                    if (xx >= 0 && yy >= 0 && xx < side && yy < side && Math.hypot(dx, dy) <= width) {
                        m[yy * side + xx] = true;
                    }
                }
            }
        }
        return m;
    }

    /** Fills the mask in every channel with one of three kinds of damage. */
    private static void fill(float[] clean, float[] out, boolean[] mask, int side, int channels, SplittableRandom rnd) {
        int kind = rnd.nextInt(3);
        int area = side * side;
        int shiftX = rnd.nextInt(-side / 3, side / 3 + 1);
        int shiftY = rnd.nextInt(-side / 3, side / 3 + 1);
        int radius = rnd.nextInt(3, 9);
        for (int c = 0; c < channels; c++) {
            float level = (float) rnd.nextDouble(0, 1);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int i = y * side + x;
                    if (!mask[i]) {
                        continue;
                    }
                    float v;
                    if (kind == 0) {
                        v = level;
                    } else if (kind == 1) {
                        v = boxMean(clean, c * area, side, x, y, radius);
                    } else {
                        int sx = Math.floorMod(x + shiftX, side);
                        int sy = Math.floorMod(y + shiftY, side);
                        v = clean[c * area + sy * side + sx];
                    }
                    out[c * area + i] = v;
                }
            }
        }
    }

    private static float boxMean(float[] img, int offset, int side, int x, int y, int r) {
        double sum = 0;
        int n = 0;
        for (int yy = Math.max(0, y - r); yy <= Math.min(side - 1, y + r); yy++) {
            for (int xx = Math.max(0, x - r); xx <= Math.min(side - 1, x + r); xx++) {
                sum += img[offset + yy * side + xx];
                n++;
            }
        }
        return (float) (sum / n);
    }

    /** The side of a square of {@code n} pixels, or 0 when {@code n} is not a square. */
    private static int side(int n) {
        int s = (int) Math.round(Math.sqrt(n));
        return s > 0 && s * s == n ? s : 0;
    }

    @Override
    public String describe() {
        return "blotches:" + min + ":" + max;
    }
}
