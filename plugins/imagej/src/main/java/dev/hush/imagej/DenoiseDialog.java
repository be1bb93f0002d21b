package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.ImagePlus;
import ij.Prefs;
import ij.gui.GenericDialog;
import java.util.ArrayList;
import java.util.List;

/**
 * The dialog of Denoise Image... (only ever built with a display and no macro running). It starts from the
 * choices made last time, kept in ImageJ's preferences.
 */
final class DenoiseDialog {
    private static final String PREFS = "hush.denoise.";

    private DenoiseDialog() {
    }

    /** Asks the user; null if they cancelled. A number that is not one is an error, as in a macro. */
    static DenoiseOptions ask(ImagePlus imp) throws HushException {
        DenoiseOptions d = DenoiseOptions.defaults();
        List<String> models = new ArrayList<>(ModelChoice.listedModels());
        models.add(ModelChoice.FILE);
        boolean hyperstack = imp.getNChannels() > 1;

        GenericDialog gd = new GenericDialog(DenoiseImage.TITLE);
        gd.addChoice("Model", models.toArray(new String[0]), Prefs.get(PREFS + "model", d.model()));
        gd.addFileField("Model file (for File...)", Prefs.get(PREFS + "file", d.file()));
        gd.addChoice("Device", DenoiseOptions.DEVICES.toArray(new String[0]), Prefs.get(PREFS + "device", d.device()));
        gd.addNumericField("Tile size", Prefs.get(PREFS + "tile", d.tile()), 0, 6, "pixels (0 = automatic)");
        gd.addNumericField("Threads", Prefs.get(PREFS + "threads", d.threads()), 0, 6, "(0 = all cores)");
        if (hyperstack) {
            gd.addStringField("Channels", ChannelChoice.ALL, 10);
            gd.addMessage("Channels: all, or e.g. 1,3 or 2-4 (of " + imp.getNChannels() + "); the others are copied");
        }
        gd.addCheckbox("Also output removed noise (input − output, 32-bit)", Prefs.get(PREFS + "noise", d.noise()));
        gd.addChoice("Flips and turns averaged", DenoiseOptions.ENSEMBLES.toArray(new String[0]),
                Prefs.get(PREFS + "ensemble", Integer.toString(d.ensemble())));
        gd.addMessage("1 = once; 2, 4 or 8: a little more quality for that many times the time");
        if (imp.getRoi() != null && imp.getRoi().isArea()) {
            gd.addMessage("Only the selection's bounding box is denoised; the rest is copied.");
        }
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String model = gd.getNextChoice();
        String file = gd.getNextString().strip();
        String device = gd.getNextChoice();
        double tile = gd.getNextNumber();
        double threads = gd.getNextNumber();
        String channels = hyperstack ? gd.getNextString().strip() : ChannelChoice.ALL;
        boolean noise = gd.getNextBoolean();
        int ensemble = Integer.parseInt(gd.getNextChoice());
        DenoiseOptions options = new DenoiseOptions(model, file, device, whole(tile, "Tile size"), whole(threads, "Threads"),
                channels, noise, ensemble);
        options.check();

        Prefs.set(PREFS + "model", model);
        Prefs.set(PREFS + "file", file);
        Prefs.set(PREFS + "device", device);
        Prefs.set(PREFS + "tile", options.tile());
        Prefs.set(PREFS + "threads", options.threads());
        Prefs.set(PREFS + "noise", noise);
        Prefs.set(PREFS + "ensemble", Integer.toString(ensemble));
        return options;
    }

    private static int whole(double v, String field) throws HushException {
        if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new HushException(field + " must be a whole number of at least 0 (0 = automatic), got " + v);
        }
        return (int) v;
    }
}
