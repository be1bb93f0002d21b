package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.HushException;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.List;

/**
 * Plugins › Hush › Hush Train Denoiser (Noise2Void)... trains a model on the active image itself (every plane; no clean
 * image needed), and Train Denoiser (Pairs)... on a noisy image and its clean counterpart. The model is written as a
 * Hush .onnx file that Hush Denoise Image... takes as {@code model=[/path/x.onnx]}; interactively the command then offers
 * to denoise the image with it, in a macro the option {@code denoise} does.
 *
 * <p>This class uses nothing of the trainer: the trainer and DJL are only loaded by {@link TrainingJob} once
 * training starts, so that without their jars the other commands work and this one says what to install.
 */
public class TrainDenoiser implements PlugIn {
    static final String TITLE = "Train Denoiser";

    /** {@code arg} is the mode, from plugins.config: {@code n2v} or {@code pairs}. */
    @Override
    public void run(String arg) {
        String mode = TrainOptions.PAIRS.equals(arg) ? TrainOptions.PAIRS : TrainOptions.N2V;
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            error("there is no image open; open the noisy image to train on and run " + TrainOptions.command(mode)
                    + " again");
            return;
        }
        List<String> missing = TrainerJars.missing(TrainDenoiser.class.getClassLoader());
        if (!missing.isEmpty()) {
            error(TrainerJars.message(missing));
            return;
        }
        try {
            boolean scripted = DenoiseImage.scripted();
            TrainOptions options;
            if (scripted) {
                options = TrainOptions.fromMacro(mode, imp, null, Macro.getOptions());
            } else {
                options = TrainDialog.ask(mode, imp);
                if (options == null) {
                    return;
                }
                // The dialog's own recording keys on its labels; record the documented keys instead.
                Recorder.resetCommandOptions();
                options.record();
            }
            ImagePlus noisy = TrainOptions.PAIRS.equals(mode) ? image(options.noisy(), "noisy") : imp;
            TrainingData data = TrainOptions.PAIRS.equals(mode)
                    ? TrainingData.pairs(noisy, image(options.clean(), "clean"), options.patch())
                    : TrainingData.noisy(imp, options.patch());
            if (!scripted && !confirmOverwrite(options.modelFile())) {
                return;
            }
            TrainingJob.Outcome outcome = TrainingJob.run(data, options);
            IJ.log(outcome.summary());
            boolean denoise = scripted ? options.denoise() : offerToDenoise(noisy, outcome.model());
            if (denoise) {
                if (!scripted) {
                    Recorder.recordOption("denoise");
                }
                denoise(noisy, outcome.model());
            }
        } catch (HushException e) {
            error(e.getMessage());
        } catch (CancelledException e) {
            IJ.showProgress(1.0);
            IJ.showStatus(TITLE + ": cancelled; no model was written");
            IJ.log(TITLE + ": cancelled; no model was written");
        } catch (LinkageError e) {
            // The jars were there but a class or PyTorch's native library did not load (wrong version or platform).
            IJ.showProgress(1.0);
            error(TrainerJars.message(e));
        }
    }

    /** An open image by title, for the pairs' choices. */
    private static ImagePlus image(String title, String role) throws HushException {
        ImagePlus imp = WindowManager.getImage(title);
        if (imp == null) {
            throw new HushException("there is no open image titled '" + title + "' to use as the " + role + " image;"
                    + " open it, or give the title of an open image (" + role + "=[title])");
        }
        return imp;
    }

    private static boolean confirmOverwrite(Path file) {
        if (!file.toFile().exists()) {
            return true;
        }
        return IJ.showMessageWithCancel(TITLE, file + "\nexists. Replace it with the model trained now (when training"
                + " finishes)?");
    }

    /** After an interactive run: asks whether to denoise the image with the new model now. */
    private static boolean offerToDenoise(ImagePlus imp, Path model) {
        if (GraphicsEnvironment.isHeadless()) {
            return false;
        }
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addMessage("The model is written to\n" + model + "\n \nDenoise '" + imp.getTitle() + "' with it now?\n"
                + "(Later: Hush Denoise Image... with Model File... and this file.)");
        gd.setOKLabel("Denoise");
        gd.setCancelLabel("Not now");
        gd.showDialog();
        return !gd.wasCanceled();
    }

    /** Runs Hush Denoise Image... with the new model, on the CPU with automatic tiles, and shows the result. */
    private static void denoise(ImagePlus imp, Path model) throws HushException {
        DenoiseOptions options = new DenoiseOptions(model.toString(), "", "cpu", 0, 0, ChannelChoice.ALL, false);
        StackDenoiser.Result result = DenoiseImage.denoise(imp, options);
        DenoiseImage.show(result.denoised());
    }

    /** Headless, IJ.error writes only the message to the log: prefix the command so the log says who failed. */
    static void error(String message) {
        IJ.error(TITLE, GraphicsEnvironment.isHeadless() ? TITLE + ": " + message
                : Character.toUpperCase(message.charAt(0)) + message.substring(1));
    }
}
