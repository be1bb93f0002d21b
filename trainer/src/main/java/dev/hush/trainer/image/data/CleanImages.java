package dev.hush.trainer.image.data;

import java.util.SplittableRandom;

/** A source of clean training images with values in [0, 1]; seeded through the caller's random source. */
public interface CleanImages {
    float[] generate(int width, int height, SplittableRandom rnd);

    /**
     * A clean image of {@code channels} planes (channel-major, C·H·W values). By default each channel is an image of
     * its own, as the stains of a multi-channel microscopy image are; generators with colour (dead leaves) override it.
     */
    default float[] generate(int width, int height, int channels, SplittableRandom rnd) {
        if (channels == 1) {
            return generate(width, height, rnd);
        }
        float[] out = new float[channels * width * height];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(generate(width, height, rnd), 0, out, c * width * height, width * height);
        }
        return out;
    }

    /** What the images are, for the model's provenance. */
    String describe();

    /**
     * The clean images a recipe's {@code data=} names: a built-in generator ({@code deadleaves}, {@code fluorescence},
     * {@code mixed}, {@code textures}), a folder of clean images ({@link FolderImages}), or several of these joined by {@code +}, each
     * with an optional weight after {@code @} (e.g. {@code photos/@0.8+deadleaves@0.2}; default weight 1).
     */
    static CleanImages named(String spec) {
        String[] parts = spec.split("\\+");
        if (parts.length == 1 && !spec.contains("@")) {
            return single(spec.trim());
        }
        java.util.List<CleanImages> sources = new java.util.ArrayList<>();
        double[] weights = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            int at = p.lastIndexOf('@');
            weights[i] = 1;
            if (at >= 0) {
                try {
                    weights[i] = Double.parseDouble(p.substring(at + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("data '" + spec + "': weight '" + p.substring(at + 1)
                            + "' is not a number");
                }
                if (!(weights[i] > 0)) {
                    throw new IllegalArgumentException("data '" + spec + "': weights must be positive");
                }
                p = p.substring(0, at);
            }
            sources.add(single(p));
        }
        return new Weighted(sources, weights);
    }

    private static CleanImages single(String name) {
        return switch (name) {
            case "deadleaves" -> DeadLeaves.standard();
            case "fluorescence" -> new Fluorescence();
            case "mixed" -> new Mixed(DeadLeaves.standard(), new Fluorescence());
            case "textures" -> new Textures();
            // Single planes of the 3-D generator: what a 2-D network sees of the volumes a 3-D one trains on.
            case "fluorescence-planes" -> new CleanImages() {
                @Override
                public float[] generate(int width, int height, SplittableRandom rnd) {
                    return Volumes.fluorescence(width, height, Volumes.PLANES_DEPTH, rnd).plane(Volumes.PLANES_DEPTH / 2);
                }

                @Override
                public String describe() {
                    return "planes of generated 3-D fluorescence volumes";
                }
            };
            default -> {
                if (dev.hush.trainer.audio.SpectrogramImages.handles(name)) {
                    yield dev.hush.trainer.audio.SpectrogramImages.named(name);
                }
                java.nio.file.Path dir = java.nio.file.Path.of(name);
                if (!java.nio.file.Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("unknown image source '" + name
                            + "': neither a built-in generator (deadleaves, fluorescence, mixed, textures, fluorescence-planes; machines or"
                            + " sounds:DIR for spectrograms of sounds) nor a folder of clean images");
                }
                try {
                    yield FolderImages.read(dir);
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
        };
    }

    /** True for the names of the built-in generators alone (no folders): the trainer then reads no external images. */
    static boolean isBuiltIn(String name) {
        return name.equals("deadleaves") || name.equals("fluorescence") || name.equals("mixed") || name.equals("textures")
                || name.equals("machines") || name.equals("fluorescence-planes");
    }

    /** Each image from one of several sources, chosen with probability proportional to its weight. */
    record Weighted(java.util.List<CleanImages> sources, double[] weights) implements CleanImages {
        @Override
        public float[] generate(int width, int height, SplittableRandom rnd) {
            return choose(rnd).generate(width, height, rnd);
        }

        @Override
        public float[] generate(int width, int height, int channels, SplittableRandom rnd) {
            return choose(rnd).generate(width, height, channels, rnd);
        }

        private CleanImages choose(SplittableRandom rnd) {
            double total = 0;
            for (double w : weights) {
                total += w;
            }
            double r = rnd.nextDouble() * total;
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return sources.get(i);
                }
            }
            return sources.get(sources.size() - 1);
        }

        @Override
        public String describe() {
            double total = java.util.Arrays.stream(weights).sum();
            java.util.List<String> d = new java.util.ArrayList<>();
            for (int i = 0; i < weights.length; i++) {
                d.add(String.format(java.util.Locale.ROOT, "%.0f%% %s", 100 * weights[i] / total, sources.get(i).describe()));
            }
            return String.join(", ", d);
        }
    }

    /** Half the images from each generator. */
    record Mixed(CleanImages a, CleanImages b) implements CleanImages {
        @Override
        public float[] generate(int width, int height, SplittableRandom rnd) {
            return (rnd.nextBoolean() ? a : b).generate(width, height, rnd);
        }

        @Override
        public float[] generate(int width, int height, int channels, SplittableRandom rnd) {
            return (rnd.nextBoolean() ? a : b).generate(width, height, channels, rnd);
        }

        @Override
        public String describe() {
            return "half " + a.describe() + ", half " + b.describe();
        }
    }
}
