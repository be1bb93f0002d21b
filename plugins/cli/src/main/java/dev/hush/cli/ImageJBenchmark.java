package dev.hush.cli;

import dev.hush.imagej.DenoiseImage;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.ImagePlus;
import ij.ImageStack;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the plugin costs on top of the runtime: the same 16-bit stack denoised plane by plane through the runtime
 * API (pixels to floats, {@link ImageDenoiser}, floats back to 16 bit: the least any caller does) and through
 * Hush Denoise Image...'s own code path ({@link DenoiseImage#denoise(ImagePlus, String, int, int)}) (copy, normalise per plane, denoise, build the result image with calibration
 * and display range), same model, tile and threads. Each path's time inside ONNX Runtime comes from
 * {@link DenoiserModel#runNanos()}, so the share spent outside it (conversion, tiling, stitching) is measured,
 * not guessed.
 */
final class ImageJBenchmark {
    /** Times of one path, in seconds. */
    public record Timing(double seconds, double ortSeconds) {
        public double outsideShare() {
            return 1 - ortSeconds / seconds;
        }
    }

    public record Result(int width, int height, int planes, String model, int threads, int tile, Timing runtime,
                         Timing plugin) {
        public double overhead() {
            return plugin.seconds() / runtime.seconds() - 1;
        }

        public String markdown() {
            String how = (threads == 0 ? "ONNX Runtime on all " + Runtime.getRuntime().availableProcessors() + " cores"
                    : threads + " ONNX Runtime thread(s)") + ", " + (tile == 0 ? "automatic tiles" : "tile " + tile);
            return String.format(Locale.ROOT, "%d×%d×%d 16-bit stack, model %s, %s; one warm-up plane"
                            + " first.%n%n| path | time (s) | MPix/s | inside ONNX Runtime (s) | outside ONNX Runtime |%n"
                            + "|---|---:|---:|---:|---:|%n| runtime API (ImageDenoiser per plane) | %.1f | %.2f | %.1f | %.1f %% |%n"
                            + "| Hush Denoise Image... (StackDenoiser) | %.1f | %.2f | %.1f | %.1f %% |%n%nPlugin over runtime: %+.1f %%%n",
                    width, height, planes, model, how, runtime.seconds(), mpix(runtime), runtime.ortSeconds(),
                    100 * runtime.outsideShare(), plugin.seconds(), mpix(plugin), plugin.ortSeconds(),
                    100 * plugin.outsideShare(), 100 * overhead());
        }

        private double mpix(Timing t) {
            return (double) width * height * planes / 1e6 / t.seconds();
        }
    }

    private ImageJBenchmark() {
    }

    /** A noisy 16-bit stack of smooth blobs (values around 1000–30000), seeded. */
    public static ImagePlus stack(int w, int h, int planes, long seed) {
        ImageStack st = new ImageStack(w, h);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int z = 0; z < planes; z++) {
            short[] px = new short[w * h];
            double fx = 0.01 + 0.002 * z;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 12000 + 9000 * Math.sin(fx * x) * Math.cos(0.013 * y + z) + 1500 * rnd.nextGaussian();
                    px[y * w + x] = (short) Math.max(0, Math.min(65535, Math.round(v)));
                }
            }
            st.addSlice("z" + (z + 1), px);
        }
        return new ImagePlus("bench", st);
    }

    public static Result run(int w, int h, int planes, String model, int threads, int tile, ProgressListener progress)
            throws HushException {
        ImagePlus imp = stack(w, h, planes, 42);
        SessionConfig config = SessionConfig.defaults().withThreads(threads);
        Timing api;
        try (DenoiserModel m = DenoiserModel.openNamed(model, config)) {
            ImageDenoiser d = new ImageDenoiser(m).withTileSize(tile);
            plane(imp.getStack(), 1, d); // warm-up
            long ort0 = m.runNanos();
            long t0 = System.nanoTime();
            for (int z = 1; z <= planes; z++) {
                plane(imp.getStack(), z, d);
                progress.update(z, 2L * planes);
            }
            api = new Timing((System.nanoTime() - t0) / 1e9, (m.runNanos() - ort0) / 1e9);
        }
        // Warm-up on one plane, then the whole stack, as a user's second run would be.
        DenoiseImage.denoise(new ImagePlus("warm", imp.getStack().getProcessor(1).duplicate()), model, tile, threads);
        long t0 = System.nanoTime();
        DenoiseImage.Denoised r = DenoiseImage.denoise(imp, model, tile, threads);
        Timing plugin = new Timing((System.nanoTime() - t0) / 1e9, r.networkNanos() / 1e9);
        progress.update(2L * planes, 2L * planes);
        return new Result(w, h, planes, model, threads, tile, api, plugin);
    }

    /** The runtime-API path for one plane: 16 bit → float → denoise → 16 bit. */
    private static short[] plane(ImageStack st, int z, ImageDenoiser d) throws HushException {
        short[] px = (short[]) st.getPixels(z);
        float[] f = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            f[i] = px[i] & 0xffff;
        }
        float[] out = d.denoise(FloatImage.gray(st.getWidth(), st.getHeight(), f), ProgressListener.NONE).data();
        short[] res = new short[out.length];
        for (int i = 0; i < out.length; i++) {
            res[i] = (short) Math.round(Math.max(0, Math.min(65535, out[i])));
        }
        return res;
    }
}
