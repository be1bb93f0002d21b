package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.awt.GraphicsEnvironment;
import java.util.Locale;

/**
 * Plugins › Hush › Hush Denoise Image...: denoises the active image (8, 16, 32-bit or RGB; stacks and hyperstacks;
 * the selection's bounding box if there is one) into a new image {@code <title>-denoised}, and optionally
 * {@code <title>-noise}. The original is never modified.
 *
 * <p>From the menu it asks with a dialog and records every option for the macro recorder. From a macro, a script
 * or headless it never builds a dialog: it reads {@code Macro.getOptions()}, and missing options (including
 * {@code run("Hush Denoise Image...", "")}) take the defaults of {@link DenoiseOptions#defaults()}.
 */
public class DenoiseImage implements PlugIn {
    static final String TITLE = "Denoise Image";

    @Override
    public void run(String arg) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            error("there is no image open; open one (File › Open...) and run " + DenoiseOptions.COMMAND + " again");
            return;
        }
        try {
            DenoiseOptions options;
            if (scripted()) {
                options = DenoiseOptions.fromMacro(Macro.getOptions());
            } else {
                options = DenoiseDialog.ask(imp);
                if (options == null) {
                    return;
                }
                // The dialog's own recording keys on its labels; record the documented keys instead.
                Recorder.resetCommandOptions();
                options.record(imp.getNChannels() > 1);
            }
            StackDenoiser.Result result = denoise(imp, options);
            show(result.denoised());
            if (result.noise() != null) {
                show(result.noise());
            }
        } catch (HushException e) {
            error(e.getMessage());
        } catch (CancelledException e) {
            IJ.showProgress(1.0);
            IJ.showStatus(TITLE + ": cancelled; no image was made");
        }
    }

    /** What {@link #denoise(ImagePlus, String, int, int)} gives: the result image, and the time spent in ONNX Runtime. */
    public record Denoised(ImagePlus image, long networkNanos) {
    }

    /**
     * For scripts and embedders: denoises every channel, plane and frame of {@code imp} exactly as Hush Denoise Image...
     * does with these settings on the CPU (a shipped model's name or a model file; tile 0: automatic; threads 0: all
     * cores), without showing anything; the input is left as it was.
     */
    public static Denoised denoise(ImagePlus imp, String model, int tile, int threads) throws HushException {
        DenoiseOptions options = new DenoiseOptions(model, "", "cpu", tile, threads, ChannelChoice.ALL, false);
        StackDenoiser.Result r = denoise(imp, options);
        return new Denoised(r.denoised(), r.networkNanos());
    }

    /**
     * Runs the whole job; returns the result images without showing them, so that a failure or Esc at any point
     * leaves no window behind.
     */
    static StackDenoiser.Result denoise(ImagePlus imp, DenoiseOptions options) throws HushException {
        StackDenoiser job = StackDenoiser.prepare(imp, options.channels());
        ModelChoice choice = options.modelChoice();
        long start = System.nanoTime();
        IJ.showStatus(TITLE + ": loading " + choice.macroValue() + "...");
        try (EscapeWatcher esc = new EscapeWatcher();
             DenoiserModel model = choice.open(options.sessionConfig())) {
            if (model.deviceNote() != null) {
                IJ.log(TITLE + ": " + model.deviceNote());
            }
            ImageDenoiser denoiser = new ImageDenoiser(model).withTileSize(options.tile())
                    .withEnsemble(options.ensemble());
            RunContext run = new RunContext();
            esc.watch(run::cancel);
            esc.check();
            int channels = model.contract().channels();
            StackProgress progress = new StackProgress(TITLE, job.passes(channels, model.contract().volumetric()));
            StackDenoiser.Result result = job.run(denoiser, choice.macroValue(), channels, options.noise(), progress, run);
            progress.done(String.format(Locale.ROOT, "%s: %s in %.1f s with %s on %s", TITLE, imp.getTitle(),
                    (System.nanoTime() - start) / 1e9, choice.macroValue(), model.device()));
            return result;
        } catch (CancelledException | HushException e) {
            IJ.showProgress(1.0);
            throw e;
        }
    }

    /**
     * From a macro (options given, or IJ.run with none) or with no display there is nobody to ask: no dialog.
     * {@code run(cmd, "")} reaches a command as no options at all, so a running macro is what tells it apart.
     */
    static boolean scripted() {
        return Macro.getOptions() != null || IJ.isMacro() || GraphicsEnvironment.isHeadless();
    }

    static void show(ImagePlus result) {
        // Headless, ImageJ can only "show" into a macro's batch mode; elsewhere (plain Java, no macro) a window
        // would throw, so the image is only reported.
        if (GraphicsEnvironment.isHeadless() && !IJ.isMacro() && !Interpreter.isBatchMode()) {
            IJ.log(TITLE + ": made " + result.getTitle() + " (no display to show it on; run the command from a macro)");
            return;
        }
        result.show();
    }

    /** Headless, IJ.error writes only the message to the log: prefix the command so the log says who failed. */
    static void error(String message) {
        IJ.error(TITLE, GraphicsEnvironment.isHeadless() ? TITLE + ": " + message
                : Character.toUpperCase(message.charAt(0)) + message.substring(1));
    }
}
