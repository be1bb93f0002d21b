package dev.hush.trainer.data;

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

    /** The built-in generators by their recipe name ({@code data=}). */
    static CleanImages named(String name) {
        return switch (name) {
            case "deadleaves" -> DeadLeaves.standard();
            case "fluorescence" -> new Fluorescence();
            case "mixed" -> new Mixed(DeadLeaves.standard(), new Fluorescence());
            default -> throw new IllegalArgumentException("unknown generator '" + name
                    + "'; built in: deadleaves, fluorescence, mixed");
        };
    }

    /** True for the names {@link #named} knows. */
    static boolean isBuiltIn(String name) {
        return name.equals("deadleaves") || name.equals("fluorescence") || name.equals("mixed");
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
