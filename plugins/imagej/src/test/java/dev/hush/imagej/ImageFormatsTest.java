package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.HushException;
import dev.hush.runtime.image.FloatImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Formats whose plain decoding by ImageJ would change the image without a word: a palette (indices instead of
 * colours), transparency, 1-bit, signed 16-bit, and TIFF files whose images differ. Each is read as the intensities
 * it shows and said out loud, or refused.
 */
class ImageFormatsTest {

    @Test
    void aColourPalettePngIsReadAsItsColoursAndWrittenAsRgb(@TempDir Path dir) throws Exception {
        byte[] r = {0, (byte) 200, 10, 0};
        byte[] g = {0, 30, (byte) 220, 0};
        byte[] b = {0, 40, 50, (byte) 250};
        BufferedImage pal = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, r, g, b));
        pal.getRaster().setSample(3, 2, 0, 1);
        pal.getRaster().setSample(4, 2, 0, 3);
        Path file = dir.resolve("pal.png");
        ImageIO.write(pal, "png", file.toFile());
        ImageFiles.Loaded l = ImageFiles.read(file);
        assertEquals(24, l.bitDepth(), "written back as RGB");
        FloatImage p = l.planes().get(0);
        assertEquals(3, p.channels());
        int area = 8 * 6;
        int at = 2 * 8 + 3;
        assertEquals(200f, p.data()[at]);
        assertEquals(30f, p.data()[area + at]);
        assertEquals(40f, p.data()[2 * area + at]);
        assertEquals(250f, p.data()[2 * area + 2 * 8 + 4], "index 3 is blue, not the value 3");
        assertSays(l.notes(), "palette PNG", "24-bit RGB");
        Path out = dir.resolve("out.png");
        ImageFiles.write(out, l.planes(), l.bitDepth(), l.source());
        BufferedImage back = ImageIO.read(out.toFile());
        assertEquals(0xC81E28, back.getRGB(3, 2) & 0xFFFFFF, "the colour survives the round trip");
    }

    @Test
    void aGreyPalettePngIsReadAsItsGreyLevels(@TempDir Path dir) throws Exception {
        byte[] lut = {(byte) 255, (byte) 128, 0, 64}; // not the identity: index 0 is white
        BufferedImage pal = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, lut, lut, lut));
        pal.getRaster().setSample(1, 1, 0, 2);
        Path file = dir.resolve("grey.png");
        ImageIO.write(pal, "png", file.toFile());
        ImageFiles.Loaded l = ImageFiles.read(file);
        assertEquals(8, l.bitDepth());
        assertEquals(1, l.planes().get(0).channels());
        assertEquals(255f, l.planes().get(0).data()[0], "index 0 shows white");
        assertEquals(0f, l.planes().get(0).data()[5]);
        assertSays(l.notes(), "grey levels", "8-bit grey");
    }

    @Test
    void transparencyIsKeptAndOneBitImagesAreSaidOutLoud(@TempDir Path dir) throws Exception {
        BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(1, 1, 0x80ff0000);
        Path a = dir.resolve("rgba.png");
        ImageIO.write(rgba, "png", a.toFile());
        ImageFiles.Loaded l = ImageFiles.read(a);
        assertSays(l.notes(), "transparency (alpha) is kept");
        assertEquals(0x80, l.alpha()[4 + 1], 0f, "half transparent, as stored");
        assertEquals(0f, l.alpha()[0], "fully transparent, as stored");
        assertEquals(255f, l.planes().get(0).data()[4 + 1], "the stored red, not red flattened onto white");
        Path back = dir.resolve("rgba-out.png");
        ImageFiles.write(back, l.planes(), l.bitDepth(), l.source(), l.alpha());
        BufferedImage again = ImageIO.read(back.toFile());
        assertEquals(0x80ff0000, again.getRGB(1, 1), "colour and alpha survive the round trip");
        assertEquals(0, again.getRGB(0, 0) >>> 24);
        BufferedImage bin = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY);
        Path one = dir.resolve("bin.png");
        ImageIO.write(bin, "png", one.toFile());
        assertSays(ImageFiles.read(one).notes(), "1-bit");
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        Path plain = dir.resolve("grey8.png");
        ImageIO.write(grey, "png", plain.toFile());
        assertEquals(List.of(), ImageFiles.read(plain).notes(), "an ordinary 8-bit PNG needs no word");
    }

    @Test
    void greyWithAlphaStaysGreyWithAlphaAt8And16Bits(@TempDir Path dir) throws Exception {
        for (int bits : new int[] {8, 16}) {
            java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                    java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                    java.awt.Transparency.TRANSLUCENT, bits == 8 ? java.awt.image.DataBuffer.TYPE_BYTE
                    : java.awt.image.DataBuffer.TYPE_USHORT);
            java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(5, 3);
            int top = bits == 8 ? 255 : 65535;
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    r.setSample(x, y, 0, (x * 7 + y * 3) * top / 40);
                    r.setSample(x, y, 1, x == 0 ? 0 : x == 1 ? top / 2 : top);
                }
            }
            Path in = dir.resolve("grey-alpha-" + bits + ".png");
            ImageIO.write(new BufferedImage(cm, r, false, null), "png", in.toFile());
            ImageFiles.Loaded l = ImageFiles.read(in);
            assertSays(l.notes(), "transparency (alpha) is kept");
            assertEquals(bits, l.bitDepth(), "read at its own depth");
            assertEquals(1, l.planes().size());
            assertEquals(1, l.planes().get(0).channels(), "grey stays one channel (a grey model denoises it)");
            assertEquals((1 * 7 + 2 * 3) * top / 40, l.planes().get(0).data()[2 * 5 + 1], 0f, "the stored grey");
            assertEquals(top / 2, l.alpha()[5 + 1], 0f, "the stored alpha, on the file's own scale");
            // Written back (here unchanged): grey + alpha at the same depth, every sample equal.
            Path out = dir.resolve("out-" + bits + ".png");
            ImageFiles.write(out, l.planes(), l.bitDepth(), l.source(), l.alpha());
            BufferedImage back = ImageIO.read(out.toFile());
            assertEquals(2, back.getRaster().getNumBands(), "grey + alpha, not RGBA");
            assertEquals(bits, back.getColorModel().getComponentSize(0));
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(r.getSample(x, y, 0), back.getRaster().getSample(x, y, 0), "grey at " + x + "," + y);
                    assertEquals(r.getSample(x, y, 1), back.getRaster().getSample(x, y, 1), "alpha at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void sixteenBitColourStaysSixteenBitColourWithOrWithoutAlpha(@TempDir Path dir) throws Exception {
        // ImageJ alone opens 16-bit RGB as a 3-channel composite (which hush image refused) and 16-bit RGBA as
        // 8-bit RGB flattened onto white.
        for (boolean withAlpha : new boolean[] {false, true}) {
            java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                    java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), withAlpha, false,
                    withAlpha ? java.awt.Transparency.TRANSLUCENT : java.awt.Transparency.OPAQUE,
                    java.awt.image.DataBuffer.TYPE_USHORT);
            java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(6, 4);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    r.setSample(x, y, 0, 1000 * x + 7 * y + 1); // not a multiple of 257: 8 bits cannot hold it
                    r.setSample(x, y, 1, 65535 - 3001 * y);
                    r.setSample(x, y, 2, 123 * (x + y));
                    if (withAlpha) {
                        r.setSample(x, y, 3, x == 0 ? 0 : 40000 + x);
                    }
                }
            }
            Path in = dir.resolve("rgb16-" + withAlpha + ".png");
            ImageIO.write(new BufferedImage(cm, r, false, null), "png", in.toFile());
            ImageFiles.Loaded l = ImageFiles.read(in);
            assertEquals(16, l.bitDepth(), "read at 16 bits, not reduced to 8-bit RGB");
            assertEquals(1, l.planes().size());
            FloatImage p = l.planes().get(0);
            assertEquals(3, p.channels(), "one RGB plane");
            int area = 24;
            assertEquals(1000 * 5 + 7 * 3 + 1, p.data()[3 * 6 + 5], 0f, "the stored red");
            assertEquals(65535 - 3001 * 2, p.data()[area + 2 * 6 + 1], 0f, "the stored green");
            assertSays(l.notes(), "16-bit colour", "not reduced");
            if (withAlpha) {
                assertSays(l.notes(), "transparency (alpha) is kept");
                assertEquals(40003, l.alpha()[6 + 3], 0f, "the stored 16-bit alpha");
            } else {
                assertEquals(null, l.alpha());
            }
            Path out = dir.resolve("out-" + withAlpha + ".png");
            ImageFiles.write(out, l.planes(), l.bitDepth(), l.source(), l.alpha());
            BufferedImage back = ImageIO.read(out.toFile());
            assertEquals(withAlpha ? 4 : 3, back.getRaster().getNumBands());
            assertEquals(16, back.getColorModel().getComponentSize(0), "written at 16 bits");
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    for (int c = 0; c < (withAlpha ? 4 : 3); c++) {
                        assertEquals(r.getSample(x, y, c), back.getRaster().getSample(x, y, c),
                                "band " + c + " at " + x + "," + y);
                    }
                }
            }
            // A .tif output: one 16-bit RGB(A) image, which reads back with the same values and alpha.
            Path tif = dir.resolve("out-" + withAlpha + ".tif");
            ImageFiles.write(tif, l.planes(), l.bitDepth(), l.source(), l.alpha());
            ImageFiles.Loaded t = ImageFiles.read(tif);
            assertEquals(16, t.bitDepth());
            assertEquals(1, t.planes().size());
            assertEquals(3, t.planes().get(0).channels());
            assertEquals(java.util.Arrays.toString(p.data()), java.util.Arrays.toString(t.planes().get(0).data()));
            assertEquals(java.util.Arrays.toString(l.alpha()), java.util.Arrays.toString(t.alpha()));
        }
    }

    @Test
    void aBigEndianRgbTiffIsNotTakenForDamaged(@TempDir Path dir) throws Exception {
        // Its three BitsPerSample values lie at an offset; the header check once read the offset's upper half.
        BufferedImage rgb = new BufferedImage(7, 5, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(2, 3, 0x336699);
        Path in = dir.resolve("rgb-mm.tif");
        ImageIO.write(rgb, "tiff", in.toFile());
        assertEquals('M', Files.readAllBytes(in)[0], "javax.imageio writes big-endian TIFF");
        ImageFiles.Loaded l = ImageFiles.read(in);
        assertEquals(24, l.bitDepth());
        assertEquals(0x33, l.planes().get(0).data()[3 * 7 + 2], 0f);
    }

    @Test
    void aTiffWithAlphaKeepsItAt8And16Bits(@TempDir Path dir) throws Exception {
        // ImageJ cannot open a grey + alpha TIFF at all, and drops the alpha of an 8-bit RGBA one.
        for (int type : new int[] {java.awt.image.DataBuffer.TYPE_BYTE, java.awt.image.DataBuffer.TYPE_USHORT}) {
            for (int space : new int[] {java.awt.color.ColorSpace.CS_GRAY, java.awt.color.ColorSpace.CS_sRGB}) {
                java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                        java.awt.color.ColorSpace.getInstance(space), true, false, java.awt.Transparency.TRANSLUCENT,
                        type);
                java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(5, 3);
                int bands = r.getNumBands();
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 5; x++) {
                        for (int c = 0; c < bands; c++) {
                            r.setSample(x, y, c, (x * 31 + y * 17 + c * 50) % 256);
                        }
                    }
                }
                String name = "alpha-" + type + "-" + bands + ".tif";
                Path in = dir.resolve(name);
                ImageIO.write(new BufferedImage(cm, r, false, null), "tiff", in.toFile());
                ImageFiles.Loaded l = ImageFiles.read(in);
                assertSays(l.notes(), "transparency (alpha) is kept");
                int bits = type == java.awt.image.DataBuffer.TYPE_BYTE ? 8 : 16;
                assertEquals(bands == 4 && bits == 8 ? 24 : bits, l.bitDepth(), name);
                assertEquals(bands - 1, l.planes().get(0).channels(), name);
                assertEquals(r.getSample(3, 2, bands - 1), l.alpha()[2 * 5 + 3], 0f, name + ": the stored alpha");
                Path out = dir.resolve("out-" + name);
                ImageFiles.write(out, l.planes(), l.bitDepth(), l.source(), l.alpha());
                java.awt.image.Raster back = ImageIO.read(out.toFile()).getRaster();
                assertEquals(bands, back.getNumBands(), name + ": written with its alpha");
                for (int c = 0; c < bands; c++) {
                    assertEquals(r.getSample(4, 1, c), back.getSample(4, 1, c), name + ": band " + c);
                }
            }
        }
    }

    /**
     * ImageJ's reader decodes JPEG-compressed TIFFs wrongly (up to 234 grey levels off) and cannot open tiled TIFFs
     * ("damaged"): both are read as javax.imageio decodes them.
     */
    @Test
    void jpegCompressedAndTiledTiffsAreReadAsTheirCodecDecodesThem(@TempDir Path dir) throws Exception {
        int n = 96;
        BufferedImage grey = new BufferedImage(n, n, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n * n; i++) {
            grey.getRaster().setSample(i % n, i / n, 0,
                    (int) Math.max(0, Math.min(255, 120 + 60 * Math.sin(i % n / 9.0) + 10 * r.nextGaussian())));
        }
        for (String kind : new String[] {"JPEG strips", "JPEG tiles", "none tiles", "LZW tiles"}) {
            boolean tiled = kind.endsWith("tiles");
            String compression = kind.split(" ")[0];
            Path f = dir.resolve(kind.replace(' ', '-') + ".tif");
            TestImages.tiff(grey, f, compression.equals("none") ? null : compression, tiled ? 32 : 0, tiled ? 32 : 0);
            ImageFiles.Loaded loaded = ImageFiles.read(f);
            assertEquals(8, loaded.bitDepth());
            float[] got = loaded.planes().get(0).data();
            java.awt.image.Raster decoded = ImageIO.read(f.toFile()).getRaster();
            int off = 0;
            for (int i = 0; i < n * n; i++) {
                assertEquals(decoded.getSample(i % n, i / n, 0), got[i], 0, kind + " pixel " + i);
                off = Math.max(off, Math.abs(grey.getRaster().getSample(i % n, i / n, 0) - (int) got[i]));
            }
            assertTrue(off <= (compression.equals("JPEG") ? 16 : 0), kind + ": within JPEG's loss of the original, not"
                    + " ImageJ's misreading: " + off);
        }
    }

    /** A small tiled TIFF claiming huge tiles is refused before a decoder sizes a buffer by them. */
    @Test
    void aTiffWithHugeTilesIsRefusedBeforeDecoding(@TempDir Path dir) throws Exception {
        int[][] entries = {{256, 3, 100}, {257, 3, 100}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {277, 3, 1},
            {322, 3, 65008}, {323, 3, 65008}, {324, 4, 0}, {325, 4, 12000}};
        int data = 8 + 2 + 12 * entries.length + 4;
        ByteBuffer b = ByteBuffer.allocate(data + 12000).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) entries.length);
        for (int[] e : entries) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            int v = e[0] == 324 ? data : e[2];
            if (e[1] == 3) {
                b.putShort((short) v).putShort((short) 0);
            } else {
                b.putInt(v);
            }
        }
        b.putInt(0);
        Path f = dir.resolve("huge-tiles.tif");
        Files.write(f, b.array());
        HushException e = assertThrows(HushException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("tiles of 65008×65008 pixels") && e.getMessage().contains("256 MiB"),
                e.getMessage());
    }

    @Test
    void aTiffStackWithAlphaKeepsEveryImagesAlpha(@TempDir Path dir) throws Exception {
        // ImageJ drops the extra samples of a stack; each image's alpha must come back as it was.
        for (int type : new int[] {java.awt.image.DataBuffer.TYPE_BYTE, java.awt.image.DataBuffer.TYPE_USHORT}) {
            for (int space : new int[] {java.awt.color.ColorSpace.CS_GRAY, java.awt.color.ColorSpace.CS_sRGB}) {
                java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                        java.awt.color.ColorSpace.getInstance(space), true, false, java.awt.Transparency.TRANSLUCENT,
                        type);
                List<java.awt.image.WritableRaster> rasters = new java.util.ArrayList<>();
                String name = "stack-" + type + "-" + space + ".tif";
                Path in = dir.resolve(name);
                javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
                try (javax.imageio.stream.ImageOutputStream o = ImageIO.createImageOutputStream(in.toFile())) {
                    writer.setOutput(o);
                    writer.prepareWriteSequence(null);
                    for (int z = 0; z < 3; z++) {
                        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(6, 4);
                        for (int y = 0; y < 4; y++) {
                            for (int x = 0; x < 6; x++) {
                                for (int c = 0; c < r.getNumBands(); c++) {
                                    r.setSample(x, y, c, (x * 31 + y * 17 + c * 50 + z * 70) % 256);
                                }
                            }
                        }
                        rasters.add(r);
                        writer.writeToSequence(new javax.imageio.IIOImage(new BufferedImage(cm, r, false, null), null,
                                null), null);
                    }
                    writer.endWriteSequence();
                }
                writer.dispose();
                int bands = rasters.get(0).getNumBands();
                ImageFiles.Loaded l = ImageFiles.read(in);
                assertSays(l.notes(), "stack of 3 images with alpha");
                assertEquals(3, l.planes().size(), name);
                assertEquals(3 * 6 * 4, l.alpha().length, name + ": three alphas");
                assertEquals(rasters.get(2).getSample(5, 3, bands - 1), l.alpha()[2 * 24 + 3 * 6 + 5], 0f, name);
                assertEquals(rasters.get(1).getSample(2, 1, 0), l.planes().get(1).data()[6 + 2], 0f, name);
                Path out = dir.resolve("out-" + name);
                ImageFiles.write(out, l.planes(), l.bitDepth(), l.source(), l.alpha());
                ImageFiles.Loaded back = ImageFiles.read(out);
                assertEquals(3, back.planes().size(), name + ": still a stack");
                assertTrue(java.util.Arrays.equals(l.alpha(), back.alpha()), name + ": every alpha written back");
                for (int z = 0; z < 3; z++) {
                    assertTrue(java.util.Arrays.equals(l.planes().get(z).data(), back.planes().get(z).data()),
                            name + ": plane " + z);
                }
            }
        }
    }

    @Test
    void aPaletteWithTransparencyKeepsItsColoursAndItsAlpha(@TempDir Path dir) throws Exception {
        byte[] r = {0, (byte) 200, 10, (byte) 90};
        byte[] g = {0, 30, (byte) 220, (byte) 90};
        byte[] b = {0, 40, 50, (byte) 90};
        byte[] a = {0, (byte) 255, (byte) 128, (byte) 255};
        BufferedImage colour = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, r, g, b, a));
        colour.getRaster().setSample(2, 1, 0, 2);
        colour.getRaster().setSample(3, 1, 0, 1);
        Path file = dir.resolve("pal-trns.png");
        ImageIO.write(colour, "png", file.toFile());
        ImageFiles.Loaded l = ImageFiles.read(file);
        assertEquals(24, l.bitDepth(), "written back as RGB(A)");
        assertSays(l.notes(), "palette PNG", "transparency (alpha) is kept");
        FloatImage p = l.planes().get(0);
        assertEquals(10f, p.data()[5 + 2], "index 2's red, not the index");
        assertEquals(220f, p.data()[20 + 5 + 2]);
        assertEquals(128f, l.alpha()[5 + 2], "index 2's alpha");
        assertEquals(0f, l.alpha()[0], "index 0 is transparent");
        Path out = dir.resolve("pal-out.png");
        ImageFiles.write(out, l.planes(), l.bitDepth(), l.source(), l.alpha());
        BufferedImage back = ImageIO.read(out.toFile());
        assertEquals(0x800ADC32, back.getRGB(2, 1), "colour and alpha survive");
        assertEquals(0xFFC81E28, back.getRGB(3, 1));
        assertEquals(0, back.getRGB(0, 0) >>> 24);

        // A grey palette with transparency: one grey channel and its alpha.
        BufferedImage grey = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, g, g, g, a));
        grey.getRaster().setSample(2, 1, 0, 2);
        Path gfile = dir.resolve("grey-trns.png");
        ImageIO.write(grey, "png", gfile.toFile());
        ImageFiles.Loaded gl = ImageFiles.read(gfile);
        assertEquals(8, gl.bitDepth());
        assertEquals(1, gl.planes().get(0).channels(), "a grey palette stays one channel");
        assertEquals(220f, gl.planes().get(0).data()[5 + 2]);
        assertEquals(128f, gl.alpha()[5 + 2]);
        Path gout = dir.resolve("grey-trns-out.png");
        ImageFiles.write(gout, gl.planes(), gl.bitDepth(), gl.source(), gl.alpha());
        BufferedImage gback = ImageIO.read(gout.toFile());
        assertEquals(2, gback.getRaster().getNumBands(), "grey + alpha");
        assertEquals(220, gback.getRaster().getSample(2, 1, 0));
        assertEquals(128, gback.getRaster().getSample(2, 1, 1));
    }

    @Test
    void anRgbColourKeyBecomesAnAlpha(@TempDir Path dir) throws Exception {
        // 8-bit RGB with a tRNS colour key: pixels of exactly that colour are transparent. javax.imageio cannot write
        // one, so the PNG is put together here.
        int w = 4;
        int h = 3;
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            raw.write(0);
            for (int x = 0; x < w; x++) {
                raw.write(x * 60);
                raw.write(100);
                raw.write(200);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).array());
        chunk(png, "tRNS", ByteBuffer.allocate(6).putShort((short) 60).putShort((short) 100).putShort((short) 200)
                .array());
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(raw.toByteArray());
        }
        chunk(png, "IDAT", z.toByteArray());
        chunk(png, "IEND", new byte[0]);
        Path file = dir.resolve("key.png");
        Files.write(file, png.toByteArray());
        ImageFiles.Loaded l = ImageFiles.read(file);
        assertSays(l.notes(), "transparency (alpha) is kept");
        assertEquals(24, l.bitDepth());
        assertEquals(0f, l.alpha()[1], "the keyed colour is transparent");
        assertEquals(255f, l.alpha()[2]);
        assertEquals(120f, l.planes().get(0).data()[2], "the stored red");
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void signed16BitTiffKeepsItsSignedValuesAsFloat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("signed.tif");
        short[] values = {-1000, -1, 0, 1, 2000, 32767, -32768, 5};
        Files.write(file, tiff(new int[][] {{4, 2}}, 16, 2, values));
        ImageFiles.Loaded l = ImageFiles.read(file);
        assertEquals(32, l.bitDepth(), "written as float");
        float[] px = l.planes().get(0).data();
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], px[i], "pixel " + i);
        }
        assertSays(l.notes(), "signed 16-bit");
    }

    @Test
    void aTiffWhoseImagesDifferIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mixed.tif");
        Files.write(file, tiff(new int[][] {{4, 2}, {2, 2}}, 16, 1, new short[8]));
        HushException e = assertThrows(HushException.class, () -> ImageFiles.read(file));
        assertEquals(HushException.Code.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("2 TIFF images differ"), e.getMessage());
        Path same = dir.resolve("same.tif");
        Files.write(same, tiff(new int[][] {{4, 2}, {4, 2}}, 16, 1, new short[8]));
        assertEquals(2, ImageFiles.read(same).planes().size(), "alike images are one stack");
    }

    private static void assertSays(List<String> notes, String... parts) {
        String all = String.join(" | ", notes);
        for (String p : parts) {
            assertTrue(all.contains(p), "'" + p + "' in " + all);
        }
    }

    /**
     * A little-endian, uncompressed TIFF with one image directory per size given ({width, height}), 16-bit samples of
     * the given SampleFormat (1 unsigned, 2 signed); each image holds the first width·height of {@code values}.
     */
    private static byte[] tiff(int[][] sizes, int bits, int sampleFormat, short[] values) throws IOException {
        int entries = 9;
        int ifdBytes = 2 + 12 * entries + 4;
        int pos = 8;
        int[] ifdAt = new int[sizes.length];
        int[] dataAt = new int[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            ifdAt[k] = pos;
            pos += ifdBytes;
            dataAt[k] = pos;
            pos += sizes[k][0] * sizes[k][1] * 2;
        }
        ByteBuffer b = ByteBuffer.allocate(pos).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifdAt[0]);
        for (int k = 0; k < sizes.length; k++) {
            int w = sizes[k][0];
            int h = sizes[k][1];
            b.position(ifdAt[k]);
            b.putShort((short) entries);
            entry(b, 256, 3, w);
            entry(b, 257, 3, h);
            entry(b, 258, 3, bits);
            entry(b, 259, 3, 1);
            entry(b, 262, 3, 1); // black is zero
            entry(b, 273, 4, dataAt[k]);
            entry(b, 278, 3, h);
            entry(b, 279, 4, w * h * 2);
            entry(b, 339, 3, sampleFormat);
            b.putInt(k + 1 < sizes.length ? ifdAt[k + 1] : 0);
            b.position(dataAt[k]);
            for (int i = 0; i < w * h; i++) {
                b.putShort(values[i]);
            }
        }
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }
}
