package dev.hush.spark;

import dev.hush.runtime.Domain;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Hush on Spark: denoises the files of a Dataset read with Spark's {@code binaryFile} source (columns {@code path} and
 * {@code content}) with the same code path as {@code hush image} and {@code hush audio}, so each output is the bytes
 * those commands would write. Each executor opens the model once and shares it between its tasks.
 *
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile").load("hdfs:///scans/*.tif");
 * Dataset<Row> out = HushSpark.denoiseImages(files, new HushSpark.Options().model("image-gray-fast"));
 * }</pre>
 */
public final class HushSpark {
    /**
     * The result: the input's path, the denoised file's bytes (PNG/TIFF for images at the input's bit depth, the
     * input's audio format; null when the file failed), {@code status} "ok" or "failed", the {@code error} (null when
     * ok), the pixels or seconds of audio denoised, and the milliseconds the file took.
     */
    public static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("content", DataTypes.BinaryType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("pixels", DataTypes.LongType, false)
            .add("audio_seconds", DataTypes.DoubleType, false)
            .add("millis", DataTypes.LongType, false);

    public static final String OK = "ok";
    public static final String FAILED = "failed";

    private HushSpark() {
    }

    /** Denoises PNG and TIFF files (8, 16, 32-bit grey, RGB; TIFF stacks plane by plane). */
    public static Dataset<Row> denoiseImages(Dataset<Row> files, Options options) {
        return denoise(files, options, Domain.IMAGE);
    }

    /** Denoises audio files (WAV, AIFF, AU; others through ffmpeg on the executors, written as float WAV). */
    public static Dataset<Row> denoiseAudio(Dataset<Row> files, Options options) {
        return denoise(files, options, Domain.AUDIO);
    }

    private static Dataset<Row> denoise(Dataset<Row> files, Options options, Domain domain) {
        Broadcast<SerializableConfiguration> conf = hadoopConf(files);
        Options o = options.copy();
        return files.select("path", "content").mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            int cpus = TaskContext.get() == null ? 1 : TaskContext.get().cpus();
            return new Iterator<Row>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    String path = r.getString(0);
                    byte[] content = (byte[]) r.get(1);
                    try (BytesDenoiser.Outcome out = BytesDenoiser.denoise(domain, path,
                            local -> Files.write(local, content), o, cpus, conf.value().value())) {
                        byte[] bytes = null;
                        String error = out.error();
                        if (out.ok()) {
                            try {
                                bytes = out.content();
                            } catch (IOException | OutOfMemoryError e) {
                                error = "the denoised file cannot be returned as bytes (" + e + "); write outputs of"
                                        + " this size with HushSparkJob, which copies them as files";
                            }
                        }
                        return RowFactory.create(path, bytes, error == null ? OK : FAILED, error, out.pixels(),
                                out.audioSeconds(), out.millis());
                    }
                }
            };
        }, Encoders.row(SCHEMA));
    }

    static Broadcast<SerializableConfiguration> hadoopConf(Dataset<Row> any) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(any.sparkSession().sparkContext());
        return jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    }

    /** How to denoise: the model, where it runs, and the image or audio settings of {@code hush image/audio}. */
    public static final class Options implements Serializable {
        private static final long serialVersionUID = 1L;
        private String model;
        private String device = "cpu";
        private int threads;
        private int tile;
        private int batch = 1;
        private Double sigma;
        private int ensemble = 1;
        private boolean asFloat;
        private boolean stream;
        private long maxPixels = dev.hush.imagej.ImageFileDenoiser.DEFAULT_MAX_PIXELS;
        private double attenLim;
        private double mix = 1;
        private String fullBand;
        private int failFirstAttemptAfter = -1;

        /**
         * A shipped model's name ('hush models'), a .onnx file or bioimage.io package (.zip) on every executor's disk
         * (or shipped with {@code --files}), or either on a shared file system ({@code hdfs://…}, {@code s3a://…});
         * null (the default): the first shipped model of the kind.
         */
        public Options model(String nameOrPath) {
            this.model = nameOrPath;
            return this;
        }

        /** cpu (default), cuda[:N], … as {@code hush image --device}. */
        public Options device(String device) {
            this.device = device;
            return this;
        }

        /**
         * ONNX Runtime threads of the executor's session (0, the default: {@code spark.task.cpus}). The session is
         * shared by the executor's tasks, so tasks × threads should fit the executor's cores: with
         * {@code spark.task.cpus=1}, leave it at 0.
         */
        public Options threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be 0 (spark.task.cpus) or more, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Images: tile size in pixels, halo excluded (0: automatic), as {@code hush image --tile}. */
        public Options tile(int tile) {
            this.tile = tile;
            return this;
        }

        /** Images: tiles per ONNX Runtime call, as {@code hush image --batch}. */
        public Options batch(int batch) {
            this.batch = batch;
            return this;
        }

        /** Images, for models with a noise-level input: the noise's standard deviation in grey levels (null: estimated). */
        public Options sigma(Double sigma) {
            this.sigma = sigma;
            return this;
        }

        /** Images: average this many flipped and turned copies (1, 2, 4 or 8), as {@code hush image --ensemble}. */
        public Options ensemble(int n) {
            if (n != 1 && n != 2 && n != 4 && n != 8) {
                throw new IllegalArgumentException("ensemble is 1, 2, 4 or 8 copies, got " + n);
            }
            this.ensemble = n;
            return this;
        }

        public int ensemble() {
            return ensemble;
        }

        /** Images: write 32-bit float TIFF instead of the input's bit depth (a PNG input then fails: name it .tif). */
        public Options asFloat(boolean on) {
            this.asFloat = on;
            return this;
        }

        /**
         * Images: denoise every TIFF band by band, as {@code hush image --stream} (images above 2 GiB decoded always
         * go so).
         */
        public Options stream(boolean on) {
            this.stream = on;
            return this;
        }

        public boolean stream() {
            return stream;
        }

        /** Images: refuse images of more than this many pixels (default 2^31), as {@code hush image --max-pixels}. */
        public Options maxPixels(long pixels) {
            if (pixels < 1) {
                throw new IllegalArgumentException("the pixel limit must be at least 1, got " + pixels);
            }
            this.maxPixels = pixels;
            return this;
        }

        public long maxPixels() {
            return maxPixels;
        }

        /** Audio: remove at most this many dB from any frequency (0: no limit), as {@code hush audio --atten-lim}. */
        public Options attenLim(double db) {
            this.attenLim = db;
            return this;
        }

        /** Audio: dry/wet mix in [0, 1], as {@code hush audio --mix}. */
        public Options mix(double wet) {
            this.mix = wet;
            return this;
        }

        /**
         * Audio: a model of a higher rate (e.g. a 48 kHz one) for the files recorded above the main model's rate, as
         * {@code hush audio --full-band}: a shipped name or a path like {@link #model}; null (the default): none,
         * every file goes through the main model.
         */
        public Options fullBand(String nameOrPath) {
            this.fullBand = nameOrPath;
            return this;
        }

        public String fullBand() {
            return fullBand;
        }

        /**
         * Test hook for the job ({@link HushSparkJob}): the first attempt of every task fails after committing
         * {@code files} outputs, leaving half of the next output in its temporary file (or failing at its end when
         * there is no next). -1 (the default): never.
         */
        public Options failFirstAttemptAfter(int files) {
            this.failFirstAttemptAfter = files;
            return this;
        }

        public String model() {
            return model;
        }

        public String device() {
            return device;
        }

        public int threads() {
            return threads;
        }

        public int tile() {
            return tile;
        }

        public int batch() {
            return batch;
        }

        public Double sigma() {
            return sigma;
        }

        public boolean asFloat() {
            return asFloat;
        }

        public double attenLim() {
            return attenLim;
        }

        public double mix() {
            return mix;
        }

        public int failFirstAttemptAfter() {
            return failFirstAttemptAfter;
        }

        Options copy() {
            Options o = new Options();
            o.model = model;
            o.device = device;
            o.threads = threads;
            o.tile = tile;
            o.batch = batch;
            o.sigma = sigma;
            o.ensemble = ensemble;
            o.asFloat = asFloat;
            o.stream = stream;
            o.maxPixels = maxPixels;
            o.attenLim = attenLim;
            o.mix = mix;
            o.fullBand = fullBand;
            o.failFirstAttemptAfter = failFirstAttemptAfter;
            return o;
        }
    }
}
