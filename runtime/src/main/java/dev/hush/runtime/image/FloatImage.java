package dev.hush.runtime.image;

/**
 * A float image of one or more channels, stored channel by channel, row by row (C×H×W), the
 * layout of one item of an N×C×H×W tensor.
 */
public final class FloatImage {
    private final int channels;
    private final int width;
    private final int height;
    private final float[] data;

    public FloatImage(int channels, int width, int height, float[] data) {
        if (channels < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("image must have at least 1 channel and 1×1 pixels, got " + channels
                    + " channel(s) of " + width + "×" + height);
        }
        if ((long) channels * width * height != data.length) {
            throw new IllegalArgumentException("data holds " + data.length + " values, but " + channels + "×" + width
                    + "×" + height + " needs " + (long) channels * width * height);
        }
        this.channels = channels;
        this.width = width;
        this.height = height;
        this.data = data;
    }

    public FloatImage(int channels, int width, int height) {
        this(channels, width, height, new float[Math.multiplyExact(Math.multiplyExact(channels, width), height)]);
    }

    /** A one-channel image. */
    public static FloatImage gray(int width, int height, float[] data) {
        return new FloatImage(1, width, height, data);
    }

    public int channels() { return channels; }
    public int width() { return width; }
    public int height() { return height; }

    /** The backing array (C×H×W); changes write through. */
    public float[] data() { return data; }

    public float get(int c, int x, int y) {
        return data[(c * height + y) * width + x];
    }

    public void set(int c, int x, int y, float v) {
        data[(c * height + y) * width + x] = v;
    }

    public FloatImage copy() {
        return new FloatImage(channels, width, height, data.clone());
    }

    /** Counts NaN and infinite values. */
    public long countNonFinite() {
        long n = 0;
        for (float v : data) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }
}
