package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.arch.MultiScaleNet;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-scale network with a noise-level input ({@code multiscale}): its export computes what DJL computes
 * (pixel-unshuffle, additive skips, the level plane), its halo is its receptive field, it trains, and the runtime
 * tiles it exactly and feeds it the level it is given or estimates.
 */
class MultiScaleNetTest {
    @TempDir
    Path dir;

    @Test
    void freshNetworkExportsExactly() {
        Djl.pytorch(0).setRandomSeed(4);
        for (int channels : new int[] {1, 3}) {
            Network net = new MultiScaleNet(channels, 2, 4, 1);
            try (Model model = Model.newInstance("ms", "PyTorch")) {
                model.setBlock(net.block());
                NDManager manager = model.getNDManager();
                net.block().initialize(manager, DataType.FLOAT32, new Shape(1, channels + 1, 16, 16));
                TestNetworks.randomiseBiases(net, 5);
                ModelProto onnx = OnnxExport.imageModel(net, channels, TestNetworks.meta(net));
                for (long[] shape : new long[][] {{1, channels + 1, 32, 48}, {2, channels + 1, 8, 16}}) {
                    // Fresh weights with random biases give outputs of several units through the residual sums, so
                    // float rounding alone reaches ~1e-4 here; an exporter bug (a wrong channel order, a missing skip)
                    // moves the output by O(1).
                    double diff = ExportCheck.maxAbsDifference(net, manager, onnx, shape, 11);
                    assertTrue(diff <= 1e-3, net.describe() + ": max |DJL - ORT| = " + diff + " for "
                            + Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void sizeKnobsGiveTheDocumentedFigures() {
        Network net = Architectures.create("multiscale", 1, 0, 0, 64, 0f, true, 0);
        assertEquals("multiscale(depth=2,width=32,blocks=2,channels=1,noise_level_input=true)", net.describe());
        assertEquals(8, net.sizeMultiple());
        // head + tail 4, levels 0 and 1: 2·2·2·(2 + 4) = 48, bottom 2·2·8 = 32, alignment 7.
        assertEquals(91, net.halo());
        // Ten residual blocks of 4608 MACs per input pixel, head 576, tail 288, down 512 + 512, up 512 + 512.
        assertEquals(48_992, net.macsPerPixel());
        assertTrue(net.noiseLevelInput());
        assertThrows(IllegalArgumentException.class, () -> new MultiScaleNet(1, 5, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("residual", 1, 0, 0, 64, 0f, true, 2));
    }

    /** Changing the image beyond the halo leaves the output unchanged; at exactly the halo it does not. */
    @Test
    void haloIsTheReceptiveFieldRadius() {
        Djl.pytorch(0).setRandomSeed(2);
        for (int levels = 1; levels <= 2; levels++) {
            Network net = new MultiScaleNet(1, levels, 4, 1);
            int halo = net.halo();
            int seed = levels;
            // The fresh network starts its residual branches small; full-size random weights keep the paths to the
            // edge of the field live, so that the tightness check sees them.
            double[] r = TestNetworks.haloResponse(net, 2, 8, 160, 72, seed, n -> {
                TestNetworks.randomiseBiases(n, seed);
                TestNetworks.randomiseWeights(n, seed + 10);
            });
            double beyond = r[0];
            double atHalo = r[1];
            assertTrue(beyond <= 1e-6, "levels " + levels + ": pixels beyond the halo " + halo + " moved the output by "
                    + beyond);
            assertTrue(atHalo > 1e-7, "levels " + levels + ": the halo " + halo + " is larger than needed (" + atHalo + ")");
        }
    }

    @Test
    void trainsTilesExactlyAndTakesTheNoiseLevel() throws Exception {
        ImageTrainingConfig c = ImageTrainingConfig.defaults()
                .with("name", "tiny-ms").with("architecture", "multiscale").with("depth", "1").with("width", "4")
                .with("blocks", "1").with("patch", "32").with("batch", "2").with("epochs", "2").with("steps", "3")
                .with("val_images", "1").with("val_size", "32").with("seed", "3").with("noise", "gaussian:10:40,q8=1");
        ImageTrainer.Result r = new ImageTrainer(c).train(TrainingProgress.NONE);
        assertTrue(Double.isFinite(r.finalValPsnr()), "validation PSNR " + r.finalValPsnr());
        assertTrue(r.exportMaxDiff() <= ExportCheck.TOLERANCE, "export diff " + r.exportMaxDiff());
        Path file = dir.resolve("ms.onnx");
        OnnxExport.write(r.model(), file);
        FloatImage img = TestNetworks.scene(151, 133, 7);
        try (DenoiserModel m = DenoiserModel.open(file, SessionConfig.defaults().withThreads(1))) {
            assertTrue(m.contract().noiseLevelInput());
            assertEquals(2, m.contract().inputChannels());
            ImageDenoiser d = new ImageDenoiser(m).withTileSize(40).withBatchSize(3);
            RunContext run = new RunContext();
            FloatImage tiled = d.denoise(img, run);
            double estimated = run.noiseSigma();
            // The scene has uniform noise of half-width 15 (sigma 8.7) on smooth structure.
            assertTrue(estimated > 6 && estimated < 12, "estimated sigma " + estimated);
            FloatImage whole = d.denoiseWhole(img);
            assertTrue(maxDiff(tiled, whole) <= 200 * 1e-4, "max |tiled - whole| = " + maxDiff(tiled, whole));
            FloatImage given = d.withNoiseSigma(estimated).denoise(img, ProgressListener.NONE);
            assertTrue(maxDiff(given, tiled) <= 1e-3, "the estimate, given, gives the same result");
            RunContext given60 = new RunContext();
            FloatImage other = d.withNoiseSigma(60).denoise(img, given60);
            assertEquals(60, given60.noiseSigma());
            assertTrue(Double.isNaN(d.noiseSigma()), "the variant leaves the shared denoiser estimating");
            assertTrue(maxDiff(other, tiled) > 1e-3, "the level given reaches the network");
        }
    }

    private static double maxDiff(FloatImage a, FloatImage b) {
        double max = 0;
        for (int i = 0; i < a.data().length; i++) {
            max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
        }
        return max;
    }
}
