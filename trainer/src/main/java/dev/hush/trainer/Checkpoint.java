package dev.hush.trainer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.arch.Network;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training checkpoint: a folder with the network's parameters (DJL's {@code .params} file) and a
 * {@code checkpoint.properties} that says which network they belong to and how far training got.
 * Resuming restores the weights and the epoch count; the optimiser's moments start afresh.
 */
public final class Checkpoint {
    static final String PARAMS = "hush";
    static final String INFO = "checkpoint.properties";
    private static final Pattern WIDTH = Pattern.compile("\\bwidth=(\\d+)");
    /** The architectures {@link #loadWidened} can widen: multi-scale (additive skips) and plain residual stacks. */
    private static final Pattern WIDENABLE = Pattern.compile("(multiscale|residual)\\(");

    private Checkpoint() {
    }

    /**
     * Writes the weights and what a resumed run must know: the epoch, the best validation PSNR, and the wall
     * seconds and steps trained so far over every run that led here (for the card's training time).
     */
    public static void save(Path dir, Model model, Network net, int epoch, double best, double totalSeconds,
                            long totalSteps) throws IOException {
        Files.createDirectories(dir);
        model.setProperty("Epoch", "0"); // one file, overwritten each time: hush-0000.params
        model.save(dir, PARAMS);
        Properties p = new Properties();
        p.setProperty("architecture", net.describe());
        p.setProperty("epoch", Integer.toString(epoch));
        p.setProperty("best_val_psnr", Double.toString(best));
        p.setProperty("total_seconds", Double.toString(totalSeconds));
        p.setProperty("total_steps", Long.toString(totalSteps));
        StringWriter w = new StringWriter();
        p.store(w, "Hush training checkpoint");
        AtomicFile.write(dir.resolve(INFO), w.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Loads a checkpoint into a model that has no trainer yet: initialises the block's parameters for {@code input}
     * and replaces them with the checkpoint's; returns the epoch the checkpoint ended. Call it before
     * {@code model.newTrainer}: DJL's trainer keeps the parameter arrays it finds at {@code initialize}, and loading
     * puts new arrays in their place, so weights loaded after that would never be trained.
     */
    public static int loadForTraining(Path dir, Model model, Network net, ai.djl.ndarray.types.Shape input)
            throws IOException {
        net.block().initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, input);
        return load(dir, model, net);
    }

    /**
     * The width the checkpoint's network had when it differs from {@code net}'s only in a smaller width (every other
     * setting the same) and is a multi-scale or residual network, so that {@link #loadWidened} can start the wider
     * network from it; empty otherwise (a warm start then refuses the checkpoint as another architecture).
     */
    public static OptionalInt narrowerWidth(Path dir, Network net) throws IOException {
        String was = info(dir).getProperty("architecture", "?");
        // Only networks whose layers see one block of channels each: U-Nets join the encoder's channels to the
        // decoder's (concatenation), where the old channels of the second block do not sit first.
        if (!WIDENABLE.matcher(was).lookingAt()) {
            return OptionalInt.empty();
        }
        Matcher old = WIDTH.matcher(was);
        Matcher now = WIDTH.matcher(net.describe());
        if (!old.find() || !now.find()) {
            return OptionalInt.empty();
        }
        int oldWidth = Integer.parseInt(old.group(1));
        int newWidth = Integer.parseInt(now.group(1));
        boolean sameElse = old.replaceFirst("width=?").equals(now.replaceFirst("width=?"));
        return sameElse && oldWidth < newWidth ? OptionalInt.of(oldWidth) : OptionalInt.empty();
    }

    /**
     * Starts {@code net} from the checkpoint of {@code narrow}, the same network with fewer channels per layer, so
     * that the wider network computes exactly what the narrow one did (function-preserving widening, as Net2Net,
     * Chen et al. 2016, does it with zero links): every weight array's old block is copied into its first rows
     * (outputs) and columns (inputs); the links from new channels into old ones are zero, so the new channels cannot
     * change the old outputs until training makes them useful; the new channels' own weights keep their fresh
     * initialisation (their biases start at zero). Channel counts are the first two dimensions of every weight
     * (output, input), as in all of this trainer's layers, whose weights are laid out output-major ({@code UpConv}
     * included). Call it, like {@link #loadForTraining}, before {@code model.newTrainer}. Returns the checkpoint's epoch.
     */
    public static int loadWidened(Path dir, Model model, Network net, Network narrow, Shape input) throws IOException {
        net.block().initialize(model.getNDManager(), DataType.FLOAT32, input);
        int epoch;
        try (Model old = Model.newInstance("narrow", model.getNDManager().getEngine().getEngineName())) {
            old.setBlock(narrow.block());
            narrow.block().initialize(old.getNDManager(), DataType.FLOAT32, input);
            epoch = load(dir, old, narrow);
            PairList<String, Parameter> from = narrow.block().getParameters();
            PairList<String, Parameter> to = net.block().getParameters();
            if (from.size() != to.size()) {
                throw new IOException("cannot widen " + narrow.describe() + " to " + net.describe() + ": they have "
                        + from.size() + " and " + to.size() + " parameter arrays");
            }
            for (int i = 0; i < to.size(); i++) {
                NDArray a = from.get(i).getValue().getArray();
                NDArray b = to.get(i).getValue().getArray();
                if (!from.get(i).getKey().equals(to.get(i).getKey())) {
                    throw new IOException("cannot widen " + narrow.describe() + ": parameter " + from.get(i).getKey()
                            + " meets " + to.get(i).getKey());
                }
                b.set(widen(a.toFloatArray(), a.getShape().getShape(), b.toFloatArray(), b.getShape().getShape()));
            }
        }
        return epoch;
    }

    /**
     * {@code wide} (shape {@code to}) with {@code narrow} (shape {@code from}) copied into its leading rows and
     * columns, the columns of new inputs into old outputs set to zero, and 1-D arrays (biases) zero beyond the old
     * entries. Dimensions past the second (kernels) must agree.
     */
    static float[] widen(float[] narrow, long[] from, float[] wide, long[] to) {
        if (from.length != to.length || from[0] > to[0] || (from.length > 1 && from[1] > to[1])) {
            throw new IllegalArgumentException("cannot widen an array of shape " + Arrays.toString(from) + " to "
                    + Arrays.toString(to));
        }
        float[] out = wide.clone();
        if (from.length == 1) {
            Arrays.fill(out, (int) from[0], out.length, 0f);
            System.arraycopy(narrow, 0, out, 0, narrow.length);
            return out;
        }
        int inner = 1;
        for (int d = 2; d < from.length; d++) {
            if (from[d] != to[d]) {
                throw new IllegalArgumentException("cannot widen an array of shape " + Arrays.toString(from) + " to "
                        + Arrays.toString(to) + ": only the first two dimensions may grow");
            }
            inner *= (int) from[d];
        }
        int oldOut = (int) from[0];
        int oldIn = (int) from[1];
        int newIn = (int) to[1];
        for (int o = 0; o < oldOut; o++) {
            for (int i = 0; i < newIn; i++) {
                int dst = (o * newIn + i) * inner;
                if (i < oldIn) {
                    System.arraycopy(narrow, (o * oldIn + i) * inner, out, dst, inner);
                } else {
                    Arrays.fill(out, dst, dst + inner, 0f);
                }
            }
        }
        return out;
    }

    /**
     * The wall seconds and steps of training that led to the checkpoint in {@code dir}, over all runs; from a
     * checkpoint written before these were recorded, the steps implied by its epoch and no seconds (NaN).
     */
    public static double[] totals(Path dir, int stepsPerEpoch) throws IOException {
        Properties p = info(dir);
        int epoch = Integer.parseInt(p.getProperty("epoch", "0"));
        return new double[] {Double.parseDouble(p.getProperty("total_seconds", "NaN")),
                Double.parseDouble(p.getProperty("total_steps", Long.toString((long) epoch * stepsPerEpoch)))};
    }

    /** Loads the weights into {@code model} (whose block is {@code net}); returns the epoch the checkpoint ended. */
    public static int load(Path dir, Model model, Network net) throws IOException {
        Properties p = info(dir);
        String arch = p.getProperty("architecture", "?");
        if (!arch.equals(net.describe())) {
            throw new IOException("the checkpoint in " + dir + " was made by " + arch + ", but this run builds "
                    + net.describe() + "; use the same architecture, depth, width, channels (and patch and dropout) to resume");
        }
        try {
            model.load(dir, PARAMS);
        } catch (MalformedModelException e) {
            throw new IOException("the checkpoint's parameters in " + dir + " are damaged: " + e.getMessage(), e);
        }
        return Integer.parseInt(p.getProperty("epoch", "0"));
    }

    /** The checkpoint's {@value #INFO}, or an error that says which folder to give. */
    private static Properties info(Path dir) throws IOException {
        Path info = dir.resolve(INFO);
        if (!Files.exists(info)) {
            throw new IOException("no checkpoint in " + dir + " (" + INFO + " is missing); give the folder that"
                    + " --checkpoint wrote");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(info, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
