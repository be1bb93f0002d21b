package dev.hush.runtime.audio;

/**
 * A complex short-time spectrum, frames × bins, row-major by frame: bin k of frame m is at
 * {@code m * bins + k} in {@code re} and {@code im}. The arrays are shared, not copied.
 */
public record Spectrogram(int frames, int bins, float[] re, float[] im) {
    /**
     * Floor added to magnitudes before the logarithm, for float samples in [−1, 1]: a bin 120 dB below a
     * full-scale sine's peak bin still sits above it at n_fft 512 (that peak is about 128).
     */
    public static final float LOG_EPS = 1e-5f;

    public Spectrogram {
        if (frames < 0 || bins < 1) {
            throw new IllegalArgumentException("a spectrogram needs at least one bin and no negative frame count, got "
                    + frames + " frames × " + bins + " bins");
        }
        long size = (long) frames * bins;
        if (re.length != size || im.length != size) {
            throw new IllegalArgumentException("re and im must hold frames × bins = " + size + " values, got "
                    + re.length + " and " + im.length);
        }
    }

    /** |X| of every bin, frames × bins. */
    public float[] magnitude() {
        float[] out = new float[re.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt((double) re[i] * re[i] + (double) im[i] * im[i]);
        }
        return out;
    }

    /**
     * log(|X| + eps) of every bin, frames × bins: the model's input features. A log compresses the
     * spectrum's huge dynamic range the way loudness does; eps bounds the floor at log(eps) for silent bins
     * and keeps the feature scale-covariant (multiplying the signal by g adds log g) above it, which
     * log1p(|X|) is not for the small magnitudes of quiet audio.
     */
    public float[] logMagnitude(float eps) {
        float[] out = new float[re.length];
        logMagnitude(re, im, 0, re.length, eps, out);
        return out;
    }

    /** {@code out[i] = log(|X_i| + eps)} for i in [from, from + count): one frame of a stream at a time. */
    public static void logMagnitude(float[] re, float[] im, int from, int count, float eps, float[] out) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be positive, got " + eps);
        }
        for (int i = from; i < from + count; i++) {
            out[i] = (float) Math.log(Math.sqrt((double) re[i] * re[i] + (double) im[i] * im[i]) + eps);
        }
    }
}
