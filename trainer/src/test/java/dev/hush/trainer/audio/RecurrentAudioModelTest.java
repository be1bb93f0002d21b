package dev.hush.trainer.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.audio.AudioSpec;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recurrent speech model end to end: a short real training run, the ONNX export with its state input and
 * output (DJL over the whole input vs ONNX Runtime in two calls carrying the state), and the runtime's
 * streaming on the exported model, which must not depend on the block size or on how the input is cut.
 */
class RecurrentAudioModelTest {
    @TempDir
    static Path dir;

    static Path model;
    static AudioTrainer.Result result;

    @BeforeAll
    static void train() throws Exception {
        Path speech = Files.createDirectories(dir.resolve("speech"));
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 8; i++) {
            AudioModelTest.writeWav(speech.resolve("u" + i + ".wav"), AudioModelTest.speechLike(16000 * 2, 16000, rnd),
                    16000);
        }
        AudioTrainingConfig c = AudioTrainingConfig.defaults().with("architecture", "recurrent").with("speech", speech.toString())
                .with("width", "4").with("hidden", "8").with("layers", "2").with("frames", "48").with("batch", "2")
                .with("epochs", "2").with("steps", "3").with("val_mixtures", "2").with("val_seconds", "1.5")
                .with("threads", "1").with("name", "audio-recurrent-test");
        result = new AudioTrainer(c).train(TrainingProgress.NONE);
        model = dir.resolve("audio-recurrent-test.onnx");
        OnnxExport.write(result.model(), model);
    }

    @Test
    void exportWithStateComputesWhatWasTrained() {
        assertTrue(result.exportMaxDiff() <= ExportCheck.TOLERANCE, "max |DJL - ORT in two calls| = "
                + result.exportMaxDiff());
        assertEquals(16, result.network().stateSize());
        assertEquals(2, result.history().size());
        assertTrue(Double.isFinite(result.history().get(1).siSdrGain()));
    }

    @Test
    void contractDeclaresTheState() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults())) {
            AudioSpec s = AudioSpec.of(m.contract());
            assertEquals(16, s.stateSize());
            assertEquals(0, s.context());
            assertEquals(0, s.lookahead());
            assertEquals("state_in", m.contract().stateInputName());
            assertEquals("state_out", m.contract().stateOutputName());
            assertTrue(m.contract().get(ModelContract.ARCHITECTURE, "").startsWith("recurrent("));
            // A stateful model refuses a call without its state, and a wrong-sized state is an error, not a crash.
            FloatBuffer in = FloatBuffer.wrap(new float[256 * 3]);
            assertThrows(IllegalArgumentException.class, () -> m.run(in, new long[] {1, 1, 256, 3}, new RunContext()));
            dev.hush.runtime.HushException wrong = assertThrows(dev.hush.runtime.HushException.class,
                    () -> m.run(FloatBuffer.wrap(new float[256 * 3]), new long[] {1, 1, 256, 3}, new float[5],
                            new RunContext()));
            assertEquals(dev.hush.runtime.HushException.Code.INVALID_INPUT, wrong.code(), wrong.getMessage());
        }
    }

    @Test
    void streamingEqualsWholeSignalForAnyBlocksAndPieces() throws Exception {
        float[] x = AudioModelTest.mixture(16000 * 3 + 77, 12);
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            float[] whole = new AudioDenoiser(m).denoise(x, ProgressListener.NONE);
            assertEquals(x.length, whole.length);
            double energyIn = 0;
            double energyOut = 0;
            for (int i = 0; i < x.length; i++) {
                energyIn += x[i] * x[i];
                energyOut += whole[i] * whole[i];
            }
            assertTrue(energyOut > 0 && energyOut < energyIn, "gains in (0, 1): " + energyOut + " vs " + energyIn);
            for (int block : new int[] {1, 5, 400}) {
                AudioDenoiser d = new AudioDenoiser(m).withBlockFrames(block);
                float[] out = AudioModelTest.streamInPieces(d, x, 700, block);
                float[] aligned = new float[x.length];
                System.arraycopy(out, d.latencySamples(), aligned, 0, x.length);
                assertArrayEquals(whole, aligned, 1e-5f, "block of " + block + " frames");
            }
            // Two streams are independent: each starts from a zero state.
            float[] again = new AudioDenoiser(m).denoise(x, ProgressListener.NONE);
            assertArrayEquals(whole, again, 0f);
        }
    }

    @Test
    void aContractWithAStateButNoNamesIsRefused() {
        Map<String, String> meta = new HashMap<>(AudioTrainer.contract(new AudioSpec(16000, 512, 256, 256, 0, 0,
                1e-5f, 32)));
        meta.remove(ModelContract.STATE_OUTPUT_NAME);
        meta.put(ModelContract.NAME, "broken");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(meta));
        assertTrue(e.getMessage().contains(ModelContract.STATE_OUTPUT_NAME), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new AudioSpec(16000, 512, 256, 256, 3, 0, 1e-5f, 32));
        assertTrue(bad.getMessage().contains("no context or look-ahead"), bad.getMessage());
        Map<String, String> imageWithState = new HashMap<>(meta);
        imageWithState.put(ModelContract.STATE_OUTPUT_NAME, "state_out");
        imageWithState.put(ModelContract.DOMAIN, "image");
        e = assertThrows(ModelFormatException.class, () -> ModelContract.parse(imageWithState));
        assertTrue(e.getMessage().contains("not an audio model"), e.getMessage());
    }
}
