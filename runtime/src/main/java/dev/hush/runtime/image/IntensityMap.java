package dev.hush.runtime.image;

import java.util.List;

/**
 * How one image's (or one volume's) values become the model's input units, and the model's output becomes values
 * again. A Hush model's map is its contract's {@link Normalization} and the exact inverse; a bioimage.io package's is
 * its declared pre- and postprocessing. Fitted to the whole image before tiling, so tiles agree with each other.
 */
public interface IntensityMap {
    /** An input value in model units. */
    float apply(float v);

    /**
     * Maps the model's outputs (one array per plane, all channels) back to image values in place; {@code inputs} are
     * the raw inputs of the same planes, for steps that refer to the input's statistics.
     */
    void restore(List<float[]> outputs, List<float[]> inputs);
}
