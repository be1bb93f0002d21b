package dev.hush.trainer.image.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Normalised input/target planes held in memory, paired one to one, as a patch source: each patch
 * comes from a random pair, at a random place, under a random flip or turn applied to both. Folder
 * pairs, Noise2Noise shots and pairs handed over by ImageJ all end up here.
 */
public final class PlanePairs implements PatchSource {
    private final List<float[]> inputs;
    private final List<float[]> targets;
    private final List<int[]> sizes;
    private final List<String> names;
    private final String origin;

    /** {@code sizes} holds {width, height} of each pair; {@code names} says which pair is meant in messages. */
    public PlanePairs(List<float[]> inputs, List<float[]> targets, List<int[]> sizes, List<String> names, String origin) {
        this.inputs = List.copyOf(inputs);
        this.targets = List.copyOf(targets);
        this.sizes = List.copyOf(sizes);
        this.names = List.copyOf(names);
        this.origin = origin;
    }

    public int size() {
        return inputs.size();
    }

    public float[] input(int i) {
        return inputs.get(i);
    }

    public float[] target(int i) {
        return targets.get(i);
    }

    /** Channels of the pairs (all have the same; planes are channel-major). */
    public int channels() {
        return inputs.isEmpty() ? 1 : inputs.get(0).length / (sizes.get(0)[0] * sizes.get(0)[1]);
    }

    public int[] dimensions(int i) {
        return sizes.get(i);
    }

    @Override
    public void fill(float[] input, float[] target, float[] mask, int offset, int count, int patch, SplittableRandom rnd) {
        for (int k = 0; k < count; k++) {
            int i = rnd.nextInt(inputs.size());
            int w = sizes.get(i)[0];
            int h = sizes.get(i)[1];
            if (w < patch || h < patch) {
                throw new IllegalArgumentException(names.get(i) + " is " + w + "×" + h + ", smaller than the " + patch
                        + "-pixel patch; use a smaller patch");
            }
            int x0 = rnd.nextInt(w - patch + 1);
            int y0 = rnd.nextInt(h - patch + 1);
            int t = rnd.nextInt(8);
            int c = inputs.get(i).length / (w * h);
            int at = offset + k * c * patch * patch;
            SyntheticPairs.crop(inputs.get(i), w, h, x0, y0, patch, t, input, at);
            SyntheticPairs.crop(targets.get(i), w, h, x0, y0, patch, t, target, at);
        }
    }

    @Override
    public String describe() {
        return origin;
    }
}
