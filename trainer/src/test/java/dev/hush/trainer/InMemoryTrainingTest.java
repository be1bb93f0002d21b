package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.ModelContract;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.image.TrainingPlanes;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Noise2Void and pairs from planes handed over in memory (as the ImageJ plugin does), tiny networks, few steps. */
class InMemoryTrainingTest {
    private static ImageTrainingConfig tiny(String mode) {
        return ImageTrainingConfig.defaults().with("mode", mode).with("depth", "3").with("width", "4").with("patch", "32")
                .with("batch", "4").with("epochs", "2").with("steps", "2").with("seed", "5");
    }

    private static float[] plane(int w, int h, double sigma, long seed) {
        Random r = new Random(seed);
        float[] px = new float[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (100 + 50 * Math.sin(i % w / 6.0) * Math.cos(i / w / 5.0) + sigma * r.nextGaussian());
        }
        return px;
    }

    private static String meta(ModelProto model, String key) {
        return model.getMetadataPropsList().stream().filter(e -> e.getKey().equals(key)).findFirst().orElseThrow()
                .getValue();
    }

    @Test
    void noise2VoidTrainsOnPlanesInMemoryAndLeavesThemAsTheyWere() {
        float[] a = plane(64, 48, 20, 1);
        float[] b = plane(40, 36, 20, 2);
        float[] aBefore = a.clone();
        TrainingPlanes planes = TrainingPlanes.noisy(List.of(a, b), List.of(new int[] {64, 48}, new int[] {40, 36}),
                "ImageJ image 'cells'");
        double[] val = {0};
        ImageTrainer.Result r = new ImageTrainer(tiny("n2v").with("data", "ImageJ image 'cells'"), planes)
                .train(new TrainingProgress() {
                    @Override
                    public void epoch(int epoch, int epochs, double trainLoss, double valPsnr) {
                        assertTrue(Double.isFinite(trainLoss));
                        val[0] = valPsnr;
                    }
                });
        assertEquals(4, r.steps());
        assertTrue(Double.isNaN(val[0]), "noisy planes alone have no clean reference");
        assertEquals("n2v", meta(r.model(), ModelContract.TRAINING_MODE));
        assertTrue(meta(r.model(), ModelContract.DATA).startsWith("Noise2Void on 2 noisy plane(s) of ImageJ image 'cells'"),
                meta(r.model(), ModelContract.DATA));
        assertEquals("as in the user's data", meta(r.model(), ModelContract.NOISE_MODEL));
        assertArrayEquals(aBefore, a, "the caller's pixels are not normalised in place");
    }

    @Test
    void pairsInMemoryAreValidatedAgainstTheirTargets() {
        TrainingPlanes pairs = TrainingPlanes.pairs(List.of(plane(48, 48, 20, 1)), List.of(plane(48, 48, 0, 1)),
                List.of(new int[] {48, 48}), "ImageJ images 'noisy' → 'clean'");
        double[] val = {Double.NaN};
        ImageTrainer.Result r = new ImageTrainer(tiny("pairs"), pairs).train(new TrainingProgress() {
            @Override
            public void epoch(int epoch, int epochs, double trainLoss, double valPsnr) {
                val[0] = valPsnr;
            }
        });
        assertTrue(Double.isFinite(val[0]), "pairs have a clean reference");
        assertEquals("pairs", meta(r.model(), ModelContract.TRAINING_MODE));
    }

    @Test
    void cancelStopsBeforeTheNextStep() {
        TrainingPlanes planes = TrainingPlanes.noisy(List.of(plane(48, 48, 20, 1)), List.of(new int[] {48, 48}), "test");
        AtomicInteger steps = new AtomicInteger();
        ImageTrainer trainer = new ImageTrainer(tiny("n2v").with("steps", "50"), planes);
        assertThrows(CancelledException.class, () -> trainer.train(new TrainingProgress() {
            @Override
            public void step(int step, int totalSteps, double loss, double patchesPerSecond) {
                steps.incrementAndGet();
                trainer.cancel();
            }
        }));
        assertEquals(1, steps.get());
    }

    @Test
    void mismatchesAreExplained() {
        TrainingPlanes noisy = TrainingPlanes.noisy(List.of(plane(48, 48, 20, 1)), List.of(new int[] {48, 48}), "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tiny("pairs"), noisy));
        assertTrue(e.getMessage().contains("train in mode n2v"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny("synthetic"), noisy));
        assertTrue(e.getMessage().contains("n2v or pairs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingPlanes.noisy(List.of(new float[10]),
                List.of(new int[] {4, 4}), "test"));
        assertTrue(e.getMessage().contains("not 4×4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny("n2v").with("patch", "64"), noisy)
                .train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("smaller than the 64-pixel patch"), e.getMessage());
    }
}
