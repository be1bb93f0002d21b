package dev.hush.imagej;

import dev.hush.runtime.HushException;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.io.AtomicFile;
import ij.ImagePlus;
import java.awt.image.BufferedImage;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes PNG and TIFF files (8, 16 and 32-bit grey, RGB; TIFF stacks plane by plane) through ImageJ's
 * own readers and writers, so files behave as they do in ImageJ/Fiji. An RGB plane is one 3-channel image (R, G, B).
 * {@code hush image}, {@code hush spark image} and the benchmarks read and write image files here.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** A read image: its planes as float, the bit depth, and the ImagePlus (for calibration and metadata). */
    /**
     * An image read: its planes, the bit depth to write it back at, the ImageJ image it came from, and what reading
     * changed that the user should hear about (a palette turned into intensities, transparency flattened, …).
     */
    public record Loaded(List<FloatImage> planes, int bitDepth, ImagePlus source, List<String> notes, float[] alpha) {
    }

    /** The extensions {@link #read} takes (in any case). */
    public static final List<String> EXTENSIONS = List.of("png", "tif", "tiff");

    /** Whether a file name is one {@link #read} takes (.png, .tif, .tiff, any case). */
    public static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    public static Loaded read(Path file) throws HushException {
        if (!Files.exists(file)) {
            throw new HushException("input not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new HushException("input is a folder, not an image: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new HushException("input is not readable (check its permissions): " + file);
        }
        String kind = sniff(file);
        if (kind == null) {
            throw new HushException("cannot read " + file + ": not a PNG or TIFF image (hush image reads 8/16/32-bit"
                    + " grayscale PNG and TIFF)");
        }
        ImageHeader.Summary header = ImageHeader.check(file, kind);
        if (header.mixed()) {
            throw new HushException(HushException.Code.INVALID_INPUT, "cannot read " + file + ": its " + header.images()
                    + " TIFF images differ in size or sample type, and ImageJ would read only the first, so the output"
                    + " would silently lose the others; split it into one file per image (e.g. tiffsplit), or make the"
                    + " images alike and save them as one stack");
        }
        ImagePlus imp;
        try {
            imp = new Opener().openImage(file.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            imp = null;
        }
        if (imp == null || imp.getWidth() < 1 || imp.getHeight() < 1) {
            throw new HushException("cannot read " + file + ": the " + kind + " file is damaged or truncated");
        }
        int depth = imp.getBitDepth();
        List<String> notes = new ArrayList<>();
        boolean signed16 = header.signed() && depth == 16;
        if (signed16) {
            notes.add("signed 16-bit TIFF: denoised as signed values and written as 32-bit float, since ImageJ writes"
                    + " 16-bit TIFF unsigned only");
            depth = 32;
        }
        BufferedImage greyAlpha = kind.equals("PNG") && header.alpha() && !header.palette()
                && (header.bits() == 8 || header.bits() == 16) ? greyAlpha(file) : null;
        if (greyAlpha != null) {
            // Grey with transparency (PNG colour type 4): ImageJ would read it as RGB or drop the alpha; read the grey
            // and the alpha apart, denoise the grey with a grey model, and write grey + alpha back.
            int bits = greyAlpha.getColorModel().getComponentSize(0);
            notes.add("its transparency (alpha) is kept as it is; the grey is denoised as stored, not flattened");
            return new Loaded(List.of(band(greyAlpha, 0)), bits, imp, List.copyOf(notes), band(greyAlpha, 1).data());
        }
        BufferedImage rgba = kind.equals("PNG") && header.alpha() && header.bits() == 8 && depth == 24 ? rgba(file) : null;
        if (rgba != null) {
            notes.add("its transparency (alpha) is kept as it is; the colours are denoised as stored, not flattened");
        } else if (header.alpha()) {
            notes.add("its transparency (alpha) is not kept: ImageJ's reader " + (kind.equals("PNG") ? "flattens it"
                    + " onto white" : "drops it") + " before denoising, and the output has none (8-bit RGBA PNG keeps"
                    + " it)");
        }
        if (header.bits() == 1 && !header.palette()) {
            notes.add("1-bit image: read as 8-bit values 0 and 1 and written as 8-bit");
        }
        java.awt.image.IndexColorModel palette = header.palette()
                && imp.getProcessor().getColorModel() instanceof java.awt.image.IndexColorModel icm ? icm : null;
        boolean greyPalette = palette != null && isGrey(palette);
        if (palette != null) {
            notes.add("palette PNG: the palette's " + (greyPalette ? "grey levels were denoised and written as 8-bit"
                    + " grey" : "colours were denoised and written as 24-bit RGB") + ", since a denoised image has more"
                    + " levels than a palette holds");
            depth = greyPalette ? 8 : 24;
        }
        if (imp.isComposite() || imp.getNChannels() > 1) {
            throw new HushException(file + " has " + imp.getNChannels() + " channels; hush image handles one-channel"
                    + " images and stacks so far");
        }
        if (rgba != null) {
            return new Loaded(List.of(colours(rgba)), 24, imp, List.copyOf(notes), alpha(rgba));
        }
        ImageStack stack = imp.getStack();
        List<FloatImage> planes = new ArrayList<>();
        for (int z = 1; z <= stack.getSize(); z++) {
            ImageProcessor ip = stack.getProcessor(z);
            int area = ip.getWidth() * ip.getHeight();
            if (palette != null) {
                planes.add(throughPalette(ip, palette, greyPalette));
                continue;
            }
            if (ip instanceof ColorProcessor cp) {
                int[] rgb = (int[]) cp.getPixels();
                float[] px = new float[3 * area];
                for (int i = 0; i < area; i++) {
                    px[i] = (rgb[i] >> 16) & 0xff;
                    px[area + i] = (rgb[i] >> 8) & 0xff;
                    px[2 * area + i] = rgb[i] & 0xff;
                }
                planes.add(new FloatImage(3, ip.getWidth(), ip.getHeight(), px));
                continue;
            }
            float[] px = new float[area];
            for (int i = 0; i < px.length; i++) {
                // ImageJ holds signed 16-bit as unsigned with 32768 added (its calibration takes it off again).
                px[i] = signed16 ? ip.getf(i) - 32768f : ip.getf(i);
            }
            planes.add(FloatImage.gray(ip.getWidth(), ip.getHeight(), px));
        }
        return new Loaded(planes, depth, imp, List.copyOf(notes), null);
    }

    /**
     * An 8-bit RGBA PNG read with javax.imageio, which keeps the alpha and the stored (not premultiplied, not
     * flattened) colours; null when it cannot read it (ImageJ's flattened reading is used then, with the warning).
     */
    private static BufferedImage rgba(Path file) {
        try {
            BufferedImage b = javax.imageio.ImageIO.read(file.toFile());
            return b != null && b.getColorModel().hasAlpha() && !b.isAlphaPremultiplied() ? b : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An 8- or 16-bit grey + alpha PNG read with javax.imageio (two bands), or null when it is not one. */
    private static BufferedImage greyAlpha(Path file) {
        try {
            BufferedImage b = javax.imageio.ImageIO.read(file.toFile());
            if (b == null || b.isAlphaPremultiplied() || b.getRaster().getNumBands() != 2
                    || !b.getColorModel().hasAlpha() || b.getColorModel().getNumColorComponents() != 1) {
                return null;
            }
            int bits = b.getColorModel().getComponentSize(0);
            return bits == 8 || bits == 16 ? b : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One band of a raster as a grey image, in the stored values (0–255 or 0–65535). */
    private static FloatImage band(BufferedImage b, int band) {
        java.awt.image.Raster r = b.getRaster();
        float[] px = r.getSamples(0, 0, b.getWidth(), b.getHeight(), band, (float[]) null);
        return FloatImage.gray(b.getWidth(), b.getHeight(), px);
    }

    private static FloatImage colours(BufferedImage b) {
        int w = b.getWidth();
        int h = b.getHeight();
        int area = w * h;
        float[] px = new float[3 * area];
        int[] argb = b.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < area; i++) {
            px[i] = (argb[i] >> 16) & 0xff;
            px[area + i] = (argb[i] >> 8) & 0xff;
            px[2 * area + i] = argb[i] & 0xff;
        }
        return new FloatImage(3, w, h, px);
    }

    private static float[] alpha(BufferedImage b) {
        int[] argb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        float[] a = new float[argb.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (argb[i] >>> 24) & 0xff;
        }
        return a;
    }

    /**
     * As {@link #write(Path, List, int, ImagePlus)}; an RGB PNG with {@code alpha} (one value 0–255 per pixel, from
     * {@link Loaded#alpha()}) is written as RGBA with it, and a grey 8- or 16-bit PNG with alpha (on its own scale) as
     * grey + alpha, so transparency survives denoising.
     */
    public static void write(Path file, List<FloatImage> planes, int bitDepth, ImagePlus like, float[] alpha)
            throws HushException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (alpha != null && (bitDepth == 8 || bitDepth == 16) && planes.size() == 1 && planes.get(0).channels() == 1
                && name.endsWith(".png")) {
            writeGreyAlpha(file, planes.get(0), bitDepth, alpha);
            return;
        }
        if (alpha == null || bitDepth != 24 || planes.size() != 1 || !name.endsWith(".png")) {
            write(file, planes, bitDepth, like);
            return;
        }
        FloatImage p = planes.get(0);
        int area = p.width() * p.height();
        int[] argb = new int[area];
        int[] rgb = (int[]) toProcessor(p, 24).getPixels();
        for (int i = 0; i < area; i++) {
            argb[i] = (Math.round(Math.max(0, Math.min(255, alpha[i]))) << 24) | (rgb[i] & 0xffffff);
        }
        BufferedImage out = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, p.width(), p.height(), argb, 0, p.width());
        try {
            AtomicFile.write(file, tmp -> {
                if (!javax.imageio.ImageIO.write(out, "png", tmp.toFile())) {
                    throw new IOException("no PNG writer for RGBA images");
                }
            });
        } catch (IOException e) {
            throw new HushException("cannot write " + file + ": " + e.getMessage() + " (check that the folder exists and"
                    + " is writable)", e);
        }
    }

    /** A grey + alpha PNG of {@code bits} (8 or 16) per sample: the grey rounded and clipped, the alpha as read. */
    private static void writeGreyAlpha(Path file, FloatImage grey, int bits, float[] alpha) throws HushException {
        int w = grey.width();
        int h = grey.height();
        double max = bits == 8 ? 255 : 65535;
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, bits == 8 ? java.awt.image.DataBuffer.TYPE_BYTE
                : java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        float[] g = grey.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                r.setSample(x, y, 0, (int) Math.round(Math.max(0, Math.min(max, g[i]))));
                r.setSample(x, y, 1, (int) Math.round(Math.max(0, Math.min(max, alpha[i]))));
            }
        }
        BufferedImage out = new BufferedImage(cm, r, false, null);
        try {
            AtomicFile.write(file, tmp -> {
                if (!javax.imageio.ImageIO.write(out, "png", tmp.toFile())) {
                    throw new IOException("no PNG writer for grey + alpha images");
                }
            });
        } catch (IOException e) {
            throw new HushException("cannot write " + file + ": " + e.getMessage() + " (check that the folder exists and"
                    + " is writable)", e);
        }
    }

    private static boolean isGrey(java.awt.image.IndexColorModel cm) {
        for (int i = 0; i < cm.getMapSize(); i++) {
            if (cm.getRed(i) != cm.getGreen(i) || cm.getGreen(i) != cm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /** A palette image's pixels as the intensities its palette gives them: grey, or red, green and blue planes. */
    private static FloatImage throughPalette(ImageProcessor ip, java.awt.image.IndexColorModel cm, boolean grey) {
        int area = ip.getWidth() * ip.getHeight();
        float[] px = new float[(grey ? 1 : 3) * area];
        for (int i = 0; i < area; i++) {
            int index = (int) ip.getf(i);
            px[i] = cm.getRed(index);
            if (!grey) {
                px[area + i] = cm.getGreen(index);
                px[2 * area + i] = cm.getBlue(index);
            }
        }
        return new FloatImage(grey ? 1 : 3, ip.getWidth(), ip.getHeight(), px);
    }

    private static String sniff(Path file) throws HushException {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 8);
        } catch (IOException e) {
            throw new HushException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "PNG";
        }
        if (n >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42))) {
            return "TIFF";
        }
        return null;
    }

    /**
     * Writes planes atomically as {@code bitDepth} (8, 16 or 32); the format comes from the extension
     * (.png, .tif, .tiff). Values are rounded and clamped to the integer range. Calibration and info
     * are copied from {@code like} when given.
     */
    public static void write(Path file, List<FloatImage> planes, int bitDepth, ImagePlus like) throws HushException {
        if (bitDepth != 24 && planes.get(0).channels() > 1) {
            // Grey output of colour planes (--float, the residual): each channel becomes a plane of its own.
            List<FloatImage> split = new ArrayList<>();
            for (FloatImage p : planes) {
                int area = p.width() * p.height();
                for (int c = 0; c < p.channels(); c++) {
                    split.add(FloatImage.gray(p.width(), p.height(),
                            java.util.Arrays.copyOfRange(p.data(), c * area, (c + 1) * area)));
                }
            }
            planes = split;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        boolean tiff = name.endsWith(".tif") || name.endsWith(".tiff");
        if (!png && !tiff) {
            throw new HushException("output " + file + " must end in .png, .tif or .tiff");
        }
        if (png && bitDepth == 32) {
            throw new HushException("PNG cannot hold 32-bit float pixels; name the output .tif to keep float values");
        }
        if (png && planes.size() > 1) {
            throw new HushException("PNG cannot hold a stack of " + planes.size() + " planes; name the output .tif");
        }
        List<FloatImage> all = planes;
        FloatImage first = planes.get(0);
        ImageStack stack = new ImageStack(first.width(), first.height());
        for (FloatImage p : planes) {
            stack.addSlice(toProcessor(p, bitDepth));
        }
        ImagePlus out = new ImagePlus(file.getFileName().toString(), stack);
        if (like != null) {
            out.setCalibration(like.getCalibration().copy());
            Object info = like.getProperty("Info");
            if (info != null) {
                out.setProperty("Info", info);
            }
            if (bitDepth != 32 && like.getBitDepth() == bitDepth) {
                out.setDisplayRange(like.getDisplayRangeMin(), like.getDisplayRangeMax());
            }
        }
        if (bitDepth == 32) {
            out.resetDisplayRange();
        }
        try {
            AtomicFile.write(file, tmp -> {
                FileSaver saver = new FileSaver(out);
                boolean ok = png ? saver.saveAsPng(tmp.toString())
                        : all.size() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp.toString());
                if (!ok || Files.size(tmp) == 0) {
                    throw new IOException("ImageJ could not write " + (png ? "PNG" : "TIFF"));
                }
            });
        } catch (IOException e) {
            throw new HushException("cannot write " + file + ": " + e.getMessage() + " (check that the folder exists and"
                    + " is writable)", e);
        }
    }

    public static ImageProcessor toProcessor(FloatImage p, int bitDepth) {
        float[] d = p.data();
        int w = p.width();
        int h = p.height();
        switch (bitDepth) {
            case 24 -> {
                int area = w * h;
                int[] rgb = new int[area];
                for (int i = 0; i < area; i++) {
                    int r = Math.max(0, Math.min(255, Math.round(d[i])));
                    int g = Math.max(0, Math.min(255, Math.round(d[area + i])));
                    int b = Math.max(0, Math.min(255, Math.round(d[2 * area + i])));
                    rgb[i] = (r << 16) | (g << 8) | b;
                }
                return new ColorProcessor(w, h, rgb);
            }
            case 8 -> {
                byte[] b = new byte[d.length];
                for (int i = 0; i < d.length; i++) {
                    b[i] = (byte) Math.max(0, Math.min(255, Math.round(d[i])));
                }
                return new ByteProcessor(w, h, b);
            }
            case 16 -> {
                short[] s = new short[d.length];
                for (int i = 0; i < d.length; i++) {
                    s[i] = (short) Math.max(0, Math.min(65535, Math.round(d[i])));
                }
                ShortProcessor sp = new ShortProcessor(w, h, s, null);
                sp.resetMinAndMax();
                return sp;
            }
            case 32 -> {
                return new FloatProcessor(w, h, d.clone());
            }
            default -> throw new IllegalArgumentException("bit depth must be 8, 16, 24 (RGB) or 32, got " + bitDepth);
        }
    }
}
