package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.awt.event.KeyEvent;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Esc stops a run within a second, in the middle of an ONNX Runtime call, and leaves no image behind. */
class DenoiseImageCancelTest {
    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void cleanUp() {
        IJ.resetEscape();
        HeadlessImageJ.closeAll();
    }

    @Test
    void escCancelsWithinASecondAndLeavesNoImage() throws Exception {
        // Two 1024×768 planes in 512-pixel tiles on one thread: several seconds of work, each tile one long call.
        ImagePlus imp = IJ.createImage("big", "8-bit ramp", 1024, 768, 2);
        Object[] before = TestImages.snapshot(imp);
        AtomicReference<HeadlessImageJ.Run> result = new AtomicReference<>();
        long[] finished = new long[1];
        Thread run = new Thread(() -> {
            result.set(HeadlessImageJ.attempt(imp, DenoiseImageTest.COMMAND, "model=[image-gray-small] tile=512 threads=1"));
            finished[0] = System.nanoTime();
        }, "cancel test");
        run.start();
        Thread.sleep(1500); // model loaded, first tile running
        assertTrue(run.isAlive(), "the run must still be going to test cancelling it");
        long pressed = System.nanoTime();
        IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        run.join(10_000);
        assertFalse(run.isAlive(), "the run stopped");
        double seconds = (finished[0] - pressed) / 1e9;
        assertTrue(seconds < 1.0, "stopped " + seconds + " s after Esc");
        assertEquals(List.of(), result.get().made(), "no image is left");
        assertFalse(result.get().aborted(), "cancelling is not an error");
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }
}
