package dev.hush.audio;

import dev.hush.runtime.audio.ChannelPipeline;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.Resampler;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real files in a temporary folder, a real (tiny) ONNX mask model. */
class FileDenoiserTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static DenoiserModel model;
    static AudioDenoiser denoiser;
    static FileDenoiser files;

    @BeforeAll
    static void open() throws Exception {
        model = DenoiserModel.open(TestAudioModels.mask(shared, "mask-k1", 1), SessionConfig.defaults().withThreads(1));
        denoiser = new AudioDenoiser(model);
        files = new FileDenoiser(denoiser);
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    static float[][] signal(int channels, int n, int rate) {
        float[][] x = new float[channels][];
        for (int c = 0; c < channels; c++) {
            x[c] = TestAudioModels.noisySpeech(n, rate, 0.03, 11 + c);
        }
        return x;
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("8-bit WAV", TestFiles.pcm(16000, 8, 1), AudioFileFormat.Type.WAVE, "wav"),
                Arguments.of("16-bit WAV stereo", TestFiles.pcm(16000, 16, 2), AudioFileFormat.Type.WAVE, "wav"),
                Arguments.of("24-bit WAV", TestFiles.pcm(16000, 24, 1), AudioFileFormat.Type.WAVE, "wav"),
                Arguments.of("32-bit int WAV", TestFiles.pcm(16000, 32, 1), AudioFileFormat.Type.WAVE, "wav"),
                Arguments.of("32-bit float WAV stereo", TestFiles.floats(16000, 2), AudioFileFormat.Type.WAVE, "wav"),
                Arguments.of("16-bit AIFF", new AudioFormat(16000, 16, 2, true, true), AudioFileFormat.Type.AIFF, "aiff"),
                Arguments.of("24-bit AU", new AudioFormat(16000, 24, 1, true, true), AudioFileFormat.Type.AU, "au"),
                Arguments.of("16-bit WAV at 22.05 kHz", TestFiles.pcm(22050, 16, 1), AudioFileFormat.Type.WAVE, "wav"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void roundTripKeepsFormatLengthAndChannels(String label, AudioFormat f, AudioFileFormat.Type type, String ext)
            throws Exception {
        int rate = Math.round(f.getSampleRate());
        int n = rate * 3 / 2 + 17;
        float[][] x = signal(f.getChannels(), n, rate);
        Path in = TestFiles.write(dir.resolve("in." + ext), x, f, type);
        Path out = dir.resolve("out." + ext);
        FileDenoiser.Result r = files.denoise(in, out, null);

        AudioFileFormat a = AudioSystem.getAudioFileFormat(in.toFile());
        AudioFileFormat b = AudioSystem.getAudioFileFormat(out.toFile());
        assertEquals(a.getType(), b.getType());
        assertEquals(a.getFormat().getEncoding(), b.getFormat().getEncoding());
        assertEquals(a.getFormat().getSampleSizeInBits(), b.getFormat().getSampleSizeInBits());
        assertEquals(a.getFormat().getChannels(), b.getFormat().getChannels());
        assertEquals(a.getFormat().getSampleRate(), b.getFormat().getSampleRate());
        assertEquals(n, b.getFrameLength());
        assertEquals(n, r.frames());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());

        // The content is the whole-signal denoising of each channel (resampled there and back if needed).
        float[][] stored = TestFiles.read(in);
        float[][] got = TestFiles.read(out);
        double lsb = f.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT) ? 0 : Math.pow(2, 1 - f.getSampleSizeInBits());
        for (int c = 0; c < x.length; c++) {
            float[] want = TestFiles.quantize(expected(stored[c], rate), f);
            double tol = lsb * 1.01 + (rate == denoiser.sampleRate() ? 1e-6 : 1e-5);
            assertArrayEquals(want, got[c], (float) tol, label + " channel " + c);
            assertFalse(Arrays.equals(stored[c], got[c]), "the model changed nothing");
        }
    }

    /**
     * What a file's channel should become: whole-array resampling and whole-signal denoising; above the model's
     * rate, the pipeline fed the whole channel in one block (its high band is checked in ChannelPipelineTest).
     */
    static float[] expected(float[] x, int rate) throws Exception {
        if (rate == denoiser.sampleRate()) {
            return denoiser.denoise(x, ProgressListener.NONE);
        }
        if (rate > denoiser.sampleRate()) {
            return Arrays.copyOf(ChannelPipelineTest.run(new ChannelPipeline(denoiser, rate), x, new int[] {x.length}),
                    x.length);
        }
        float[] down = new Resampler(rate, denoiser.sampleRate()).resample(x);
        float[] y = denoiser.denoise(down, ProgressListener.NONE);
        return Arrays.copyOf(new Resampler(denoiser.sampleRate(), rate).resample(y), x.length);
    }

    @Test
    void filesAboveTheModelsRateGoThroughTheFullBandModelAtTheirOwnRate() throws Exception {
        try (DenoiserModel wide = DenoiserModel.open(TestAudioModels.mask(dir, "mask-48k", 1, 3f, 48000, 1536),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d48 = new AudioDenoiser(wide);
            FileDenoiser both = new FileDenoiser(denoiser).fullBand(d48);
            assertEquals(denoiser, both.modelFor(16000));
            assertEquals(d48, both.modelFor(22050));
            assertEquals(d48, both.modelFor(48000));

            // 48 kHz: the full-band model, no resampling: the output is its whole-signal denoising.
            float[][] x = signal(1, 48000 + 777, 48000);
            Path in = TestFiles.write(dir.resolve("in48.wav"), x, TestFiles.floats(48000, 1), AudioFileFormat.Type.WAVE);
            FileDenoiser.Result r = both.denoise(in, dir.resolve("out48.wav"), null);
            assertTrue(r.notes().contains("full band: mask-48k (48000 Hz)"), r.notes().toString());
            assertTrue(r.notes().stream().noneMatch(n -> n.startsWith("resampled")), r.notes().toString());
            assertArrayEquals(d48.denoise(x[0], ProgressListener.NONE), TestFiles.read(dir.resolve("out48.wav"))[0], 1e-6f);

            // 16 kHz: the main model, as without a full-band one.
            float[][] y = signal(1, 16000 + 55, 16000);
            Path in16 = TestFiles.write(dir.resolve("in16.wav"), y, TestFiles.floats(16000, 1), AudioFileFormat.Type.WAVE);
            FileDenoiser.Result r16 = both.denoise(in16, dir.resolve("out16.wav"), null);
            assertTrue(r16.notes().isEmpty(), r16.notes().toString());
            assertArrayEquals(denoiser.denoise(y[0], ProgressListener.NONE), TestFiles.read(dir.resolve("out16.wav"))[0],
                    1e-6f);

            // A "full-band" model that is not above the main model's rate is refused.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FileDenoiser(d48).fullBand(denoiser));
            assertTrue(e.getMessage().contains("16000 Hz") && e.getMessage().contains("48000 Hz"), e.getMessage());
        }
    }

    @Test
    void streamedFloatOutputEqualsWholeSignalDenoising() throws Exception {
        int n = 16000 * 5 + 123; // several reads and several ONNX blocks
        float[][] x = signal(1, n, 16000);
        Path in = TestFiles.write(dir.resolve("in.wav"), x, TestFiles.floats(16000, 1), AudioFileFormat.Type.WAVE);
        long[] progress = {0};
        files.denoise(in, dir.resolve("out.wav"), (done, rate) -> progress[0] = done);
        float[] got = TestFiles.read(dir.resolve("out.wav"))[0];
        assertArrayEquals(denoiser.denoise(x[0], ProgressListener.NONE), got, 1e-6f);
        assertEquals(n, progress[0]);
    }

    @Test
    void decodesIntegerSamplesToTheRightValues() throws Exception {
        AudioFormat f = TestFiles.pcm(16000, 16, 1);
        byte[] raw = {0, 0, 0, 0x40, 0, (byte) 0x80, (byte) 0xff, 0x7f};
        Path in = dir.resolve("v.wav");
        AudioSystem.write(new javax.sound.sampled.AudioInputStream(new java.io.ByteArrayInputStream(raw), f, 4),
                AudioFileFormat.Type.WAVE, in.toFile());
        try (AudioInput a = AudioFiles.open(in)) {
            float[][] buf = new float[1][8];
            assertEquals(4, a.read(buf, 8));
            assertArrayEquals(new float[] {0f, 0.5f, -1f, 32767f / 32768f}, Arrays.copyOf(buf[0], 4));
            assertEquals(-1, a.read(buf, 8));
        }
        Path in8 = dir.resolve("v8.wav");
        AudioSystem.write(new javax.sound.sampled.AudioInputStream(new java.io.ByteArrayInputStream(new byte[] {(byte) 128,
                (byte) 192, 0}), TestFiles.pcm(16000, 8, 1), 3), AudioFileFormat.Type.WAVE, in8.toFile());
        try (AudioInput a = AudioFiles.open(in8)) {
            float[][] buf = new float[1][8];
            assertEquals(3, a.read(buf, 8));
            assertArrayEquals(new float[] {0f, 0.5f, -1f}, Arrays.copyOf(buf[0], 3));
        }
    }

    @Test
    void truncatedWavIsReadAsFarAsItGoesWithAWarning() throws Exception {
        float[][] x = signal(1, 10000, 16000);
        Path full = TestFiles.write(dir.resolve("full.wav"), x, TestFiles.pcm(16000, 16, 1), AudioFileFormat.Type.WAVE);
        long dataStart = WavHeader.read(full).dataOffset();
        Path cut = dir.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(full), (int) dataStart + 6000 * 2 + 1));
        FileDenoiser.Result r = files.denoise(cut, dir.resolve("cut-out.wav"), null);
        assertEquals(6000, r.frames());
        assertEquals(6000, AudioSystem.getAudioFileFormat(dir.resolve("cut-out.wav").toFile()).getFrameLength());
        String w = String.join("\n", r.warnings());
        assertTrue(w.contains("announces 10000 samples") && w.contains("holds only 6000") && w.contains("truncated"), w);
        assertTrue(w.contains("stray byte"), w);
    }

    @Test
    void headerWithoutLengthIsReadToTheEndWithAWarning() throws Exception {
        float[][] x = signal(1, 5000, 16000);
        Path in = TestFiles.write(dir.resolve("stream.wav"), x, TestFiles.pcm(16000, 16, 1), AudioFileFormat.Type.WAVE);
        long dataStart = WavHeader.read(in).dataOffset();
        try (RandomAccessFile raf = new RandomAccessFile(in.toFile(), "rw")) {
            raf.seek(dataStart - 4);
            raf.writeInt(0); // data chunk length 0, as a writer that could not seek back leaves it
        }
        FileDenoiser.Result r = files.denoise(in, dir.resolve("stream-out.wav"), null);
        assertEquals(5000, r.frames());
        assertTrue(String.join(" ", r.warnings()).contains("gives no length"), r.warnings().toString());
    }

    @Test
    void emptyFilesAreRefused() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.wav"));
        HushException e = assertThrows(HushException.class, () -> files.denoise(empty, dir.resolve("o.wav"), null));
        assertTrue(e.getMessage().contains("empty (0 bytes)"), e.getMessage());

        Path none = TestFiles.write(dir.resolve("none.wav"), new float[1][0], TestFiles.pcm(16000, 16, 1),
                AudioFileFormat.Type.WAVE);
        e = assertThrows(HushException.class, () -> files.denoise(none, dir.resolve("o.wav"), null));
        assertTrue(e.getMessage().contains("holds no audio samples"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("o.wav")));
    }

    @Test
    void oneSampleFileGivesOneSample() throws Exception {
        Path in = TestFiles.write(dir.resolve("one.wav"), new float[][] {{0.25f}}, TestFiles.floats(16000, 1),
                AudioFileFormat.Type.WAVE);
        FileDenoiser.Result r = files.denoise(in, dir.resolve("one-out.wav"), null);
        assertEquals(1, r.frames());
        float[] got = TestFiles.read(dir.resolve("one-out.wav"))[0];
        assertArrayEquals(denoiser.denoise(new float[] {0.25f}, ProgressListener.NONE), got, 1e-7f);
    }

    @Test
    void nanInFloatWavIsRefusedAndNothingIsWritten() throws Exception {
        float[][] x = signal(1, 4000, 16000);
        x[0][3210] = Float.NaN;
        Path in = TestFiles.write(dir.resolve("nan.wav"), x, TestFiles.floats(16000, 1), AudioFileFormat.Type.WAVE);
        HushException e = assertThrows(HushException.class, () -> files.denoise(in, dir.resolve("nan-out.wav"), null));
        assertTrue(e.getMessage().contains("NaN at sample 3210 of channel 1"), e.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("nan.wav"), s.map(p -> p.getFileName().toString()).toList(), "no output, no temp file");
        }
    }

    @Test
    void neverOverwritesTheInput() throws Exception {
        Path in = TestFiles.write(dir.resolve("same.wav"), signal(1, 100, 16000), TestFiles.pcm(16000, 16, 1),
                AudioFileFormat.Type.WAVE);
        byte[] before = Files.readAllBytes(in);
        HushException e = assertThrows(HushException.class,
                () -> files.denoise(in, dir.resolve("sub/../same.wav"), null));
        assertTrue(e.getMessage().contains("is the input file"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(in));
    }

    @Test
    void floatIntoAiffIsRefusedWithAWayOut() throws Exception {
        Path in = TestFiles.write(dir.resolve("f.wav"), signal(1, 100, 16000), TestFiles.floats(16000, 1),
                AudioFileFormat.Type.WAVE);
        HushException e = assertThrows(HushException.class, () -> files.denoise(in, dir.resolve("f.aiff"), null));
        assertTrue(e.getMessage().contains("cannot hold 32-bit float") && e.getMessage().contains(".wav"), e.getMessage());
    }

    @Test
    void garbageWithoutFfmpegSaysToInstallIt() throws Exception {
        Path in = Files.write(dir.resolve("song.flac"), "fLaC not really a flac file at all".getBytes());
        String old = System.getProperty(Ffmpeg.PROPERTY);
        System.setProperty(Ffmpeg.PROPERTY, "none");
        try {
            HushException e = assertThrows(HushException.class, () -> files.denoise(in, dir.resolve("song.wav"), null));
            assertTrue(e.getMessage().contains("song.flac") && e.getMessage().contains("install ffmpeg"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Ffmpeg.PROPERTY);
            } else {
                System.setProperty(Ffmpeg.PROPERTY, old);
            }
        }
    }

    @Test
    void flacThroughFfmpegIsWrittenAsFloatWav() throws Exception {
        assumeTrue(Ffmpeg.ffmpeg().isPresent(), "ffmpeg is not on the PATH");
        float[][] x = signal(2, 16000, 16000);
        Path wav = TestFiles.write(dir.resolve("src.wav"), x, TestFiles.pcm(16000, 16, 2), AudioFileFormat.Type.WAVE);
        Path flac = dir.resolve("src.flac");
        Process p = new ProcessBuilder(Ffmpeg.ffmpeg().get().toString(), "-v", "error", "-nostdin", "-i", wav.toString(),
                flac.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        FileDenoiser.Result r = files.denoise(flac, dir.resolve("clean.wav"), null);
        assertEquals(16000, r.frames());
        assertTrue(String.join(" ", r.notes()).contains("32-bit float WAV"), r.notes().toString());
        AudioFormat f = AudioSystem.getAudioFileFormat(dir.resolve("clean.wav").toFile()).getFormat();
        assertEquals(AudioFormat.Encoding.PCM_FLOAT, f.getEncoding());
        float[][] stored = TestFiles.read(wav);
        float[][] got = TestFiles.read(dir.resolve("clean.wav"));
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(denoiser.denoise(stored[c], ProgressListener.NONE), got[c], 1e-5f);
        }
        HushException e = assertThrows(HushException.class, () -> files.denoise(flac, dir.resolve("clean.flac"), null));
        assertTrue(e.getMessage().contains("name the output .wav"), e.getMessage());

        Path junk = Files.write(dir.resolve("junk.mp3"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        e = assertThrows(HushException.class, () -> files.denoise(junk, dir.resolve("junk.wav"), null));
        assertTrue(e.getMessage().contains("junk.mp3") && e.getMessage().contains("ffmpeg"), e.getMessage());
    }

    @Test
    void spectrogramPngBesideTheOutput() throws Exception {
        Path in = TestFiles.write(dir.resolve("s.wav"), signal(1, 16000, 16000), TestFiles.pcm(16000, 16, 1),
                AudioFileFormat.Type.WAVE);
        FileDenoiser.Result r = new FileDenoiser(denoiser).spectrograms(true).denoise(in, dir.resolve("s-out.wav"), null);
        assertEquals(dir.resolve("s-out.spectrogram.png"), r.spectrogram());
        var img = ImageIO.read(r.spectrogram().toFile());
        assertEquals(2 * (257 + 18), img.getHeight());
        assertTrue(img.getWidth() >= 16000 / 256);
    }

    @Test
    void probeSecondsReadsTheHeader() throws Exception {
        Path in = TestFiles.write(dir.resolve("p.aiff"), signal(1, 8000, 16000), new AudioFormat(16000, 16, 1, true, true),
                AudioFileFormat.Type.AIFF);
        assertEquals(0.5, AudioFiles.probeSeconds(in), 1e-9);
        assertTrue(Double.isNaN(AudioFiles.probeSeconds(Files.write(dir.resolve("x.bin"), new byte[10])))
                || Ffmpeg.ffprobe().isPresent());
    }

    @ParameterizedTest(name = "{0} Hz")
    @org.junit.jupiter.params.provider.ValueSource(ints = {8000, 96000})
    void otherRatesAreResampledAndKeepTheirLength(int rate) throws Exception {
        float[][] x = signal(1, rate / 2 + 17, rate);
        Path in = TestFiles.write(dir.resolve("r" + rate + ".wav"), x, TestFiles.pcm(rate, 16, 1), AudioFileFormat.Type.WAVE);
        Path out = dir.resolve("r" + rate + "-out.wav");
        files.denoise(in, out, null);
        try (javax.sound.sampled.AudioInputStream a = javax.sound.sampled.AudioSystem.getAudioInputStream(out.toFile())) {
            assertEquals(rate, a.getFormat().getSampleRate(), 1e-3);
            assertEquals(x[0].length, a.getFrameLength());
        }
        float[] got = TestFiles.read(out)[0];
        for (float v : got) {
            assertTrue(Float.isFinite(v) && Math.abs(v) <= 1, "sample " + v);
        }
    }

    @Test
    void sixChannelsAreEachDenoisedOnTheirOwn() throws Exception {
        float[][] x = signal(6, 8000, 16000);
        java.util.Arrays.fill(x[3], 0f); // one silent channel must stay silent: channels do not leak into each other
        Path in = TestFiles.write(dir.resolve("six.wav"), x, TestFiles.floats(16000, 6), AudioFileFormat.Type.WAVE);
        files.denoise(in, dir.resolve("six-out.wav"), null);
        float[][] got = TestFiles.read(dir.resolve("six-out.wav"));
        assertEquals(6, got.length);
        for (int c = 0; c < 6; c++) {
            assertArrayEquals(denoiser.denoise(x[c], ProgressListener.NONE), got[c], 1e-6f, "channel " + (c + 1));
        }
        for (float v : got[3]) {
            assertEquals(0f, v, 1e-7f);
        }
    }

    @Test
    void dcOffsetClippingAndSilenceGiveFiniteBoundedOutput() throws Exception {
        int n = 16000;
        float[] dc = TestAudioModels.noisySpeech(n, 16000, 0.03, 5);
        float[] clipped = new float[n];
        for (int i = 0; i < n; i++) {
            dc[i] = 0.4f + 0.5f * dc[i];
            clipped[i] = Math.max(-1f, Math.min(1f, 8f * (float) Math.sin(2 * Math.PI * 220 * i / 16000.0)));
        }
        float[][] x = {dc, clipped, new float[n]};
        Path in = TestFiles.write(dir.resolve("odd.wav"), x, TestFiles.pcm(16000, 16, 3), AudioFileFormat.Type.WAVE);
        files.denoise(in, dir.resolve("odd-out.wav"), null);
        float[][] got = TestFiles.read(dir.resolve("odd-out.wav"));
        for (int c = 0; c < 3; c++) {
            double e = 0;
            for (float v : got[c]) {
                assertTrue(Float.isFinite(v) && Math.abs(v) <= 1, "channel " + (c + 1) + " sample " + v);
                e += v * v;
            }
            if (c == 2) {
                assertEquals(0, e, 1e-9, "silence in, silence out");
            }
        }
        // A gain never above 1 cannot add energy beyond what overlap-add of a masked spectrum allows.
        double in0 = 0;
        double out0 = 0;
        for (int i = 0; i < n; i++) {
            in0 += dc[i] * dc[i];
            out0 += got[0][i] * got[0][i];
        }
        assertTrue(out0 <= in0 * 1.05, "the DC channel gained energy: " + out0 + " > " + in0);
    }
}
