package dev.hush.trainer.image.noise;

import java.util.SplittableRandom;

/** Multiplicative noise, v · (1 + s·n) with n standard normal and s drawn from a range per image (ultrasound, SAR). */
public final class SpeckleNoise implements NoiseModel {
    private final double minSigma;
    private final double maxSigma;

    public SpeckleNoise(double minSigma, double maxSigma) {
        if (minSigma < 0 || maxSigma < minSigma) {
            throw new IllegalArgumentException("speckle sigma range must satisfy 0 <= min <= max, got " + minSigma + ":"
                    + maxSigma);
        }
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
    }

    @Override
    public float[] apply(float[] clean, SplittableRandom rnd) {
        double s = NoiseModel.uniform(rnd, minSigma, maxSigma);
        float[] out = new float[clean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (clean[i] * (1 + s * rnd.nextGaussian()));
        }
        return out;
    }

    @Override
    public String describe() {
        return "speckle:" + minSigma + ":" + maxSigma;
    }
}
