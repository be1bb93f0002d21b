package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.SessionConfig;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ShortProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins › Hush › Hush Train on Folder... headless on real files: Noise2Void on a folder of images of different
 * sizes (one in a subfolder), pairs matched by relative path, and a bad file named before any training starts.
 */
class TrainOnFolderTest {
    static final String TINY = "architecture=residual depth=3 width=4 epochs=1 steps=2 patch=32 batch=4";

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void cleanUp() {
        HeadlessImageJ.closeAll();
    }

    static void write(Path file, int w, int h, long seed, double noise) throws Exception {
        Files.createDirectories(file.getParent());
        SplittableRandom rnd = new SplittableRandom(seed);
        ShortProcessor ip = new ShortProcessor(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ip.set(x, y, (int) Math.max(0, 1000 + 400 * Math.sin(x / 6.0 + seed) * Math.cos(y / 9.0)
                        + noise * rnd.nextGaussian()));
            }
        }
        IJ.saveAsTiff(new ImagePlus("x", ip), file.toString());
    }

    @Test
    void noise2VoidOnAFolderOfImagesOfDifferentSizes() throws Exception {
        Path noisy = dir.resolve("noisy");
        write(noisy.resolve("a.tif"), 64, 48, 1, 80);
        write(noisy.resolve("sub/b.tif"), 40, 72, 2, 80);
        Path model = dir.resolve("folder-n2v.onnx");
        HeadlessImageJ.run(null, TrainOnFolder.COMMAND, "folder=[" + noisy + "] name=folder-n2v file=[" + model + "] "
                + TINY);
        assertTrue(Files.isRegularFile(model), "the model is written");
        String data = TrainDenoiserTest.metadata(model, "hush.data");
        assertTrue(data.contains("folder " + noisy) && data.contains("2 image(s), 2 plane(s)"), data);
        assertEquals("n2v", TrainDenoiserTest.metadata(model, "hush.training_mode"));
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            assertEquals("folder-n2v", m.contract().name());
        }
    }

    @Test
    void pairsAreMatchedByRelativePathAndABadFileIsNamedBeforeTraining() throws Exception {
        Path noisy = dir.resolve("n");
        Path clean = dir.resolve("c");
        write(noisy.resolve("a.tif"), 48, 48, 3, 80);
        write(clean.resolve("a.tif"), 48, 48, 3, 0);
        write(noisy.resolve("deep/b.tif"), 48, 40, 4, 80);
        write(clean.resolve("deep/b.tif"), 48, 40, 4, 0);
        Path model = dir.resolve("pairs.onnx");
        HeadlessImageJ.run(null, TrainOnFolder.COMMAND, "folder=[" + noisy + "] clean=[" + clean + "] file=[" + model
                + "] " + TINY);
        assertEquals("pairs", TrainDenoiserTest.metadata(model, "hush.training_mode"));
        assertTrue(TrainDenoiserTest.metadata(model, "hush.data").contains("→ " + clean));

        Files.writeString(noisy.resolve("broken.png"), "not a png");
        Path second = dir.resolve("second.onnx");
        String message = failure("folder=[" + noisy + "] clean=[" + clean + "] file=[" + second + "] " + TINY);
        assertTrue(message.contains("broken.png") && message.contains("cannot be used"), message);
        assertFalse(Files.exists(second), "no model without all the data");
    }

    /** Runs the command, checks that it failed and stopped the macro, and returns its message. */
    private static String failure(String options) {
        IJ.getErrorMessage();
        HeadlessImageJ.Run run = HeadlessImageJ.attempt(null, TrainOnFolder.COMMAND, options);
        assertTrue(run.aborted(), "the error stops the macro that ran the command");
        String message = IJ.getErrorMessage();
        assertTrue(message != null && message.startsWith("Train on Folder: "), String.valueOf(message));
        return message;
    }

    @Test
    void optionsAreCheckedBeforeAnyImageIsRead() throws Exception {
        assertTrue(failure("name=x").contains("no folder given"));
        assertTrue(failure("folder=[" + dir + "] colour=red").contains("colour"));
    }
}
