package dev.hush.trainer.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.AudioMetrics;
import dev.hush.runtime.audio.AudioSpec;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speech model end to end: a short real training run on speech-like WAV files written here, the ONNX
 * export (DJL vs ONNX Runtime), and the runtime's streaming {@link AudioDenoiser} on that exported model.
 */
class AudioModelTest {
    @TempDir
    static Path dir;

    static Path model;
    static AudioTrainer.Result result;

    /** Gliding harmonic "syllables" with pauses: speech-like enough for a mask to learn something. */
    static float[] speechLike(int n, int rate, SplittableRandom rnd) {
        float[] x = new float[n];
        int i = 0;
        while (i < n) {
            int syl = (int) (rate * rnd.nextDouble(0.08, 0.3));
            double f0 = rnd.nextDouble(90, 260);
            double glide = rnd.nextDouble(-0.4, 0.4);
            double phase = 0;
            for (int k = 0; k < syl && i < n; k++, i++) {
                double env = Math.sin(Math.PI * k / syl);
                double f = f0 * (1 + glide * k / syl);
                phase += 2 * Math.PI * f / rate;
                double v = 0;
                for (int h = 1; h <= 12; h++) {
                    v += Math.sin(h * phase) / h;
                }
                x[i] = (float) (0.3 * env * v);
            }
            i += (int) (rate * rnd.nextDouble(0.02, 0.15));
        }
        return x;
    }

    static void writeWav(Path file, float[] x, int rate) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        AudioFormat f = new AudioFormat(rate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b.array()), f, x.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }

    @BeforeAll
    static void train() throws Exception {
        Path speech = Files.createDirectories(dir.resolve("speech"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 10; i++) {
            writeWav(speech.resolve("u" + i + ".wav"), speechLike(16000 * 2, 16000, rnd), 16000);
        }
        AudioTrainingConfig c = AudioTrainingConfig.defaults().with("speech", speech.toString()).with("width", "4")
                .with("frames", "64").with("batch", "2").with("epochs", "2").with("steps", "3").with("val_mixtures", "2")
                .with("val_seconds", "1.5").with("threads", "1").with("name", "audio-test");
        result = new AudioTrainer(c).train(TrainingProgress.NONE);
        model = dir.resolve("audio-test.onnx");
        OnnxExport.write(result.model(), model);
    }

    @Test
    void exportComputesWhatWasTrained() {
        assertTrue(result.exportMaxDiff() <= ExportCheck.TOLERANCE, "max |DJL - ORT| = " + result.exportMaxDiff());
        assertEquals(2, result.history().size());
        assertTrue(Double.isFinite(result.history().get(1).siSdrGain()));
        assertEquals(6, result.steps());
    }

    @Test
    void contractCarriesTheStft() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults())) {
            AudioSpec s = AudioSpec.of(m.contract());
            assertEquals(16000, s.sampleRate());
            assertEquals(512, s.nFft());
            assertEquals(256, s.hop());
            assertEquals(256, s.bins());
            assertEquals(result.network().context(), s.context());
            assertEquals(1, s.lookahead());
        }
    }

    @Test
    void streamingEqualsWholeSignalForAnyBlocksAndPieces() throws Exception {
        float[] x = mixture(16000 * 3 + 123, 11);
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            float[] whole = new AudioDenoiser(m).denoise(x, ProgressListener.NONE);
            assertEquals(x.length, whole.length);
            for (int block : new int[] {1, 7, 300}) {
                AudioDenoiser d = new AudioDenoiser(m).withBlockFrames(block);
                float[] out = streamInPieces(d, x, 900, block);
                float[] aligned = new float[x.length];
                System.arraycopy(out, d.latencySamples(), aligned, 0, x.length);
                assertArrayEquals(whole, aligned, 1e-5f, "block of " + block + " frames");
                // The delay is silence before the first real sample comes out.
                for (int i = 0; i < Math.min(d.latencySamples(), 200); i++) {
                    assertEquals(0f, out[i], 1e-7f);
                }
            }
        }
    }

    @Test
    void dryMixGivesTheInputBackAndTheLimitBinds() throws Exception {
        float[] x = mixture(16000 * 2, 5);
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            float[] dry = new AudioDenoiser(m).withMix(0).denoise(x, ProgressListener.NONE);
            assertArrayEquals(x, dry, 1e-5f, "mask 1 everywhere must reconstruct the input");
            float[] wet = new AudioDenoiser(m).denoise(x, ProgressListener.NONE);
            float[] limited = new AudioDenoiser(m).withAttenuationLimit(0.01).denoise(x, ProgressListener.NONE);
            // An untrained-ish mask removes a lot; limited to 0.01 dB it can hardly change anything.
            assertTrue(AudioMetrics.snr(limited, x) > 40, "limited output SNR vs input " + AudioMetrics.snr(limited, x));
            assertTrue(AudioMetrics.snr(wet, x) < AudioMetrics.snr(limited, x));
            assertThrows(IllegalArgumentException.class, () -> new AudioDenoiser(m).withMix(1.5));
            assertThrows(IllegalArgumentException.class, () -> new AudioDenoiser(m).withAttenuationLimit(-3));
        }
    }

    @Test
    void shortAndEmptySignalsKeepTheirLength() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            assertEquals(0, d.denoise(new float[0], ProgressListener.NONE).length);
            assertEquals(1, d.denoise(new float[] {0.5f}, ProgressListener.NONE).length);
            float[] silence = d.denoise(new float[4000], ProgressListener.NONE);
            for (float v : silence) {
                assertEquals(0f, v, 1e-6f);
            }
        }
    }

    @Test
    void imageAndAudioModelsRefuseTheOtherDomain() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> new ImageDenoiser(m));
            assertTrue(e.getMessage().contains("audio model"), e.getMessage());
        }
        try (DenoiserModel img = DenoiserModel.openShipped("image-gray-small", SessionConfig.defaults())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> new AudioDenoiser(img));
            assertTrue(e.getMessage().contains("image model"), e.getMessage());
        }
    }

    @Test
    void badRecipesAreRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AudioTrainingConfig.defaults().with("noice", "white"));
        assertTrue(e.getMessage().contains("unknown training option 'noice'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AudioTrainer(AudioTrainingConfig.defaults().with("noise", "white|thunder")));
        assertTrue(e.getMessage().contains("thunder"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AudioTrainer(AudioTrainingConfig.defaults().with("n_fft", "500")));
        assertTrue(e.getMessage().contains("n_fft"), e.getMessage());
    }

    @Test
    void speechIsEspeakAFolderOrAFolderWithEspeakMixedIn() {
        AudioTrainingConfig espeak = AudioTrainingConfig.defaults();
        assertEquals(null, espeak.speechFolder());
        assertTrue(espeak.espeakSpeech());
        AudioTrainingConfig folder = espeak.with("speech", "/data/speech/train");
        assertEquals("/data/speech/train", folder.speechFolder());
        assertFalse(folder.espeakSpeech());
        AudioTrainingConfig mixed = espeak.with("speech", "/data/speech/train+espeak");
        assertEquals("/data/speech/train", mixed.speechFolder());
        assertTrue(mixed.espeakSpeech());
    }

    @Test
    void aWarmStartTrainsANewRunFromACheckpointsWeights() throws Exception {
        Path speech = dir.resolve("speech");
        Path ckpt = dir.resolve("ckpt");
        AudioTrainingConfig first = AudioTrainingConfig.defaults().with("speech", speech.toString()).with("width", "4")
                .with("frames", "64").with("batch", "2").with("epochs", "1").with("steps", "2").with("val_mixtures", "1")
                .with("val_seconds", "1.5").with("threads", "1").with("checkpoint", ckpt.toString());
        new AudioTrainer(first).train(TrainingProgress.NONE);
        StringBuilder said = new StringBuilder();
        AudioTrainingConfig second = AudioTrainingConfig.defaults().with("speech", speech.toString()).with("width", "4")
                .with("frames", "64").with("batch", "2").with("epochs", "1").with("steps", "1").with("val_mixtures", "1")
                .with("val_seconds", "1.5").with("threads", "1").with("warm_start", ckpt.toString());
        AudioTrainer.Result r = new AudioTrainer(second).train(new TrainingProgress() {
            @Override
            public void message(String line) {
                said.append(line).append('\n');
            }
        });
        assertTrue(said.toString().contains("warm start from"), said.toString());
        // The loaded weights are the ones trained on: the model after one more step is not the checkpoint's.
        byte[] loaded = java.nio.file.Files.readAllBytes(ckpt.resolve("hush-0000.params"));
        Path again = dir.resolve("ckpt2");
        new AudioTrainer(AudioTrainingConfig.defaults().with("speech", speech.toString()).with("width", "4").with("frames", "64")
                .with("batch", "2").with("epochs", "1").with("steps", "1").with("val_mixtures", "1").with("val_seconds", "1.5")
                .with("threads", "1").with("warm_start", ckpt.toString()).with("checkpoint", again.toString()))
                .train(TrainingProgress.NONE);
        assertTrue(!java.util.Arrays.equals(loaded, java.nio.file.Files.readAllBytes(again.resolve("hush-0000.params"))),
                "training after a warm start must change the loaded weights");
        assertEquals(1, r.history().size(), "a new run: its own epochs from 1");
        // A resumed run goes on from the checkpoint's epoch, and its card counts the steps of both runs.
        AudioTrainingConfig resumed = first.with("epochs", "2").with("resume", ckpt.toString())
                .with("checkpoint", dir.resolve("ckpt3").toString());
        AudioTrainer.Result rr = new AudioTrainer(resumed).train(TrainingProgress.NONE);
        assertEquals(2, rr.steps(), "this run: epoch 2 only");
        assertEquals(4, rr.totalSteps(), "both runs");
        String card = AudioModelCard.write(resumed, rr, "this machine");
        assertTrue(card.contains("Resumed from a checkpoint: 4 steps"), card);
        assertTrue(second.toRecipe().contains("warm_start="), "the recipe records where the weights came from");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AudioTrainer(
                AudioTrainingConfig.defaults().with("warm_start", ckpt.toString()).with("resume", ckpt.toString())));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
        AudioTrainingConfig wide = AudioTrainingConfig.defaults().with("speech", speech.toString()).with("width", "6")
                .with("frames", "64").with("batch", "2").with("epochs", "1").with("steps", "1").with("val_mixtures", "1")
                .with("val_seconds", "1.5").with("threads", "1").with("warm_start", ckpt.toString());
        e = assertThrows(IllegalArgumentException.class, () -> new AudioTrainer(wide).train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("same architecture"), e.getMessage());
    }

    /**
     * Streams {@code x} through a new stream of {@code d} in pieces of random size (1 … {@code maxPiece} samples,
     * seeded), then finishes it: the output, delayed by the latency and {@code x.length + latency} long.
     */
    static float[] streamInPieces(AudioDenoiser d, float[] x, int maxPiece, long seed) throws Exception {
        AudioDenoiser.Stream s = d.stream();
        float[] out = new float[x.length + d.latencySamples()];
        SplittableRandom rnd = new SplittableRandom(seed);
        int pos = 0;
        while (pos < x.length) {
            int n = Math.min(x.length - pos, 1 + rnd.nextInt(maxPiece));
            s.process(x, pos, n, out, pos);
            pos += n;
        }
        float[] tail = s.finish();
        assertEquals(d.latencySamples(), tail.length);
        System.arraycopy(tail, 0, out, x.length, tail.length);
        return out;
    }

    static float[] mixture(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] s = speechLike(n, 16000, rnd);
        float[] noise = NoiseSignals.make("pink", n, 16000, java.util.List.of(), rnd);
        for (int i = 0; i < n; i++) {
            s[i] += 0.05f * noise[i];
        }
        return s;
    }
}
