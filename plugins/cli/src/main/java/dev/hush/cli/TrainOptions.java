package dev.hush.cli;

import dev.hush.runtime.HushException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every {@code hush train} command takes: where the model goes, the recipe, and the run's length,
 * optimiser, threads and checkpoints. Each command adds its own options; {@link #overrides()} hands these over as
 * recipe keys (null: not given, the recipe's value stands), and {@link #set()} the {@code --set} pairs, which the
 * command applies last.
 */
final class TrainOptions {
    @Option(names = "--out", required = true, description = "Model file to write (.onnx).")
    Path out;

    @Option(names = "--recipe", description = "Recipe file (Java properties) with the training options.")
    Path recipe;

    @Option(names = "--name", description = "Model name (default: image-gray-custom, audio-speech-custom).")
    String name;

    @Option(names = "--epochs", description = "Epochs (default 10).")
    Integer epochs;

    @Option(names = "--steps", description = "Optimiser steps per epoch (default 100).")
    Integer steps;

    @Option(names = "--batch", description = "Examples per step: patches of an image (default 16) or segments of audio"
            + " (default 8).")
    Integer batch;

    @Option(names = "--lr", description = "Adam learning rate (default 0.001 for images, 0.002 for audio).")
    Double lr;

    @Option(names = "--seed", description = "Random seed (default 1).")
    Long seed;

    @Option(names = "--threads", description = "PyTorch threads (default: all cores).")
    Integer threads;

    @Option(names = "--patience", description = "Stop after this many epochs without a better validation score (PSNR"
            + " for images, SI-SDR for audio; default 0: never).")
    Integer patience;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Save a checkpoint to this folder after every epoch.")
    String checkpoint;

    @Option(names = "--resume", paramLabel = "DIR", description = "Resume from a checkpoint folder (same architecture).")
    String resume;

    @Option(names = "--warm-start", paramLabel = "DIR", description = "Start a new run (its own epochs and learning-rate"
            + " schedule) from the weights of a checkpoint folder (same architecture), e.g. to fine-tune on other data or"
            + " noise.")
    String warmStart;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any recipe key, e.g. --set blocks=3 --set"
            + " loss_power=0.5 (repeatable; applied after the options above).")
    Map<String, String> set = new LinkedHashMap<>();

    /** These options as recipe keys, in a map the command adds its own to (null values: not given). */
    Map<String, Object> overrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", name);
        o.put("epochs", epochs);
        o.put("steps", steps);
        o.put("batch", batch);
        o.put("lr", lr);
        o.put("seed", seed);
        o.put("threads", threads);
        o.put("patience", patience);
        o.put("checkpoint", checkpoint);
        o.put("resume", resume);
        o.put("warm_start", warmStart);
        return o;
    }

    /** The {@code --set} pairs, to apply after every other option. */
    Map<String, String> set() {
        return set;
    }

    /** Refuses an output that is not a {@code .onnx} file, before any work. */
    Path out() throws HushException {
        if (!out.getFileName().toString().endsWith(".onnx")) {
            throw new HushException("--out must name a .onnx file, got " + out);
        }
        return out;
    }

    /** The model card's path beside the model: NAME.md for NAME.onnx. */
    Path cardFile() {
        return out.resolveSibling(out.getFileName().toString().replaceFirst("\\.onnx$", ".md"));
    }
}
