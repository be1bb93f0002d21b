package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

class LearningRateTest {
    @Test
    void aResumedRunGoesOnAlongTheCosineAfterAWarmUp() {
        Tracker fresh = LearningRate.schedule(0.01f, 1000, 0, 0);
        assertEquals(0.01f, fresh.getNewValue(0), 1e-6f, "a fresh run starts at the full rate");
        assertEquals(0.01f / 50, fresh.getNewValue(1000), 1e-6f, "and ends at a fiftieth of it");
        Tracker resumed = LearningRate.schedule(0.01f, 1000, 600, 100);
        float target = fresh.getNewValue(600 + 150);
        assertEquals(target, resumed.getNewValue(150), 1e-7f, "past the warm-up it is the fresh run's rate at that update");
        assertTrue(resumed.getNewValue(0) < fresh.getNewValue(600) / 50, "the first resumed update is tiny");
        for (int u = 1; u < 100; u++) {
            assertTrue(resumed.getNewValue(u) > resumed.getNewValue(u - 1), "the warm-up rises, update " + u);
        }
    }
}
