package dev.hush.imagej;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import java.util.Random;

/** Small noisy test images (smooth structure plus Gaussian noise) of every ImageJ type, and pixel snapshots. */
final class TestImages {
    static final int W = 64;
    static final int H = 48;

    private TestImages() {
    }

    /** A scene in [0, 1]: waves and a step, different for each {@code variant}. */
    static double scene(int x, int y, int variant) {
        double v = 0.5 + 0.3 * Math.sin((x + 7 * variant) / 9.0) * Math.cos((y + 3 * variant) / 7.0);
        return v + ((x / 16 + y / 16 + variant) % 2 == 0 ? 0.15 : -0.15);
    }

    /** One plane of the given bit depth (8, 16, 32 or 24 for RGB): offset + scale·scene + noise. */
    static void fill(ImageProcessor ip, int variant, long seed) {
        Random rnd = new Random(seed);
        for (int y = 0; y < ip.getHeight(); y++) {
            for (int x = 0; x < ip.getWidth(); x++) {
                switch (ip.getBitDepth()) {
                    case 8 -> ip.set(x, y, clamp(255 * scene(x, y, variant) + 20 * rnd.nextGaussian(), 255));
                    case 16 -> ip.set(x, y, clamp(1000 + 3000 * scene(x, y, variant) + 250 * rnd.nextGaussian(), 65535));
                    case 32 -> ip.setf(x, y, (float) (-2 + 5 * scene(x, y, variant) + 0.4 * rnd.nextGaussian()));
                    default -> {
                        int r = clamp(255 * scene(x, y, variant) + 20 * rnd.nextGaussian(), 255);
                        int g = clamp(255 * scene(x, y, variant + 1) + 20 * rnd.nextGaussian(), 255);
                        int b = clamp(255 * scene(x, y, variant + 2) + 20 * rnd.nextGaussian(), 255);
                        ip.set(x, y, (r << 16) | (g << 8) | b);
                    }
                }
            }
        }
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, Math.round(v)));
    }

    /** A single image or a plain stack. {@code type}: "8-bit", "16-bit", "32-bit" or "RGB". */
    static ImagePlus image(String title, String type, int slices) {
        ImagePlus imp = IJ.createImage(title, type + " black", W, H, slices);
        ImageStack stack = imp.getStack();
        for (int i = 1; i <= slices; i++) {
            fill(stack.getProcessor(i), i, 100 + i);
        }
        imp.resetDisplayRange();
        return imp;
    }

    /** A copy of every plane's pixels, to check later that nothing changed. */
    static Object[] snapshot(ImagePlus imp) {
        ImageStack s = imp.getStack();
        Object[] copy = new Object[s.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = s.getProcessor(i + 1).duplicate().getPixels();
        }
        return copy;
    }

    /** The values of a plane's rectangle as floats; for RGB, one colour (0 red, 1 green, 2 blue). */
    static float[] values(ImageProcessor ip, java.awt.Rectangle r, int colour) {
        float[] v = new float[r.width * r.height];
        for (int y = 0; y < r.height; y++) {
            for (int x = 0; x < r.width; x++) {
                int px = ip.get(r.x + x, r.y + y);
                v[y * r.width + x] = ip.getBitDepth() == 24 ? (px >> (16 - 8 * colour)) & 0xff
                        : ip.getf(r.x + x, r.y + y);
            }
        }
        return v;
    }

    /**
     * {@code img} written by the JDK's TIFF writer ({@code javax.imageio}) with {@code compression} ("LZW",
     * "Deflate", "PackBits", "JPEG"; null: uncompressed), in strips or in tiles of {@code tileWidth}×{@code tileHeight}
     * (0: strips);
     * returns the file's bytes.
     */
    static byte[] tiff(java.awt.image.BufferedImage img, java.nio.file.Path file, String compression, int tileWidth,
                       int tileHeight)
            throws java.io.IOException {
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("tiff").next();
        javax.imageio.ImageWriteParam p = writer.getDefaultWriteParam();
        if (compression != null) {
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(compression);
        }
        if (tileWidth > 0) {
            p.setTilingMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setTiling(tileWidth, tileHeight, 0, 0);
        }
        try (javax.imageio.stream.ImageOutputStream o = javax.imageio.ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(o);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return java.nio.file.Files.readAllBytes(file);
    }
}
