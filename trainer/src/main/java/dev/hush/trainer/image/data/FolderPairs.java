package dev.hush.trainer.image.data;

import dev.hush.runtime.image.Normalization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training pairs from two folders whose files match one to one by sorted name: noisy inputs and
 * clean targets (CARE-style "pairs"), or two independent noisy shots of the same scene (Noise2Noise:
 * with zero-mean noise the expected target is the clean image, so the network learns to denoise).
 * Each pair is normalised by the input's percentiles, as the runtime will normalise it.
 */
public final class FolderPairs {
    private final List<float[]> inputs = new ArrayList<>();
    private final List<float[]> targets = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final PlanePairs planes;

    public FolderPairs(Path inputDir, Path targetDir, double normLow, double normHigh, String mode) throws IOException {
        this(inputDir, targetDir, normLow, normHigh, mode, 1);
    }

    /**
     * With {@code channels} = 3, RGB images are read as three channels (R, G, B) and a grey image is skipped with a
     * message; with 1, RGB becomes luminance.
     */
    public FolderPairs(Path inputDir, Path targetDir, double normLow, double normHigh, String mode, int channels)
            throws IOException {
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
                List<ImageFolder.Plane> a = ImageFolder.readFile(in.get(i), channels == 3);
                List<ImageFolder.Plane> b = ImageFolder.readFile(tg.get(i), channels == 3);
                if (a.size() != b.size()) {
                    throw new IOException("has " + a.size() + " plane(s) but its target " + tg.get(i).getFileName() + " has "
                            + b.size());
                }
                for (int z = 0; z < a.size(); z++) {
                    ImageFolder.Plane pa = a.get(z);
                    ImageFolder.Plane pb = b.get(z);
                    if (pa.channels() != channels || pb.channels() != channels) {
                        throw new IOException("is not an RGB image (or its target is not), but the model takes "
                                + channels + " channels; convert it (ImageJ: Image › Type › RGB Color) or train with"
                                + " channels=1");
                    }
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
        this.planes = new PlanePairs(inputs, targets, sizes, names, mode + " from " + inputDir.toAbsolutePath() + " → "
                + targetDir.toAbsolutePath() + " (" + inputs.size() + " plane pairs)");
    }

    /** Files that were skipped, with the reason. */
    public List<String> failures() {
        return failures;
    }

    /** The pairs read, normalised, as a patch source. */
    public PlanePairs planes() {
        return planes;
    }
}
