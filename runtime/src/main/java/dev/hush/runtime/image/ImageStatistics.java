package dev.hush.runtime.image;

import dev.hush.runtime.ModelContract;

/**
 * What a denoiser fits to a whole grey image before it denoises it — the values its percentile normalisation
 * samples, and the 2×2 blocks its noise-level estimate and noise map read — gathered from the image's rows handed
 * over in order, any number at a time. For an image too large to hold: read it once, band by band, into this, then
 * denoise it band by band ({@link ImageDenoiser#bands}). The samples are exactly those the whole-image path takes
 * ({@link Normalization#percentile}, {@link NoiseLevel#estimate}, {@link NoiseLevel#map}), so both paths fit the same
 * numbers. Holds about three million floats whatever the image's size.
 */
public final class ImageStatistics {
    private final int width;
    private final int height;
    private final long stride;
    private final float[] sample;
    private int n;
    private long index;
    private int rows;
    private final NoiseLevel.Blocks blocks;

    /** For a grey image of {@code width} × {@code height} pixels (its area may exceed an array's). */
    public ImageStatistics(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("an image has at least one pixel, got " + width + "×" + height);
        }
        this.width = width;
        this.height = height;
        long count = (long) width * height;
        stride = Normalization.stride(count);
        sample = new float[(int) ((count + stride - 1) / stride)];
        blocks = new NoiseLevel.Blocks(width, height);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Takes the image's next {@code count} rows: {@code count × width} values from {@code data[offset]} on. */
    public void rows(float[] data, int offset, int count) {
        if (count < 0 || rows + count > height) {
            throw new IllegalArgumentException(count + " more rows after " + rows + " of a " + height + "-row image");
        }
        long end = index + (long) count * width;
        long first = (index + stride - 1) / stride * stride;
        for (long i = first; i < end; i += stride) {
            float v = data[offset + (int) (i - index)];
            if (Float.isFinite(v)) {
                sample[n++] = v;
            }
        }
        blocks.rows(data, offset, count);
        index = end;
        rows += count;
    }

    /** Whether every row has been given. */
    public boolean complete() {
        return rows == height;
    }

    /** The intensity map {@code contract} asks for, fitted to the whole image (as {@link Normalization#fit}). */
    Normalization normalization(ModelContract contract) {
        requireComplete();
        return switch (contract.norm()) {
            case NONE -> Normalization.identity();
            case FIXED -> new Normalization(contract.normLow(), contract.normHigh());
            case PERCENTILE -> Normalization.ofSample(sample.clone(), n, contract.normLow(), contract.normHigh());
        };
    }

    /** The noise's standard deviation in the image's units (as {@link NoiseLevel#estimate}). */
    double sigma() {
        requireComplete();
        return width / 2 == 0 || height / 2 == 0 ? 0 : blocks.sigma();
    }

    /** How the noise grows with brightness, or null when it does not (as {@link NoiseLevel#map}). */
    NoiseLevel.Curve curve() {
        requireComplete();
        return width / 2 < 8 || height / 2 < 8 ? null : NoiseLevel.Curve.fit(blocks);
    }

    private void requireComplete() {
        if (!complete()) {
            throw new IllegalStateException("only " + rows + " of the image's " + height + " rows were given");
        }
    }
}
