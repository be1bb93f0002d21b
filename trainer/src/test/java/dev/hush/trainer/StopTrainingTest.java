package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.SessionConfig;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Stop ends a training early and keeps its best weights; cancel leaves nothing. */
class StopTrainingTest {
    private static ImageTrainingConfig small() {
        return ImageTrainingConfig.defaults().with("depth", "3").with("width", "4").with("patch", "32").with("batch", "4")
                .with("epochs", "3").with("steps", "10").with("val_images", "1").with("val_size", "48").with("seed", "5")
                .with("threads", "1");
    }

    @Test
    void stopInTheSecondEpochValidatesItsPartAndKeepsTheBestModel() throws Exception {
        AtomicReference<ImageTrainer> trainer = new AtomicReference<>();
        List<String> messages = new ArrayList<>();
        trainer.set(new ImageTrainer(small()));
        ImageTrainer.Result r = trainer.get().train(new TrainingProgress() {
            @Override
            public void step(int step, int totalSteps, double loss, double patchesPerSecond) {
                if (step == 14) {
                    trainer.get().stop();
                }
            }

            @Override
            public void message(String line) {
                messages.add(line);
            }
        });
        assertEquals(14, r.steps(), "the step in progress finishes, no further one starts");
        assertEquals(2, r.history().size(), "epoch 1 whole, epoch 2 validated after its 4 steps");
        assertTrue(messages.stream().anyMatch(m -> m.contains("stopped by request after step 14")), messages.toString());
        double best = Math.max(r.history().get(0).valPsnr(), r.history().get(1).valPsnr());
        assertEquals(best, r.finalValPsnr(), 1e-9, "the better of the two epochs is kept");
        // The result is a whole model: exported, checked, and it opens in the runtime.
        assertTrue(r.exportMaxDiff() <= 1e-4);
        try (DenoiserModel m = DenoiserModel.fromBytes(r.model().toByteArray(), "stopped", SessionConfig.defaults())) {
            assertEquals(1, m.contract().channels());
        }
    }

    @Test
    void stopBeforeTheFirstStepIsACancel() {
        ImageTrainer t = new ImageTrainer(small());
        t.stop();
        assertThrows(CancelledException.class, () -> t.train(new TrainingProgress() {
        }));
    }
}
