package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.plugin.frame.Recorder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What Train Denoiser was asked to do, from its dialog or a macro's options:
 * {@code name=cells-n2v file=[/data/cells-n2v.onnx] architecture=residual depth=0 width=0 epochs=10 steps=50 patch=64
 * batch=16 mask=0.02 denoise}. It holds no trainer type, so it works (and reports bad options) without the trainer jars.
 *
 * @param mode         {@value #N2V} (the active image's planes alone) or {@value #PAIRS} (noisy and clean images)
 * @param noisy        pairs: the noisy image's title; Noise2Void trains on the active image and leaves it empty
 * @param clean        pairs: the clean image's title; else empty
 * @param name         the model's name, written into it (letters, digits, '.', '_', '-')
 * @param file         where the .onnx model is written
 * @param architecture residual, conv or unet
 * @param depth        layers (residual) or resolution levels (conv, unet); 0 = the architecture's default
 * @param width        channels of the hidden layers; 0 = the architecture's default
 * @param epochs       epochs; the loss is plotted after each
 * @param steps        optimiser steps per epoch
 * @param patch        training patch side in pixels
 * @param batch        patches per step
 * @param mask         Noise2Void: share of blind-spot pixels per patch
 * @param denoise      denoise the noisy image with the new model when training is done
 */
record TrainOptions(String mode, String noisy, String clean, String name, String file, String architecture, int depth,
                    int width, int epochs, int steps, int patch, int batch, double mask, boolean denoise) {
    static final String N2V = "n2v";
    static final String PAIRS = "pairs";
    static final String N2V_COMMAND = "Hush Train Denoiser (Noise2Void)...";
    static final String PAIRS_COMMAND = "Hush Train Denoiser (Pairs)...";
    /** The image-to-image architectures, as the trainer names them (a test checks that it knows them all). */
    static final List<String> ARCHITECTURES = List.of("residual", "conv", "unet");
    static final Set<String> N2V_KEYS = new LinkedHashSet<>(List.of("name", "file", "architecture", "depth", "width",
            "epochs", "steps", "patch", "batch", "mask", "denoise"));
    static final Set<String> PAIRS_KEYS = new LinkedHashSet<>(List.of("noisy", "clean", "name", "file", "architecture",
            "depth", "width", "epochs", "steps", "patch", "batch", "denoise"));
    /** Where models go when the image was not read from a folder. */
    static final Path HOME_MODELS = Path.of(System.getProperty("user.home"), "hush-models");

    static String command(String mode) {
        return PAIRS.equals(mode) ? PAIRS_COMMAND : N2V_COMMAND;
    }

    /**
     * What {@code run("Hush Train Denoiser (Noise2Void)...", "")} does: a residual network of the default size, 10 epochs
     * of 50 steps of 16 patches of 64 px, 2 % blind spots, the model {@code <title>-n2v.onnx} beside the image (or in
     * ~/hush-models). {@code clean} is the pairs' clean image, or null.
     */
    static TrainOptions defaults(String mode, ImagePlus noisy, ImagePlus clean) {
        String name = modelName(noisy.getTitle(), mode);
        return new TrainOptions(mode, PAIRS.equals(mode) ? noisy.getTitle() : "",
                PAIRS.equals(mode) && clean != null ? clean.getTitle() : "", name,
                defaultFolder(noisy).resolve(name + ".onnx").toString(), "residual", 0, 0, 10, 50, 64, 16, 0.02, false);
    }

    /** {@code <title>-<mode>}, the title without its file extension and with only the characters a name may hold. */
    static String modelName(String title, String mode) {
        String base = title.replaceFirst("\\.(?i)(tiff?|png|jpe?g|gif|bmp|zip|ome\\.tiff?|czi|nd2|lif|lsm)$", "")
                .replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        return (base.isEmpty() ? "image" : base) + "-" + mode;
    }

    /** The folder the image was opened from, if it still exists; else ~/hush-models. */
    static Path defaultFolder(ImagePlus imp) {
        FileInfo info = imp.getOriginalFileInfo();
        if (info != null && info.directory != null && !info.directory.isBlank()) {
            try {
                Path dir = Path.of(info.directory);
                if (Files.isDirectory(dir)) {
                    return dir;
                }
            } catch (InvalidPathException ignored) {
                // A URL or a stream: no folder of its own.
            }
        }
        return HOME_MODELS;
    }

    /**
     * Reads a macro's options; a key left out keeps its default, an unknown key is an error. A {@code name} without
     * a {@code file} puts the model beside the default one, named after the name.
     */
    static TrainOptions fromMacro(String mode, ImagePlus noisy, ImagePlus clean, String text) throws HushException {
        MacroOptions o = MacroOptions.of(text);
        boolean pairs = PAIRS.equals(mode);
        o.requireOnly(pairs ? PAIRS_KEYS : N2V_KEYS, command(mode));
        TrainOptions d = defaults(mode, noisy, clean);
        String name = o.value("name", d.name());
        String file = o.value("file", null);
        if (file == null) {
            file = defaultFolder(noisy).resolve(name + ".onnx").toString();
        }
        TrainOptions options = withNetwork(o, d, mode, pairs ? o.value("noisy", d.noisy()) : "",
                pairs ? o.value("clean", d.clean()) : "", name, file, !pairs);
        options.check();
        return options;
    }

    /**
     * The network and schedule keys of a macro ({@code architecture depth width epochs steps patch batch}, and
     * {@code mask} when {@code readMask}) over the defaults {@code d}; the rest as given.
     */
    static TrainOptions withNetwork(MacroOptions o, TrainOptions d, String mode, String noisy, String clean, String name,
                                    String file, boolean readMask) throws HushException {
        return new TrainOptions(mode, noisy, clean, name, file,
                o.value("architecture", d.architecture()),
                o.count("depth", d.depth(), "layers or resolution levels; 0 = the architecture's default"),
                o.count("width", d.width(), "channels of the hidden layers; 0 = the architecture's default"),
                o.whole("epochs", d.epochs(), 1, "passes over the data; the loss is plotted after each"),
                o.whole("steps", d.steps(), 1, "optimiser steps per epoch"),
                o.whole("patch", d.patch(), 16, "training patch side in pixels"),
                o.whole("batch", d.batch(), 1, "patches per step"),
                readMask ? o.number("mask", d.mask(), "share of blind-spot pixels per patch, e.g. 0.02") : d.mask(),
                o.flag("denoise"));
    }

    /** Checks what can be checked before any image is read or the trainer is started. */
    void check() throws HushException {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new HushException("'architecture=" + architecture + "' is not valid: architecture must be one of "
                    + String.join(", ", ARCHITECTURES));
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new HushException("'name=" + name + "' is not valid: a model name may hold letters, digits, '.', '_'"
                    + " and '-' only");
        }
        if (PAIRS.equals(mode) && clean.isBlank()) {
            throw new HushException("no clean image given: open the noisy image and its clean counterpart (same size)"
                    + " and choose both (in a macro: noisy=[title] clean=[title])");
        }
        if (!(mask > 0 && mask < 0.5)) {
            throw new HushException("'mask=" + mask + "' is not valid: mask is the share of blind-spot pixels per patch"
                    + " and must lie between 0 and 0.5 (0.02 is usual)");
        }
        if (epochs < 1 || steps < 1 || batch < 1 || patch < 16) {
            throw new HushException("epochs, steps and batch must be at least 1 and patch at least 16");
        }
        int multiple = sizeMultiple();
        if (patch % multiple != 0) {
            throw new HushException("'patch=" + patch + "' is not valid: a " + architecture + " network of depth "
                    + effectiveDepth() + " halves the image " + effectiveDepth() + " times, so the patch must be a"
                    + " multiple of " + multiple + " (e.g. " + Math.max(multiple, patch / multiple * multiple) + ")");
        }
        Path path = modelFile();
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new HushException("'file=" + file + "' is not valid: the model file must end in .onnx");
        }
    }

    Path modelFile() throws HushException {
        try {
            return Path.of(file.strip()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new HushException("'file=" + file + "' is not a file path: " + e.getReason());
        }
    }

    /** The depth the trainer will use: 0 picks 8 layers for residual, 2 levels for conv and unet. */
    int effectiveDepth() {
        return depth != 0 ? depth : architecture.equals("residual") ? 8 : 2;
    }

    /** Patch sides must be multiples of this: conv and unet halve the image once per level. */
    int sizeMultiple() {
        return architecture.equals("residual") ? 1 : 1 << Math.min(20, effectiveDepth());
    }

    /**
     * Tells ImageJ's macro recorder every option, so that the recorded line replays this run; {@code denoise} only
     * when it was chosen, as ImageJ records checkboxes.
     */
    void record() {
        if (PAIRS.equals(mode)) {
            Recorder.recordOption("noisy", noisy);
            Recorder.recordOption("clean", clean);
        }
        Recorder.recordOption("name", name);
        Recorder.recordPath("file", file);
        Recorder.recordOption("architecture", architecture);
        Recorder.recordOption("depth", Integer.toString(depth));
        Recorder.recordOption("width", Integer.toString(width));
        Recorder.recordOption("epochs", Integer.toString(epochs));
        Recorder.recordOption("steps", Integer.toString(steps));
        Recorder.recordOption("patch", Integer.toString(patch));
        Recorder.recordOption("batch", Integer.toString(batch));
        if (!PAIRS.equals(mode)) {
            Recorder.recordOption("mask", Double.toString(mask));
        }
        if (denoise) {
            Recorder.recordOption("denoise");
        }
    }

    TrainOptions withDenoise(boolean value) {
        return new TrainOptions(mode, noisy, clean, name, file, architecture, depth, width, epochs, steps, patch, batch,
                mask, value);
    }
}
