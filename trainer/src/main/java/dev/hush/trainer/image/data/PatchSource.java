package dev.hush.trainer.image.data;

import java.util.SplittableRandom;

/**
 * Where training patches come from. Each call fills {@code count} patches of {@code patch}×{@code patch}
 * at {@code offset}: the network's input, the target, and for self-supervised training a mask that
 * says which pixels count in the loss (null arrays are not filled).
 */
public interface PatchSource {
    void fill(float[] input, float[] target, float[] mask, int offset, int count, int patch, SplittableRandom rnd);

    /** True when the loss must be restricted to masked pixels (Noise2Void). */
    default boolean masked() {
        return false;
    }

    /** Where the data came from, for the model's provenance. */
    String describe();
}
