package dev.hush.trainer.image.noise;

import java.util.SplittableRandom;

/** Impulse noise: a random fraction of pixels, drawn from a range per image, becomes 0 or 1. */
public final class SaltPepperNoise implements NoiseModel {
    private final double minFraction;
    private final double maxFraction;

    public SaltPepperNoise(double minFraction, double maxFraction) {
        if (minFraction < 0 || maxFraction > 1 || maxFraction < minFraction) {
            throw new IllegalArgumentException("salt-pepper fraction range must lie in [0, 1], got " + minFraction + ":"
                    + maxFraction);
        }
        this.minFraction = minFraction;
        this.maxFraction = maxFraction;
    }

    @Override
    public float[] apply(float[] clean, SplittableRandom rnd) {
        double p = NoiseModel.uniform(rnd, minFraction, maxFraction);
        float[] out = clean.clone();
        for (int i = 0; i < out.length; i++) {
            if (rnd.nextDouble() < p) {
                out[i] = rnd.nextBoolean() ? 1f : 0f;
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "salt-pepper:" + minFraction + ":" + maxFraction;
    }
}
