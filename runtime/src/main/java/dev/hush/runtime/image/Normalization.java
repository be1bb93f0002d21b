package dev.hush.runtime.image;

import dev.hush.runtime.ModelContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The affine map from pixel values to the units a model was trained in ({@code (v - low) / (high - low)})
 * and its inverse. Percentile normalisation samples at most about a million pixels, so fitting a huge
 * image costs little; the trainer uses the same code, so training and inference agree.
 */
public record Normalization(double low, double high) implements IntensityMap {
    private static final int MAX_SAMPLES = 1 << 20;

    public static Normalization identity() {
        return new Normalization(0, 1);
    }

    /** Fits the map that {@code contract} asks for to {@code image} (all channels together). */
    public static Normalization fit(ModelContract contract, FloatImage image) {
        return switch (contract.norm()) {
            case NONE -> identity();
            case FIXED -> new Normalization(contract.normLow(), contract.normHigh());
            case PERCENTILE -> percentile(image.data(), contract.normLow(), contract.normHigh());
        };
    }

    /**
     * Fits the map that {@code contract} asks for to a volume given as its planes (all planes and channels together),
     * sampling about a million values in all, as {@link #percentile} does for one image.
     */
    public static Normalization fit(ModelContract contract, List<FloatImage> planes) {
        if (contract.norm() != ModelContract.Norm.PERCENTILE || planes.size() == 1) {
            return fit(contract, planes.get(0));
        }
        List<float[]> data = new ArrayList<>();
        for (FloatImage p : planes) {
            data.add(p.data());
        }
        return percentile(sample(data), contract.normLow(), contract.normHigh());
    }

    /**
     * About a million values spread evenly over several arrays (a volume's planes): the stride runs on across array
     * boundaries, so each array is sampled in proportion to its size.
     */
    public static float[] sample(List<float[]> arrays) {
        long total = 0;
        for (float[] a : arrays) {
            total += a.length;
        }
        int stride = (int) Math.max(1, total / MAX_SAMPLES);
        float[] sample = new float[(int) Math.min(Integer.MAX_VALUE - 8, total / stride + arrays.size())];
        int n = 0;
        long at = 0;
        for (float[] d : arrays) {
            for (int i = (int) ((stride - at % stride) % stride); i < d.length && n < sample.length; i += stride) {
                sample[n++] = d[i];
            }
            at += d.length;
        }
        return Arrays.copyOf(sample, n);
    }

    /** Maps the given percentiles of the values to 0 and 1; a flat image keeps a unit scale. */
    public static Normalization percentile(float[] values, double lowPct, double highPct) {
        int stride = (int) stride(values.length);
        float[] sample = new float[(values.length + stride - 1) / stride];
        int n = 0;
        for (int i = 0; i < values.length; i += stride) {
            float v = values[i];
            if (Float.isFinite(v)) {
                sample[n++] = v;
            }
        }
        return ofSample(sample, n, lowPct, highPct);
    }

    /** The step between the values {@link #percentile} samples from {@code count} values (every one up to a million). */
    static long stride(long count) {
        return Math.max(1, count / MAX_SAMPLES);
    }

    /** {@link #percentile} of the finite values {@code sample[0..n)} (sorted in place). */
    static Normalization ofSample(float[] sample, int n, double lowPct, double highPct) {
        if (n == 0) {
            return identity();
        }
        Arrays.sort(sample, 0, n);
        double lo = at(sample, n, lowPct);
        double hi = at(sample, n, highPct);
        if (!(hi - lo > 1e-12 * Math.max(1, Math.abs(lo)))) {
            hi = lo + 1; // flat image: any scale is right; keep values finite
        }
        return new Normalization(lo, hi);
    }

    private static double at(float[] sorted, int n, double pct) {
        double pos = pct / 100.0 * (n - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(n - 1, i + 1);
        double f = pos - i;
        return sorted[i] * (1 - f) + sorted[j] * f;
    }

    @Override
    public void restore(List<float[]> outputs, List<float[]> inputs) {
        for (float[] o : outputs) {
            invertInPlace(o);
        }
    }

    @Override
    public float apply(float v) {
        return (float) ((v - low) / (high - low));
    }

    public float invert(float v) {
        return (float) (v * (high - low) + low);
    }

    public void applyInPlace(float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = apply(values[i]);
        }
    }

    public void invertInPlace(float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = invert(values[i]);
        }
    }
}
