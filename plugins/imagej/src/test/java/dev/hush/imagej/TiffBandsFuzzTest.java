package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The band-by-band TIFF reader ({@link TiffBands}) on damaged and hostile bytes, as {@link ImageFileDenoiser} uses it:
 * the header checks ({@link ImageFiles#probe}), the layout, then every row read in bands of 5 rows through the
 * direct or the decoding reader. Each file is read or refused with a {@link HushException} (a decoding failure is
 * one, as the denoiser reports it), never another exception, an exhausted heap or a hang.
 */
class TiffBandsFuzzTest {

    static void readInBands(Path file) throws HushException {
        ImageFiles.probe(file);
        TiffBands.Layout layout = TiffBands.layout(file);
        try (TiffBands.Reader reader = TiffBands.Reader.open(file, layout)) {
            int w = layout.width();
            int rows = 5;
            float[] band = new float[rows * w * layout.samples()];
            for (int y = 0; y < layout.height(); y += rows) {
                reader.rows(y, Math.min(layout.height(), y + rows), band);
            }
        } catch (IOException e) {
            throw new HushException("cannot denoise " + file + " band by band: " + e.getMessage(), e);
        }
    }

    @FuzzTest(maxDuration = "120s")
    void bandBytes(byte[] data) throws Exception {
        Mutations.readAsFile(data, "fuzz.tif", HushException.class, TiffBandsFuzzTest::readInBands);
    }

    @Test
    void damagedTiffsAreReadOrRefusedCleanlyBandByBand(@TempDir Path dir) throws Exception {
        List<byte[]> seeds = seeds(dir);
        int refused = Mutations.sweep(seeds, 150, HushException.class, Duration.ofSeconds(240), b -> {
            Path f = dir.resolve("mutant.tif");
            Files.write(f, b);
            readInBands(f);
        });
        assertTrue(refused > 0, "some mutants are refused");
    }

    /**
     * Small valid TIFFs of each layout band by band reads: uncompressed 8-bit strips (ImageJ), 16-bit LZW strips, RGB
     * Deflate tiles and float PackBits strips (javax.imageio), an uncompressed BigTIFF ({@link TiffBands.Writer}).
     */
    static List<byte[]> seeds(Path dir) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        ByteProcessor bp = new ByteProcessor(20, 14);
        for (int i = 0; i < 20 * 14; i++) {
            bp.set(i, (i * 37) & 0xff);
        }
        Path plain = dir.resolve("plain.tif");
        assertTrue(new FileSaver(new ImagePlus("plain", bp)).saveAsTiff(plain.toString()));
        seeds.add(Files.readAllBytes(plain));
        BufferedImage g16 = new BufferedImage(18, 11, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage rgb = new BufferedImage(40, 36, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 18; x++) {
                g16.getRaster().setSample(x, y, 0, (x * 3001 + y * 7919) & 0xffff);
            }
        }
        for (int y = 0; y < 36; y++) {
            for (int x = 0; x < 40; x++) {
                rgb.setRGB(x, y, (x * 6) << 16 | (y * 7) << 8 | (x + y) * 3);
            }
        }
        seeds.add(TestImages.tiff(g16, dir.resolve("lzw.tif"), "LZW", 0, 0));
        seeds.add(TestImages.tiff(rgb, dir.resolve("tiles.tif"), "Deflate", 16, 16));
        java.awt.image.WritableRaster fr = java.awt.image.Raster.createWritableRaster(
                new java.awt.image.BandedSampleModel(java.awt.image.DataBuffer.TYPE_FLOAT, 9, 7, 1), null);
        for (int i = 0; i < 63; i++) {
            fr.setSample(i % 9, i / 9, 0, i * 0.37f - 5);
        }
        java.awt.color.ColorSpace grey = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(grey, false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT);
        seeds.add(TestImages.tiff(new BufferedImage(cm, fr, false, null), dir.resolve("float.tif"), "PackBits", 0, 0));
        Path big = dir.resolve("big.tif");
        try (TiffBands.Writer w = new TiffBands.Writer(big, 12, 9, 1, 16, new double[] {2, 2}, 3, "hush", true)) {
            float[] rows = new float[12 * 9];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i * 500;
            }
            w.rows(rows, 9);
        }
        seeds.add(Files.readAllBytes(big));
        for (byte[] s : seeds) {
            Path f = dir.resolve("seed.tif");
            Files.write(f, s);
            try {
                readInBands(f);
            } catch (HushException e) {
                throw new AssertionError("a seed must be valid: " + e.getMessage(), e);
            }
        }
        return seeds;
    }
}
