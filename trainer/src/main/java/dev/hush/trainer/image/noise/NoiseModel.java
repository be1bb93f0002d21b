package dev.hush.trainer.image.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A way of corrupting a clean signal in [0, 1]. Each call draws its own strength from the model's
 * range, so one model covers many noise levels (a blind denoiser). Seeded through the caller's
 * random source, so the same seed gives the same noise.
 *
 * <p>Specs, as in recipes and on the command line (levels on the 0–255 scale where they are
 * grey levels; photon counts at the brightest pixel for Poisson):
 * <ul>
 *   <li>{@code gaussian:MIN:MAX} – additive white Gaussian, sigma in [MIN, MAX] grey levels</li>
 *   <li>{@code poisson:MIN:MAX} – shot noise, peak photons log-uniform in [MIN, MAX]</li>
 *   <li>{@code poisson-gaussian:PMIN:PMAX:SMIN:SMAX} – shot noise plus Gaussian read noise (microscopy)</li>
 *   <li>{@code salt-pepper:MIN:MAX} – a fraction in [MIN, MAX] of pixels set to 0 or 1</li>
 *   <li>{@code speckle:MIN:MAX} – multiplicative Gaussian, relative sigma in [MIN, MAX]</li>
 *   <li>{@code blotches:MIN:MAX} – local damage (irregular blobs and strokes filled with a level, a flattened or a
 *   shifted copy), MIN–MAX per 128 × 128 pixels: anomaly autoencoders trained to repair it ({@link Blotches})</li>
 *   <li>{@code none} – no noise: the input is the clean image (anomaly autoencoders learn to reconstruct)</li>
 *   <li>{@code A|B|…} – one of the alternatives, chosen uniformly for each image</li>
 * </ul>
 * Each alternative may end with {@code ,clip=P}: with probability P the noisy image is clipped to [0, 1], and with
 * {@code ,q8=P}: with probability P it is clipped and rounded to 8 bits (k/255), as saving an 8-bit file does.
 */
public interface NoiseModel {
    /** A noisy copy of {@code clean}. */
    float[] apply(float[] clean, SplittableRandom rnd);

    /** The spec that makes this model, for provenance. */
    String describe();

    static NoiseModel parse(String spec) {
        String s = spec.trim();
        if (s.contains("|")) {
            // Each alternative may carry its own ",clip=P".
            List<NoiseModel> parts = new ArrayList<>();
            for (String p : s.split("\\|")) {
                parts.add(parse(p));
            }
            return new Mixture(parts);
        }
        double clip = 0;
        double q8 = 0;
        String[] opts = s.split(",");
        s = opts[0];
        for (int i = 1; i < opts.length; i++) {
            String o = opts[i].trim();
            if (o.startsWith("clip=")) {
                clip = probability(o.substring(5), "clip", spec);
            } else if (o.startsWith("q8=")) {
                q8 = probability(o.substring(3), "q8", spec);
            } else {
                throw new IllegalArgumentException("noise '" + spec + "': unknown option '" + o + "'; options are clip=P"
                        + " (clip to [0, 1]) and q8=P (clip and round to 8 bits, as saving an 8-bit file does)");
            }
        }
        NoiseModel base = single(s, spec);
        NoiseModel m = clip > 0 ? new Clipped(base, clip, false) : base;
        return q8 > 0 ? new Clipped(m, q8, true) : m;
    }

    private static double probability(String text, String key, String spec) {
        double p = number(text, spec);
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("noise '" + spec + "': " + key + " is a probability in [0, 1]");
        }
        return p;
    }

    private static NoiseModel single(String s, String spec) {
        String[] p = s.split(":");
        String kind = p[0].toLowerCase(Locale.ROOT);
        double[] v = new double[p.length - 1];
        for (int i = 1; i < p.length; i++) {
            v[i - 1] = number(p[i], spec);
        }
        return switch (kind) {
            case "none" -> {
                if (v.length != 0) {
                    throw new IllegalArgumentException("noise '" + spec + "': none takes no values");
                }
                yield new NoiseModel() {
                    public float[] apply(float[] clean, SplittableRandom rnd) {
                        return clean.clone();
                    }

                    public String describe() {
                        return "none";
                    }
                };
            }
            case "gaussian" -> new GaussianNoise(range(v, 0, spec), range(v, 1, spec), 0);
            case "poisson" -> new PoissonGaussianNoise(range(v, 0, spec), range(v, 1, spec), 0, 0);
            case "poisson-gaussian" -> {
                if (v.length != 4) {
                    throw new IllegalArgumentException("noise '" + spec + "': poisson-gaussian needs PMIN:PMAX:SMIN:SMAX");
                }
                yield new PoissonGaussianNoise(v[0], v[1], v[2], v[3]);
            }
            case "salt-pepper" -> new SaltPepperNoise(range(v, 0, spec), range(v, 1, spec));
            case "speckle" -> new SpeckleNoise(range(v, 0, spec), range(v, 1, spec));
            case "blotches" -> new Blotches(range(v, 0, spec), range(v, 1, spec));
            default -> throw new IllegalArgumentException("unknown noise '" + kind + "' in '" + spec + "'; use gaussian,"
                    + " poisson, poisson-gaussian, salt-pepper, speckle, blotches or none, e.g. gaussian:0:50");
        };
    }

    /** MIN:MAX, or a single value for both. */
    private static double range(double[] v, int which, String spec) {
        if (v.length == 0 || v.length > 2) {
            throw new IllegalArgumentException("noise '" + spec + "': give one value or MIN:MAX");
        }
        return v.length == 1 ? v[0] : v[which];
    }

    private static double number(String text, String spec) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("noise '" + spec + "': '" + text + "' is not a number");
        }
    }

    /** Uniform in [lo, hi]; exactly lo when the range is empty. */
    static double uniform(SplittableRandom rnd, double lo, double hi) {
        return hi > lo ? rnd.nextDouble(lo, hi) : lo;
    }

    /** One of several models, chosen uniformly for each image. */
    record Mixture(List<NoiseModel> parts) implements NoiseModel {
        @Override
        public float[] apply(float[] clean, SplittableRandom rnd) {
            return parts.get(rnd.nextInt(parts.size())).apply(clean, rnd);
        }

        @Override
        public String describe() {
            return String.join("|", parts.stream().map(NoiseModel::describe).toList());
        }
    }

    /**
     * Clips to [0, 1] with a probability; with {@code round8} also rounds to multiples of 1/255, as saving an 8-bit
     * file does ({@code ,clip=P} and {@code ,q8=P}).
     */
    record Clipped(NoiseModel base, double probability, boolean round8) implements NoiseModel {
        @Override
        public float[] apply(float[] clean, SplittableRandom rnd) {
            float[] out = base.apply(clean, rnd);
            if (rnd.nextDouble() < probability) {
                for (int i = 0; i < out.length; i++) {
                    float v = Math.max(0f, Math.min(1f, out[i]));
                    out[i] = round8 ? Math.round(v * 255f) / 255f : v;
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return base.describe() + (round8 ? ",q8=" : ",clip=") + probability;
        }
    }
}
