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
 * Denoises one file's bytes as {@code hush image} / {@code hush audio} denoise a file: the bytes are put in a local
 * temporary folder under the file's own name, go through {@link ImageFileDenoiser} or {@link FileDenoiser} (the same
 * readers, model calls and writers), and the output file's bytes come back. The model is the executor's shared one
 * ({@link ExecutorModels}).
 */
final class BytesDenoiser {
    private BytesDenoiser() {
    }

    /**
     * What one file gave: the output's bytes and file name (null bytes when it failed, with the error), the pixels
     * or seconds of audio denoised, and the milliseconds it took.
     */
    record Outcome(String outputName, byte[] content, String error, long pixels, double audioSeconds, long millis) {
        boolean ok() {
            return error == null;
        }
    }

    /** The output's file name for an input named {@code name}: the same, but .wav for audio only ffmpeg reads. */
    static String outputName(Domain domain, String name) {
        return domain == Domain.AUDIO ? AudioFiles.outputName(name, null) : name;
    }

    /** Denoises {@code content}, the bytes of the file {@code path} (a name for messages, and the format by extension). */
    static Outcome denoise(Domain domain, String path, byte[] content, HushSpark.Options options, int taskCpus,
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
            Files.write(in, content);
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
                pixels = new ImageFileDenoiser(d, model).asFloat(options.asFloat()).denoise(in, out, null).pixels();
            } else {
                AudioDenoiser d = new AudioDenoiser(model).withAttenuationLimit(options.attenLim()).withMix(options.mix());
                FileDenoiser files = new FileDenoiser(d);
                if (options.fullBand() != null) {
                    DenoiserModel wide = ExecutorModels.get(domain, options.fullBand(), options.device(), threads, conf);
                    files.fullBand(new AudioDenoiser(wide).withAttenuationLimit(options.attenLim()).withMix(options.mix()));
                }
                seconds = files.denoise(in, out, null).seconds();
            }
            byte[] bytes = Files.readAllBytes(out);
            return new Outcome(outName, bytes, null, pixels, seconds, (System.nanoTime() - t0) / 1_000_000);
        } catch (HushException | IOException | RuntimeException e) {
            String message = e instanceof HushException ? e.getMessage() : e.toString();
            if (in != null) {
                // Name the file as the user knows it, not its local copy.
                message = message.replace(in.toString(), path).replace(in.toAbsolutePath().toString(), path);
            }
            return new Outcome(outName, null, message, 0, 0, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
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
