package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import dev.hush.trainer.arch.MultiScaleNet;
import dev.hush.trainer.arch.Network;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm start from a narrower checkpoint (the same network with fewer channels): the wider network computes what the
 * narrow one computed, so a longer run on a bigger model starts where the shipped one ended, not from scratch.
 */
class WidenedWarmStartTest {
    @TempDir
    Path dir;

    @Test
    void widenedMultiScaleNetComputesWhatTheNarrowOneDid() throws Exception {
        Djl.pytorch(0).setRandomSeed(7);
        Shape input = new Shape(2, 2, 16, 16);
        Network narrow = new MultiScaleNet(1, 2, 4, 2);
        Path ckpt = dir.resolve("narrow");
        float[] x;
        float[] expected;
        try (Model model = Model.newInstance("narrow", "PyTorch")) {
            model.setBlock(narrow.block());
            NDManager m = model.getNDManager();
            narrow.block().initialize(m, DataType.FLOAT32, input);
            TestNetworks.randomiseBiases(narrow, 3);
            NDArray in = m.randomUniform(0, 1, input);
            x = in.toFloatArray();
            expected = forward(narrow, m, in);
            Checkpoint.save(ckpt, model, narrow, 5, 30.0, 60.0, 1000);
        }
        Network wide = new MultiScaleNet(1, 2, 7, 2);
        assertEquals(OptionalInt.of(4), Checkpoint.narrowerWidth(ckpt, wide));
        try (Model model = Model.newInstance("wide", "PyTorch")) {
            model.setBlock(wide.block());
            assertEquals(5, Checkpoint.loadWidened(ckpt, model, wide, new MultiScaleNet(1, 2, 4, 2), input));
            NDManager m = model.getNDManager();
            float[] got = forward(wide, m, m.create(x, input));
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            assertTrue(scale > 0.1, "the narrow network's output should not be trivial: " + scale);
            assertTrue(worst <= 1e-5 * Math.max(1, scale), "widened output differs by " + worst);
            // The new channels are live (their own weights are not zero), so training can make use of them.
            float[] head = wide.block().getParameters().get(0).getValue().getArray().toFloatArray();
            long[] headShape = wide.block().getParameters().get(0).getValue().getArray().getShape().getShape();
            int perRow = (int) (headShape[1] * headShape[2] * headShape[3]);
            double newRows = 0;
            for (int i = 4 * perRow; i < head.length; i++) {
                newRows += Math.abs(head[i]);
            }
            assertTrue(newRows > 0, "the head's new output channels should keep their fresh initialisation");
        }
    }

    /** The committed checkpoint of the shipped grey model, widened to 40 channels, still denoises as it did. */
    @Test
    void theShippedCheckpointWidensExactly() throws Exception {
        Path ckpt = Path.of(System.getProperty("user.dir")).getParent().resolve("models/checkpoints/image-gray-multiscale-stage2");
        Shape input = new Shape(1, 2, 32, 32);
        float[] x;
        float[] expected;
        try (Model model = Model.newInstance("shipped", "PyTorch")) {
            Network net = new MultiScaleNet(1, 2, 32, 2);
            model.setBlock(net.block());
            Checkpoint.loadForTraining(ckpt, model, net, input);
            NDManager m = model.getNDManager();
            NDArray in = m.randomUniform(0, 1, input);
            x = in.toFloatArray();
            expected = forward(net, m, in);
        }
        try (Model model = Model.newInstance("wide", "PyTorch")) {
            Network wide = new MultiScaleNet(1, 2, 40, 2);
            model.setBlock(wide.block());
            assertEquals(OptionalInt.of(32), Checkpoint.narrowerWidth(ckpt, wide));
            Checkpoint.loadWidened(ckpt, model, wide, new MultiScaleNet(1, 2, 32, 2), input);
            NDManager m = model.getNDManager();
            float[] got = forward(wide, m, m.create(x, input));
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            }
            assertTrue(worst <= 1e-5, "widened shipped model differs by " + worst);
        }
    }

    /**
     * A loaded checkpoint keeps its weights when a trainer is made for it. DJL initialises the block again then, and
     * the multi-scale network used to shrink its residual branches and its tail tenfold on every initialisation, so
     * every warm start and resume began from a network that no longer denoised (found here: one step at a learning
     * rate of 1e-12 took a warm-started model to the noisy input's PSNR).
     */
    @Test
    void warmStartedWeightsSurviveTheTrainersInitialisation() throws Exception {
        Path ckpt = Path.of(System.getProperty("user.dir")).getParent().resolve("models/checkpoints/image-gray-multiscale-stage2");
        Shape input = new Shape(1, 2, 64, 64);
        for (int width : new int[] {32, 40}) {
            try (Model model = Model.newInstance("warm", "PyTorch")) {
                Network net = new MultiScaleNet(1, 2, width, 2);
                model.setBlock(net.block());
                if (width == 32) {
                    Checkpoint.loadForTraining(ckpt, model, net, input);
                } else {
                    Checkpoint.loadWidened(ckpt, model, net, new MultiScaleNet(1, 2, 32, 2), input);
                }
                NDManager m = model.getNDManager();
                float[] clean = new float[64 * 64];
                float[] noisy = new float[2 * 64 * 64];
                java.util.Random rnd = new java.util.Random(3);
                double noisyMse = 0;
                for (int i = 0; i < clean.length; i++) {
                    clean[i] = (float) (0.5 + 0.3 * Math.sin(i % 64 * 0.1) * Math.cos(i / 64 * 0.07));
                    noisy[i] = clean[i] + (float) (0.1 * rnd.nextGaussian());
                    noisy[clean.length + i] = 0.1f;
                    noisyMse += (noisy[i] - clean[i]) * (noisy[i] - clean[i]) / clean.length;
                }
                float[] before = forward(net, m, m.create(noisy, input));
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optInitializer(
                        new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
                        Parameter.Type.WEIGHT);
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(input);
                    float[] after = forward(net, m, m.create(noisy, input));
                    assertArrayEquals(before, after, 0f, "width " + width + ": the trainer changed the loaded weights");
                    double mse = 0;
                    for (int i = 0; i < clean.length; i++) {
                        mse += (after[i] - clean[i]) * (after[i] - clean[i]) / clean.length;
                    }
                    assertTrue(mse < noisyMse / 10, "width " + width + ": the warm-started model should denoise: MSE "
                            + mse + " against the noisy input's " + noisyMse);
                }
            }
        }
    }

    @Test
    void onlyAWidthChangeIsAWidening() throws Exception {
        Djl.pytorch(0).setRandomSeed(8);
        Network narrow = new MultiScaleNet(1, 2, 4, 2);
        Path ckpt = dir.resolve("n");
        try (Model model = Model.newInstance("n", "PyTorch")) {
            model.setBlock(narrow.block());
            narrow.block().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 2, 16, 16));
            Checkpoint.save(ckpt, model, narrow, 1, 0, 0, 0);
        }
        assertEquals(OptionalInt.empty(), Checkpoint.narrowerWidth(ckpt, new MultiScaleNet(1, 2, 8, 3)));
        assertEquals(OptionalInt.empty(), Checkpoint.narrowerWidth(ckpt, new MultiScaleNet(1, 1, 8, 2)));
        assertEquals(OptionalInt.empty(), Checkpoint.narrowerWidth(ckpt, new MultiScaleNet(1, 2, 4, 2)));
        assertEquals(OptionalInt.empty(), Checkpoint.narrowerWidth(ckpt, new MultiScaleNet(1, 2, 3, 2)));
        // A U-Net joins encoder and decoder channels, so its old channels would land in the wrong places: refused.
        Network unet = dev.hush.trainer.arch.EncoderDecoderNet.unet(1, 2, 4, true, 0f);
        Path u = dir.resolve("u");
        try (Model model = Model.newInstance("u", "PyTorch")) {
            model.setBlock(unet.block());
            unet.block().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 16, 16));
            Checkpoint.save(u, model, unet, 1, 0, 0, 0);
        }
        assertEquals(OptionalInt.empty(), Checkpoint.narrowerWidth(u, dev.hush.trainer.arch.EncoderDecoderNet.unet(1, 2,
                8, true, 0f)));
    }

    @Test
    void widenCopiesZeroesAndKeeps() {
        // 1 old output × 1 old input, kernel 2 → 2 × 2: old block copied, new input of the old output zero, the new
        // output's row kept as initialised.
        float[] narrow = {1, 2};
        float[] wide = {9, 9, 9, 9, 7, 7, 7, 7};
        assertArrayEquals(new float[] {1, 2, 0, 0, 7, 7, 7, 7},
                Checkpoint.widen(narrow, new long[] {1, 1, 2}, wide, new long[] {2, 2, 2}));
        assertArrayEquals(new float[] {3, 0, 0}, Checkpoint.widen(new float[] {3}, new long[] {1}, new float[] {5, 5, 5},
                new long[] {3}));
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.widen(narrow, new long[] {1, 1, 2}, new float[12], new long[] {2, 2, 3}));
    }

    private static float[] forward(Network net, NDManager m, NDArray in) {
        NDList out = net.block().forward(new ParameterStore(m, false), new NDList(in), false);
        return out.singletonOrThrow().toFloatArray();
    }
}
