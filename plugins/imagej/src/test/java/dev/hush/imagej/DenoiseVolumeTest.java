package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.onnx.OnnxExport;
import ij.IJ;
import ij.ImagePlus;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Denoise Image... with a 3-D model (real ImageJ classes, a real tiny 3-D network trained here): each channel's z
 * planes at each time point go through the network as one volume, and the result is the runtime's
 * {@link ImageDenoiser#denoiseVolume} of the same planes.
 */
class DenoiseVolumeTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void train() throws Exception {
        HeadlessImageJ.install();
        ImageTrainingConfig c = ImageTrainingConfig.defaults().with("dims", "3").with("architecture", "residual")
                .with("depth", "3").with("width", "4").with("patch", "16").with("patch_z", "8").with("batch", "2")
                .with("epochs", "1").with("steps", "3").with("val_images", "1").with("val_size", "32")
                .with("data", "fluorescence").with("noise", "gaussian:10:30").with("seed", "3").with("threads", "1");
        model = dir.resolve("volume.onnx");
        OnnxExport.write(new ImageTrainer(c).train(new TrainingProgress() {
        }).model(), model);
    }

    @AfterAll
    static void closeAll() {
        HeadlessImageJ.closeAll();
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    private String options() {
        return "model=[" + model + "] device=cpu tile=32 threads=1";
    }

    /** The runtime's volume result for the given 1-based stack indices of {@code imp}, as floats. */
    private static List<float[]> reference(ImagePlus imp, int[] indices) throws Exception {
        Rectangle all = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
        List<FloatImage> in = new ArrayList<>();
        for (int i : indices) {
            in.add(FloatImage.gray(all.width, all.height, TestImages.values(imp.getStack().getProcessor(i), all, 0)));
        }
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            List<float[]> out = new ArrayList<>();
            for (FloatImage f : new ImageDenoiser(m).withTileSize(32).denoiseVolume(in, new RunContext())) {
                out.add(f.data());
            }
            return out;
        }
    }

    @Test
    void eachChannelAndTimePointOfAHyperstackIsOneVolume() throws Exception {
        // 2 channels × 5 z planes × 2 time points, 16-bit; only channel 2 chosen.
        ImagePlus imp = IJ.createHyperStack("cells", TestImages.W, TestImages.H, 2, 5, 2, 16);
        for (int i = 1; i <= imp.getStackSize(); i++) {
            TestImages.fill(imp.getStack().getProcessor(i), i % 3, 300 + i);
        }
        Object[] before = TestImages.snapshot(imp);

        ImagePlus out = DenoiseImageTest.only(HeadlessImageJ.run(imp, DenoiseImageTest.COMMAND, options()
                + " channels=2"));

        assertEquals(2, out.getNChannels());
        assertEquals(5, out.getNSlices());
        assertEquals(2, out.getNFrames());
        Rectangle all = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
        for (int t = 1; t <= 2; t++) {
            int[] volume = new int[5];
            for (int z = 1; z <= 5; z++) {
                volume[z - 1] = imp.getStackIndex(2, z, t);
                int c1 = imp.getStackIndex(1, z, t);
                assertTrue(Objects.deepEquals(imp.getStack().getPixels(c1), out.getStack().getPixels(c1)),
                        "channel 1 is copied unchanged");
            }
            List<float[]> expected = reference(imp, volume);
            for (int z = 0; z < 5; z++) {
                DenoiseImageTest.assertMatches(expected.get(z),
                        TestImages.values(out.getStack().getProcessor(volume[z]), all, 0), 16);
            }
        }
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }

    @Test
    void aVolumeIsNotThePlanesOneByOne() throws Exception {
        // The 3-D network sees the neighbouring planes: a plane's result depends on the planes above and below.
        ImagePlus stack = TestImages.image("stack", "32-bit", 4);
        ImagePlus out = DenoiseImageTest.only(HeadlessImageJ.run(stack, DenoiseImageTest.COMMAND, options()));
        ImagePlus alone = new ImagePlus("plane", stack.getStack().getProcessor(2).duplicate());
        ImagePlus outAlone = DenoiseImageTest.only(HeadlessImageJ.run(alone, DenoiseImageTest.COMMAND, options()));
        Rectangle all = new Rectangle(0, 0, stack.getWidth(), stack.getHeight());
        float[] inStack = TestImages.values(out.getStack().getProcessor(2), all, 0);
        float[] single = TestImages.values(outAlone.getProcessor(), all, 0);
        double diff = 0;
        for (int i = 0; i < single.length; i++) {
            diff = Math.max(diff, Math.abs(inStack[i] - single[i]));
            assertTrue(Float.isFinite(single[i]), "a single plane is a volume of depth 1, mirrored: finite");
        }
        assertTrue(diff > 1e-4, "plane 2 in the stack saw planes 1 and 3: " + diff);
        // The single plane is the runtime's volume of depth 1.
        DenoiseImageTest.assertMatches(reference(alone, new int[] {1}).get(0), single, 32);
    }

    @Test
    void rgbStacksAreDenoisedColourByColourAsVolumes() throws Exception {
        ImagePlus rgb = TestImages.image("colour", "RGB", 3);
        List<ImagePlus> made = HeadlessImageJ.run(rgb, DenoiseImageTest.COMMAND, options() + " noise");
        assertEquals(2, made.size(), "the denoised stack and the removed noise");
        ImagePlus out = made.get(0);
        assertEquals(24, out.getBitDepth());
        assertEquals(3, out.getStackSize());
        Rectangle all = new Rectangle(0, 0, rgb.getWidth(), rgb.getHeight());
        for (int colour = 0; colour < 3; colour++) {
            List<FloatImage> in = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                in.add(FloatImage.gray(all.width, all.height, TestImages.values(rgb.getStack().getProcessor(i), all,
                        colour)));
            }
            try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
                List<FloatImage> ref = new ImageDenoiser(m).withTileSize(32).denoiseVolume(in, new RunContext());
                for (int i = 1; i <= 3; i++) {
                    DenoiseImageTest.assertMatches(ref.get(i - 1).data(),
                            TestImages.values(out.getStack().getProcessor(i), all, colour), 24);
                }
            }
        }
    }
}
