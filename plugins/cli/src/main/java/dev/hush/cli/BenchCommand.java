package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Device;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hush bench}: measurements that go into notes and docs, never into test assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure quality and speed.",
        subcommands = {BenchCommand.Speed.class, BenchImageCommand.class, BenchVolumeCommand.class, BenchAudioCommand.class, BenchCodecCommand.class,
                BenchImageJCommand.class})
final class BenchCommand extends CommandGroup {

    @Command(name = "speed", mixinStandardHelpOptions = true,
            description = {"Image denoising throughput (MPix/s), tiling overhead and peak memory.",
                    "The tiled path at each thread count, and tiled time divided by one whole-image ONNX Runtime call",
                    "on the same model and image."})
    static final class Speed implements Callable<Integer> {
        @Option(names = "--size", defaultValue = "4096", description = "Square image size in pixels (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default ${DEFAULT-VALUE}).")
        List<Integer> threads;

        @Option(names = {"-m", "--model"}, description = "Model name or file (default: first shipped image model).")
        String model;

        @Option(names = "--tile", defaultValue = "0", description = "Tile size (default: automatic).")
        int tile;

        @Option(names = "--skip-whole",
                description = "Do not time the whole-image call (it needs memory for the whole image at once).")
        boolean skipWhole;

        @Option(names = "--repeats", defaultValue = "2", description = "Timed runs per setting; the best is reported (default ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public Integer call() throws Exception {
            String name = model != null ? model : ShippedModels.defaultFor(Domain.IMAGE);
            FloatImage img = testImage(size);
            double mpix = (double) size * size / 1e6;
            List<String> rows = new ArrayList<>();
            for (int t : threads) {
                try (DenoiserModel m = DenoiserModel.openNamed(name, new SessionConfig(Device.CPU, t))) {
                    ImageDenoiser d = new ImageDenoiser(m).withTileSize(tile);
                    d.denoise(testImage(256), ProgressListener.NONE); // warm-up
                    double tiled = best(() -> d.denoise(img, ProgressListener.NONE));
                    String ratio = "n/a";
                    String wholeText = "skipped";
                    if (!skipWhole && m.contract().fixedSize() > 0) {
                        wholeText = "n/a (fixed " + m.contract().fixedSize() + " px input)";
                    } else if (!skipWhole) {
                        double w = best(() -> d.denoiseWhole(img));
                        ratio = String.format(Locale.ROOT, "%.3f", tiled / w);
                        wholeText = String.format(Locale.ROOT, "%.2f s", w);
                    }
                    rows.add(String.format(Locale.ROOT, "| %s | %d | %d | %.2f s | %.3f | %s | %s |", m.contract().name(), t,
                            d.tileSize(), tiled, mpix / tiled, wholeText, ratio));
                    System.err.println(rows.get(rows.size() - 1));
                }
            }
            System.out.printf(Locale.ROOT, "Image %dx%d (%.1f MPix), CPU, %d cores available, best of %d%n%n", size, size, mpix,
                    Runtime.getRuntime().availableProcessors(), repeats);
            System.out.println("| model | threads | tile | tiled time | MPix/s | whole-image call | tiled / whole |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println(memoryLine());
            return 0;
        }

        /**
         * Peak memory of this process: the heap's peak use and size (JVM pools) and the peak resident set (Linux
         * VmHWM). Resident set minus peak heap used estimates native memory (ONNX Runtime's arena and buffers, the
         * JVM's code and metadata); compared across image sizes it shows whether native memory grows with the image.
         */
        static String memoryLine() {
            long used = 0;
            long committed = 0;
            for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) {
                    used += p.getPeakUsage().getUsed();
                    committed += p.getPeakUsage().getCommitted();
                }
            }
            long hwm = -1;
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                hwm = -1;
            }
            String mb = "%.0f MB";
            return String.format(Locale.ROOT, "Memory: peak heap used " + mb + " (committed " + mb + "); peak resident set %s%s",
                    used / 1e6, committed / 1e6, hwm < 0 ? "n/a (not Linux)" : String.format(Locale.ROOT, mb, hwm / 1e6),
                    hwm < 0 ? "" : String.format(Locale.ROOT, "; resident set minus peak heap used (native memory:"
                            + " ONNX Runtime, the JVM's own) about %.0f MB", Math.max(0, hwm - used) / 1e6));
        }

        private interface Run {
            void run() throws HushException;
        }

        private double best(Run r) throws HushException {
            double best = Double.MAX_VALUE;
            for (int i = 0; i < Math.max(1, repeats); i++) {
                long t0 = System.nanoTime();
                r.run();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return best;
        }

        static FloatImage testImage(int size) {
            Random rnd = new Random(3);
            float[] px = new float[size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    px[y * size + x] = (float) (128 + 60 * Math.sin(x / 37.0) * Math.cos(y / 23.0) + 25 * rnd.nextGaussian());
                }
            }
            return FloatImage.gray(size, size, px);
        }
    }
}
