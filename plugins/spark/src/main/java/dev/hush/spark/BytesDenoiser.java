package dev.hush.spark;

import dev.hush.audio.AudioFiles;
import dev.hush.audio.FileDenoiser;
import dev.hush.imagej.ImageFileDenoiser;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.image.ImageDenoiser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Denoises one file as {@code hush image} / {@code hush audio} denoise a file: the file (its bytes, or a stream from
 * its file system) is copied into a local temporary folder under its own name, goes through
 * {@link ImageFileDenoiser} or {@link FileDenoiser} (the same readers, model calls and writers, band by band for
 * images too large to hold), and the output is a local file until the {@link Outcome} is closed. The model is the
 * executor's shared one ({@link ExecutorModels}).
 */
final class BytesDenoiser {
    private BytesDenoiser() {
    }

    /**
     * What one file gave: the output's file name and local file (null when it failed, with the error), the pixels
     * or seconds of audio denoised, and the milliseconds it took. Closing it deletes the local files.
     */
    record Outcome(String outputName, Path output, String error, long pixels, double audioSeconds, long millis,
                   Path dir) implements AutoCloseable {
        boolean ok() {
            return error == null;
        }

        /** The output's bytes (for outputs that fit in an array: the Dataset API's {@code content}). */
        byte[] content() throws IOException {
            return Files.readAllBytes(output);
        }

        @Override
        public void close() {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /** Puts the input's bytes into a local file. */
    @FunctionalInterface
    interface Source {
        void copyTo(Path local) throws IOException;
    }

    /** The output's file name for an input named {@code name}: the same, but .wav for audio only ffmpeg reads. */
    static String outputName(Domain domain, String name) {
        return domain == Domain.AUDIO ? AudioFiles.outputName(name, null) : name;
    }

    /**
     * Denoises the file {@code path} (a name for messages, and the format by extension) whose bytes {@code source}
     * copies; the caller closes the outcome.
     */
    static Outcome denoise(Domain domain, String path, Source source, HushSpark.Options options, int taskCpus,
                           Configuration conf) {
        long t0 = System.nanoTime();
        String name = new org.apache.hadoop.fs.Path(path).getName();
        String outName = outputName(domain, name);
        Path dir = null;
        Path in = null;
        try {
            dir = Files.createTempDirectory("hush-spark-");
            in = Files.createDirectories(dir.resolve("in")).resolve(name);
            Path out = Files.createDirectories(dir.resolve("out")).resolve(outName);
            source.copyTo(in);
            int threads = options.threads() > 0 ? options.threads() : Math.max(1, taskCpus);
            DenoiserModel model = ExecutorModels.get(domain, options.model(), options.device(), threads, conf);
            long pixels = 0;
            double seconds = 0;
            if (domain == Domain.IMAGE) {
                ImageDenoiser d = new ImageDenoiser(model).withTileSize(options.tile()).withBatchSize(options.batch())
                        .withEnsemble(options.ensemble());
                if (options.sigma() != null) {
                    if (!model.contract().noiseLevelInput()) {
                        throw new HushException("the model '" + model.contract().name() + "' has no noise-level input,"
                                + " so sigma cannot steer it; leave sigma out");
                    }
                    d = d.withNoiseSigma(options.sigma());
                }
                pixels = new ImageFileDenoiser(d, model).asFloat(options.asFloat()).inBands(options.stream())
                        .maxPixels(options.maxPixels()).denoise(in, out, null).pixels();
            } else {
                AudioDenoiser d = new AudioDenoiser(model).withAttenuationLimit(options.attenLim()).withMix(options.mix());
                FileDenoiser files = new FileDenoiser(d);
                if (options.fullBand() != null) {
                    DenoiserModel wide = ExecutorModels.get(domain, options.fullBand(), options.device(), threads, conf);
                    files.fullBand(new AudioDenoiser(wide).withAttenuationLimit(options.attenLim()).withMix(options.mix()));
                }
                seconds = files.denoise(in, out, null).seconds();
            }
            return new Outcome(outName, out, null, pixels, seconds, (System.nanoTime() - t0) / 1_000_000, dir);
        } catch (HushException | IOException | RuntimeException e) {
            String message = e instanceof HushException ? e.getMessage() : e.toString();
            if (in != null) {
                // Name the file as the user knows it, not its local copy.
                message = message.replace(in.toString(), path).replace(in.toAbsolutePath().toString(), path);
            }
            if (dir != null) {
                deleteTree(dir);
            }
            return new Outcome(outName, null, message, 0, 0, (System.nanoTime() - t0) / 1_000_000, null);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // A temporary file left behind is not worth failing a file for.
        }
    }
}
