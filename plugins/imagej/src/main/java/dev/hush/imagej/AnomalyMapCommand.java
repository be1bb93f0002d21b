package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.AnomalyMap;
import dev.hush.runtime.image.FloatImage;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.util.Locale;

/**
 * Plugins › Hush › Hush Anomaly Map...: runs an anomaly model (trained with {@code hush train image --mode anomaly} on
 * normal images only) on the active grey image and makes {@code <title>-anomaly}: the smoothed reconstruction
 * error per pixel, in units where 1.0 is the 99th percentile of held-apart normal images when the model is
 * calibrated ({@code hush.anomaly.scale}), shown with the Fire LUT over 0–2. The image's score (the map's maximum)
 * goes to the log and to the result's Info. From a macro: {@code run("Hush Anomaly Map...", "model=[/path/anomaly.onnx]")}.
 * The original is never modified; stacks are mapped plane by plane.
 */
public class AnomalyMapCommand implements PlugIn {
    static final String TITLE = "Anomaly Map";
    static final String COMMAND = "Hush Anomaly Map...";

    @Override
    public void run(String arg) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            IJ.error(TITLE, "there is no image open; open one (File › Open...) and run " + COMMAND + " again");
            return;
        }
        String model;
        if (DenoiseImage.scripted()) {
            try {
                model = MacroOptions.of(Macro.getOptions()).value("model", defaultModel());
            } catch (HushException e) {
                IJ.error(TITLE, e.getMessage());
                return;
            }
        } else {
            GenericDialog gd = new GenericDialog(TITLE);
            gd.addFileField("Anomaly model (name or .onnx)", defaultModel());
            gd.addMessage("Train one on normal images only: hush train image --mode anomaly --data normal/ (docs/anomaly.md)");
            gd.showDialog();
            if (gd.wasCanceled()) {
                return;
            }
            model = gd.getNextString();
            Recorder.resetCommandOptions();
            Recorder.recordOption("model", model);
        }
        try {
            ImagePlus map = map(imp, model);
            DenoiseImage.show(map);
        } catch (HushException e) {
            IJ.error(TITLE, e.getMessage());
        } catch (CancelledException e) {
            IJ.showStatus(TITLE + ": cancelled; no map was made");
        } finally {
            IJ.showProgress(1.0);
        }
    }

    /** The first shipped anomaly model for images (a demonstration on synthetic textures), or empty if none is. */
    static String defaultModel() {
        for (String n : dev.hush.runtime.ShippedModels.anomalyModels()) {
            try {
                if (!dev.hush.runtime.audio.AudioAnomaly.isForSound(DenoiserModel.readContract(n))) {
                    return n;
                }
            } catch (HushException e) {
                // a shipped model that cannot be read is not offered
            }
        }
        return "";
    }

    /** The anomaly map of every plane of {@code imp} (not shown); the scores go to the log. */

    static ImagePlus map(ImagePlus imp, String model) throws HushException {
        if (model == null || model.isBlank()) {
            throw new HushException("no anomaly model given: choose the .onnx file a --mode anomaly training wrote (in a"
                    + " macro: model=[/path/to/anomaly.onnx])");
        }
        if (imp.getBitDepth() == 24 || imp.getNChannels() > 1) {
            throw new HushException("'" + imp.getTitle() + "' has colour or several channels; anomaly maps are made from"
                    + " one grey channel (Image › Type › 8-bit, or Image › Color › Split Channels first)");
        }
        ModelChoice choice = ModelChoice.of(model, "");
        try (EscapeWatcher esc = new EscapeWatcher();
             DenoiserModel m = choice.open(SessionConfig.defaults())) {
            if (dev.hush.runtime.audio.AudioAnomaly.isForSound(m.contract())) {
                throw new HushException("the model '" + m.contract().name() + "' scores sounds (spectrograms of"
                        + " recordings), not images; use hush anomaly on the recordings, or an image anomaly model here");
            }
            AnomalyMap am = new AnomalyMap(m);
            int n = imp.getStackSize();
            ij.ImageStack out = new ij.ImageStack(imp.getWidth(), imp.getHeight());
            StringBuilder scores = new StringBuilder();
            for (int z = 1; z <= n; z++) {
                esc.check();
                ImageProcessor ip = imp.getStack().getProcessor(z);
                float[] px = new float[ip.getPixelCount()];
                for (int i = 0; i < px.length; i++) {
                    px[i] = ip.getf(i);
                }
                int plane = z;
                AnomalyMap.Result r = am.compute(FloatImage.gray(ip.getWidth(), ip.getHeight(), px),
                        (done, total) -> IJ.showProgress((plane - 1 + (total > 0 ? done / (double) total : 0)) / n));
                out.addSlice(imp.getStack().getSliceLabel(z), new FloatProcessor(ip.getWidth(), ip.getHeight(),
                        r.map().data()));
                String line = String.format(Locale.ROOT, "%s%s: anomaly score %.3f%s", imp.getTitle(),
                        n > 1 ? " plane " + z : "", r.score(), r.calibrated() ? " (1.0 = 99th percentile of normal)"
                                : " (model not calibrated: no hush.anomaly.scale, raw error in model units)");
                IJ.log(TITLE + ": " + line);
                scores.append(line).append('\n');
            }
            ImagePlus result = new ImagePlus(stripExtension(imp.getTitle()) + "-anomaly", out);
            result.setCalibration(imp.getCalibration().copy());
            result.setProperty("Info", scores.toString());
            java.awt.image.IndexColorModel fire = ij.plugin.LutLoader.getLut("fire");
            if (fire != null) {
                result.setLut(new ij.process.LUT(fire, 0, 255));
            }
            result.setDisplayRange(0, am.calibrated() ? 2 : Math.max(1e-6, result.getStatistics().max));
            return result;
        }
    }

    private static String stripExtension(String title) {
        int dot = title.lastIndexOf('.');
        return dot > 0 ? title.substring(0, dot) : title;
    }
}
