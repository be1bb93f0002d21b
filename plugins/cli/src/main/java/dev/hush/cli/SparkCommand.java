package dev.hush.cli;

import dev.hush.runtime.Domain;
import dev.hush.spark.HushSpark;
import dev.hush.spark.HushSparkJob;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hush spark}: the Spark job (dev.hush.spark.HushSparkJob) on a local Spark in this JVM, to try it without a cluster. */
@Command(name = "spark", description = {"Run the Spark job of docs/spark.md on a local Spark (no cluster needed).",
        "On a cluster, submit the same job with spark-submit --class dev.hush.spark.HushSparkJob."},
        subcommands = {SparkCommand.Image.class, SparkCommand.Audio.class}, mixinStandardHelpOptions = true)
final class SparkCommand extends CommandGroup {

    /** What both kinds share: input, output, master, model. */
    abstract static class Job implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "Input folder (searched recursively), file or glob; any"
                + " Hadoop file system URI works.")
        String input;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
                description = "Output folder: outputs keep their relative paths; per-file status in OUT/_hush_status.")
        String output;

        @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
                description = "Spark master (default local[*]: all cores of this machine; local[N]: N task threads).")
        String master;

        @Option(names = {"-m", "--model"}, paramLabel = "NAME|PATH",
                description = "Shipped model name ('hush models' lists them) or a .onnx file (local or hdfs://, s3a://).")
        String model;

        @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu (default), cuda[:N], …")
        String device;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
                description = "ONNX Runtime threads of each executor's shared session (default 0: spark.task.cpus).")
        int threads;

        abstract Domain domain();

        abstract HushSpark.Options options();

        @Override
        public Integer call() throws Exception {
            HushSpark.Options o = options().device(device).threads(threads);
            if (model != null) {
                o.model(model);
            }
            SparkSession spark = SparkSession.builder().master(master).appName("hush spark " + domain().key())
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                HushSparkJob.Summary s = HushSparkJob.run(spark, domain(), input, output, o);
                return s.failed() > 0 ? Hush.EXIT_FAILED : 0;
            } finally {
                spark.stop();
            }
        }
    }

    @Command(name = "image", mixinStandardHelpOptions = true,
            description = "Denoise the PNG and TIFF images under IN into OUT on Spark, as 'hush image' does each one.")
    static final class Image extends Job {
        @Option(names = "--tile", paramLabel = "N", defaultValue = "0", description = "Tile size (0: automatic).")
        int tile;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Tiles per ONNX Runtime call.")
        int batch;

        @Option(names = "--sigma", paramLabel = "S", description = "Noise level for models with a noise-level input.")
        Double sigma;

        @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1",
                description = "Average N flipped and turned copies (1, 2, 4 or 8), as hush image --ensemble.")
        int ensemble;

        @Option(names = "--float", description = "Write 32-bit float TIFF.")
        boolean asFloat;

        @Option(names = "--stream", description = "Denoise every TIFF band by band, as hush image --stream (images"
                + " above 2 GiB decoded always go so).")
        boolean stream;

        @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse images of more than N pixels (default"
                + " 2147483648; k, M and G suffixes accepted), as hush image --max-pixels.",
                converter = ImageCommand.PixelCount.class)
        Long maxPixels;

        @Override
        Domain domain() {
            return Domain.IMAGE;
        }

        @Override
        HushSpark.Options options() {
            HushSpark.Options o = new HushSpark.Options().tile(tile).batch(batch).sigma(sigma).ensemble(ensemble)
                    .asFloat(asFloat).stream(stream);
            return maxPixels == null ? o : o.maxPixels(maxPixels);
        }
    }

    @Command(name = "audio", mixinStandardHelpOptions = true,
            description = "Denoise the audio files under IN into OUT on Spark, as 'hush audio' does each one.")
    static final class Audio extends Job {
        @Option(names = "--atten-lim", paramLabel = "DB", defaultValue = "0", description = "Remove at most DB dB (0: no limit).")
        double attenLim;

        @Option(names = "--mix", paramLabel = "WET", defaultValue = "1", description = "Dry/wet mix in [0, 1].")
        double mix;

        @Option(names = "--full-band", paramLabel = "MODEL", description = "Model for files above the main model's rate,"
                + " as hush audio --full-band; default: " + AudioCommand.DEFAULT_FULL_BAND_MODEL + " when --model is not"
                + " given and this build ships it; 'none' for none.")
        String fullBand;

        @Override
        Domain domain() {
            return Domain.AUDIO;
        }

        @Override
        HushSpark.Options options() {
            return new HushSpark.Options().attenLim(attenLim).mix(mix).model(AudioCommand.DEFAULT_MODEL)
                    .fullBand(AudioCommand.fullBandModel(fullBand, model));
        }
    }
}
