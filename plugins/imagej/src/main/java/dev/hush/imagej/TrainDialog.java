package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.ImagePlus;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import java.awt.TextField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

/**
 * The dialog of Train Denoiser (only ever built with a display and no macro running). The network and schedule
 * start from the choices made last time, kept in ImageJ's preferences; the name and file from the image.
 */
final class TrainDialog {
    private static final String PREFS = "hush.train.";

    private TrainDialog() {
    }

    /** Asks the user; null if they cancelled. {@code imp} is the active image, the noisy one by default. */
    static TrainOptions ask(String mode, ImagePlus imp) throws HushException {
        boolean pairs = TrainOptions.PAIRS.equals(mode);
        String[] titles = pairs ? openTitles() : new String[0];
        ImagePlus cleanGuess = pairs ? counterpart(imp) : null;
        if (pairs && titles.length < 2) {
            throw new HushException("supervised training needs two open images: the noisy one and its clean counterpart"
                    + " (same size); open both and run " + TrainOptions.PAIRS_COMMAND + " again");
        }
        TrainOptions d = TrainOptions.defaults(mode, imp, cleanGuess);

        GenericDialog gd = new GenericDialog(pairs ? "Train Denoiser (Pairs)" : "Train Denoiser (Noise2Void)");
        if (pairs) {
            gd.addChoice("Noisy image", titles, imp.getTitle());
            gd.addChoice("Clean image", titles, cleanGuess != null ? cleanGuess.getTitle() : titles[1]);
        } else {
            gd.addMessage("Learns to denoise '" + imp.getTitle() + "' from its own " + describe(imp)
                    + " (no clean image needed).");
        }
        gd.addStringField("Model name", d.name(), 24);
        gd.addFileField("Model file", d.file(), 34);
        gd.addChoice("Architecture", TrainOptions.ARCHITECTURES.toArray(new String[0]),
                Prefs.get(PREFS + "architecture", d.architecture()));
        gd.addNumericField("Depth", Prefs.get(PREFS + "depth", d.depth()), 0, 6, "(0 = the architecture's default)");
        gd.addNumericField("Width", Prefs.get(PREFS + "width", d.width()), 0, 6, "channels (0 = default)");
        gd.addNumericField("Epochs", Prefs.get(PREFS + "epochs", d.epochs()), 0, 6, "");
        gd.addNumericField("Steps per epoch", Prefs.get(PREFS + "steps", d.steps()), 0, 6, "");
        gd.addNumericField("Patch size", Prefs.get(PREFS + "patch", d.patch()), 0, 6, "pixels");
        gd.addNumericField("Batch", Prefs.get(PREFS + "batch", d.batch()), 0, 6, "patches per step");
        if (!pairs) {
            gd.addNumericField("Mask fraction", Prefs.get(PREFS + "mask", d.mask()), 3, 6, "blind spots per patch");
        }
        gd.addMessage("Trains on the CPU (DJL/PyTorch); the loss is plotted after each epoch. Esc cancels and writes"
                + " no model.");
        followName(gd, d);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String noisy = pairs ? gd.getNextChoice() : "";
        String clean = pairs ? gd.getNextChoice() : "";
        String name = gd.getNextString().strip();
        String file = gd.getNextString().strip();
        String architecture = gd.getNextChoice();
        int depth = whole(gd.getNextNumber(), "Depth", 0);
        int width = whole(gd.getNextNumber(), "Width", 0);
        int epochs = whole(gd.getNextNumber(), "Epochs", 1);
        int steps = whole(gd.getNextNumber(), "Steps per epoch", 1);
        int patch = whole(gd.getNextNumber(), "Patch size", 16);
        int batch = whole(gd.getNextNumber(), "Batch", 1);
        double mask = pairs ? d.mask() : gd.getNextNumber();
        if (file.isEmpty()) {
            file = TrainOptions.defaultFolder(imp).resolve(name + ".onnx").toString();
        }
        TrainOptions options = new TrainOptions(mode, noisy, clean, name, file, architecture, depth, width, epochs, steps,
                patch, batch, mask, false);
        options.check();

        Prefs.set(PREFS + "architecture", architecture);
        Prefs.set(PREFS + "depth", depth);
        Prefs.set(PREFS + "width", width);
        Prefs.set(PREFS + "epochs", epochs);
        Prefs.set(PREFS + "steps", steps);
        Prefs.set(PREFS + "patch", patch);
        Prefs.set(PREFS + "batch", batch);
        if (!pairs) {
            Prefs.set(PREFS + "mask", mask);
        }
        return options;
    }

    /** While the file field still holds the file named after the model, renaming the model renames the file. */
    private static void followName(GenericDialog gd, TrainOptions d) {
        @SuppressWarnings("unchecked")
        Vector<TextField> fields = gd.getStringFields();
        if (fields == null || fields.size() < 2) {
            return;
        }
        TextField nameField = fields.get(0);
        TextField fileField = fields.get(1);
        Path folder = Path.of(d.file()).getParent();
        String[] lastName = {d.name()};
        nameField.addTextListener(e -> {
            String auto = folder.resolve(lastName[0] + ".onnx").toString();
            String name = nameField.getText().strip();
            if (fileField.getText().strip().equals(auto) && !name.isEmpty()) {
                try {
                    fileField.setText(folder.resolve(name + ".onnx").toString());
                } catch (RuntimeException ignored) {
                    return; // not a valid file name yet; check() will say so
                }
            }
            lastName[0] = name;
        });
    }

    private static String describe(ImagePlus imp) {
        int planes = imp.getStackSize() * (imp.getBitDepth() == 24 ? 3 : 1);
        return planes == 1 ? "pixels" : planes + " planes";
    }

    private static String[] openTitles() {
        List<String> titles = new ArrayList<>();
        int[] ids = WindowManager.getIDList();
        if (ids != null) {
            for (int id : ids) {
                ImagePlus imp = WindowManager.getImage(id);
                if (imp != null) {
                    titles.add(imp.getTitle());
                }
            }
        }
        return titles.toArray(new String[0]);
    }

    /** Another open image of the same size as {@code imp}: the likely clean counterpart. */
    static ImagePlus counterpart(ImagePlus imp) {
        int[] ids = WindowManager.getIDList();
        if (ids != null) {
            for (int id : ids) {
                ImagePlus other = WindowManager.getImage(id);
                if (other != null && other != imp && other.getWidth() == imp.getWidth()
                        && other.getHeight() == imp.getHeight() && other.getStackSize() == imp.getStackSize()) {
                    return other;
                }
            }
        }
        return null;
    }

    private static int whole(double v, String field, int min) throws HushException {
        if (!(v >= min) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new HushException(field + " must be a whole number of at least " + min + ", got " + v);
        }
        return (int) v;
    }
}
