package dev.hush.trainer.image;

import dev.hush.runtime.image.Normalization;
import dev.hush.trainer.image.data.BlindSpotPatches;
import dev.hush.trainer.image.data.PatchSource;
import dev.hush.trainer.image.data.PlanePairs;
import java.util.ArrayList;
import java.util.List;

/**
 * Training data handed over in memory (an open ImageJ image, say) instead of read from folders: noisy planes for
 * Noise2Void, or noisy planes with their clean targets for supervised pairs. Values are raw; the trainer normalises
 * each plane by its own percentiles (a pair by its input's), as it does with files and as the runtime will.
 */
public final class TrainingPlanes {
    private final List<float[]> inputs;
    private final List<float[]> targets;
    private final List<int[]> sizes;
    private final String origin;

    private TrainingPlanes(List<float[]> inputs, List<float[]> targets, List<int[]> sizes, String origin) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no planes to train on");
        }
        if (sizes.size() != inputs.size() || (targets != null && targets.size() != inputs.size())) {
            throw new IllegalArgumentException(inputs.size() + " input plane(s) but " + sizes.size() + " size(s)"
                    + (targets == null ? "" : " and " + targets.size() + " target(s)"));
        }
        for (int i = 0; i < inputs.size(); i++) {
            int[] s = sizes.get(i);
            long area = (long) s[0] * s[1];
            if (inputs.get(i).length != area || (targets != null && targets.get(i).length != area)) {
                throw new IllegalArgumentException("plane " + (i + 1) + " holds " + inputs.get(i).length + " values, not "
                        + s[0] + "×" + s[1]);
            }
        }
        this.inputs = List.copyOf(inputs);
        this.targets = targets == null ? null : List.copyOf(targets);
        this.sizes = List.copyOf(sizes);
        this.origin = origin;
    }

    /** Noisy planes for Noise2Void (mode {@code n2v}); {@code sizes} holds {width, height} of each. */
    public static TrainingPlanes noisy(List<float[]> planes, List<int[]> sizes, String origin) {
        return new TrainingPlanes(planes, null, sizes, origin);
    }

    /** Noisy planes and their clean targets, one to one and of equal size (mode {@code pairs}). */
    public static TrainingPlanes pairs(List<float[]> inputs, List<float[]> targets, List<int[]> sizes, String origin) {
        return new TrainingPlanes(inputs, targets, sizes, origin);
    }

    /** True when targets were given (supervised pairs). */
    public boolean paired() {
        return targets != null;
    }

    public int size() {
        return inputs.size();
    }

    /** Normalised copies; the caller's arrays are left as they are. */
    TrainingPlanes normalised(double low, double high) {
        List<float[]> in = new ArrayList<>();
        List<float[]> tg = targets == null ? null : new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            float[] x = inputs.get(i).clone();
            Normalization n = Normalization.percentile(x, low, high);
            n.applyInPlace(x);
            in.add(x);
            if (tg != null) {
                float[] y = targets.get(i).clone();
                n.applyInPlace(y);
                tg.add(y);
            }
        }
        return new TrainingPlanes(in, tg, sizes, origin);
    }

    /** Blind-spot patches (Noise2Void) from unpaired planes, input/target patches from pairs. */
    PatchSource patches(double maskFraction) {
        if (!paired()) {
            return new BlindSpotPatches(inputs, sizes, maskFraction, "Noise2Void on " + inputs.size() + " noisy plane(s) of "
                    + origin);
        }
        return pairs();
    }

    /** The pairs as a patch source (and for validation); only for paired planes. */
    PlanePairs pairs() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            names.add("plane " + (i + 1));
        }
        return new PlanePairs(inputs, targets, sizes, names, "pairs from " + origin + " (" + inputs.size() + " plane pairs)");
    }
}
