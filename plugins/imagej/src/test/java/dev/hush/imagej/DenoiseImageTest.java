package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import java.awt.Rectangle;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Denoise Image... run as a macro runs it, headless, on in-memory images of every type; each result is checked
 * against the runtime's {@link ImageDenoiser} on the same pixels with the same model and tile size.
 */
class DenoiseImageTest {
    static final String COMMAND = "Hush Denoise Image...";
    static final String OPTIONS = "model=[image-gray-small] device=cpu tile=32 threads=1";
    static final Rectangle ALL = new Rectangle(0, 0, TestImages.W, TestImages.H);
    private static DenoiserModel model;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
        model = DenoiserModel.openShipped("image-gray-small", SessionConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void tearDown() throws HushException {
        model.close();
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    /** What the runtime makes of the same values, with the same model and tile size. */
    static float[] reference(float[] values, Rectangle r, int tile) throws HushException {
        return new ImageDenoiser(model).withTileSize(tile).denoise(FloatImage.gray(r.width, r.height, values),
                ProgressListener.NONE).data();
    }

    /** 8, 16-bit and RGB results are the reference rounded and clamped (±1 for float rounding); 32-bit equal. */
    static void assertMatches(float[] expected, float[] got, int bitDepth) {
        int max = bitDepth == 16 ? 65535 : 255;
        for (int i = 0; i < got.length; i++) {
            if (bitDepth == 32) {
                assertEquals(expected[i], got[i], 1e-4, "pixel " + i);
            } else {
                int want = StackDenoiser.clampRound(expected[i], max);
                assertTrue(Math.abs(want - got[i]) <= 1, "pixel " + i + ": expected " + want + ", got " + got[i]);
            }
        }
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    static ImagePlus only(List<ImagePlus> made) {
        assertEquals(1, made.size(), "one new image, got " + made);
        return made.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8-bit", "16-bit", "32-bit"})
    void grayImagesMatchTheRuntimeAndKeepTheirMetadata(String type) throws Exception {
        ImagePlus imp = TestImages.image("cells", type, 1);
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.25;
        cal.pixelHeight = 0.5;
        cal.setUnit("micron");
        imp.setProperty("Info", "acquired by a test");
        imp.setProp("sample", "A1");
        double lo = imp.getBitDepth() == 8 ? 10 : imp.getBitDepth() == 16 ? 1200 : -1.5;
        double hi = imp.getBitDepth() == 8 ? 240 : imp.getBitDepth() == 16 ? 3900 : 2.5;
        imp.setDisplayRange(lo, hi);
        Object[] before = TestImages.snapshot(imp);

        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, OPTIONS));

        assertEquals("cells-denoised", out.getTitle());
        assertEquals(imp.getBitDepth(), out.getBitDepth());
        assertEquals(TestImages.W, out.getWidth());
        assertEquals(TestImages.H, out.getHeight());
        assertEquals(1, out.getStackSize());
        assertEquals(0.25, out.getCalibration().pixelWidth);
        assertEquals(0.5, out.getCalibration().pixelHeight);
        assertEquals("micron", out.getCalibration().getUnit());
        assertEquals("acquired by a test", out.getProperty("Info"));
        assertEquals("A1", out.getProp("sample"));
        assertEquals(lo, out.getDisplayRangeMin(), 1e-6);
        assertEquals(hi, out.getDisplayRangeMax(), 1e-6);

        float[] in = TestImages.values(imp.getProcessor(), ALL, 0);
        float[] got = TestImages.values(out.getProcessor(), ALL, 0);
        assertMatches(reference(in, ALL, 32), got, imp.getBitDepth());
        double sigma = imp.getBitDepth() == 8 ? 20 : imp.getBitDepth() == 16 ? 250 : 0.4;
        assertTrue(meanAbsDiff(in, got) > 0.25 * sigma, "the noise was removed");
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
        assertEquals("cells", imp.getTitle());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8-bit", "32-bit"})
    void theRemovedNoiseIsInputMinusOutput(String type) throws Exception {
        ImagePlus imp = TestImages.image("cells", type, 1);
        List<ImagePlus> made = HeadlessImageJ.run(imp, COMMAND, OPTIONS + " noise");
        assertEquals(2, made.size(), "denoised and noise images, got " + made);
        ImagePlus out = made.get(0);
        ImagePlus noise = made.get(1);
        assertEquals("cells-denoised", out.getTitle());
        assertEquals("cells-noise", noise.getTitle());
        assertEquals(32, noise.getBitDepth());
        float[] in = TestImages.values(imp.getProcessor(), ALL, 0);
        float[] o = TestImages.values(out.getProcessor(), ALL, 0);
        float[] n = TestImages.values(noise.getProcessor(), ALL, 0);
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i] - o[i], n[i], 1e-6, "pixel " + i);
        }
    }

    @Test
    void rgbIsDenoisedColourByColour() throws Exception {
        ImagePlus imp = TestImages.image("flowers", "RGB", 1);
        Object[] before = TestImages.snapshot(imp);
        List<ImagePlus> made = HeadlessImageJ.run(imp, COMMAND, OPTIONS + " noise");
        assertEquals(2, made.size());
        ImagePlus out = made.get(0);
        ImagePlus noise = made.get(1);
        assertEquals(24, out.getBitDepth());
        assertEquals(3, noise.getStackSize(), "one noise plane per colour");
        for (int colour = 0; colour < 3; colour++) {
            float[] in = TestImages.values(imp.getProcessor(), ALL, colour);
            float[] got = TestImages.values(out.getProcessor(), ALL, colour);
            assertMatches(reference(in, ALL, 32), got, 24);
            float[] n = TestImages.values(noise.getStack().getProcessor(colour + 1), ALL, 0);
            for (int i = 0; i < in.length; i++) {
                assertEquals(in[i] - got[i], n[i], 1e-6);
            }
        }
        assertTrue(noise.getStack().getSliceLabel(1).endsWith("red"), noise.getStack().getSliceLabel(1));
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }

    @Test
    void everyPlaneOfAStackIsDenoised() throws Exception {
        ImagePlus imp = TestImages.image("timelapse", "8-bit", 3);
        for (int i = 1; i <= 3; i++) {
            imp.getStack().setSliceLabel("t" + i, i);
        }
        imp.setSlice(2);
        Object[] before = TestImages.snapshot(imp);

        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, OPTIONS));

        assertEquals(3, out.getStackSize());
        assertEquals(2, out.getCurrentSlice(), "shows the plane the original shows");
        for (int i = 1; i <= 3; i++) {
            assertEquals("t" + i, out.getStack().getSliceLabel(i));
            float[] in = TestImages.values(imp.getStack().getProcessor(i), ALL, 0);
            assertMatches(reference(in, ALL, 32), TestImages.values(out.getStack().getProcessor(i), ALL, 0), 8);
        }
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }

    @Test
    void aHyperstackDenoisesOnlyTheChosenChannels() throws Exception {
        ImagePlus imp = IJ.createHyperStack("hyper", TestImages.W, TestImages.H, 2, 2, 1, 16);
        for (int i = 1; i <= imp.getStackSize(); i++) {
            TestImages.fill(imp.getStack().getProcessor(i), i, 200 + i);
        }
        assertTrue(imp.isComposite());
        CompositeImage composite = (CompositeImage) imp;
        composite.setMode(IJ.COMPOSITE);
        imp.setPosition(1, 1, 1);
        imp.setDisplayRange(900, 4100);
        imp.setPosition(2, 1, 1);
        imp.setDisplayRange(1500, 3000);
        imp.setPosition(2, 2, 1);
        Object[] before = TestImages.snapshot(imp);

        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, OPTIONS + " channels=2"));

        assertTrue(out.isComposite(), "a composite stays a composite");
        assertEquals(IJ.COMPOSITE, ((CompositeImage) out).getMode());
        assertEquals(2, out.getNChannels());
        assertEquals(2, out.getNSlices());
        assertEquals(1, out.getNFrames());
        assertEquals(1500, ((CompositeImage) out).getChannelLut(2).min, 1e-6);
        assertEquals(3000, ((CompositeImage) out).getChannelLut(2).max, 1e-6);
        assertEquals(900, ((CompositeImage) out).getChannelLut(1).min, 1e-6);
        assertEquals(2, out.getChannel());
        assertEquals(2, out.getSlice());
        for (int z = 1; z <= 2; z++) {
            int c1 = imp.getStackIndex(1, z, 1);
            int c2 = imp.getStackIndex(2, z, 1);
            assertTrue(Objects.deepEquals(imp.getStack().getPixels(c1), out.getStack().getPixels(c1)),
                    "channel 1 is copied unchanged");
            float[] in = TestImages.values(imp.getStack().getProcessor(c2), ALL, 0);
            assertMatches(reference(in, ALL, 32), TestImages.values(out.getStack().getProcessor(c2), ALL, 0), 16);
        }
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
    }

    @Test
    void aSelectionLimitsTheWorkToItsBoundingBox() throws Exception {
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        imp.setRoi(new OvalRoi(10, 8, 30, 20));
        Rectangle box = new Rectangle(10, 8, 30, 20);
        Object[] before = TestImages.snapshot(imp);

        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, OPTIONS));

        assertEquals(TestImages.W, out.getWidth(), "the output is the whole image");
        float[] in = TestImages.values(imp.getProcessor(), box, 0);
        assertMatches(reference(in, box, 32), TestImages.values(out.getProcessor(), box, 0), 8);
        ImageProcessor a = imp.getProcessor();
        ImageProcessor b = out.getProcessor();
        for (int y = 0; y < TestImages.H; y++) {
            for (int x = 0; x < TestImages.W; x++) {
                if (!box.contains(x, y)) {
                    assertEquals(a.get(x, y), b.get(x, y), "outside the box at " + x + "," + y);
                }
            }
        }
        assertTrue(Objects.deepEquals(before, TestImages.snapshot(imp)), "the original is unchanged");
        assertEquals(box, imp.getRoi().getBounds(), "the selection is kept");
    }

    @Test
    void emptyOptionsUseTheDefaults() throws Exception {
        ImagePlus imp = TestImages.image("cells", "8-bit", 1);
        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, ""));
        assertEquals("cells-denoised", out.getTitle());
        // The default model through the runtime API with its automatic tiles: what the command must have done.
        try (DenoiserModel d = DenoiserModel.openShipped(DenoiseOptions.defaults().model(),
                SessionConfig.defaults().withThreads(1))) {
            float[] in = TestImages.values(imp.getProcessor(), ALL, 0);
            float[] want = new ImageDenoiser(d).denoise(FloatImage.gray(ALL.width, ALL.height, in),
                    ProgressListener.NONE).data();
            assertMatches(want, TestImages.values(out.getProcessor(), ALL, 0), 8);
        }
    }

    @Test
    void theRecordedOptionsReplayTheSameResult() throws Exception {
        ImagePlus imp = TestImages.image("cells", "16-bit", 1);
        DenoiseOptions asked = new DenoiseOptions("image-gray-small", "", "cpu", 24, 1, "all", false);
        ij.plugin.frame.Recorder.resetCommandOptions();
        asked.record(false);
        String recorded = ij.plugin.frame.Recorder.getCommandOptions();
        IJ.getErrorMessage(); // forget an error another test left in ImageJ's static state
        ImagePlus out = only(HeadlessImageJ.run(imp, COMMAND, recorded));
        float[] in = TestImages.values(imp.getProcessor(), ALL, 0);
        assertMatches(reference(in, ALL, 24), TestImages.values(out.getProcessor(), ALL, 0), 16);
        assertNull(IJ.getErrorMessage());
        assertFalse(out.changes);
    }
}
