package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.ImagePlus;
import ij.VirtualStack;
import ij.gui.Roi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gives a message that says what to do, leaves the user's images as they were and makes no image.
 * Headless, the message goes to the log prefixed with the command, and ImageJ keeps it as the last error.
 */
class DenoiseImageErrorsTest {
    static final String COMMAND = DenoiseImageTest.COMMAND;
    static final String OPTIONS = DenoiseImageTest.OPTIONS;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    /** Runs the command, checks that it failed cleanly, and returns its message. */
    private static String failure(ImagePlus imp, String options) {
        IJ.getErrorMessage(); // forget an earlier one
        Object[] before = imp == null ? null : TestImages.snapshot(imp);
        HeadlessImageJ.Run run = HeadlessImageJ.attempt(imp, COMMAND, options);
        assertEquals(List.of(), run.made(), "no image is made");
        assertTrue(run.aborted(), "the error stops the macro that ran the command");
        if (imp != null) {
            assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the image is unchanged");
        }
        String message = IJ.getErrorMessage();
        assertNotNull(message, "an error is reported");
        assertTrue(message.startsWith("Denoise Image: "), message);
        return message;
    }

    private static void assertSays(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void noImage() {
        assertSays(failure(null, OPTIONS), "no image open", "File › Open");
    }

    @Test
    void aOneByOneImage() {
        assertSays(failure(IJ.createImage("dot", "8-bit black", 1, 1, 1), OPTIONS), "'dot' is 1×1 pixels", "at least 3×3");
    }

    @Test
    void aTinySelection() {
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        imp.setRoi(new Roi(5, 5, 2, 2));
        assertSays(failure(imp, OPTIONS), "selection", "2×2", "Select None");
    }

    @Test
    void aVirtualStack() {
        ImagePlus imp = new ImagePlus("on disk", new VirtualStack(TestImages.W, TestImages.H, 3));
        assertSays(failure(imp, OPTIONS), "virtual stack", "Duplicate");
    }

    @Test
    void nanPixels() {
        ImagePlus imp = TestImages.image("float", "32-bit", 2);
        imp.getStack().getProcessor(2).setf(3, 4, Float.NaN);
        assertSays(failure(imp, OPTIONS), "1 NaN", "plane 2", "Remove NaNs");
    }

    @Test
    void nanPixelsOutsideTheSelectionDoNotMatter() {
        ImagePlus imp = TestImages.image("float", "32-bit", 1);
        imp.getProcessor().setf(1, 1, Float.NaN);
        imp.setRoi(new Roi(10, 10, 20, 20));
        assertEquals(1, HeadlessImageJ.run(imp, COMMAND, OPTIONS).size());
    }

    @Test
    void aModelFileThatIsGone() throws Exception {
        Path model = dir.resolve("my model.onnx");
        Files.write(model, ShippedModels.bytes("image-gray-small"));
        Files.delete(model); // deleted between choosing it and running
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        assertSays(failure(imp, "model=[" + model + "] device=cpu"), "my model.onnx does not exist", "shipped model");
        assertSays(failure(imp, "model=[File...] file=[" + model + "]"), "does not exist");
    }

    @Test
    void fileWithoutAPath() {
        assertSays(failure(TestImages.image("cells", "8-bit", 1), "model=[File...]"), "no model file given",
                "model=[/path/to/model.onnx]");
    }

    @Test
    void anAudioModel() throws Exception {
        Map<String, String> audio = new LinkedHashMap<>();
        audio.put("hush.domain", "audio");
        audio.put("hush.output", "mask");
        audio.put("hush.name", "audio-test");
        audio.put("hush.audio.sample_rate", "16000");
        audio.put("hush.audio.n_fft", "512");
        audio.put("hush.audio.hop", "128");
        audio.put("hush.audio.window", "hann");
        Path model = dir.resolve("audio-test.onnx");
        Files.write(model, OnnxMetadata.with(ShippedModels.bytes("image-gray-small"), audio));
        assertSays(failure(TestImages.image("cells", "16-bit", 1), "model=[" + model + "]"),
                "'audio-test.onnx' is an audio model", "needs an image model", "image-gray-small");
    }

    @Test
    void aFileThatIsNotAModel() throws Exception {
        Path model = dir.resolve("notes.onnx");
        Files.writeString(model, "not a model\n");
        assertSays(failure(TestImages.image("cells", "8-bit", 1), "model=[" + model + "]"), "not a readable ONNX model");
    }

    @Test
    void typosAndBadValuesInOptions() {
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        assertSays(failure(imp, "model=[image-gray-small] tiles=256"), "unknown option 'tiles'", "tile, threads");
        assertSays(failure(imp, "tile=-5"), "'tile=-5' is not valid", "whole number");
        assertSays(failure(imp, "threads=two"), "'threads=two' is not valid");
        assertSays(failure(imp, "device=gpu"), "unknown device 'gpu'", "auto");
    }

    @Test
    void channelsTheImageDoesNotHave() {
        ImagePlus hyper = IJ.createHyperStack("hyper", TestImages.W, TestImages.H, 2, 1, 1, 8);
        assertSays(failure(hyper, OPTIONS + " channels=3"), "channel(s) 3", "has 2 channels");
        assertSays(failure(hyper, OPTIONS + " channels=one"), "not a channel list");
        assertSays(failure(TestImages.image("cells", "8-bit", 1), OPTIONS + " channels=2"), "has 1 channel");
    }

    @Test
    void aModelWhoseChannelsDoNotFitTheImage() throws Exception {
        // No shipped model has 3 channels, so this asks the job directly, as if the model said so.
        try (DenoiserModel model = DenoiserModel.openShipped("image-gray-small", SessionConfig.defaults())) {
            ImageDenoiser denoiser = new ImageDenoiser(model);
            StackProgress progress = new StackProgress("test", 1);
            StackDenoiser gray = StackDenoiser.prepare(TestImages.image("cells", "16-bit", 1), "all");
            assertSays(assertThrows(HushException.class, () -> gray.run(denoiser, "rgb-model", 3, false, progress, new dev.hush.runtime.RunContext()))
                    .getMessage(), "'rgb-model' denoises 3-channel images", "16-bit grayscale", "RGB Color");
            StackDenoiser rgb = StackDenoiser.prepare(TestImages.image("flowers", "RGB", 1), "all");
            assertSays(assertThrows(HushException.class, () -> rgb.run(denoiser, "two", 2, false, progress, new dev.hush.runtime.RunContext()))
                    .getMessage(), "colour by colour", "1 or 3 channels");
        }
    }
}
