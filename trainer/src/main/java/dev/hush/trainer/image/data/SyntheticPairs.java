package dev.hush.trainer.image.data;

import dev.hush.runtime.image.Normalization;
import dev.hush.trainer.image.noise.NoiseModel;
import java.util.SplittableRandom;

/**
 * Makes noisy/clean training pairs from generated clean images. Each image is normalised exactly
 * as the runtime will normalise a user's image (percentiles of the noisy image → 0 and 1) and
 * the clean target gets the same affine map, so training and inference see the same units.
 * Patches are cut at random places with random flips and 90° turns.
 */
public final class SyntheticPairs implements PatchSource {
    private final CleanImages generator;
    private final NoiseModel noise;
    private final int imageSize;
    private final double normLow;
    private final double normHigh;
    private final int channels;

    public SyntheticPairs(CleanImages generator, NoiseModel noise, double normLow, double normHigh, int imageSize) {
        this(generator, noise, normLow, normHigh, imageSize, 1);
    }

    /** Pairs of {@code channels}-channel images (patches C×P×P, channel-major). */
    public SyntheticPairs(CleanImages generator, NoiseModel noise, double normLow, double normHigh, int imageSize,
                          int channels) {
        this.channels = channels;
        this.generator = generator;
        this.imageSize = imageSize;
        this.noise = noise;
        this.normLow = normLow;
        this.normHigh = normHigh;
    }

    /** A clean image with random contrast: sometimes the full range, sometimes a narrow band of it. */
    public float[] cleanImage(int size, SplittableRandom rnd) {
        float[] img = generator.generate(size, size, channels, rnd);
        if (rnd.nextDouble() < 0.3) {
            double span = rnd.nextDouble(0.2, 1.0);
            double lo = rnd.nextDouble(0, 1 - span);
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) (lo + span * img[i]);
            }
        }
        return img;
    }

    /**
     * Fills {@code noisyOut} and {@code cleanOut} at {@code offset} with {@code count} patches of
     * {@code patch}×{@code patch}, cut from freshly generated images.
     */
    @Override
    public void fill(float[] noisyOut, float[] cleanOut, float[] mask, int offset, int count, int patch,
                     SplittableRandom rnd) {
        int perImage = Math.max(1, (imageSize / patch) * (imageSize / patch) / 2);
        int written = 0;
        while (written < count) {
            float[] clean = cleanImage(imageSize, rnd);
            float[] noisy = noise.apply(clean, rnd);
            Normalization n = Normalization.percentile(noisy, normLow, normHigh);
            n.applyInPlace(noisy);
            n.applyInPlace(clean);
            for (int k = 0; k < perImage && written < count; k++, written++) {
                int x0 = rnd.nextInt(imageSize - patch + 1);
                int y0 = rnd.nextInt(imageSize - patch + 1);
                int t = rnd.nextInt(8);
                int at = offset + written * channels * patch * patch;
                crop(noisy, imageSize, imageSize, x0, y0, patch, t, noisyOut, at);
                crop(clean, imageSize, imageSize, x0, y0, patch, t, cleanOut, at);
            }
        }
    }

    @Override
    public String describe() {
        return generator.describe() + (channels > 1 ? " (" + channels + " channels)" : "") + ", " + imageSize
                + " px images, noise " + noise.describe();
    }

    /**
     * Copies a patch of every channel of a channel-major image (C·H·W values, H = {@code height}) under one of the 8
     * symmetries of the square, to C·P·P values at {@code at}.
     */
    public static void crop(float[] src, int width, int height, int x0, int y0, int patch, int t, float[] dst, int at) {
        int planes = src.length / (width * height);
        for (int c = 0; c < planes; c++) {
            cropPlane(src, c * width * height, width, x0, y0, patch, t, dst, at + c * patch * patch);
        }
    }

    /** Copies a patch under one of the 8 symmetries of the square (t: bit 0 flip x, bit 1 flip y, bit 2 transpose). */
    public static void crop(float[] src, int width, int x0, int y0, int patch, int t, float[] dst, int at) {
        cropPlane(src, 0, width, x0, y0, patch, t, dst, at);
    }

    /** As above, for the plane starting at {@code base} in {@code src}. */
    static void cropPlane(float[] src, int base, int width, int x0, int y0, int patch, int t, float[] dst, int at) {
        for (int y = 0; y < patch; y++) {
            for (int x = 0; x < patch; x++) {
                int u = (t & 4) != 0 ? y : x;
                int v = (t & 4) != 0 ? x : y;
                if ((t & 1) != 0) {
                    u = patch - 1 - u;
                }
                if ((t & 2) != 0) {
                    v = patch - 1 - v;
                }
                dst[at + y * patch + x] = src[base + (y0 + v) * width + x0 + u];
            }
        }
    }
}
