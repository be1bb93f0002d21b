package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plugins › Hush › Hush Compare...: a noisy image, its denoised version and optionally the ground truth side by side
 * (noisy | denoised | noisy − denoised | ground truth) in a new image {@code <noisy>-comparison}, and with a ground
 * truth the PSNR and SSIM of both against it, per plane, in the table "Hush comparison" and the log. The mean
 * figures are also set as properties of the comparison image ({@code hush.psnr.noisy}, {@code hush.psnr.denoised},
 * {@code hush.ssim.noisy}, {@code hush.ssim.denoised}), which a macro reads with {@code Property.get}.
 */
public class CompareImages implements PlugIn {
    static final String TITLE = "Compare";
    static final String TABLE = "Hush comparison";

    @Override
    public void run(String arg) {
        ImagePlus active = WindowManager.getCurrentImage();
        if (active == null) {
            error("there is no image open; open the noisy image and its denoised version (Hush Denoise Image... makes it)"
                    + " and run " + CompareOptions.COMMAND + " again");
            return;
        }
        try {
            CompareOptions options;
            if (DenoiseImage.scripted()) {
                options = CompareOptions.fromMacro(active, Macro.getOptions());
            } else {
                options = ask(active);
                if (options == null) {
                    return;
                }
                Recorder.resetCommandOptions();
                options.record();
            }
            ImagePlus noisy = image(options.noisy(), "noisy");
            ImagePlus denoised = image(options.denoised(), "denoised");
            ImagePlus truth = options.hasTruth() ? image(options.truth(), "ground-truth") : null;
            Comparison comparison = Comparison.of(noisy, denoised, truth);
            String title = noisy.getTitle() + "-comparison";
            ImagePlus result = options.layout().equals(CompareOptions.STACK) ? comparison.stack(title)
                    : comparison.montage(title);
            List<Comparison.PlaneMetrics> metrics = comparison.metrics();
            if (!metrics.isEmpty()) {
                report(metrics, noisy, denoised, truth, result);
            }
            DenoiseImage.show(result);
        } catch (HushException e) {
            error(e.getMessage());
        }
    }

    private static CompareOptions ask(ImagePlus active) throws HushException {
        List<String> titles = new ArrayList<>();
        int[] ids = WindowManager.getIDList();
        for (int id : ids == null ? new int[0] : ids) {
            ImagePlus imp = WindowManager.getImage(id);
            if (imp != null) {
                titles.add(imp.getTitle());
            }
        }
        if (titles.size() < 2) {
            throw new HushException("Compare needs at least two open images: the noisy image and its denoised version");
        }
        CompareOptions d = CompareOptions.defaults(active);
        String denoised = titles.contains(d.denoised()) ? d.denoised()
                : titles.stream().filter(t -> !t.equals(d.noisy())).findFirst().orElse(titles.get(1));
        List<String> truths = new ArrayList<>(List.of(CompareOptions.NONE));
        truths.addAll(titles);
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addChoice("Noisy image", titles.toArray(new String[0]), d.noisy());
        gd.addChoice("Denoised image", titles.toArray(new String[0]), denoised);
        gd.addChoice("Ground truth", truths.toArray(new String[0]), CompareOptions.NONE);
        gd.addChoice("Layout", CompareOptions.LAYOUTS.toArray(new String[0]), d.layout());
        gd.addMessage("montage: panels side by side (RGB, for viewing); stack: the values, one channel per panel.\n"
                + "With a ground truth, PSNR and SSIM go to the table '" + TABLE + "'.");
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        CompareOptions options = new CompareOptions(gd.getNextChoice(), gd.getNextChoice(), gd.getNextChoice(),
                gd.getNextChoice());
        options.check();
        return options;
    }

    private static ImagePlus image(String title, String role) throws HushException {
        ImagePlus imp = WindowManager.getImage(title);
        if (imp == null) {
            throw new HushException("there is no open image titled '" + title + "' to use as the " + role + " image;"
                    + " open it, or give the title of an open image (in a macro: " + role.replace("ground-", "")
                    + "=[title])");
        }
        return imp;
    }

    /** The figures per plane in the table (a window; headless, the log) and their means in the log and properties. */
    private static void report(List<Comparison.PlaneMetrics> metrics, ImagePlus noisy, ImagePlus denoised, ImagePlus truth,
                               ImagePlus result) {
        ResultsTable table = new ResultsTable();
        double[] mean = new double[4];
        for (Comparison.PlaneMetrics m : metrics) {
            table.incrementCounter();
            table.addValue("Plane", m.plane());
            table.addValue("PSNR noisy (dB)", m.psnrNoisy());
            table.addValue("PSNR denoised (dB)", m.psnrDenoised());
            table.addValue("SSIM noisy", m.ssimNoisy());
            table.addValue("SSIM denoised", m.ssimDenoised());
            table.addValue("Peak", m.peak());
            mean[0] += m.psnrNoisy() / metrics.size();
            mean[1] += m.psnrDenoised() / metrics.size();
            mean[2] += m.ssimNoisy() / metrics.size();
            mean[3] += m.ssimDenoised() / metrics.size();
        }
        table.setPrecision(4);
        String line = String.format(Locale.ROOT, "%s: against '%s'%s: '%s' PSNR %.2f dB, SSIM %.4f; '%s' PSNR %.2f dB,"
                        + " SSIM %.4f", TITLE, truth.getTitle(), metrics.size() > 1 ? " (mean of " + metrics.size()
                        + " planes)" : "", noisy.getTitle(), mean[0], mean[2], denoised.getTitle(), mean[1], mean[3]);
        IJ.log(line);
        if (GraphicsEnvironment.isHeadless()) {
            IJ.log(TITLE + ": " + table.getColumnHeadings().strip());
            for (int row = 0; row < table.size(); row++) {
                IJ.log(TITLE + ": " + table.getRowAsString(row));
            }
        } else {
            table.show(TABLE);
        }
        result.setProp("hush.psnr.noisy", mean[0]);
        result.setProp("hush.psnr.denoised", mean[1]);
        result.setProp("hush.ssim.noisy", mean[2]);
        result.setProp("hush.ssim.denoised", mean[3]);
    }

    static void error(String message) {
        IJ.error(TITLE, GraphicsEnvironment.isHeadless() ? TITLE + ": " + message
                : Character.toUpperCase(message.charAt(0)) + message.substring(1));
    }
}
