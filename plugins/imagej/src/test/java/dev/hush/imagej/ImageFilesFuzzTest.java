package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageFiles#read} on damaged and hostile PNG and TIFF bytes: an image or a {@link HushException}, never
 * another exception, an exhausted heap or a hang.
 */
class ImageFilesFuzzTest {

    static void read(byte[] data, Path dir) throws HushException, IOException {
        Path f = dir.resolve(name(data));
        Files.write(f, data);
        ImageFiles.read(f);
    }

    private static String name(byte[] data) {
        return data.length > 1 && (data[0] == 'I' || data[0] == 'M') ? "fuzz.tif" : "fuzz.png";
    }

    @FuzzTest(maxDuration = "120s")
    void imageBytes(byte[] data) throws Exception {
        Mutations.readAsFile(data, name(data), HushException.class, ImageFiles::read);
    }

    /** ImageJ keeps the last decoding error in a static field; the tests that run after these start clean. */
    @org.junit.jupiter.api.AfterEach
    void forgetImageJsLastError() {
        ij.IJ.getErrorMessage();
    }

    @Test
    void damagedPngAndTiffFilesAreRefusedCleanly(@TempDir Path dir) throws Exception {
        List<byte[]> seeds = seeds(dir);
        int refused = Mutations.sweep(seeds, 120, HushException.class, Duration.ofSeconds(240), b -> read(b, dir));
        assertTrue(refused > 0, "some mutants are refused");
    }

    /** Small valid files of the kinds hush image reads: 8- and 16-bit grey PNG, palette PNG, a 16-bit TIFF stack. */
    static List<byte[]> seeds(Path dir) throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        BufferedImage grey = new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 16 * 12; i++) {
            grey.getRaster().setSample(i % 16, i / 16, 0, (i * 37) & 0xff);
        }
        seeds.add(png(grey, dir.resolve("g8.png")));
        BufferedImage g16 = new BufferedImage(9, 7, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(3, 3, 0, 40000);
        seeds.add(png(g16, dir.resolve("g16.png")));
        byte[] lut = {0, (byte) 90, (byte) 180, (byte) 255};
        BufferedImage pal = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, lut, lut, lut));
        seeds.add(png(pal, dir.resolve("pal.png")));
        ImageStack stack = new ImageStack(10, 6);
        for (int z = 0; z < 3; z++) {
            ShortProcessor sp = new ShortProcessor(10, 6);
            sp.set(z * 1000);
            stack.addSlice(sp);
        }
        Path tif = dir.resolve("stack.tif");
        new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(tif.toString());
        seeds.add(Files.readAllBytes(tif));
        for (byte[] s : seeds) {
            try {
                read(s, dir);
            } catch (HushException e) {
                throw new AssertionError("a seed must be valid: " + e.getMessage(), e);
            }
        }
        return seeds;
    }

    private static byte[] png(BufferedImage img, Path file) throws IOException {
        ImageIO.write(img, "png", file.toFile());
        return Files.readAllBytes(file);
    }

}
