package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.image.ImageMetrics;
import ij.IJ;
import ij.ImagePlus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compare... run as a macro runs it, headless: the panels, their values, and PSNR/SSIM against a ground truth. */
class CompareImagesTest {
    static final String COMMAND = "Hush Compare...";
    static final int W = TestImages.W;
    static final int H = TestImages.H;

    @BeforeAll
    static void setUp() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterEach
    void closeImages() {
        HeadlessImageJ.closeAll();
    }

    /** A noisy 8-bit image, a "denoised" one (the clean scene) and the ground truth (the same scene), all shown. */
    private static ImagePlus[] trio(int slices) {
        ImagePlus noisy = TestImages.image("cells", "8-bit", slices);
        ImagePlus denoised = IJ.createImage("cells-denoised", "8-bit black", W, H, slices);
        ImagePlus truth = IJ.createImage("truth", "8-bit black", W, H, slices);
        for (int i = 1; i <= slices; i++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int v = (int) Math.round(Math.max(0, Math.min(255, 255 * TestImages.scene(x, y, i))));
                    truth.getStack().getProcessor(i).set(x, y, v);
                    denoised.getStack().getProcessor(i).set(x, y, Math.min(255, v + 2));
                }
            }
        }
        truth.show();
        denoised.show();
        noisy.show();
        return new ImagePlus[] {noisy, denoised, truth};
    }

    private static ImagePlus only(List<ImagePlus> made) {
        assertEquals(1, made.size(), "one new image, got " + made);
        return made.get(0);
    }

    @Test
    void theMontageShowsThePanelsSideBySide() {
        ImagePlus[] t = trio(2);
        ImagePlus out = only(HeadlessImageJ.run(t[0], COMMAND, ""));
        assertEquals("cells-comparison", out.getTitle(), "defaults: the active image and <title>-denoised");
        assertEquals(24, out.getBitDepth());
        assertEquals(3 * W + 2 * Comparison.GAP, out.getWidth());
        assertEquals(H, out.getHeight());
        assertEquals(2, out.getStackSize(), "one montage per plane");
        assertEquals(3, out.getOverlay().size(), "a label per panel");
        // 8-bit with the full display range: the noisy and denoised panels are their own pixels in grey.
        for (int y = 0; y < H; y += 7) {
            for (int x = 0; x < W; x += 5) {
                int noisy = t[0].getStack().getProcessor(2).get(x, y);
                int denoised = t[1].getStack().getProcessor(2).get(x, y);
                assertEquals(noisy, out.getStack().getProcessor(2).get(x, y) & 0xff);
                assertEquals(denoised, out.getStack().getProcessor(2).get(W + Comparison.GAP + x, y) & 0xff);
            }
        }
    }

    @Test
    void theStackHoldsTheValuesAndTheMetricsMatchTheRuntime() {
        ImagePlus[] t = trio(1);
        ImagePlus out = only(HeadlessImageJ.run(t[0], COMMAND,
                "noisy=cells denoised=cells-denoised truth=truth layout=stack"));
        assertEquals(32, out.getBitDepth());
        assertEquals(4, out.getNChannels(), "noisy, denoised, difference, ground truth");
        assertEquals("noisy − denoised", out.getStack().getSliceLabel(3));
        float[] noisy = (float[]) t[0].getProcessor().convertToFloat().getPixels();
        float[] denoised = (float[]) t[1].getProcessor().convertToFloat().getPixels();
        float[] truth = (float[]) t[2].getProcessor().convertToFloat().getPixels();
        float[] diff = (float[]) out.getStack().getPixels(3);
        for (int i = 0; i < diff.length; i++) {
            assertEquals(noisy[i] - denoised[i], diff[i], 0, "pixel " + i);
        }
        assertEquals(ImageMetrics.psnr(noisy, truth, 255), Double.parseDouble(out.getProp("hush.psnr.noisy")), 1e-3);
        assertEquals(ImageMetrics.psnr(denoised, truth, 255), Double.parseDouble(out.getProp("hush.psnr.denoised")), 1e-3);
        assertEquals(ImageMetrics.ssim(denoised, truth, W, H, 255), Double.parseDouble(out.getProp("hush.ssim.denoised")),
                1e-4);
        assertTrue(Double.parseDouble(out.getProp("hush.psnr.denoised")) > Double.parseDouble(out.getProp("hush.psnr.noisy")));
        // As docs/imagej.md shows it to macros.
        String fromMacro = IJ.runMacro("selectImage('cells-comparison'); return d2s(Property.getNumber('hush.psnr.denoised'), 4);"
                .replace('\'', '"'));
        assertEquals(Double.parseDouble(out.getProp("hush.psnr.denoised")), Double.parseDouble(fromMacro), 1e-4);
    }

    @Test
    void sixteenBitMetricsUseTheGroundTruthsRange() throws Exception {
        ImagePlus noisy = TestImages.image("n", "16-bit", 1);
        ImagePlus truth = IJ.createImage("t", "16-bit black", W, H, 1);
        for (int i = 0; i < W * H; i++) {
            truth.getProcessor().set(i, 1000 + (int) Math.round(3000 * TestImages.scene(i % W, i / W, 1)));
        }
        ImagePlus denoised = truth.duplicate();
        denoised.setTitle("d");
        truth.show();
        denoised.show();
        noisy.show();
        Comparison c = Comparison.of(noisy, denoised, truth);
        Comparison.PlaneMetrics m = c.metrics().get(0);
        assertEquals(truth.getStatistics().max - truth.getStatistics().min, m.peak(), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, m.psnrDenoised());
        assertEquals(1.0, m.ssimDenoised(), 1e-9);
        ImagePlus out = only(HeadlessImageJ.run(noisy, COMMAND, "noisy=n denoised=d truth=t"));
        assertEquals(4 * W + 3 * Comparison.GAP, out.getWidth(), "the ground truth is the fourth panel");
    }

    @Test
    void mismatchesAreExplained() {
        ImagePlus[] t = trio(1);
        ImagePlus small = IJ.createImage("small", "8-bit black", 20, 20, 1);
        small.show();
        t[0].show();
        assertTrue(failure(t[0], "denoised=small").contains("'small' (20×20×1, 8-bit) does not match the noisy image"));
        assertTrue(failure(t[0], "denoised=cells").contains("the same image"));
        assertTrue(failure(t[0], "layout=grid").contains("layout must be montage"));
        assertTrue(failure(t[0], "truth=missing").contains("no open image titled 'missing'"));
        assertTrue(failure(t[0], "ground=truth").contains("unknown option 'ground'"));
    }

    private static String failure(ImagePlus imp, String options) {
        IJ.getErrorMessage();
        HeadlessImageJ.Run run = HeadlessImageJ.attempt(imp, COMMAND, options);
        assertTrue(run.aborted());
        assertEquals(List.of(), run.made());
        String message = IJ.getErrorMessage();
        assertNotNull(message);
        assertTrue(message.startsWith("Compare: "), message);
        return message;
    }
}
