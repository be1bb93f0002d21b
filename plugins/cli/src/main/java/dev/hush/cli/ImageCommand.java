package dev.hush.cli;

import dev.hush.imagej.ImageFileDenoiser;
import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Denoise PNG or TIFF images: 8, 16 or 32-bit grey, or RGB (TIFF stacks plane by plane).",
                "IN may be files, folders or globs ('raw/*.tif'); with more than one image, -o names a folder (relative"
                        + " paths are kept; two inputs for one output are refused).",
                "The output keeps the input's bit depth unless --float is given; inputs are never overwritten, outputs"
                        + " appear only when complete, and a bad file is reported at the end (exit 1) without stopping"
                        + " the others."})
final class ImageCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IN", description = "Input images, folders or globs (.png, .tif, .tiff).")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output image (.png, .tif, .tiff), or a folder when there are several inputs.")
    Path output;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "0",
            description = "Tile size in pixels, halo excluded (default 0: automatic, " + ImageDenoiser.DEFAULT_TILE + ").")
    int tile;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Tiles per ONNX Runtime call (default 1).")
    int batch;

    @Option(names = "--sigma", paramLabel = "S", description = "For models with a noise-level input (multiscale): the"
            + " noise's standard deviation in the input's grey levels (e.g. 25 for an 8-bit image); larger smooths more."
            + " Default: estimated for each image.")
    Double sigma;

    @Option(names = "--float", description = "Write 32-bit float (TIFF) instead of the input's bit depth.")
    boolean asFloat;

    @Option(names = "--residual", paramLabel = "FILE",
            description = "Also write the removed noise (input - output) as a 32-bit TIFF, to check that no structure was removed.")
    Path residual;

    @Override
    public Integer call() throws Exception {
        List<InputFiles.Found> found = InputFiles.expandRelative(inputs, ImageCommand::isImageName);
        boolean batch = found.size() > 1 || inputs.size() > 1 || Files.isDirectory(Path.of(inputs.get(0)))
                || InputFiles.isGlob(inputs.get(0));
        if (batch && Files.exists(output) && !Files.isDirectory(output)) {
            throw new HushException("with several inputs -o must name a folder, but " + output + " is a file");
        }
        if (batch) {
            found = InputFiles.outside(found, output);
        }
        if (found.isEmpty()) {
            throw new HushException("no PNG or TIFF images found in " + String.join(" ", inputs));
        }
        if (residual != null && batch) {
            throw new HushException("--residual names one file; use it with a single input image");
        }
        try (DenoiserModel model = modelOptions.open(Domain.IMAGE)) {
            ImageDenoiser denoiser = new ImageDenoiser(model).withTileSize(tile).withBatchSize(this.batch);
            if (sigma != null) {
                if (!model.contract().noiseLevelInput()) {
                    throw new HushException("the model '" + model.contract().name() + "' has no noise-level input, so"
                            + " --sigma cannot steer it; leave --sigma out, or pick a model whose 'hush models' line says"
                            + " 'noise-level input'");
                }
                if (!(sigma >= 0) || sigma.isInfinite()) {
                    throw new HushException("--sigma must be 0 or a positive number of grey levels, got " + sigma);
                }
                denoiser = denoiser.withNoiseSigma(sigma);
            }
            RunContext run = new RunContext();
            Thread hook = new Thread(run::cancel);
            Runtime.getRuntime().addShutdownHook(hook);
            List<String> failures = new ArrayList<>();
            // Where each input goes, decided before any work: a batch keeps the inputs' paths relative to the folder
            // or glob they came from, and no two inputs may write one output.
            List<Path> files = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            InputFiles.Claims claims = new InputFiles.Claims();
            for (InputFiles.Found f : found) {
                Path out = batch ? output.resolve(f.relative().toString()) : output;
                String clash = claims.claim(f.file(), out);
                if (clash != null) {
                    failures.add(f.file() + ": " + clash);
                } else {
                    files.add(f.file());
                    outs.add(out);
                }
            }
            long start = System.nanoTime();
            long pixels = 0;
            ProgressBar overall = batch ? new ProgressBar(System.err, "images", "files") : null;
            int done = 0;
            for (int i = 0; i < files.size(); i++) {
                Path in = files.get(i);
                try {
                    pixels += denoiseFile(denoiser, model, in, outs.get(i), !batch, run);
                    if (!batch && model.contract().noiseLevelInput()) {
                        System.err.printf(Locale.ROOT, "noise level: sigma %.3g (%s)%n", run.noiseSigma(),
                                sigma != null ? "given" : run.noiseMapped() ? "estimated as a map that grows with"
                                        + " brightness, its mean shown; set one value with --sigma"
                                        : "estimated; set it with --sigma");
                    }
                } catch (HushException e) {
                    if (!batch) {
                        throw e;
                    }
                    failures.add(in + ": " + e.getMessage());
                } catch (OutOfMemoryError e) {
                    // One image too large for the heap must not end the batch: its arrays are garbage now.
                    String why = "ran out of Java memory (" + e.getMessage() + "); give Java more (HUSH_JAVA_OPTS=-Xmx16g"
                            + " ./hush …) or split the image into smaller ones";
                    if (!batch) {
                        throw new HushException(in + " " + why, e);
                    }
                    failures.add(in + ": " + why);
                } catch (RuntimeException e) {
                    if (!batch || e instanceof dev.hush.runtime.CancelledException) {
                        throw e;
                    }
                    failures.add(in + ": " + e);
                }
                if (overall != null) {
                    overall.update(++done, files.size());
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            double secs = (System.nanoTime() - start) / 1e9;
            System.err.printf(Locale.ROOT, "%d of %d image(s) denoised with %s on %s in %.2f s (%.2f MPix/s)%n",
                    found.size() - failures.size(), found.size(), model.contract().name(), model.device(), secs,
                    pixels / 1e6 / Math.max(secs, 1e-9));
            if (!failures.isEmpty()) {
                System.err.println(failures.size() + " failed:");
                failures.forEach(f -> System.err.println("  " + f));
                return Hush.EXIT_FAILED;
            }
        }
        return 0;
    }

    static boolean isImageName(Path p) {
        return ImageFiles.isImageName(p);
    }

    /** Denoises one file into {@code out}; returns the pixels processed. */
    private long denoiseFile(ImageDenoiser denoiser, DenoiserModel model, Path in, Path out, boolean tileProgress,
                             RunContext run) throws HushException {
        refuseOverwrite(in, out);
        if (residual != null) {
            refuseOverwrite(in, residual);
            if (residual.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new HushException("--residual must name a different file than the output");
            }
        }
        ImageFileDenoiser.Result r = new ImageFileDenoiser(denoiser, model).asFloat(asFloat).denoise(in, out,
                tileProgress ? (index, count) -> new ProgressBar(System.err, count > 1 ? String.format(Locale.ROOT,
                        (model.contract().volumetric() ? "volume" : "plane") + " %d/%d", index, count) : "denoise",
                        "tiles")::update : ImageFileDenoiser.PlaneProgress.NONE, run);
        for (String note : r.input().notes()) {
            System.err.println("warning: " + in + ": " + note);
        }
        List<FloatImage> result = r.planes();
        if (residual != null) {
            List<FloatImage> noise = new ArrayList<>();
            for (int i = 0; i < result.size(); i++) {
                float[] a = r.input().planes().get(i).data();
                float[] b = result.get(i).data();
                float[] d = new float[a.length];
                for (int k = 0; k < a.length; k++) {
                    d[k] = a[k] - b[k];
                }
                noise.add(new FloatImage(result.get(i).channels(), result.get(i).width(), result.get(i).height(), d));
            }
            ImageFiles.write(residual, noise, 32, r.input().source());
        }
        if (tileProgress) {
            System.err.printf(Locale.ROOT, "wrote %s (%d-bit, %d plane%s)%n", out, r.bitDepth(), result.size(),
                    result.size() == 1 ? "" : "s");
        }
        return r.pixels();
    }

    /** Refuses an output that is the input itself (by path or by link). */
    static void refuseOverwrite(Path in, Path out) throws HushException {
        ImageFileDenoiser.refuseOverwrite(in, out);
    }
}
