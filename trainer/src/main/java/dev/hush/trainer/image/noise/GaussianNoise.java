package dev.hush.trainer.image.noise;

import java.util.SplittableRandom;

/**
 * Additive white Gaussian noise with a standard deviation drawn uniformly from a range, given on the
 * 0–255 scale of 8-bit images (signals live in [0, 1]). A range makes a blind model, one that needs
 * no noise level at inference. Optionally clips to [0, 1] like a camera writing 8-bit files.
 */
public final class GaussianNoise implements NoiseModel {
    private final double minSigma;
    private final double maxSigma;
    private final double clipProbability;

    public GaussianNoise(double minSigma, double maxSigma, double clipProbability) {
        if (minSigma < 0 || maxSigma < minSigma) {
            throw new IllegalArgumentException("sigma range must satisfy 0 <= min <= max, got " + minSigma + ":" + maxSigma);
        }
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
        this.clipProbability = clipProbability;
    }

    /** Parses {@code 25} or {@code 0:50}. */
    public static GaussianNoise parse(String range, double clipProbability) {
        String[] p = range.split(":");
        try {
            double lo = Double.parseDouble(p[0].trim());
            double hi = p.length > 1 ? Double.parseDouble(p[1].trim()) : lo;
            return new GaussianNoise(lo, hi, clipProbability);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sigma must be a number or a range like 0:50 (on the 0-255 scale), got '"
                    + range + "'");
        }
    }

    /** Adds noise of one randomly drawn sigma to a copy of {@code clean}. */
    @Override
    public float[] apply(float[] clean, SplittableRandom rnd) {
        double sigma = (minSigma == maxSigma ? minSigma : rnd.nextDouble(minSigma, maxSigma)) / 255.0;
        boolean clip = rnd.nextDouble() < clipProbability;
        return apply(clean, sigma, clip, rnd);
    }

    /** Adds noise of standard deviation {@code sigma} (in signal units) to a copy of {@code clean}. */
    public static float[] apply(float[] clean, double sigma, boolean clip, SplittableRandom rnd) {
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            double v = clean[i] + sigma * rnd.nextGaussian();
            out[i] = (float) (clip ? Math.max(0, Math.min(1, v)) : v);
        }
        return out;
    }

    @Override
    public String describe() {
        return "gaussian:" + fmt(minSigma) + (minSigma == maxSigma ? "" : ":" + fmt(maxSigma))
                + (clipProbability > 0 ? ",clip=" + clipProbability : "");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
