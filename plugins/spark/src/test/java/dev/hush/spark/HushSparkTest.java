package dev.hush.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.audio.FileDenoiser;
import dev.hush.imagej.ImageFileDenoiser;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.image.ImageDenoiser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Spark in this JVM ({@code local[2,2]}: two cores, a task may fail once), real images and recordings from
 * models/bench, the shipped models: what comes out through Spark is the single-machine result, byte for byte.
 */
class HushSparkTest {
    private static final Path BENCH = Path.of("../../models/bench");
    private static final String IMAGE_MODEL = "image-gray-fast";
    private static final String AUDIO_MODEL = "audio-speech-small";

    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("hush-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.hadoop.fs.hushtest.impl", SchemeFs.class.getName())
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static List<Path> bench(String folder, int n) throws IOException {
        try (Stream<Path> s = Files.list(BENCH.resolve(folder))) {
            return s.sorted().limit(n).toList();
        }
    }

    /** What hush image writes for {@code in}: the same ImageFileDenoiser, a model opened on its own. */
    private static byte[] singleMachineImage(Path in) throws Exception {
        Path out = Files.createTempDirectory(tmp, "single").resolve(in.getFileName().toString());
        try (DenoiserModel m = DenoiserModel.openNamed(IMAGE_MODEL, SessionConfig.defaults(), Domain.IMAGE)) {
            new ImageFileDenoiser(new ImageDenoiser(m), m).denoise(in, out, null);
        }
        return Files.readAllBytes(out);
    }

    /** What hush audio writes for {@code in}: the same FileDenoiser, a model opened on its own. */
    private static byte[] singleMachineAudio(Path in) throws Exception {
        Path out = Files.createTempDirectory(tmp, "single").resolve(in.getFileName().toString());
        try (DenoiserModel m = DenoiserModel.openNamed(AUDIO_MODEL, SessionConfig.defaults(), Domain.AUDIO)) {
            new FileDenoiser(new AudioDenoiser(m)).denoise(in, out, null);
        }
        return Files.readAllBytes(out);
    }

    /** The files under {@code dir}, relative, leaving out the job's status folder. */
    private static Set<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(p -> !p.startsWith(HushSparkJob.STATUS_DIR + "/"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /**
     * The local file system under a scheme of its own ({@code hushtest:///path}), standing in for a shared file system
     * (hdfs://, s3a://): models given with a scheme are read through Hadoop's FileSystem API.
     */
    public static final class SchemeFs extends org.apache.hadoop.fs.RawLocalFileSystem {
        @Override
        public java.net.URI getUri() {
            return java.net.URI.create("hushtest:///");
        }

        @Override
        public String getScheme() {
            return "hushtest";
        }
    }

    /** A bioimage.io package on a (stand-in) shared file system runs on the executors as the local package does. */
    @Test
    void aBioImageIoPackageOnASharedFileSystemRunsOnTheExecutors() throws Exception {
        Path pkg = tmp.resolve("shared/image-gray-fast.zip");
        Files.createDirectories(pkg.getParent());
        dev.hush.trainer.bioimageio.BioImageIoPackage.open(IMAGE_MODEL).write(pkg);
        Path in = Files.createDirectories(tmp.resolve("pkg-images"));
        Path image = bench("images/grey", 1).get(0);
        Files.copy(image, in.resolve(image.getFileName()));
        List<Row> rows = HushSpark.denoiseImages(spark.read().format("binaryFile").load(in.toString()),
                new HushSpark.Options().model("hushtest://" + pkg.toAbsolutePath())).collectAsList();
        assertEquals(1, rows.size());
        Row r = rows.get(0);
        assertEquals(HushSpark.OK, r.getAs("status"), () -> String.valueOf(r.<String>getAs("error")));
        Path out = Files.createTempDirectory(tmp, "single-pkg").resolve(image.getFileName().toString());
        try (DenoiserModel m = DenoiserModel.open(pkg, SessionConfig.defaults())) {
            new ImageFileDenoiser(new ImageDenoiser(m), m).denoise(in.resolve(image.getFileName()), out, null);
        }
        assertArrayEquals(Files.readAllBytes(out), r.getAs("content"), "the package read through Hadoop's FileSystem"
                + " gives the local package's bytes");
    }

    @Test
    void imagesThroughTheApiAreTheSingleMachineBytesAndACorruptFileIsReported() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("api-images"));
        List<Path> images = bench("images/grey", 12);
        for (Path p : images) {
            Files.copy(p, in.resolve(p.getFileName()));
        }
        // A PNG signature and then nothing an image reader can use.
        Files.write(in.resolve("broken.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4, 5});
        int openedBefore = ExecutorModels.opened();

        List<Row> rows = HushSpark.denoiseImages(spark.read().format("binaryFile").load(in.toString()),
                new HushSpark.Options().model(IMAGE_MODEL)).collectAsList();

        assertEquals(13, rows.size());
        Map<String, Row> byName = new HashMap<>();
        rows.forEach(r -> byName.put(Path.of(r.getString(0).replaceFirst("^file:", "")).getFileName().toString(), r));
        for (Path p : images) {
            Row r = byName.get(p.getFileName().toString());
            assertEquals(HushSpark.OK, r.getAs("status"), () -> String.valueOf(r.<String>getAs("error")));
            assertNull(r.getAs("error"));
            assertArrayEquals(singleMachineImage(p), r.getAs("content"), p.getFileName() + " differs from hush image's");
            assertTrue(r.<Long>getAs("pixels") > 0);
        }
        Row broken = byName.get("broken.png");
        assertEquals(HushSpark.FAILED, broken.getAs("status"));
        assertNull(broken.getAs("content"));
        String error = broken.getAs("error");
        assertTrue(error.contains("broken.png") && !error.contains("hush-spark-"), error);
        // One session for all 13 files and both task threads (none if an earlier test opened it already).
        assertTrue(ExecutorModels.opened() - openedBefore <= 1);
    }

    /**
     * The job reads its inputs through their file system (here the stand-in shared one) a file at a time to local disk
     * and copies the outputs back as files, so band by band (--stream, or any image above 2 GiB) runs on the
     * executors as in hush image: grey and RGB TIFFs give hush image --stream's bytes, and the pixel limit is
     * enforced per file.
     */
    @Test
    void aJobStreamsFilesFromTheirFileSystemAndDenoisesBandByBandAsHushImageDoes() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("job-bands/in"));
        Path out = tmp.resolve("job-bands/out");
        List<Path> sources = new java.util.ArrayList<>(bench("images/grey", 2));
        sources.add(bench("images/rgb", 1).get(0));
        List<String> names = new java.util.ArrayList<>();
        for (Path p : sources) {
            String name = p.getFileName().toString().replace(".png", ".tif");
            assertTrue(new ij.io.FileSaver(ij.IJ.openImage(p.toString())).saveAsTiff(in.resolve(name).toString()));
            names.add(name);
        }
        // A wide one (512×256) above the pixel limit this run sets
        ij.ImagePlus a = ij.IJ.openImage(sources.get(0).toString());
        ij.process.ImageProcessor wide = a.getProcessor().createProcessor(512, 256);
        wide.insert(a.getProcessor(), 0, 0);
        wide.insert(ij.IJ.openImage(sources.get(1).toString()).getProcessor(), 256, 0);
        assertTrue(new ij.io.FileSaver(new ij.ImagePlus("wide", wide)).saveAsTiff(in.resolve("wide.tif").toString()));

        HushSparkJob.Summary s = HushSparkJob.run(spark, Domain.IMAGE, "hushtest://" + in.toAbsolutePath(),
                out.toString(), new HushSpark.Options().model(IMAGE_MODEL).stream(true).maxPixels(100_000));

        assertEquals(4, s.files());
        assertEquals(1, s.failed(), s.failures().toString());
        assertTrue(s.failures().get(0).contains("wide.tif") && s.failures().get(0).contains("131072 pixels, above the"
                + " limit of 100000"), s.failures().toString());
        assertEquals(new TreeSet<>(names), tree(out));
        for (String name : names) {
            Path single = Files.createTempDirectory(tmp, "single-bands").resolve(name);
            try (DenoiserModel m = DenoiserModel.openNamed(IMAGE_MODEL, SessionConfig.defaults(), Domain.IMAGE)) {
                ImageFileDenoiser.Result r = new ImageFileDenoiser(new ImageDenoiser(m), m).inBands(true)
                        .denoise(in.resolve(name), single, null);
                assertTrue(r.banded());
            }
            assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(out.resolve(name)),
                    name + " differs from hush image --stream's");
        }
        assertFalse(Files.exists(out.resolve(HushSparkJob.TEMPORARY)));
    }

    @Test
    void audioJobWritesTheSingleMachineBytesUnderTheRelativePathsAndReportsACorruptFile() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("job-audio/in"));
        Path out = tmp.resolve("job-audio/out");
        List<Path> clips = bench("audio/speech", 6);
        Map<String, Path> expected = new HashMap<>();
        for (int i = 0; i < clips.size(); i++) {
            String rel = (i % 2 == 0 ? "" : "day2/") + clips.get(i).getFileName();
            Files.createDirectories(in.resolve(rel).getParent());
            Files.copy(clips.get(i), in.resolve(rel));
            expected.put(rel, clips.get(i));
        }
        Files.write(in.resolve("day2/corrupt.wav"), "RIFF\0\0\0\0WAVEnot a chunk".getBytes(StandardCharsets.US_ASCII));

        HushSparkJob.Summary s = HushSparkJob.run(spark, Domain.AUDIO, in.toString(), out.toString(),
                new HushSpark.Options().model(AUDIO_MODEL));

        assertEquals(7, s.files());
        assertEquals(1, s.failed());
        assertTrue(s.failures().get(0).contains("corrupt.wav"), s.failures().toString());
        assertTrue(s.audioSeconds() > 6, s.line());
        assertEquals(new TreeSet<>(expected.keySet()), tree(out));
        for (Map.Entry<String, Path> e : expected.entrySet()) {
            assertArrayEquals(singleMachineAudio(e.getValue()), Files.readAllBytes(out.resolve(e.getKey())),
                    e.getKey() + " differs from hush audio's");
        }
        assertFalse(Files.exists(out.resolve(HushSparkJob.TEMPORARY)));
        assertTrue(Files.exists(out.resolve(HushSparkJob.STATUS_DIR)));
    }

    @Test
    void aFullBandModelTakesTheFilesAboveTheMainModelsRateAsHushAudioDoes() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("job-wide/in"));
        Path out = tmp.resolve("job-wide/out");
        Path clip = bench("audio/speech", 1).get(0);
        float[] x = dev.hush.audio.AudioFiles.readMono(clip);
        dev.hush.audio.AudioFiles.writeMonoWav(in.resolve("wide.wav"),
                new dev.hush.runtime.audio.Resampler(16000, 48000).resample(x), 48000, true);
        Files.copy(clip, in.resolve("narrow.wav"));
        String wide = "audio-speech-gru48";

        HushSparkJob.Summary s = HushSparkJob.run(spark, Domain.AUDIO, in.toString(), out.toString(),
                new HushSpark.Options().model(AUDIO_MODEL).fullBand(wide));

        assertEquals(0, s.failed(), s.failures().toString());
        // One ONNX Runtime thread, as the executors here (spark.task.cpus = 1): thread counts change float rounding.
        try (DenoiserModel m = DenoiserModel.openNamed(AUDIO_MODEL, SessionConfig.defaults().withThreads(1), Domain.AUDIO);
             DenoiserModel w = DenoiserModel.openNamed(wide, SessionConfig.defaults().withThreads(1), Domain.AUDIO)) {
            FileDenoiser both = new FileDenoiser(new AudioDenoiser(m)).fullBand(new AudioDenoiser(w));
            for (String name : List.of("wide.wav", "narrow.wav")) {
                Path single = Files.createTempDirectory(tmp, "single").resolve(name);
                both.denoise(in.resolve(name), single, null);
                assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(out.resolve(name)), name);
            }
        }
        // The 16 kHz file is what the main model alone gives; the 48 kHz one is not.
        assertArrayEquals(singleMachineAudio(in.resolve("narrow.wav")), Files.readAllBytes(out.resolve("narrow.wav")));
        assertFalse(java.util.Arrays.equals(singleMachineAudio(in.resolve("wide.wav")),
                Files.readAllBytes(out.resolve("wide.wav"))), "the 48 kHz file went through the full-band model");
    }

    @Test
    void aTaskThatFailsOnItsFirstAttemptLeavesNoPartialOrDuplicateOutput() throws Exception {
        Path image = bench("images/grey", 1).get(0);
        Path in = Files.createDirectories(tmp.resolve("job-retry/in"));
        Path out = tmp.resolve("job-retry/out");
        Set<String> rels = new TreeSet<>(List.of("a.png", "b.png", "sub/c.png", "sub/d.png"));
        for (String rel : rels) {
            Files.createDirectories(in.resolve(rel).getParent());
            Files.copy(image, in.resolve(rel));
        }
        // Two files per task, so that the first attempt commits one output, leaves half of the next, and fails.
        long size = Files.size(image);
        spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(2 * size + 2));
        spark.conf().set("spark.sql.files.openCostInBytes", "1");
        AtomicInteger failedAttempts = new AtomicInteger();
        SparkListener count = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    failedAttempts.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(count);
        HushSparkJob.Summary s;
        try {
            s = HushSparkJob.run(spark, Domain.IMAGE, in.toString(), out.toString(),
                    new HushSpark.Options().model(IMAGE_MODEL).failFirstAttemptAfter(1));
        } finally {
            spark.sparkContext().removeSparkListener(count);
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }

        assertEquals(4, s.files(), s.line());
        assertEquals(0, s.failed(), s.failures().toString());
        assertTrue(s.pixels() >= 4L * 256 * 256, s.line());
        // The listener bus is asynchronous: give it a moment to deliver the task ends.
        for (int i = 0; i < 50 && failedAttempts.get() < 2; i++) {
            Thread.sleep(100);
        }
        assertEquals(2, failedAttempts.get(), "both tasks' first attempts should have failed");
        assertEquals(rels, tree(out));
        byte[] want = singleMachineImage(image);
        for (String rel : rels) {
            assertArrayEquals(want, Files.readAllBytes(out.resolve(rel)), rel);
        }
        assertFalse(Files.exists(out.resolve(HushSparkJob.TEMPORARY)));
        assertNotNull(s.line());
    }
}
