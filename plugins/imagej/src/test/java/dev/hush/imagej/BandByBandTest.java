package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.ImageDenoiser;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files denoised band by band (images too large to hold, or --stream): the same pixels as the whole-image path, the
 * input's calibration kept, BigTIFF read and written, and what cannot go band by band refused with what to do.
 */
class BandByBandTest {
    private static DenoiserModel model;

    @BeforeAll
    static void open() throws HushException {
        model = DenoiserModel.openShipped("image-gray-multiscale", SessionConfig.defaults().withThreads(2));
    }

    @AfterAll
    static void close() throws HushException {
        model.close();
    }

    private static ImageFileDenoiser files() throws HushException {
        return new ImageFileDenoiser(new ImageDenoiser(model), model);
    }

    /** A noisy 8- or 16-bit scene with a spatial calibration (0.25 micron per pixel). */
    private static Path noisyTiff(Path dir, String name, int w, int h, boolean sixteen, long seed) {
        Random r = new Random(seed);
        ImageProcessor ip = sixteen ? new ShortProcessor(w, h) : new ByteProcessor(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 110 + 70 * Math.sin(x / 13.0) * Math.cos(y / 17.0) + ((x / 50 + y / 50) % 2 == 0 ? 30 : 0);
                // 16-bit: shot noise (its level grows with brightness, so the runtime feeds a noise map)
                v = sixteen ? 40 * v + Math.sqrt(40 * 40 * v) * r.nextGaussian() : v + 18 * r.nextGaussian();
                ip.setf(x + y * w, (float) Math.max(0, Math.min(sixteen ? 65535 : 255, Math.round(v))));
            }
        }
        ImagePlus imp = new ImagePlus(name, ip);
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.25;
        cal.pixelHeight = 0.25;
        cal.setUnit("micron");
        Path file = dir.resolve(name);
        assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
        return file;
    }

    private static float[] pixels(Path file) {
        ImagePlus imp = IJ.openImage(file.toString());
        assertTrue(imp != null, "ImageJ opens " + file);
        ImageProcessor ip = imp.getProcessor();
        float[] v = new float[ip.getPixelCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ip.getf(i);
        }
        return v;
    }

    @Test
    void bandsGiveTheWholeImagesPixelsAndKeepItsCalibration(@TempDir Path dir) throws Exception {
        for (boolean sixteen : new boolean[] {false, true}) {
            Path in = noisyTiff(dir, (sixteen ? "s16" : "b8") + ".tif", 230, 301, sixteen, sixteen ? 2 : 1);
            Path whole = dir.resolve("whole-" + in.getFileName());
            Path banded = dir.resolve("banded-" + in.getFileName());
            ImageFileDenoiser.Result w = files().denoise(in, whole, null);
            assertFalse(w.banded());
            // 41-row bands: the regions around them start off the model's 8-row grid.
            ImageFileDenoiser.Result b = files().inBands(true).bandRows(41).denoise(in, banded, null);
            assertTrue(b.banded());
            assertEquals(1, b.planeCount());
            assertEquals(sixteen ? 16 : 8, b.bitDepth());
            assertTrue(b.notes().get(0).contains("band by band"), b.notes().toString());
            float[] a = pixels(whole);
            float[] c = pixels(banded);
            int differ = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - c[i]) <= 1, "pixel " + i + ": " + a[i] + " vs " + c[i]);
                differ += a[i] != c[i] ? 1 : 0;
            }
            assertTrue(differ <= a.length / 1000, differ + " pixels differ by a rounding step");
            ImagePlus back = IJ.openImage(banded.toString());
            assertEquals(sixteen ? 16 : 8, back.getBitDepth());
            assertEquals(0.25, back.getCalibration().pixelWidth, 1e-9);
            assertEquals("micron", back.getCalibration().getUnit());
        }
    }

    @Test
    void aBigTiffIsDenoisedBandByBandAndWrittenAsClassicTiff(@TempDir Path dir) throws Exception {
        Path classic = noisyTiff(dir, "in.tif", 190, 150, false, 3);
        float[] values = pixels(classic);
        Path big = dir.resolve("in-big.tif");
        try (TiffBands.Writer wr = new TiffBands.Writer(big, 190, 150, 1, 8, new double[] {4, 4}, 3, null, true)) {
            wr.rows(values, 150);
        }
        assertEquals(43, Files.readAllBytes(big)[2], "a BigTIFF header");
        TiffBands.Layout layout = TiffBands.layout(big);
        float[] read = new float[190 * 150];
        try (TiffBands.Reader rd = TiffBands.Reader.open(big, layout)) {
            rd.rows(0, 150, read);
        }
        assertArrayEquals(values, read, "BigTIFF round trip");
        assertEquals(4, layout.resolution()[0], 1e-9);
        HushException whole = assertThrows(HushException.class, () -> ImageFiles.read(big));
        assertTrue(whole.getMessage().contains("BigTIFF"), whole.getMessage());
        Path out = dir.resolve("out.tif");
        ImageFileDenoiser.Result r = files().denoise(big, out, null);
        assertTrue(r.banded(), "a BigTIFF cannot be read whole, so it goes band by band");
        float[] a = pixels(out);
        float[] b = pixels(denoised(classic, dir));
        for (int i = 0; i < a.length; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= 1, "pixel " + i);
        }
    }

    private static Path denoised(Path in, Path dir) throws HushException {
        Path out = dir.resolve("ref.tif");
        files().denoise(in, out, null);
        return out;
    }

    @Test
    void anImageAboveTheInMemoryLimitGoesBandByBandByItself(@TempDir Path dir) throws Exception {
        // 50000 × 46000 8-bit pixels (2.1 GiB): a header written as the band writer writes it, the rows left as a
        // sparse hole, so the file holds them without taking the disk space.
        Path huge = dir.resolve("huge.tif");
        long end;
        try (TiffBands.Writer w = new TiffBands.Writer(huge, 50000, 46000, 8, null, 0, null)) {
            end = Files.size(huge) + 50000L * 46000;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(end);
        }
        HushException whole = assertThrows(HushException.class, () -> ImageFiles.read(huge));
        assertTrue(whole.getMessage().contains("above the 2 GiB an image may take in memory")
                && whole.getMessage().contains("band by band"), whole.getMessage());
        // Above the default pixel limit (2^31): refused, with the option that lets it through ...
        HushException limit = assertThrows(HushException.class, () -> files().bandByBand(huge));
        assertTrue(limit.getMessage().contains("above the limit of 2147483648")
                && limit.getMessage().contains("--max-pixels 2300000000"), limit.getMessage());
        // ... which then sends it band by band.
        assertTrue(files().maxPixels(2_300_000_000L).bandByBand(huge), "2.1 GiB decoded: band by band");
        TiffBands.Layout layout = TiffBands.layout(huge);
        assertEquals(2_300_000_000L, layout.pixels());
        assertEquals(8, layout.bits());
    }

    @Test
    void whatCannotGoBandByBandIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path in = noisyTiff(dir, "in.tif", 64, 48, false, 4);
        Path png = dir.resolve("in.png");
        assertTrue(new FileSaver(IJ.openImage(in.toString())).saveAsPng(png.toString()));
        Path out = dir.resolve("out.tif");
        HushException e = assertThrows(HushException.class, () -> files().inBands(true).denoise(png, out, null));
        assertTrue(e.getMessage().contains("PNG") && e.getMessage().contains("TIFF"), e.getMessage());
        e = assertThrows(HushException.class, () -> files().inBands(true).denoise(in, dir.resolve("out.png"), null));
        assertTrue(e.getMessage().contains("name the output .tif"), e.getMessage());
        e = assertThrows(HushException.class, () -> files().maxPixels(1000).denoise(in, out, null));
        assertTrue(e.getMessage().contains("3072 pixels, above the limit of 1000")
                && e.getMessage().contains("--max-pixels 3072"), e.getMessage());
        Path rgba = dir.resolve("rgba.tif");
        assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 24,
                java.awt.image.BufferedImage.TYPE_INT_ARGB), "tiff", rgba.toFile()));
        e = assertThrows(HushException.class, () -> files().inBands(true).denoise(rgba, out, null));
        assertTrue(e.getMessage().contains("4 samples per pixel (photometric 2: alpha)"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written for a refused file");
        assertEquals(HushException.Code.INVALID_INPUT, e.code());
    }

    /** {@code in}'s image rewritten by the JDK's TIFF writer, compressed, in strips or in tiles of 64×48. */
    private static Path compressed(Path in, Path out, String compression, boolean tiled) throws Exception {
        ImageProcessor ip = IJ.openImage(in.toString()).getProcessor();
        java.awt.image.BufferedImage img = ip instanceof ShortProcessor sp ? sp.get16BitBufferedImage()
                : ip.getBufferedImage();
        TestImages.tiff(img, out, compression, tiled ? 64 : 0, tiled ? 48 : 0);
        return out;
    }

    @Test
    void compressedStripsAndTilesAreDecodedBandByBandToTheSamePixels(@TempDir Path dir) throws Exception {
        for (boolean sixteen : new boolean[] {false, true}) {
            Path in = noisyTiff(dir, (sixteen ? "s16" : "b8") + ".tif", 230, 301, sixteen, sixteen ? 5 : 6);
            Path whole = dir.resolve("whole-" + in.getFileName());
            files().denoise(in, whole, null);
            float[] a = pixels(whole);
            for (String[] how : new String[][] {{"LZW", "strips"}, {"Deflate", "tiles"}, {"PackBits", "tiles"}}) {
                boolean tiled = how[1].equals("tiles");
                Path packed = compressed(in, dir.resolve(how[0] + "-" + how[1] + "-" + in.getFileName()), how[0],
                        tiled);
                TiffBands.Layout layout = TiffBands.layout(packed);
                assertFalse(layout.direct(), how[0] + " " + how[1]);
                assertEquals(tiled ? 48 : layout.rowsPerStrip(), layout.blockRows());
                Path banded = dir.resolve("banded-" + packed.getFileName());
                // 41-row bands against 48-row tiles: bands start inside tile rows and cross them.
                ImageFileDenoiser.Result b = files().inBands(true).bandRows(41).denoise(packed, banded, null);
                assertTrue(b.banded());
                assertEquals(sixteen ? 16 : 8, b.bitDepth());
                float[] c = pixels(banded);
                int differ = 0;
                for (int i = 0; i < a.length; i++) {
                    assertTrue(Math.abs(a[i] - c[i]) <= 1, how[0] + " " + how[1] + " pixel " + i + ": " + a[i]
                            + " vs " + c[i]);
                    differ += a[i] != c[i] ? 1 : 0;
                }
                assertTrue(differ <= a.length / 1000, differ + " pixels differ by a rounding step");
            }
        }
    }

    @Test
    void aCompressionThatBandByBandDoesNotDecodeIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path in = noisyTiff(dir, "in.tif", 64, 48, false, 7);
        Path packed = compressed(in, dir.resolve("packed.tif"), "Deflate", false);
        // The compression tag (259) rewritten to 34712 (JPEG 2000), which the JDK does not decode.
        byte[] bytes = Files.readAllBytes(packed);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(bytes[0] == 'M'
                ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        int ifd = b.getInt(4);
        int entries = b.getShort(ifd) & 0xffff;
        boolean found = false;
        for (int i = 0; i < entries; i++) {
            int at = ifd + 2 + 12 * i;
            if ((b.getShort(at) & 0xffff) == 259) {
                b.putShort(at + 8, (short) 34712);
                found = true;
            }
        }
        assertTrue(found, "the writer wrote a compression tag");
        Files.write(packed, bytes);
        HushException e = assertThrows(HushException.class, () -> TiffBands.layout(packed));
        assertTrue(e.getMessage().contains("TIFF compression 34712") && e.getMessage().contains("tiffcp -c none"),
                e.getMessage());
        Path out = dir.resolve("out.tif");
        assertThrows(HushException.class, () -> files().inBands(true).denoise(packed, out, null));
        assertFalse(Files.exists(out), "nothing written for a refused file");
    }

    @Test
    void rgbGoesBandByBandColourByColourAsTheWholeImageDoes(@TempDir Path dir) throws Exception {
        Random r = new Random(8);
        int w = 150;
        int h = 133;
        ij.process.ColorProcessor cp = new ij.process.ColorProcessor(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] rgb = new int[3];
                for (int k = 0; k < 3; k++) {
                    double v = 60 + 50 * k + 60 * Math.sin((x + 20 * k) / 11.0) * Math.cos(y / 15.0)
                            + 16 * r.nextGaussian();
                    rgb[k] = (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                cp.set(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
            }
        }
        Path in = dir.resolve("rgb.tif");
        assertTrue(new FileSaver(new ImagePlus("rgb", cp)).saveAsTiff(in.toString()));
        Path whole = dir.resolve("whole.tif");
        files().denoise(in, whole, null);
        int[] a = (int[]) IJ.openImage(whole.toString()).getProcessor().getPixels();
        Path lzw = compressed(in, dir.resolve("rgb-lzw.tif"), "LZW", true);
        for (Path source : new Path[] {in, lzw}) {
            Path banded = dir.resolve("banded-" + source.getFileName());
            ImageFileDenoiser.Result b = files().inBands(true).bandRows(29).denoise(source, banded, null);
            assertTrue(b.banded());
            assertEquals(24, b.bitDepth(), "reported as the whole-image path reports 8-bit RGB");
            assertTrue(b.notes().get(0).contains("RGB"), b.notes().toString());
            ImagePlus back = IJ.openImage(banded.toString());
            assertEquals(24, back.getBitDepth(), "written as RGB");
            int[] c = (int[]) back.getProcessor().getPixels();
            int differ = 0;
            for (int i = 0; i < a.length; i++) {
                for (int k = 0; k < 3; k++) {
                    int d = Math.abs((a[i] >> 8 * k & 0xff) - (c[i] >> 8 * k & 0xff));
                    assertTrue(d <= 1, source.getFileName() + " pixel " + i + " channel " + k + " off by " + d);
                    differ += d;
                }
            }
            assertTrue(differ <= 3 * a.length / 1000, differ + " samples differ by a rounding step");
        }
        // A 3-channel model is not what band by band runs: refused with the choice to make.
        try (DenoiserModel colour = DenoiserModel.openShipped("image-rgb-multiscale", SessionConfig.defaults())) {
            ImageFileDenoiser rgbModel = new ImageFileDenoiser(new ImageDenoiser(colour), colour).inBands(true);
            Path out = dir.resolve("refused.tif");
            HushException e = assertThrows(HushException.class, () -> rgbModel.denoise(in, out, null));
            assertTrue(e.getMessage().contains("pick a 1-channel model"), e.getMessage());
            assertFalse(Files.exists(out));
        }
    }
}
