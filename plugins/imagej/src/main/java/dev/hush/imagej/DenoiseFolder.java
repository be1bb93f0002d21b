package dev.hush.imagej;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Plugins › Hush › Hush Denoise Folder...: denoises every PNG and TIFF under a folder (recursively) into another
 * folder, keeping the relative paths and each file's bit depth, as {@code hush image IN/ -o OUT/} does (the same
 * reader, writer and checks). A bad file does not stop the run: the others are written, and the failures are
 * listed at the end (in the log, and as the error that ends a macro). Outputs are written atomically and never over
 * an input; Esc stops between tiles. From a macro:
 * {@code run("Hush Denoise Folder...", "input=[/in] output=[/out] model=[image-gray-multiscale]")}.
 */
public class DenoiseFolder implements PlugIn {
    static final String TITLE = "Denoise Folder";
    static final String COMMAND = "Hush Denoise Folder...";

    /** What a run did: files written, and one line per file that failed. */
    record Summary(int written, List<String> failures) {
    }

    @Override
    public void run(String arg) {
        String input;
        String output;
        String model;
        if (DenoiseImage.scripted()) {
            MacroOptions o;
            try {
                o = MacroOptions.of(Macro.getOptions());
            } catch (HushException e) {
                IJ.error(TITLE, e.getMessage());
                return;
            }
            input = o.value("input", "");
            output = o.value("output", "");
            model = o.value("model", "");
        } else {
            GenericDialog gd = new GenericDialog(TITLE);
            gd.addDirectoryField("Input folder", "");
            gd.addDirectoryField("Output folder", "");
            gd.addStringField("Model (name or .onnx file)", DenoiseOptions.defaults().model(), 30);
            gd.showDialog();
            if (gd.wasCanceled()) {
                return;
            }
            input = gd.getNextString();
            output = gd.getNextString();
            model = gd.getNextString();
            Recorder.resetCommandOptions();
            Recorder.recordOption("input", input);
            Recorder.recordOption("output", output);
            Recorder.recordOption("model", model);
        }
        try {
            Summary s = denoise(Path.of(input.strip()), Path.of(output.strip()), model);
            if (!s.failures().isEmpty()) {
                IJ.error(TITLE, s.failures().size() + " file(s) failed (" + s.written() + " written):\n"
                        + String.join("\n", s.failures()));
            }
        } catch (HushException | java.nio.file.InvalidPathException e) {
            IJ.error(TITLE, e.getMessage());
        } catch (CancelledException e) {
            IJ.showStatus(TITLE + ": cancelled; the files finished so far are kept, the one in progress was not written");
        } finally {
            IJ.showProgress(1.0);
        }
    }

    /** Denoises every image under {@code in} into {@code out}; a usage error (no folder, no images) is thrown. */
    static Summary denoise(Path in, Path out, String model) throws HushException {
        if (!Files.isDirectory(in)) {
            throw new HushException("input folder not found: " + in + " (choose the folder that holds the images)");
        }
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new HushException("the output folder is the input folder; choose another, so no image is overwritten");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(in)) {
            Path outAbs = out.toAbsolutePath().normalize();
            files = s.filter(Files::isRegularFile).filter(ImageFiles::isImageName)
                    .filter(p -> !p.toAbsolutePath().normalize().startsWith(outAbs)).sorted().toList();
        } catch (IOException e) {
            throw new HushException("cannot list " + in + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new HushException("no PNG or TIFF images in " + in);
        }
        ModelChoice choice = ModelChoice.of(model, "");
        List<String> failures = new ArrayList<>();
        int written = 0;
        long start = System.nanoTime();
        try (EscapeWatcher esc = new EscapeWatcher();
             DenoiserModel m = choice.open(SessionConfig.defaults())) {
            RunContext run = new RunContext();
            esc.watch(run::cancel);
            ImageFileDenoiser denoiser = new ImageFileDenoiser(new ImageDenoiser(m), m);
            for (int i = 0; i < files.size(); i++) {
                esc.check();
                Path f = files.get(i);
                Path target = out.resolve(in.relativize(f).toString());
                int index = i;
                IJ.showStatus(String.format(Locale.ROOT, "%s: %d/%d %s (Esc cancels)", TITLE, i + 1, files.size(),
                        f.getFileName()));
                try {
                    Files.createDirectories(target.getParent());
                    ImageFileDenoiser.Result r = denoiser.denoise(f, target, (plane, planes) -> (done, total) ->
                            IJ.showProgress((index + (total > 0 ? done / (double) total : 0)) / files.size()), run);
                    for (String note : r.notes()) {
                        IJ.log(TITLE + ": " + f + ": " + note);
                    }
                    written++;
                } catch (HushException | IOException e) {
                    failures.add(f + ": " + e.getMessage());
                } catch (OutOfMemoryError e) {
                    failures.add(f + ": ran out of Java memory; give ImageJ more (Edit › Options › Memory & Threads)");
                }
            }
        }
        IJ.log(String.format(Locale.ROOT, "%s: %d of %d file(s) denoised into %s in %.1f s with %s%s", TITLE, written,
                files.size(), out, (System.nanoTime() - start) / 1e9, choice.macroValue(),
                failures.isEmpty() ? "" : "; " + failures.size() + " failed:\n  " + String.join("\n  ", failures)));
        return new Summary(written, List.copyOf(failures));
    }
}
