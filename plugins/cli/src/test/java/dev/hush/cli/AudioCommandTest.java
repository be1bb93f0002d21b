package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.AudioSpec;
import dev.hush.runtime.audio.Spectrogram;
import dev.hush.trainer.onnx.OnnxGraph;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hush audio} and {@code hush live} on real files with a tiny real ONNX mask model. */
class AudioCommandTest {
    @TempDir
    Path dir;

    Path model;

    @BeforeEach
    void model() throws Exception {
        model = maskModel(dir.resolve("mask.onnx"));
    }

    /** Conv 1×1 + Sigmoid on N×1×256×T log-magnitude frames (512/256 STFT, 16 kHz): gain sigmoid(log|X| + 3). */
    static Path maskModel(Path file) throws Exception {
        return maskModel(file, 16000, 512, "test-mask");
    }

    /** As {@link #maskModel(Path)} at {@code rate} with an n_fft / 2 hop and n_fft / 2 bins, named {@code name}. */
    static Path maskModel(Path file, int rate, int nFft, String name) throws Exception {
        long bins = nFft / 2;
        OnnxGraph g = new OnnxGraph("mask");
        String w = g.initializer("w", new float[] {1f}, 1, 1, 1, 1);
        String b = g.initializer("b", new float[] {3f}, 1);
        g.input("input", "N", 1L, bins, "T");
        String conv = g.node("Conv", new String[] {"input", w, b}, Map.of("kernel_shape", new long[] {1, 1}));
        g.node("Sigmoid", new String[] {conv}, new String[] {"output"}, Map.of());
        g.output("output", "N", 1L, bins, "T");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelContract.FORMAT, "1");
        meta.put(ModelContract.DOMAIN, "audio");
        meta.put(ModelContract.OUTPUT, "mask");
        meta.put(ModelContract.INPUT_NAME, "input");
        meta.put(ModelContract.OUTPUT_NAME, "output");
        meta.put(ModelContract.CHANNELS, "1");
        meta.put(ModelContract.NORM, "none");
        meta.put(ModelContract.HALO, "0");
        meta.put(ModelContract.SIZE_MULTIPLE, "1");
        meta.put(ModelContract.NAME, name);
        meta.putAll(new AudioSpec(rate, nFft, nFft / 2, (int) bins, 0, 0, Spectrogram.LOG_EPS).metadata());
        OnnxGraph.write(g.build(meta, "test"), file);
        return file;
    }

    static float[] signal(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * t) * Math.max(0, Math.sin(2 * Math.PI * 2 * t))
                    + 0.02 * rnd.nextGaussian());
        }
        return x;
    }

    /** A mono float WAV. */
    static Path floatWav(Path file, float[] x) throws Exception {
        return floatWav(file, x, 16000);
    }

    static Path floatWav(Path file, float[] x, int rate) throws Exception {
        ByteBuffer bb = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            bb.putFloat(v);
        }
        AudioFormat f = new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, rate, 32, 1, 4, rate, false);
        Files.createDirectories(file.toAbsolutePath().getParent());
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(bb.array()), f, x.length), AudioFileFormat.Type.WAVE,
                file.toFile());
        return file;
    }

    static float[] readFloatWav(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            assertEquals(AudioFormat.Encoding.PCM_FLOAT, in.getFormat().getEncoding());
            ByteBuffer bb = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] x = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(x);
            return x;
        }
    }

    @Test
    void oneFileEqualsWholeSignalDenoising() throws Exception {
        float[] x = signal(16000 * 3 + 5, 1);
        Path in = floatWav(dir.resolve("in.wav"), x);
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("out.wav").toString(),
                "--model", model.toString(), "--atten-lim", "12", "--mix", "0.8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("1 of 1 file(s) denoised") && r.err().contains("real time"), r.err());
        float[] got = readFloatWav(dir.resolve("out.wav"));
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults())) {
            float[] want = new AudioDenoiser(m).withAttenuationLimit(12).withMix(0.8).denoise(x, ProgressListener.NONE);
            assertArrayEquals(want, got, 1e-6f);
        }
    }

    @Test
    void batchKeepsGoingPastACorruptFileAndNamesIt() throws Exception {
        floatWav(dir.resolve("rec/a.wav"), signal(8000, 2));
        floatWav(dir.resolve("rec/sub/b.wav"), signal(9000, 3));
        Files.write(dir.resolve("rec/sub/bad.wav"), "RIFF....WAVEjunk that is not audio".getBytes());
        floatWav(dir.resolve("rec/z.wav"), signal(7000, 4));
        Path out = dir.resolve("clean");
        HushCliTest.Run r = HushCliTest.hush("audio", dir.resolve("rec").toString(), "-o", out.toString(),
                "--model", model.toString(), "--threads", "2");
        assertEquals(1, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("a.wav")));
        assertTrue(Files.exists(out.resolve("sub/b.wav")), "relative paths are kept");
        assertTrue(Files.exists(out.resolve("z.wav")));
        assertFalse(Files.exists(out.resolve("sub/bad.wav")));
        assertTrue(r.err().contains("3 of 4 file(s) denoised"), r.err());
        assertTrue(r.err().contains("1 file(s) failed:") && r.err().contains("bad.wav"), r.err());
        assertEquals(9000, readFloatWav(out.resolve("sub/b.wav")).length);
    }

    @Test
    void suffixAndSkipExisting() throws Exception {
        Path a = floatWav(dir.resolve("a.wav"), signal(4000, 5));
        Path b = floatWav(dir.resolve("b.wav"), signal(4000, 6));
        Files.writeString(dir.resolve("b_clean.wav"), "keep me");
        HushCliTest.Run r = HushCliTest.hush("audio", a.toString(), b.toString(), "--suffix", "_clean", "--skip-existing",
                "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4000, readFloatWav(dir.resolve("a_clean.wav")).length);
        assertEquals("keep me", Files.readString(dir.resolve("b_clean.wav")));
        assertTrue(r.err().contains("1 skipped"), r.err());
    }

    @Test
    void spectrogramBesideTheOutput() throws Exception {
        Path in = floatWav(dir.resolve("s.wav"), signal(8000, 7));
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("s-out.wav").toString(),
                "--model", model.toString(), "--spectrogram");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(dir.resolve("s-out.spectrogram.png")) > 100);
    }

    @Test
    void imageModelIsRefused() throws Exception {
        OnnxGraph g = new OnnxGraph("img");
        String w = g.initializer("w", new float[] {1f}, 1, 1, 1, 1);
        g.input("input", "N", 1L, "H", "W");
        g.node("Conv", new String[] {"input", w}, new String[] {"output"}, Map.of("kernel_shape", new long[] {1, 1}));
        g.output("output", "N", 1L, "H", "W");
        Map<String, String> meta = new LinkedHashMap<>(ModelContract.imageDefaults(1, 0, 1, 1, 99));
        meta.put(ModelContract.NAME, "test-image");
        Path img = dir.resolve("img.onnx");
        OnnxGraph.write(g.build(meta, "test"), img);
        Path in = floatWav(dir.resolve("in.wav"), signal(1000, 8));
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("o.wav").toString(), "--model",
                img.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("the model 'test-image'") && r.err().contains("is an image model"), r.err());
    }

    @Test
    void theShippedDefaultModelDenoisesAndAMissingModelIsNamed() throws Exception {
        Path in = floatWav(dir.resolve("in.wav"), signal(16000, 9));
        HushCliTest.Run ok = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("o.wav").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().contains(AudioCommand.DEFAULT_MODEL), ok.err());
        // A 48 kHz file without --model goes through the shipped full-band model at its own rate.
        Path in48 = floatWav(dir.resolve("in48.wav"), signal(48000, 14), 48000);
        HushCliTest.Run wide = HushCliTest.hush("audio", in48.toString(), "-o", dir.resolve("o48.wav").toString());
        assertEquals(0, wide.code(), wide.err());
        assertTrue(wide.err().contains("full band: " + AudioCommand.DEFAULT_FULL_BAND_MODEL + " (48000 Hz)")
                && wide.err().contains("for files above 16 kHz"), wide.err());
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("p.wav").toString(), "--model",
                "audio-speech-nope");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("audio-speech-nope") && r.err().contains(AudioCommand.DEFAULT_MODEL), r.err());
    }

    @Test
    void filesAboveTheModelsRateGoThroughTheFullBandModel() throws Exception {
        Path wide = maskModel(dir.resolve("mask48.onnx"), 48000, 1536, "test-mask-48k");
        Path in48 = floatWav(dir.resolve("in48.wav"), signal(48000, 12), 48000);
        Path in16 = floatWav(dir.resolve("in16.wav"), signal(16000, 13));
        // One 48 kHz file: its report names the full-band model, and nothing was resampled.
        HushCliTest.Run one = HushCliTest.hush("audio", in48.toString(), "-o", dir.resolve("one48.wav").toString(),
                "--model", model.toString(), "--full-band", wide.toString());
        assertEquals(0, one.code(), one.err());
        assertTrue(one.err().contains("full band: test-mask-48k (48000 Hz)") && !one.err().contains("resampled"), one.err());
        // A batch of both: the 16 kHz file goes through the main model, exactly as without a full-band model.
        HushCliTest.Run r = HushCliTest.hush("audio", in48.toString(), in16.toString(), "-o", dir.resolve("out").toString(),
                "--model", model.toString(), "--full-band", wide.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("with test-mask (test-mask-48k for files above 16 kHz)"), r.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("one48.wav")), Files.readAllBytes(dir.resolve("out/in48.wav")));
        HushCliTest.Run plain = HushCliTest.hush("audio", in16.toString(), "-o", dir.resolve("plain16.wav").toString(),
                "--model", model.toString());
        assertEquals(0, plain.code(), plain.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("plain16.wav")), Files.readAllBytes(dir.resolve("out/in16.wav")));

        HushCliTest.Run same = HushCliTest.hush("audio", in48.toString(), "-o", dir.resolve("o48.wav").toString(),
                "--model", model.toString(), "--full-band", model.toString());
        assertEquals(2, same.code(), same.err());
        assertTrue(same.err().contains("not above test-mask's 16000 Hz"), same.err());
        assertFalse(Files.exists(dir.resolve("o48.wav")));
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path in = floatWav(dir.resolve("in.wav"), signal(1000, 10));
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "--model", model.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("-o OUT") && r.err().contains("--suffix"), r.err());
        r = HushCliTest.hush("audio", in.toString(), "-o", dir.resolve("o.wav").toString(), "--mix", "1.5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--mix"), r.err());
    }

    @Test
    void outputUnderAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        Path in = floatWav(dir.resolve("in.wav"), signal(1000, 12));
        HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", file.resolve("o.wav").toString(),
                "--model", model.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("notes.txt is a file, not a folder"), r.err());
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(locked), "running as a user who may write anywhere (root)");
            Path in = floatWav(dir.resolve("in.wav"), signal(1000, 11));
            HushCliTest.Run r = HushCliTest.hush("audio", in.toString(), "-o", locked.resolve("sub/o.wav").toString(),
                    "--model", model.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("is not writable") && r.err().contains(locked.toString()), r.err());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void liveWithoutAudioDevicesSaysSo() {
        assumeTrue(!AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, null)), "this machine has a microphone");
        HushCliTest.Run r = HushCliTest.hush("live", "--model", model.toString(), "--seconds", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("no microphone"), r.err());
    }
}
