package dev.hush.tarsos;

import dev.hush.audio.TestAudioModels;
import dev.hush.audio.TestFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import be.tarsos.dsp.AudioDispatcher;
import be.tarsos.dsp.AudioEvent;
import be.tarsos.dsp.AudioProcessor;
import be.tarsos.dsp.io.jvm.JVMAudioInputStream;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import java.nio.file.Path;
import java.util.Arrays;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TarsosDSP processor in a real AudioDispatcher fed from a WAV file. */
class DenoiseProcessorTest {
    @TempDir
    Path dir;

    /** Copies what passes through a dispatcher (the new part of each buffer) into an array. */
    static final class Recorder implements AudioProcessor {
        float[] samples = new float[1 << 16];
        int size;
        boolean finished;

        @Override
        public boolean process(AudioEvent e) {
            float[] b = e.getFloatBuffer();
            int from = e.getOverlap();
            if (size + b.length > samples.length) {
                samples = Arrays.copyOf(samples, 2 * (size + b.length));
            }
            System.arraycopy(b, from, samples, size, b.length - from);
            size += b.length - from;
            return true;
        }

        @Override
        public void processingFinished() {
            finished = true;
        }

        float[] get() {
            return Arrays.copyOf(samples, size);
        }
    }

    @ParameterizedTest(name = "look-ahead {0}, buffer {1}, overlap {2}")
    @CsvSource({"0, 256, 0", "2, 256, 0", "1, 400, 144", "1, 1000, 0"})
    void outputIsTheWholeSignalDenoisedAndDelayed(int k, int buffer, int overlap) throws Exception {
        try (DenoiserModel model = DenoiserModel.open(TestAudioModels.mask(dir, "m" + k, k),
                SessionConfig.defaults().withThreads(1))) {
            float[][] x = {TestAudioModels.noisySpeech(16000 + 77, 16000, 0.03, 5)};
            Path wav = TestFiles.write(dir.resolve("in.wav"), x, TestFiles.pcm(16000, 16, 1), AudioFileFormat.Type.WAVE);
            AudioInputStream ais = AudioSystem.getAudioInputStream(wav.toFile());
            AudioDispatcher d = new AudioDispatcher(new JVMAudioInputStream(ais), buffer, overlap);
            Recorder input = new Recorder();
            DenoiseProcessor p = DenoiseProcessor.of(model, d, 0, 1);
            Recorder output = new Recorder();
            d.addAudioProcessor(input);
            d.addAudioProcessor(p);
            d.addAudioProcessor(output);
            d.run();

            int latency = p.latencySamples();
            assertEquals(512 - 256 + (1 + k) * 256 - 1, latency);
            float[] in = input.get();
            float[] out = output.get();
            assertEquals(in.length, out.length);
            assertTrue(in.length >= x[0].length, "the dispatcher dropped samples");
            // Reference: the default (128-frame) blocks of AudioDenoiser on the samples the dispatcher delivered.
            float[] want = new AudioDenoiser(model).denoise(in, ProgressListener.NONE);
            double worst = 0;
            int at = -1;
            for (int i = 0; i + latency < out.length; i++) {
                double dd = Math.abs(out[i + latency] - want[i]);
                if (dd > worst) {
                    worst = dd;
                    at = i;
                }
            }
            assertTrue(worst < 1e-4, "max difference " + worst + " at " + at + " of " + out.length);
            assertTrue(Math.abs(out[latency + 8000] - in[8000]) > 1e-4 || Math.abs(out[latency + 4000] - in[4000]) > 1e-4,
                    "the model changed nothing");
            assertEquals(in.length, p.samplesProcessed());
            assertTrue(output.finished);
        }
    }

    @Test
    void wavRecorderWritesWhatPassesThrough() throws Exception {
        float[][] x = {TestAudioModels.noisySpeech(5000, 16000, 0.03, 9)};
        Path wav = TestFiles.write(dir.resolve("in.wav"), x, TestFiles.pcm(16000, 16, 1), AudioFileFormat.Type.WAVE);
        AudioDispatcher d = new AudioDispatcher(new JVMAudioInputStream(AudioSystem.getAudioInputStream(wav.toFile())),
                300, 0);
        Recorder seen = new Recorder();
        WavRecorder rec = new WavRecorder(dir.resolve("rec/take.wav"), 16000, 32);
        d.addAudioProcessor(seen);
        d.addAudioProcessor(rec);
        d.run();
        assertEquals(null, rec.failure());
        float[] got = TestFiles.read(dir.resolve("rec/take.wav"))[0];
        float[] want = seen.get();
        assertEquals(want.length, rec.samples());
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, 0f);
        try (var s = java.nio.file.Files.list(dir.resolve("rec"))) {
            assertEquals(1, s.count(), "the temporary file is gone");
        }
    }

    @Test
    void refusesAnotherSampleRateAndStereo() throws Exception {
        try (DenoiserModel model = DenoiserModel.open(TestAudioModels.mask(dir, "m", 0), SessionConfig.defaults())) {
            Path wav = TestFiles.write(dir.resolve("in.wav"), new float[][] {new float[100]}, TestFiles.pcm(22050, 16, 1),
                    AudioFileFormat.Type.WAVE);
            AudioDispatcher d = new AudioDispatcher(new JVMAudioInputStream(AudioSystem.getAudioInputStream(wav.toFile())),
                    256, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenoiseProcessor.of(model, d, 0, 1));
            assertTrue(e.getMessage().contains("22050 Hz") && e.getMessage().contains("16000 Hz"), e.getMessage());

            Path st = TestFiles.write(dir.resolve("st.wav"), new float[2][100], TestFiles.pcm(16000, 16, 2),
                    AudioFileFormat.Type.WAVE);
            AudioDispatcher d2 = new AudioDispatcher(new JVMAudioInputStream(AudioSystem.getAudioInputStream(st.toFile())),
                    256, 0);
            e = assertThrows(IllegalArgumentException.class, () -> DenoiseProcessor.of(model, d2, 0, 1));
            assertTrue(e.getMessage().contains("2 channels") && e.getMessage().contains("mono"), e.getMessage());
        }
    }
}
