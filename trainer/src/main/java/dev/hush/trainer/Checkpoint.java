package dev.hush.trainer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.arch.Network;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A training checkpoint: a folder with the network's parameters (DJL's {@code .params} file) and a
 * {@code checkpoint.properties} that says which network they belong to and how far training got.
 * Resuming restores the weights and the epoch count; the optimiser's moments start afresh.
 */
public final class Checkpoint {
    static final String PARAMS = "hush";
    static final String INFO = "checkpoint.properties";

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
