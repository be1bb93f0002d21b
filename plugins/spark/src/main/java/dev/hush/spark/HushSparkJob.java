package dev.hush.spark;

import dev.hush.audio.AudioFiles;
import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The spark-submit job: denoises the images or audio files of a folder or glob on any Hadoop file system into an
 * output folder, keeping their relative paths, never over an input.
 *
 * <pre>
 * spark-submit --class dev.hush.spark.HushSparkJob hush-spark-jar-with-deps.jar image|audio IN OUT [options]
 * </pre>
 *
 * Each output is written once: an executor writes it under {@code OUT/_hush_temporary/RUN/attempt-…}, renames it into
 * place, and marks it committed, so a retried (or speculative) task neither leaves a partial file nor writes a file
 * twice; the driver removes {@code _hush_temporary} at the end. A file that fails is reported in the per-file status
 * ({@code OUT/_hush_status}, JSON) and the summary, and does not fail the job.
 */
public final class HushSparkJob {
    /** The per-file status the job writes under {@code OUT/_hush_status}. */
    public static final StructType STATUS = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("pixels", DataTypes.LongType, false)
            .add("audio_seconds", DataTypes.DoubleType, false)
            .add("millis", DataTypes.LongType, false);

    static final String TEMPORARY = "_hush_temporary";
    static final String STATUS_DIR = "_hush_status";

    private HushSparkJob() {
    }

    /** What a run did: files, failures (the first ones, with their errors), time, and the pixels or audio done. */
    public record Summary(Domain domain, long files, long failed, double wallSeconds, long pixels, double audioSeconds,
                          List<String> failures, String output) {
        /** The driver's summary line: files, failures and throughput. */
        public String line() {
            String rate = domain == Domain.IMAGE
                    ? String.format(Locale.ROOT, "%.1f MPix in %.2f s (%.3f MPix/s)", pixels / 1e6, wallSeconds,
                    pixels / 1e6 / Math.max(wallSeconds, 1e-9))
                    : String.format(Locale.ROOT, "%.1f s of audio in %.2f s (%.1f× real time, %.4f audio h/s)",
                    audioSeconds, wallSeconds, audioSeconds / Math.max(wallSeconds, 1e-9),
                    audioSeconds / 3600 / Math.max(wallSeconds, 1e-9));
            return String.format(Locale.ROOT, "hush spark %s: %d of %d file(s) denoised, %d failed; %s; status in %s",
                    domain.key(), files - failed, files, failed, rate, output + "/" + STATUS_DIR);
        }
    }

    /**
     * Denoises the {@code domain} files under {@code input} (a folder, searched recursively, a file, or a glob) into
     * {@code output}, on {@code spark}; prints progress and the summary on standard error.
     */
    public static Summary run(SparkSession spark, Domain domain, String input, String output, HushSpark.Options options)
            throws HushException {
        Configuration hconf = spark.sparkContext().hadoopConfiguration();
        Path root;
        Path outRoot;
        try {
            Path in = new Path(input);
            FileSystem inFs = in.getFileSystem(hconf);
            root = isGlob(input) ? globRoot(in) : inFs.isFile(in) ? in.getParent() : in;
            root = inFs.makeQualified(root);
            Path out = new Path(output);
            outRoot = out.getFileSystem(hconf).makeQualified(out);
        } catch (IOException e) {
            throw new HushException("cannot read " + input + ": " + e.getMessage(), e);
        }
        if (isUnder(root, outRoot)) {
            throw new HushException("the output folder " + outRoot + (root.equals(outRoot) ? " is" : " holds")
                    + " the input folder " + root + "; hush never writes over its inputs, so choose an output folder"
                    + " outside it");
        }
        String runId = UUID.randomUUID().toString();
        Path tmpRoot = new Path(new Path(outRoot, TEMPORARY), runId);
        String glob = extensionGlob(domain == Domain.IMAGE ? ImageFiles.EXTENSIONS : AudioFiles.EXTENSIONS);
        String openCost = "spark.sql.files.openCostInBytes";
        String openCostBefore = spark.conf().contains(openCost) ? spark.conf().get(openCost) : null;
        ProgressListener progress = new ProgressListener();
        spark.sparkContext().addSparkListener(progress);
        long start = System.nanoTime();
        try {
            Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", glob).load(input);
            if (openCostBefore == null) {
                // Spark packs small files into few tasks by their bytes, but denoising costs far more than reading:
                // aim at four tasks per core, at most 16 files each (unless the user set the open cost). A retried task
                // redoes only the files it had not committed.
                int parallelism = spark.sparkContext().defaultParallelism();
                long perTask = Math.max(1, Math.min(16, files.inputFiles().length / (4L * parallelism)));
                long maxBytes = spark.sessionState().conf().filesMaxPartitionBytes();
                spark.conf().set(openCost, Long.toString(Math.max(1, maxBytes / perTask)));
            }
            if (isUnder(outRoot, root)) {
                // An output folder inside the input folder: earlier outputs are not inputs.
                files = files.filter(functions.not(functions.col("path").startsWith(outRoot + "/")));
            }
            Broadcast<SerializableConfiguration> conf = HushSpark.hadoopConf(files);
            HushSpark.Options o = options.copy();
            String rootPrefix = root + "/";
            String outString = outRoot.toString();
            String tmpString = tmpRoot.toString();
            // Paths only: each task streams its files from their file system to local disk and the outputs back, so
            // no file is held in memory (nor limited to the 2 GB of a byte array).
            Dataset<Row> status = files.select("path").mapPartitions(
                    (MapPartitionsFunction<Row, Row>) rows -> writePartition(rows, domain, o, rootPrefix, outString,
                            tmpString, conf.value().value()), Encoders.row(STATUS));
            progress.start(status.rdd().getNumPartitions());
            status.write().mode("overwrite").json(new Path(outRoot, STATUS_DIR).toString());
            double wall = (System.nanoTime() - start) / 1e9;
            progress.stop();
            Dataset<Row> written = spark.read().schema(STATUS).json(new Path(outRoot, STATUS_DIR).toString());
            Row totals = written.agg(functions.count(functions.lit(1)),
                    functions.sum(functions.when(functions.col("status").equalTo(HushSpark.FAILED), 1).otherwise(0)),
                    functions.sum("pixels"), functions.sum("audio_seconds")).first();
            List<String> failures = new ArrayList<>();
            for (Row r : written.filter(functions.col("status").equalTo(HushSpark.FAILED)).select("path", "error")
                    .orderBy("path").limit(100).collectAsList()) {
                failures.add(r.getString(0) + ": " + r.getString(1));
            }
            Summary s = new Summary(domain, totals.getLong(0), totals.isNullAt(1) ? 0 : totals.getLong(1), wall,
                    totals.isNullAt(2) ? 0 : totals.getLong(2), totals.isNullAt(3) ? 0 : totals.getDouble(3), failures,
                    outString);
            System.err.println(s.line());
            if (!failures.isEmpty()) {
                System.err.println(s.failed() + " failed" + (s.failed() > failures.size() ? " (the first "
                        + failures.size() + ")" : "") + ":");
                failures.forEach(f -> System.err.println("  " + f));
            }
            return s;
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            if (openCostBefore == null) {
                spark.conf().unset(openCost);
            }
            try {
                FileSystem fs = tmpRoot.getFileSystem(hconf);
                fs.delete(tmpRoot, true);
                Path parent = tmpRoot.getParent();
                if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
                    fs.delete(parent, false);
                }
            } catch (IOException e) {
                System.err.println("warning: could not remove " + tmpRoot + ": " + e.getMessage());
            }
        }
    }

    /** One task: denoise each file, write it under the attempt's temporary name, rename it into place. */
    private static java.util.Iterator<Row> writePartition(java.util.Iterator<Row> rows, Domain domain,
                                                          HushSpark.Options o, String rootPrefix, String outRoot,
                                                          String tmpRoot, Configuration conf) throws IOException {
        TaskContext tc = TaskContext.get();
        int attempt = tc.attemptNumber();
        String attemptDir = "attempt-" + tc.stageId() + "-" + tc.partitionId() + "-" + attempt;
        FileSystem fs = raw(new Path(outRoot).getFileSystem(conf));
        boolean inject = o.failFirstAttemptAfter() >= 0 && attempt == 0;
        int committed = 0;
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            String path = r.getString(0);
            String rel = path.startsWith(rootPrefix) ? path.substring(rootPrefix.length()) : new Path(path).getName();
            int slash = rel.lastIndexOf('/');
            String outRel = rel.substring(0, slash + 1) + BytesDenoiser.outputName(domain, rel.substring(slash + 1));
            Path dst = new Path(outRoot + "/" + outRel);
            Path marker = new Path(tmpRoot + "/committed/" + outRel);
            if (attempt > 0 && fs.exists(marker)) {
                // An earlier attempt of this task wrote it: report what it measured, write nothing.
                String[] m;
                try (FSDataInputStream in = fs.open(marker)) {
                    m = new String(in.readAllBytes(), StandardCharsets.UTF_8).split(" ");
                }
                out.add(RowFactory.create(path, dst.toString(), HushSpark.OK, null, Long.parseLong(m[0]),
                        Double.parseDouble(m[1]), Long.parseLong(m[2])));
                continue;
            }
            if (dst.toString().equals(path)) {
                out.add(RowFactory.create(path, null, HushSpark.FAILED, "the output " + dst + " is the input; hush never"
                        + " overwrites its input", 0L, 0.0, 0L));
                continue;
            }
            Path source = new Path(path);
            try (BytesDenoiser.Outcome d = BytesDenoiser.denoise(domain, path, local -> {
                try (InputStream s = source.getFileSystem(conf).open(source)) {
                    java.nio.file.Files.copy(s, local);
                }
            }, o, tc.cpus(), conf)) {
                if (!d.ok()) {
                    out.add(RowFactory.create(path, null, HushSpark.FAILED, d.error(), 0L, 0.0, d.millis()));
                    continue;
                }
                Path tmp = new Path(tmpRoot + "/" + attemptDir + "/" + outRel);
                if (inject && committed >= o.failFirstAttemptAfter()) {
                    try (OutputStream s = fs.create(tmp, true)) {
                        byte[] all = java.nio.file.Files.readAllBytes(d.output());
                        s.write(all, 0, all.length / 2);
                    }
                    throw new IOException("injected failure (test hook failFirstAttemptAfter) in " + attemptDir
                            + " while writing " + tmp);
                }
                if (write(fs, d, tmp, dst, marker, path, out)) {
                    committed++;
                }
            }
        }
        if (inject && committed >= o.failFirstAttemptAfter()) {
            throw new IOException("injected failure (test hook failFirstAttemptAfter) at the end of " + attemptDir);
        }
        return out.iterator();
    }

    /**
     * Copies a denoised file to its attempt's temporary name, renames it into place and leaves the marker that
     * tells a retried attempt it is done; adds the file's status row. Whether it was committed.
     */
    private static boolean write(FileSystem fs, BytesDenoiser.Outcome d, Path tmp, Path dst, Path marker,
                                 String path, List<Row> out) {
        try {
            try (OutputStream s = fs.create(tmp, true)) {
                java.nio.file.Files.copy(d.output(), s);
            }
            commit(fs, tmp, dst);
            try (OutputStream s = fs.create(marker, true)) {
                s.write(String.format(Locale.ROOT, "%d %s %d", d.pixels(), Double.toString(d.audioSeconds()),
                        d.millis()).getBytes(StandardCharsets.UTF_8));
            }
            out.add(RowFactory.create(path, dst.toString(), HushSpark.OK, null, d.pixels(), d.audioSeconds(),
                    d.millis()));
            return true;
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the run's temporary folder is removed at its end
            }
            out.add(RowFactory.create(path, null, HushSpark.FAILED, "cannot write " + dst + ": " + e.getMessage(),
                    0L, 0.0, d.millis()));
            return false;
        }
    }

    /** Renames {@code tmp} to {@code dst}, replacing a file there (on HDFS, rename does not replace). */
    private static void commit(FileSystem fs, Path tmp, Path dst) throws IOException {
        fs.mkdirs(dst.getParent());
        if (fs.rename(tmp, dst)) {
            return;
        }
        if (fs.exists(dst) && fs.delete(dst, false) && fs.rename(tmp, dst)) {
            return;
        }
        throw new IOException("could not rename " + tmp + " to " + dst);
    }

    /** The local file system without its .crc side files (outputs are checked by their readers, not by Hadoop). */
    private static FileSystem raw(FileSystem fs) {
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    static boolean isGlob(String s) {
        return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
    }

    /** The folder a glob searches: its longest leading part without a wildcard. */
    private static Path globRoot(Path glob) {
        Path p = glob;
        Path root = glob.getParent();
        while (p != null) {
            if (!isGlob(p.toString())) {
                return p;
            }
            root = p.getParent();
            p = root;
        }
        return root == null ? new Path(".") : root;
    }

    /** Whether {@code child} is {@code parent} or inside it. */
    private static boolean isUnder(Path child, Path parent) {
        for (Path p = child; p != null; p = p.getParent()) {
            if (p.equals(parent)) {
                return true;
            }
        }
        return false;
    }

    /** A Hadoop glob for file names with these extensions, in any case: {@code *.{[pP][nN][gG],…}}. */
    static String extensionGlob(List<String> extensions) {
        StringBuilder b = new StringBuilder("*.{");
        for (int i = 0; i < extensions.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            for (char c : extensions.get(i).toCharArray()) {
                char lo = Character.toLowerCase(c);
                char up = Character.toUpperCase(c);
                b.append(lo == up ? String.valueOf(c) : "[" + lo + up + "]");
            }
        }
        return b.append('}').toString();
    }

    /** Progress in the driver's log: tasks done of all, at most every 5 seconds. */
    private static final class ProgressListener extends SparkListener {
        final AtomicInteger total = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final long started = System.nanoTime();
        private long last = System.nanoTime();
        private volatile boolean active;

        /** Counts the tasks of the denoising job, which has {@code tasks} partitions, from now on. */
        void start(int tasks) {
            total.set(tasks);
            active = true;
        }

        void stop() {
            report(true);
            active = false;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (!active) {
                return;
            }
            if (end.taskInfo().successful()) {
                done.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            report(false);
        }

        synchronized void report(boolean always) {
            long now = System.nanoTime();
            if (!always && now - last < 5_000_000_000L) {
                return;
            }
            last = now;
            System.err.printf(Locale.ROOT, "hush spark: %d of %d task(s) done%s, %.1f s%n", Math.min(done.get(),
                    Math.max(total.get(), done.get())), Math.max(total.get(), done.get()),
                    failed.get() > 0 ? " (" + failed.get() + " attempt(s) failed and retried)" : "",
                    (now - started) / 1e9);
        }
    }

    /**
     * {@code spark-submit --class dev.hush.spark.HushSparkJob JAR image|audio IN OUT [--model M] [--device D]
     * [--threads N] [--tile N] [--batch N] [--sigma S] [--ensemble N] [--float] [--stream] [--max-pixels N] [--atten-lim DB] [--mix W] [--full-band M]}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !(args[0].equals("image") || args[0].equals("audio"))) {
            System.err.println("usage: HushSparkJob image|audio IN OUT [--model NAME|PATH] [--device DEV] [--threads N]"
                    + " [--tile N] [--batch N] [--sigma S] [--ensemble N] [--float] [--atten-lim DB] [--mix WET] [--full-band MODEL]");
            System.exit(2);
        }
        Domain domain = args[0].equals("image") ? Domain.IMAGE : Domain.AUDIO;
        HushSpark.Options o = new HushSpark.Options();
        for (int i = 3; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--float") || a.equals("--stream")) {
                if (a.equals("--float")) {
                    o.asFloat(true);
                } else {
                    o.stream(true);
                }
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model", "-m" -> o.model(v);
                case "--device" -> o.device(v);
                case "--threads" -> o.threads(Integer.parseInt(v));
                case "--tile" -> o.tile(Integer.parseInt(v));
                case "--max-pixels" -> o.maxPixels(Long.parseLong(v));
                case "--batch" -> o.batch(Integer.parseInt(v));
                case "--sigma" -> o.sigma(Double.parseDouble(v));
                case "--ensemble" -> o.ensemble(Integer.parseInt(v));
                case "--atten-lim" -> o.attenLim(Double.parseDouble(v));
                case "--mix" -> o.mix(Double.parseDouble(v));
                case "--full-band" -> o.fullBand(v.equals("none") ? null : v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        SparkSession spark = SparkSession.builder().appName("hush " + args[0]).getOrCreate();
        try {
            run(spark, domain, args[1], args[2], o);
        } finally {
            spark.stop();
        }
    }
}
