package dev.hush.imagej;

import ai.djl.engine.EngineException;
import dev.hush.runtime.CancelledException;
import dev.hush.runtime.HushException;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.image.TrainingPlanes;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.TrainingReport;
import dev.hush.trainer.onnx.OnnxExport;
import ij.IJ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training run of Train Denoiser: the only class of the plugin that uses the trainer (and through it DJL), so
 * it is loaded only when training starts; {@link TrainDenoiser} catches the {@link LinkageError} if those jars are
 * missing. It trains on the CPU on the calling thread (the command's own, so ImageJ stays responsive), shows progress,
 * the live loss plot and a window with Stop (keep the best model so far) and Cancel, and writes the model
 * (atomically) only when training finished or was stopped: Cancel and Esc leave no file.
 */
final class TrainingJob {
    private static final String TITLE = TrainDenoiser.TITLE;

    /** What a run made: the model file, and a line saying how it went. */
    record Outcome(Path model, String summary) {
    }

    private TrainingJob() {
    }

    static Outcome run(TrainingData data, TrainOptions options) throws HushException {
        Path file = options.modelFile();
        ImageTrainingConfig config = config(data, options);
        List<int[]> sizes = data.sizes();
        TrainingPlanes planes = data.targets() == null ? TrainingPlanes.noisy(data.inputs(), sizes, data.origin())
                : TrainingPlanes.pairs(data.inputs(), data.targets(), sizes, data.origin());
        ImageTrainer trainer;
        try {
            trainer = new ImageTrainer(config, planes);
        } catch (IllegalArgumentException e) {
            throw new HushException(e.getMessage());
        }
        TrainingPlot plot = new TrainingPlot("Training loss: " + options.name(), options.steps());
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (EscapeWatcher esc = new EscapeWatcher();
             TrainingControls controls = TrainingControls.open(options.name(), trainer::stop, trainer::cancel)) {
            esc.watch(trainer::cancel);
            // DJL finds its engine and the PyTorch natives through the context class loader; under ImageJ that need
            // not be the loader that holds the jars.
            thread.setContextClassLoader(TrainingJob.class.getClassLoader());
            IJ.showStatus(TITLE + ": starting PyTorch...");
            ImageTrainer.Result result = trainer.train(progress(options, plot, controls));
            write(file, config, result);
            long planned = (long) options.epochs() * options.steps();
            String summary = String.format(Locale.ROOT, "%s: wrote %s (%s, %d steps in %.0f s, %.1f patches/s%s%s)", TITLE,
                    file, result.network().describe(), result.steps(), result.seconds(), result.patchesPerSecond(),
                    Double.isNaN(result.finalValPsnr()) ? "" : String.format(Locale.ROOT,
                            ", validation PSNR %.2f dB on the first pairs", result.finalValPsnr()),
                    result.steps() < planned ? String.format(Locale.ROOT, "; stopped after %d of %d steps, %s",
                            result.steps(), planned, result.bestEpoch() > 0 ? "the weights of epoch " + result.bestEpoch()
                                    + " kept (the best validation)" : "the last weights kept (no clean reference to"
                                    + " validate on)") : "");
            IJ.showProgress(1.0);
            IJ.showStatus(TITLE + ": wrote " + file.getFileName());
            return new Outcome(file, summary);
        } catch (CancelledException e) {
            IJ.showProgress(1.0);
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | EngineException e) {
            IJ.showProgress(1.0);
            throw new HushException(e.getMessage());
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The trainer's recipe for these options; {@code data} and {@code target} only describe the images. */
    static ImageTrainingConfig config(TrainingData data, TrainOptions o) {
        boolean pairs = data.targets() != null;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", o.name());
        values.put("description", pairs ? "Denoiser trained on noisy/clean image pairs in ImageJ"
                : "Noise2Void denoiser trained on the noisy image itself in ImageJ");
        values.put("mode", o.mode());
        values.put("data", data.origin());
        values.put("architecture", o.architecture());
        values.put("depth", o.depth());
        values.put("width", o.width());
        values.put("epochs", o.epochs());
        values.put("steps", o.steps());
        values.put("patch", o.patch());
        values.put("batch", o.batch());
        values.put("mask", o.mask());
        if (pairs) {
            values.put("target", "the clean image of " + data.origin());
        }
        ImageTrainingConfig config = ImageTrainingConfig.defaults().with(values);
        return config;
    }

    private static TrainingProgress progress(TrainOptions o, TrainingPlot plot, TrainingControls controls) {
        return new TrainingProgress() {
            @Override
            public void step(int step, int totalSteps, double loss, double patchesPerSecond) {
                plot.step(loss);
                int epoch = (step - 1) / o.steps() + 1;
                IJ.showProgress(Math.min(0.999, step / (double) totalSteps));
                String line = String.format(Locale.ROOT, "epoch %d/%d, step %d/%d, loss %.5f, %.1f patches/s", epoch,
                        o.epochs(), step - (epoch - 1) * o.steps(), o.steps(), loss, patchesPerSecond);
                IJ.showStatus(TITLE + ": " + line + " (Esc cancels)");
                if (controls != null) {
                    controls.status(line);
                }
            }

            @Override
            public void epoch(int epoch, int epochs, double trainLoss, double valPsnr) {
                plot.epoch(epoch, epochs, trainLoss, valPsnr);
            }

            @Override
            public void message(String line) {
                IJ.log(TITLE + ": " + line);
            }
        };
    }

    private static void write(Path file, ImageTrainingConfig config, ImageTrainer.Result result) throws HushException {
        try {
            Files.createDirectories(file.getParent());
            OnnxExport.write(result.model(), file);
        } catch (IOException e) {
            throw new HushException("cannot write the model to " + file + " (" + e.getMessage() + "); choose another"
                    + " file (in a macro: file=[/path/to/model.onnx])");
        }
        try {
            TrainingReport.write(file, config, result);
        } catch (IOException e) {
            IJ.log(TITLE + ": the model is written, but not its training report: " + e.getMessage());
        }
    }
}
