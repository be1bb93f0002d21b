package dev.hush.cli;

import dev.hush.imagej.ImageFileDenoiser;
import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Denoise PNG or TIFF images: 8, 16 or 32-bit grey, or RGB (TIFF stacks plane by plane).",
                "IN may be files, folders or globs ('raw/*.tif'); with more than one image, -o names a folder (relative"
                        + " paths are kept; two inputs for one output are refused) or --suffix names outputs beside the"
                        + " inputs.",
                "The output keeps the input's bit depth unless --float is given; inputs are never overwritten, outputs"
                        + " appear only when complete, and a bad file is reported at the end (exit 1) without stopping"
                        + " the others. --threads N uses N cores: up to one image per core at once, the rest to each"
                        + " image's tiles (default: one image at a time on every core)."})
final class ImageCommand implements Callable<Integer> {
    /** Images as the batch front end sees them: PNG and TIFF, a unit of work per file. */
    static final FileBatch.Kind KIND = new FileBatch.Kind(ImageFiles::isImageName, ImageCommand::outputName,
            "-denoised", "PNG or TIFF images", file -> 1, "files");

    /** The output's name for an input's: the suffix before the extension (the name as it is without one). */
    static String outputName(String name, String suffix) {
        if (suffix == null) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix;
    }

    @Mixin
    FileBatch.Options files;

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

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1", description = "Average N flipped and turned"
            + " copies (2, 4 or 8): a little more quality for N times the time (default 1).")
    int ensemble;

    @Option(names = "--float", description = "Write 32-bit float (TIFF) instead of the input's bit depth.")
    boolean asFloat;

    @Option(names = "--stream", description = "Denoise band by band, holding a band of rows at a time, not the whole"
            + " image (grey or RGB TIFF: uncompressed, or compressed strips or tiles; images above " + "2" + " GiB decoded always go so)."
            + " The result equals the whole-image one within float rounding.")
    boolean stream;

    @Option(names = "--band-rows", paramLabel = "N", defaultValue = "0", description = "Rows per band when denoising"
            + " band by band (default 0: as many as 32 MB of rows hold); fewer rows, less memory.")
    int bandRows;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse images of more than N pixels (default"
            + " 2147483648, about 46000²; k, M and G suffixes accepted, e.g. 10G).",
            converter = PixelCount.class)
    Long maxPixels;

    @Option(names = "--residual", paramLabel = "FILE",
            description = "Also write the removed noise (input - output) as a 32-bit TIFF, to check that no structure was removed.")
    Path residual;

    @Override
    public Integer call() throws Exception {
        ModelOptions.checkThreads(modelOptions.threads, files.mixee);
        FileBatch plan = new FileBatch(files, KIND);
        if (residual != null && plan.batch) {
            throw files.usage("--residual names one file; use it with a single input image");
        }
        if (ensemble != 1 && ensemble != 2 && ensemble != 4 && ensemble != 8) {
            throw files.usage("--ensemble is 1, 2, 4 or 8 copies, got " + ensemble);
        }
        if (bandRows < 0) {
            throw files.usage("--band-rows must be 0 (automatic) or a positive number of rows, got " + bandRows);
        }
        if (sigma != null && (!(sigma >= 0) || sigma.isInfinite())) {
            throw files.usage("--sigma must be 0 or a positive number of grey levels, got " + sigma);
        }
        int workers = plan.workers(modelOptions.threads, false, ModelOptions.device(modelOptions.device, files.mixee)
                .equals(dev.hush.runtime.Device.CPU));
        try (DenoiserModel model = modelOptions.open(Domain.IMAGE,
                FileBatch.intraOpThreads(modelOptions.threads, workers))) {
            ImageDenoiser denoiser = new ImageDenoiser(model).withTileSize(tile).withBatchSize(this.batch)
                    .withEnsemble(ensemble);
            if (sigma != null) {
                if (!model.contract().noiseLevelInput()) {
                    throw new HushException("the model '" + model.contract().name() + "' has no noise-level input, so"
                            + " --sigma cannot steer it; leave --sigma out, or pick a model whose 'hush models' line says"
                            + " 'noise-level input'");
                }
                denoiser = denoiser.withNoiseSigma(sigma);
            }
            ImageDenoiser chosen = denoiser;
            double secs = plan.run(workers, false, (in, out, share, run) -> denoiseFile(chosen, model, in, out,
                    !plan.batch, share, run));
            return plan.report(String.format(Locale.ROOT, "%s with %s on %s in %.2f s (%.2f MPix/s)",
                    plan.counts("image(s)"), model.contract().name(), model.device(), secs,
                    plan.amount() / 1e6 / Math.max(secs, 1e-9)));
        }
    }

    static boolean isImageName(Path p) {
        return ImageFiles.isImageName(p);
    }

    /** Denoises one file into {@code out}, telling {@code share} how far it got. */
    private FileBatch.Done denoiseFile(ImageDenoiser denoiser, DenoiserModel model, Path in, Path out, boolean single,
                                       DoubleConsumer share, RunContext run) throws HushException {
        if (residual != null) {
            refuseOverwrite(in, residual);
            if (residual.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new HushException("--residual must name a different file than the output");
            }
        }
        String unit = model.contract().volumetric() ? "volume" : "plane";
        ImageFileDenoiser files = new ImageFileDenoiser(denoiser, model).asFloat(asFloat).inBands(stream)
                .bandRows(bandRows).maxPixels(maxPixels == null ? ImageFileDenoiser.DEFAULT_MAX_PIXELS : maxPixels);
        if (residual != null && files.bandByBand(in)) {
            throw new HushException(HushException.Code.INVALID_INPUT, in + " is denoised band by band, never held"
                    + " whole, so --residual cannot be written with it; leave out --residual (or --stream)");
        }
        ImageFileDenoiser.Result r = files.denoise(in, out,
                (index, count) -> {
                    // A single image gets a bar per plane; every image tells the batch's bar its share.
                    ProgressBar bar = single ? new ProgressBar(System.err, count > 1 ? String.format(Locale.ROOT,
                            unit + " %d/%d", index, count) : "denoise", "tiles") : null;
                    return (done, total) -> {
                        if (bar != null) {
                            bar.update(done, total);
                        }
                        share.accept((index - 1 + (double) done / Math.max(1, total)) / count);
                    };
                }, run);
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
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "wrote %s (%d-bit, %d plane%s)", out, r.bitDepth(), r.planeCount(),
                r.planeCount() == 1 ? "" : "s"));
        if (model.contract().noiseLevelInput()) {
            report.add(String.format(Locale.ROOT, "noise level: sigma %.3g (%s)", run.noiseSigma(),
                    sigma != null ? "given" : run.noiseMapped() ? "estimated as a map that grows with brightness, its"
                            + " mean shown; set one value with --sigma" : "estimated; set it with --sigma"));
        }
        return new FileBatch.Done(r.pixels(), r.notes(), report);
    }

    /** A pixel count with an optional k, M or G suffix (powers of 1000, e.g. 10G). */
    static final class PixelCount implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            long scale = 1;
            char last = v.isEmpty() ? ' ' : Character.toUpperCase(v.charAt(v.length() - 1));
            if (last == 'K' || last == 'M' || last == 'G') {
                scale = last == 'K' ? 1_000L : last == 'M' ? 1_000_000L : 1_000_000_000L;
                v = v.substring(0, v.length() - 1);
            }
            double n;
            try {
                n = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a pixel count (e.g."
                        + " 4000000000 or 4G)");
            }
            if (!(n * scale >= 1) || n * scale > Long.MAX_VALUE / 2) {
                throw new picocli.CommandLine.TypeConversionException("the pixel limit must be at least 1, got '"
                        + value + "'");
            }
            return (long) (n * scale);
        }
    }

    /** Refuses an output that is the input itself (by path or by link). */
    static void refuseOverwrite(Path in, Path out) throws HushException {
        ImageFileDenoiser.refuseOverwrite(in, out);
    }
}
