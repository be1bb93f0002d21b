package dev.hush.trainer.image.noise;

import java.util.SplittableRandom;

/**
 * Shot noise plus Gaussian read noise, the usual model of a camera or a microscope detector: a pixel
 * of clean value c in [0, 1] collects Poisson(c · peak) photons; the count is scaled back by 1/peak
 * and Gaussian noise of sigma grey levels (0–255 scale) is added. The peak is drawn log-uniformly,
 * because noise levels spread over orders of magnitude of light.
 */
public final class PoissonGaussianNoise implements NoiseModel {
    private final double minPeak;
    private final double maxPeak;
    private final double minSigma;
    private final double maxSigma;

    public PoissonGaussianNoise(double minPeak, double maxPeak, double minSigma, double maxSigma) {
        if (!(minPeak > 0) || maxPeak < minPeak) {
            throw new IllegalArgumentException("peak photon range must satisfy 0 < min <= max, got " + minPeak + ":" + maxPeak);
        }
        if (minSigma < 0 || maxSigma < minSigma) {
            throw new IllegalArgumentException("read-noise sigma range must satisfy 0 <= min <= max, got " + minSigma + ":"
                    + maxSigma);
        }
        this.minPeak = minPeak;
        this.maxPeak = maxPeak;
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
    }

    @Override
    public float[] apply(float[] clean, SplittableRandom rnd) {
        double peak = Math.exp(NoiseModel.uniform(rnd, Math.log(minPeak), Math.log(maxPeak)));
        double sigma = NoiseModel.uniform(rnd, minSigma, maxSigma) / 255.0;
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            double lambda = Math.max(0, clean[i]) * peak;
            double v = poisson(lambda, rnd) / peak;
            if (sigma > 0) {
                v += sigma * rnd.nextGaussian();
            }
            out[i] = (float) v;
        }
        return out;
    }

    /** A Poisson variate: by counting for small means, by the normal approximation for large ones. */
    static double poisson(double lambda, SplittableRandom rnd) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 30) {
            double limit = Math.exp(-lambda);
            double product = rnd.nextDouble();
            int k = 0;
            while (product > limit) {
                product *= rnd.nextDouble();
                k++;
            }
            return k;
        }
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
    }

    @Override
    public String describe() {
        return minSigma == 0 && maxSigma == 0 ? "poisson:" + fmt(minPeak) + ":" + fmt(maxPeak)
                : "poisson-gaussian:" + fmt(minPeak) + ":" + fmt(maxPeak) + ":" + fmt(minSigma) + ":" + fmt(maxSigma);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
