package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.ImagePlus;
import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train Denoiser run as a macro runs it, headless, with tiny networks and a few steps: Noise2Void on the active
 * stack, pairs from two open images, the model it writes denoises, Esc writes no model, and bad options are explained
 * before the trainer starts.
 */
class TrainDenoiserTest {
    static final String N2V = "Hush Train Denoiser (Noise2Void)...";
    static final String PAIRS = "Hush Train Denoiser (Pairs)...";
    /** A tiny run: a 3-layer, 4-channel residual network, 2 epochs of 2 steps of 4 patches of 32 px. */
    static final String TINY = "architecture=residual depth=3 width=4 epochs=2 steps=2 patch=32 batch=4";

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void cleanUp() {
        IJ.resetEscape();
        HeadlessImageJ.closeAll();
    }

    /** A metadata entry of a written model, read with the trainer's ONNX protobuf classes. */
    static String metadata(Path model, String key) throws Exception {
        return dev.hush.trainer.onnx.OnnxProto.ModelProto.parseFrom(Files.readAllBytes(model)).getMetadataPropsList()
                .stream().filter(e -> e.getKey().equals(key)).findFirst().orElseThrow(() -> new AssertionError(key))
                .getValue();
    }

    @Test
    void noise2VoidTrainsOnTheStackWritesAModelAndDenoisesWithIt() throws Exception {
        ImagePlus imp = TestImages.image("cells", "16-bit", 2);
        Object[] before = TestImages.snapshot(imp);
        Path model = dir.resolve("cells-n2v.onnx");

        List<ImagePlus> made = HeadlessImageJ.run(imp, N2V, "name=cells-n2v file=[" + model + "] " + TINY
                + " mask=0.05 denoise");

        assertTrue(Files.isRegularFile(model), "the model is written");
        assertTrue(Files.isRegularFile(dir.resolve("cells-n2v.training.md")), "with its training report");
        assertEquals("n2v", metadata(model, "hush.training_mode"));
        assertTrue(metadata(model, "hush.data").contains("ImageJ image 'cells' (2 plane(s) of 64×48)"),
                metadata(model, "hush.data"));
        assertEquals("cells-n2v", metadata(model, "hush.name"));
        assertEquals(1, made.size(), "the image denoised with the new model: " + made);
        ImagePlus out = made.get(0);
        assertEquals("cells-denoised", out.getTitle());
        assertEquals(16, out.getBitDepth());
        assertEquals(2, out.getStackSize());
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            float[] in = TestImages.values(imp.getStack().getProcessor(2), DenoiseImageTest.ALL, 0);
            float[] want = new ImageDenoiser(m).denoise(FloatImage.gray(TestImages.W, TestImages.H, in),
                    ProgressListener.NONE).data();
            DenoiseImageTest.assertMatches(want, TestImages.values(out.getStack().getProcessor(2), DenoiseImageTest.ALL, 0),
                    16);
        }
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }

    @Test
    void pairsTrainFromTwoOpenImagesOfTheSameSize() throws Exception {
        ImagePlus noisy = TestImages.image("noisy", "32-bit", 1);
        ImagePlus clean = IJ.createImage("clean", "32-bit black", TestImages.W, TestImages.H, 1);
        for (int y = 0; y < TestImages.H; y++) {
            for (int x = 0; x < TestImages.W; x++) {
                clean.getProcessor().setf(x, y, (float) (-2 + 5 * TestImages.scene(x, y, 1)));
            }
        }
        clean.show();
        noisy.show();
        Path model = dir.resolve("pairs.onnx");

        List<ImagePlus> made = HeadlessImageJ.run(noisy, PAIRS, "noisy=noisy clean=clean name=pairs file=[" + model + "] "
                + TINY);

        assertEquals(List.of(), made, "no image without 'denoise'");
        assertEquals("pairs", metadata(model, "hush.training_mode"));
        assertTrue(metadata(model, "hush.metrics").startsWith("val_psnr="), "validated against the clean image");
        assertTrue(metadata(model, "hush.data").contains("'noisy' → 'clean'"), metadata(model, "hush.data"));
    }

    @Test
    void escCancelsTrainingAndWritesNoModel() throws Exception {
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        Path model = dir.resolve("cancelled.onnx");
        AtomicReference<HeadlessImageJ.Run> result = new AtomicReference<>();
        Thread run = new Thread(() -> result.set(HeadlessImageJ.attempt(imp, N2V, "file=[" + model + "] "
                + TINY.replace("steps=2", "steps=100000"))), "train cancel test");
        run.start();
        Thread.sleep(1500); // training set up and started (or the engine still loading: Esc is kept for it)
        assertTrue(run.isAlive(), "training must still be going to test cancelling it");
        IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        run.join(20_000);
        assertFalse(run.isAlive(), "training stopped");
        assertFalse(result.get().aborted(), "cancelling is not an error");
        assertEquals(List.of(), result.get().made());
        assertFalse(Files.exists(model), "no model is written");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing at all is written");
        }
    }

    /** Runs the command, checks that it failed cleanly, and returns its message. */
    private String failure(ImagePlus imp, String command, String options) {
        IJ.getErrorMessage();
        HeadlessImageJ.Run run = HeadlessImageJ.attempt(imp, command, options);
        assertTrue(run.aborted(), "the error stops the macro that ran the command");
        assertEquals(List.of(), run.made());
        String message = IJ.getErrorMessage();
        assertNotNull(message);
        assertTrue(message.startsWith("Train Denoiser: "), message);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no model is written");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return message;
    }

    @Test
    void badOptionsAndImagesAreExplainedBeforeTraining() {
        String file = " file=[" + dir.resolve("m.onnx") + "]";
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        assertTrue(failure(imp, N2V, "epoch=3" + file).contains("unknown option 'epoch'"));
        assertTrue(failure(imp, N2V, "architecture=transformer" + file).contains("residual, conv, unet"));
        assertTrue(failure(imp, N2V, "epochs=0" + file).contains("at least 1"));
        assertTrue(failure(imp, N2V, "mask=0.7" + file).contains("between 0 and 0.5"));
        assertTrue(failure(imp, N2V, "architecture=unet depth=3 patch=36" + file).contains("multiple of 8"));
        assertTrue(failure(imp, N2V, "patch=64" + file).contains("'cells' is 64×48 pixels, smaller than the 64-pixel"));
        assertTrue(failure(imp, N2V, "name=[my model]" + file).contains("letters, digits"));
        assertTrue(failure(imp, N2V, "file=[" + dir.resolve("m.txt") + "]").contains("must end in .onnx"));
        assertTrue(failure(imp, PAIRS, TINY + file).contains("no clean image given"));
        ImagePlus small = IJ.createImage("small", "8-bit black", 40, 40, 1);
        small.show();
        imp.show();
        assertTrue(failure(imp, PAIRS, "clean=small" + file).contains("differ; pairs must match pixel for pixel"));
        assertTrue(failure(imp, PAIRS, "clean=nothing" + file).contains("no open image titled 'nothing'"));
        HeadlessImageJ.closeAll();
        assertTrue(failure(null, N2V, "").contains("no image open"));
    }
}
