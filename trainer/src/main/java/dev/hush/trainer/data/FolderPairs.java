package dev.hush.trainer.data;

import dev.hush.runtime.image.Normalization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training pairs from two folders whose files match one to one by sorted name: noisy inputs and
 * clean targets (CARE-style "pairs"), or two independent noisy shots of the same scene (Noise2Noise:
 * with zero-mean noise the expected target is the clean image, so the network learns to denoise).
 * Each pair is normalised by the input's percentiles, as the runtime will normalise it.
 */
public final class FolderPairs implements PatchSource {
    private final List<float[]> inputs = new ArrayList<>();
    private final List<float[]> targets = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final String origin;

    public FolderPairs(Path inputDir, Path targetDir, double normLow, double normHigh, String mode) throws IOException {
        List<Path> in = ImageFolder.list(inputDir);
        List<Path> tg = ImageFolder.list(targetDir);
        if (in.isEmpty()) {
            throw new IOException("no images in " + inputDir + " (looked for .tif, .tiff, .png, .jpg, .jpeg)");
        }
        if (in.size() != tg.size()) {
            throw new IOException("the pair folders do not match: " + in.size() + " image(s) in " + inputDir + " but "
                    + tg.size() + " in " + targetDir + "; each input needs a target with the same sorted position");
        }
        for (int i = 0; i < in.size(); i++) {
            try {
                List<ImageFolder.Plane> a = ImageFolder.readFile(in.get(i));
                List<ImageFolder.Plane> b = ImageFolder.readFile(tg.get(i));
                if (a.size() != b.size()) {
                    throw new IOException("has " + a.size() + " plane(s) but its target " + tg.get(i).getFileName() + " has "
                            + b.size());
                }
                for (int z = 0; z < a.size(); z++) {
                    ImageFolder.Plane pa = a.get(z);
                    ImageFolder.Plane pb = b.get(z);
                    if (pa.width() != pb.width() || pa.height() != pb.height()) {
                        throw new IOException("is " + pa.width() + "×" + pa.height() + " but its target "
                                + tg.get(i).getFileName() + " is " + pb.width() + "×" + pb.height());
                    }
                    float[] x = pa.pixels().clone();
                    float[] y = pb.pixels().clone();
                    Normalization n = Normalization.percentile(x, normLow, normHigh);
                    n.applyInPlace(x);
                    n.applyInPlace(y);
                    inputs.add(x);
                    targets.add(y);
                    sizes.add(new int[] {pa.width(), pa.height()});
                    names.add(pa.name());
                }
            } catch (IOException e) {
                failures.add(in.get(i).getFileName() + ": " + e.getMessage());
            }
        }
        if (inputs.isEmpty()) {
            throw new IOException("no usable pair in " + inputDir + " and " + targetDir + ": " + String.join("; ", failures));
        }
        this.origin = mode + " from " + inputDir.toAbsolutePath() + " → " + targetDir.toAbsolutePath() + " (" + inputs.size()
                + " plane pairs)";
    }

    /** Files that were skipped, with the reason. */
    public List<String> failures() {
        return failures;
    }

    public int size() {
        return inputs.size();
    }

    /** The normalised input and target of pair {@code i}, with its size, for validation. */
    public float[] input(int i) {
        return inputs.get(i);
    }

    public float[] target(int i) {
        return targets.get(i);
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
                        + "-pixel patch; use a smaller --patch");
            }
            int x0 = rnd.nextInt(w - patch + 1);
            int y0 = rnd.nextInt(h - patch + 1);
            int t = rnd.nextInt(8);
            int at = offset + k * patch * patch;
            SyntheticPairs.crop(inputs.get(i), w, x0, y0, patch, t, input, at);
            SyntheticPairs.crop(targets.get(i), w, x0, y0, patch, t, target, at);
        }
    }

    @Override
    public String describe() {
        return origin;
    }
}
