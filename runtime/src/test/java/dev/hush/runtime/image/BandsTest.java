package dev.hush.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Denoising an image band by band (for images too large to hold): the statistics gathered from rows handed over in
 * pieces equal the whole-image fit, and the bands put together equal the whole-image result, with the shipped
 * noise-level model (halo 91, size multiple 8), for a single noise level and for a noise map.
 */
class BandsTest {
    private static DenoiserModel model;

    @BeforeAll
    static void open() throws HushException {
        model = DenoiserModel.openShipped("image-gray-multiscale", SessionConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void close() throws HushException {
        model.close();
    }

    /** The image's rows handed to the statistics in uneven pieces (odd sizes, so 2×2 blocks straddle them). */
    static ImageStatistics inPieces(FloatImage img, long seed) {
        ImageStatistics s = new ImageStatistics(img.width(), img.height());
        Random r = new Random(seed);
        int y = 0;
        while (y < img.height()) {
            int n = Math.min(img.height() - y, 1 + r.nextInt(23));
            s.rows(img.data(), y * img.width(), n);
            y += n;
        }
        assertTrue(s.complete());
        return s;
    }

    /** A scene whose noise grows with brightness (variance 0.8 · intensity), as shot noise does. */
    static FloatImage shotNoise(long seed) {
        float[] px = NoiseLevelTest.scene();
        Random r = new Random(seed);
        for (int i = 0; i < px.length; i++) {
            px[i] += (float) (Math.sqrt(0.8 * px[i]) * r.nextGaussian());
        }
        return FloatImage.gray(NoiseLevelTest.W, NoiseLevelTest.H, px);
    }

    @Test
    void statisticsFromRowsInPiecesEqualTheWholeImageFit() {
        FloatImage gauss = ImageDenoiserTest.noisyScene(333, 271, 15, 3);
        ImageStatistics s = inPieces(gauss, 1);
        assertEquals(Normalization.fit(model.contract(), gauss), s.normalization(model.contract()));
        assertEquals(NoiseLevel.estimate(gauss), s.sigma());
        assertNull(s.curve(), "the same noise at every brightness: no map");

        FloatImage shot = shotNoise(2);
        ImageStatistics t = inPieces(shot, 2);
        NoiseLevel.Curve curve = t.curve();
        assertNotNull(curve, "noise that grows with brightness gets a map");
        assertArrayEquals(NoiseLevel.map(shot), curve.map(shot.data(), shot.width(), shot.height()));
    }

    @Test
    void statisticsRefuseAnIncompleteImage() {
        ImageStatistics s = new ImageStatistics(10, 10);
        s.rows(new float[50], 0, 5);
        assertThrows(IllegalStateException.class, s::sigma);
        assertThrows(IllegalArgumentException.class, () -> s.rows(new float[60], 0, 6));
    }

    /** The image denoised band by band, {@code core} rows at a time, each band given exactly its context. */
    static FloatImage inBands(ImageDenoiser d, FloatImage img, int core) throws HushException {
        ImageDenoiser.Bands bands = d.bands(inPieces(img, 7));
        int w = img.width();
        int h = img.height();
        int ctx = bands.context();
        float[] out = new float[w * h];
        for (int from = 0; from < h; from += core) {
            int to = Math.min(h, from + core);
            int first = Math.max(0, from - ctx);
            int last = Math.min(h, to + ctx);
            FloatImage rows = FloatImage.gray(w, last - first, Arrays.copyOfRange(img.data(), first * w, last * w));
            FloatImage y = bands.denoise(rows, first, from, to, new RunContext());
            assertEquals(to - from, y.height());
            System.arraycopy(y.data(), 0, out, from * w, y.data().length);
        }
        return FloatImage.gray(w, h, out);
    }

    @Test
    void bandsPutTogetherEqualTheWholeImageResult() throws HushException {
        ImageDenoiser d = new ImageDenoiser(model);
        FloatImage gauss = ImageDenoiserTest.noisyScene(300, 310, 20, 4);
        float[] whole = d.denoise(gauss, new RunContext()).data();
        // 37-row bands: their regions start at rows that are not multiples of the model's size multiple (8).
        for (int core : new int[] {37, 64, 310}) {
            double diff = ImageDenoiserTest.maxAbsDiff(whole, inBands(d, gauss, core).data());
            assertTrue(diff <= 1e-3, core + "-row bands differ from the whole image by " + diff);
        }
        FloatImage shot = shotNoise(5);
        double diff = ImageDenoiserTest.maxAbsDiff(d.denoise(shot, new RunContext()).data(), inBands(d, shot, 29).data());
        assertTrue(diff <= 1e-3, "with a noise map, bands differ from the whole image by " + diff);
        // A given noise level too.
        ImageDenoiser given = d.withNoiseSigma(12);
        diff = ImageDenoiserTest.maxAbsDiff(given.denoise(gauss, new RunContext()).data(), inBands(given, gauss, 50).data());
        assertTrue(diff <= 1e-3, "with --sigma, bands differ from the whole image by " + diff);
        // And the flipped and turned copies of an ensemble (the regions must line up from the bottom edge too).
        ImageDenoiser eight = d.withEnsemble(8);
        FloatImage small = ImageDenoiserTest.noisyScene(120, 150, 20, 9);
        diff = ImageDenoiserTest.maxAbsDiff(eight.denoise(small, new RunContext()).data(), inBands(eight, small, 37).data());
        assertTrue(diff <= 1e-3, "with an ensemble of 8, bands differ from the whole image by " + diff);
    }

    @Test
    void aBandWithoutItsContextIsRefused() throws HushException {
        FloatImage img = ImageDenoiserTest.noisyScene(64, 300, 10, 6);
        ImageDenoiser.Bands bands = new ImageDenoiser(model).bands(inPieces(img, 8));
        FloatImage rows = FloatImage.gray(64, 100, Arrays.copyOfRange(img.data(), 100 * 64, 200 * 64));
        assertThrows(IllegalArgumentException.class, () -> bands.denoise(rows, 100, 120, 160, new RunContext()));
    }
}
