package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
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
        description = {"Denoise a grayscale PNG or TIFF image (8, 16 or 32 bit; TIFF stacks plane by plane).",
                "The output keeps the input's bit depth unless --float is given; the input is never overwritten and the"
                        + " output appears only when complete."})
final class ImageCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input image (.png, .tif, .tiff).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output image (.png, .tif, .tiff).")
    Path output;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "0",
            description = "Tile size in pixels, halo excluded (default 0: automatic, " + ImageDenoiser.DEFAULT_TILE + ").")
    int tile;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Tiles per ONNX Runtime call (default 1).")
    int batch;

    @Option(names = "--float", description = "Write 32-bit float (TIFF) instead of the input's bit depth.")
    boolean asFloat;

    @Option(names = "--residual", paramLabel = "FILE",
            description = "Also write the removed noise (input - output) as a 32-bit TIFF, to check that no structure was removed.")
    Path residual;

    @Override
    public Integer call() throws Exception {
        refuseOverwrite(input, output);
        if (residual != null) {
            refuseOverwrite(input, residual);
            if (residual.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw new HushException("--residual must name a different file than the output");
            }
        }
        ImageFiles.Loaded in = ImageFiles.read(input);
        int depth = asFloat ? 32 : in.bitDepth();
        try (DenoiserModel model = modelOptions.open(Domain.IMAGE)) {
            ImageDenoiser denoiser = new ImageDenoiser(model).tileSize(tile).batchSize(batch);
            Thread hook = new Thread(denoiser::cancel);
            Runtime.getRuntime().addShutdownHook(hook);
            List<FloatImage> out = new ArrayList<>();
            long start = System.nanoTime();
            long pixels = 0;
            int index = 0;
            for (FloatImage plane : in.planes()) {
                index++;
                String label = in.planes().size() > 1 ? String.format(Locale.ROOT, "plane %d/%d", index, in.planes().size())
                        : "denoise";
                ProgressBar bar = new ProgressBar(System.err, label, "tiles");
                out.add(denoiser.denoise(plane, bar::update));
                pixels += (long) plane.width() * plane.height();
            }
            ImageFiles.write(output, out, depth, in.source());
            if (residual != null) {
                List<FloatImage> noise = new ArrayList<>();
                for (int i = 0; i < out.size(); i++) {
                    float[] a = in.planes().get(i).data();
                    float[] b = out.get(i).data();
                    float[] r = new float[a.length];
                    for (int k = 0; k < a.length; k++) {
                        r[k] = a[k] - b[k];
                    }
                    noise.add(FloatImage.gray(out.get(i).width(), out.get(i).height(), r));
                }
                ImageFiles.write(residual, noise, 32, in.source());
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            double secs = (System.nanoTime() - start) / 1e9;
            System.err.printf(Locale.ROOT, "wrote %s (%d-bit, %d plane%s) with %s on %s in %.2f s (%.2f MPix/s)%n", output, depth,
                    out.size(), out.size() == 1 ? "" : "s", model.contract().name(), model.device(), secs, pixels / 1e6 / secs);
        }
        return 0;
    }

    /** Refuses an output that is the input itself (by path or by link). */
    static void refuseOverwrite(Path in, Path out) throws HushException {
        Path a = in.toAbsolutePath().normalize();
        Path b = out.toAbsolutePath().normalize();
        boolean same = a.equals(b);
        if (!same && Files.exists(a) && Files.exists(b)) {
            try {
                same = Files.isSameFile(a, b);
            } catch (IOException ignored) {
                // Cannot tell: the paths differ, so treat them as different files.
            }
        }
        if (same) {
            throw new HushException("the output " + out + " is the input file; hush never overwrites its input. Choose"
                    + " another output name, e.g. " + suggest(in));
        }
    }

    private static String suggest(Path in) {
        String n = in.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) + "-denoised" + n.substring(dot) : n + "-denoised";
    }
}
