package dev.hush.runtime;

/**
 * Axis orders in bioimage.io letters ({@code b} batch, {@code c} channel, {@code z}, {@code y}, {@code x}): Hush's
 * own tensors are {@code bcyx} or {@code bczyx} ("canonical"); a packaged model may take another order, and its
 * tensors are transposed on the way in and out.
 */
public final class Axes {
    private Axes() {
    }

    public static String canonical(String axes) {
        return axes.indexOf('z') >= 0 ? "bczyx" : "bcyx";
    }

    public static boolean isCanonical(String axes) {
        return axes.equals(canonical(axes));
    }

    /** A shape given in {@code axes} order, in canonical order. */
    public static long[] toCanonical(long[] shape, String axes) {
        String canon = canonical(axes);
        if (shape.length != axes.length()) {
            return shape; // the rank check that follows names the mismatch
        }
        long[] out = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[axes.indexOf(canon.charAt(i))];
        }
        return out;
    }

    /** A canonical shape in {@code axes} order. */
    public static long[] toLayout(long[] canonicalShape, String axes) {
        String canon = canonical(axes);
        long[] out = new long[canonicalShape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = canonicalShape[canon.indexOf(axes.charAt(i))];
        }
        return out;
    }

    /** Canonical data of {@code canonicalShape} rearranged into {@code axes} order. */
    public static float[] fromCanonical(float[] data, long[] canonicalShape, String axes) {
        String canon = canonical(axes);
        int[] perm = new int[axes.length()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = canon.indexOf(axes.charAt(i));
        }
        return transpose(data, canonicalShape, perm);
    }

    /** Data of {@code shape} in {@code axes} order rearranged into canonical order. */
    public static float[] toCanonical(float[] data, long[] shape, String axes) {
        String canon = canonical(axes);
        int[] perm = new int[axes.length()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = axes.indexOf(canon.charAt(i));
        }
        return transpose(data, shape, perm);
    }

    /** out[i0, i1, ...] = in[...] with out's axis k being in's axis perm[k]. */
    public static float[] transpose(float[] data, long[] shape, int[] perm) {
        int n = shape.length;
        int[] outShape = new int[n];
        for (int k = 0; k < n; k++) {
            outShape[k] = (int) shape[perm[k]];
        }
        int[] inStride = new int[n];
        int s = 1;
        for (int k = n - 1; k >= 0; k--) {
            inStride[k] = s;
            s *= (int) shape[k];
        }
        if (s != data.length) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " does not hold "
                    + data.length + " values");
        }
        int[] stride = new int[n]; // in's stride for each of out's axes
        for (int k = 0; k < n; k++) {
            stride[k] = inStride[perm[k]];
        }
        float[] out = new float[data.length];
        int[] idx = new int[n];
        int src = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = data[src];
            for (int k = n - 1; k >= 0; k--) {
                idx[k]++;
                src += stride[k];
                if (idx[k] < outShape[k]) {
                    break;
                }
                src -= stride[k] * outShape[k];
                idx[k] = 0;
            }
        }
        return out;
    }
}
