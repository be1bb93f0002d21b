package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.HushException;
import ij.IJ;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plugins › Hush › Hush Train on Folder...: trains a denoiser on every PNG and TIFF under a folder (recursively), read
 * as Hush Denoise Folder... reads them: Noise2Void on the noisy images alone, or, when a clean folder is given,
 * supervised pairs matched by relative path. The same network and schedule options as Train Denoiser, the same
 * progress, loss plot and Esc; images of different sizes are fine. From a macro:
 * {@code run("Hush Train on Folder...", "folder=[/data/noisy] name=cells-n2v epochs=10")}; with
 * {@code clean=[/data/clean]} for pairs. The model is written beside the folder unless {@code file=[...]} says where.
 */
public class TrainOnFolder implements PlugIn {
    static final String TITLE = "Train on Folder";
    static final String COMMAND = "Hush Train on Folder...";
    static final Set<String> KEYS = new LinkedHashSet<>(List.of("folder", "clean", "name", "file", "architecture",
            "depth", "width", "epochs", "steps", "patch", "batch", "mask"));

    @Override
    public void run(String arg) {
        List<String> missing = TrainerJars.missing(TrainOnFolder.class.getClassLoader());
        if (!missing.isEmpty()) {
            TrainDenoiser.error(TrainerJars.message(missing));
            return;
        }
        try {
            TrainOptions options = DenoiseImage.scripted() ? fromMacro(Macro.getOptions()) : ask();
            if (options == null) {
                return;
            }
            Path noisy = path(options.noisy(), "folder");
            Path clean = options.clean().isBlank() ? null : path(options.clean(), "clean");
            IJ.showStatus(TITLE + ": reading " + noisy);
            TrainingData data = TrainingData.folder(noisy, clean, options.patch());
            IJ.log(TITLE + ": " + data.origin());
            TrainingJob.Outcome outcome = TrainingJob.run(data, options);
            IJ.log(outcome.summary());
        } catch (HushException e) {
            IJ.error(TITLE, java.awt.GraphicsEnvironment.isHeadless() ? TITLE + ": " + e.getMessage() : e.getMessage());
        } catch (CancelledException e) {
            IJ.showProgress(1.0);
            IJ.showStatus(TITLE + ": cancelled; no model was written");
            IJ.log(TITLE + ": cancelled; no model was written");
        } catch (LinkageError e) {
            IJ.showProgress(1.0);
            TrainDenoiser.error(TrainerJars.message(e));
        }
    }

    private static Path path(String text, String key) throws HushException {
        try {
            return Path.of(text.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new HushException("'" + key + "=" + text + "' is not a folder path: " + e.getReason());
        }
    }

    /**
     * The defaults for a folder: Noise2Void (pairs when a clean folder is given), a residual network of the default
     * size, 10 epochs of 50 steps of 16 patches of 64 px, the model {@code <folder>-<mode>.onnx} beside the folder.
     */
    static TrainOptions defaults(String folder, String clean) throws HushException {
        String mode = clean.isBlank() ? TrainOptions.N2V : TrainOptions.PAIRS;
        Path dir = folder.isBlank() ? TrainOptions.HOME_MODELS.resolve("images") : path(folder, "folder");
        String name = TrainOptions.modelName(dir.getFileName() == null ? "images" : dir.getFileName().toString(), mode);
        Path home = dir.getParent() != null ? dir.getParent() : TrainOptions.HOME_MODELS;
        return new TrainOptions(mode, folder, clean, name, home.resolve(name + ".onnx").toString(), "residual", 0, 0, 10,
                50, 64, 16, 0.02, false);
    }

    /** Reads a macro's options; a key left out keeps its default, an unknown key is an error. */
    static TrainOptions fromMacro(String text) throws HushException {
        MacroOptions o = MacroOptions.of(text);
        o.requireOnly(KEYS, COMMAND);
        String folder = o.value("folder", "");
        if (folder.isBlank()) {
            throw new HushException("no folder given: folder=[/path/to/noisy images] (and clean=[/path] for pairs)");
        }
        TrainOptions d = defaults(folder, o.value("clean", ""));
        String name = o.value("name", d.name());
        String file = o.value("file", null);
        if (file == null) {
            file = Path.of(d.file()).resolveSibling(name + ".onnx").toString();
        }
        TrainOptions options = TrainOptions.withNetwork(o, d, d.mode(), folder, d.clean(), name, file, true);
        options.check();
        return options;
    }

    /** The dialog; records the documented macro keys. Null when cancelled. */
    private static TrainOptions ask() throws HushException {
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addDirectoryField("Folder of noisy images", "");
        gd.addDirectoryField("Clean folder (pairs; empty for Noise2Void)", "");
        gd.addStringField("Model name (empty: after the folder)", "", 24);
        gd.addChoice("Architecture", TrainOptions.ARCHITECTURES.toArray(new String[0]), "residual");
        gd.addNumericField("Depth (0 = default)", 0, 0);
        gd.addNumericField("Width (0 = default)", 0, 0);
        gd.addNumericField("Epochs", 10, 0);
        gd.addNumericField("Steps per epoch", 50, 0);
        gd.addNumericField("Patch (px)", 64, 0);
        gd.addNumericField("Batch", 16, 0);
        gd.addNumericField("Blind-spot share (Noise2Void)", 0.02, 3);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        StringBuilder macro = new StringBuilder();
        append(macro, "folder", gd.getNextString());
        append(macro, "clean", gd.getNextString());
        append(macro, "name", gd.getNextString());
        append(macro, "architecture", gd.getNextChoice());
        for (String key : new String[] {"depth", "width", "epochs", "steps", "patch", "batch"}) {
            append(macro, key, Integer.toString((int) gd.getNextNumber()));
        }
        append(macro, "mask", Double.toString(gd.getNextNumber()));
        TrainOptions options = fromMacro(macro.toString());
        Recorder.resetCommandOptions();
        for (String part : macro.toString().trim().split(" (?=[a-z]+=)")) {
            int eq = part.indexOf('=');
            Recorder.recordOption(part.substring(0, eq), part.substring(eq + 1).replaceAll("^\\[|\\]$", ""));
        }
        return options;
    }

    private static void append(StringBuilder sb, String key, String value) {
        if (value != null && !value.isBlank()) {
            sb.append(key).append("=[").append(value.strip()).append("] ");
        }
    }
}
