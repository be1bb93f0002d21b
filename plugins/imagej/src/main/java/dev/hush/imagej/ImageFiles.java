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
 * own readers and writers, so files behave as they do in ImageJ/Fiji; PNGs that ImageJ would flatten or reduce (alpha,
 * tRNS, 16-bit colour) through javax.imageio. An RGB plane is one 3-channel image (R, G, B).
 * {@code hush image}, {@code hush spark image} and the benchmarks read and write image files here.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

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
        return read(file, probe(file));
    }

    /** As {@link #read(Path)}, for a file already probed (its header checked once). */
    static Loaded read(Path file, Probe probe) throws HushException {
        if (probe.kind().equals("BigTIFF")) {
            throw new HushException(HushException.Code.INVALID_INPUT, "cannot read " + file + " whole: it is a BigTIFF,"
                    + " which ImageJ's reader does not open; a grey BigTIFF (uncompressed) is denoised band by band"
                    + " (hush image does so by itself), anything else must be saved as a classic TIFF first");
        }
        String kind = probe.kind();
        ImageHeader.Summary header = probe.header();
        ImageHeader.requireInMemory(file, kind, header);
        return read(file, kind, header);
    }

    /** A file's kind by its first bytes ("PNG", "TIFF", "BigTIFF") and, but for BigTIFF, its checked header. */
    record Probe(String kind, ImageHeader.Summary header) {
    }

    /**
     * Refuses what is not a readable PNG or TIFF, or whose header claims what the file cannot hold; else says what
     * the header holds (without the in-memory limit, which the caller applies).
     */
    static Probe probe(Path file) throws HushException {
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
        return new Probe(kind, kind.equals("BigTIFF") ? null : ImageHeader.check(file, kind));
    }

    private static Loaded read(Path file, String kind, ImageHeader.Summary header) throws HushException {
        if (header.mixed()) {
            throw new HushException(HushException.Code.INVALID_INPUT, "cannot read " + file + ": its " + header.images()
                    + " TIFF images differ in size or sample type, and ImageJ would read only the first, so the output"
                    + " would silently lose the others; split it into one file per image (e.g. tiffsplit), or make the"
                    + " images alike and save them as one stack");
        }
        List<String> notes = new ArrayList<>();
        // ImageJ flattens or drops transparency, opens 16-bit colour as three channels (or 16-bit RGBA as four) and
        // cannot open a grey + alpha TIFF: such single images are read as stored with javax.imageio instead.
        if (header.images() == 1 && !header.signed() && (header.alpha() || header.bits() == 16 && header.samples() >= 3)) {
            BufferedImage direct = readWithImageIo(file);
            Loaded loaded = direct == null ? null : fromImageIo(direct, file, notes);
            if (loaded != null) {
                return loaded;
            }
        }
        // A TIFF stack with alpha (all images alike): each image as stored, the alphas kept one after the other.
        if (header.images() > 1 && kind.equals("TIFF") && !header.signed() && header.alpha()) {
            Loaded stack = stackWithImageIo(file, (int) header.images(), true);
            if (stack != null) {
                return stack;
            }
        }
        // ImageJ's reader decodes JPEG-compressed TIFF strips wrongly (a 300² grey one came back up to 234 grey levels
        // off) and cannot open tiled TIFFs at all: javax.imageio decodes them, or the file is refused.
        if (header.notForImageJ() != null) {
            Loaded viaImageIo = stackWithImageIo(file, (int) header.images(), header.alpha());
            if (viaImageIo == null) {
                throw new HushException(HushException.Code.INVALID_INPUT, "cannot read " + file + ": its TIFF images"
                        + " are " + header.notForImageJ() + ", which ImageJ's reader does not decode right, and"
                        + " javax.imageio cannot decode them here; save it as striped TIFF, uncompressed or with LZW,"
                        + " first (e.g. tiffcp -c lzw -s in.tif out.tif)");
            }
            return viaImageIo;
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
        boolean signed16 = header.signed() && depth == 16;
        if (signed16) {
            notes.add("signed 16-bit TIFF: denoised as signed values and written as 32-bit float, since ImageJ writes"
                    + " 16-bit TIFF unsigned only");
            depth = 32;
        }
        if (header.alpha()) {
            notes.add("its transparency (alpha) is not kept: ImageJ's reader " + (kind.equals("PNG") ? "flattens it"
                    + " onto white" : "drops it") + " before denoising, and the output has none");
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
     * A TIFF (one image or a stack) read image by image with javax.imageio as {@link #fromImageIo} reads one: the
     * planes, and with {@code withAlpha} their alphas one after the other in {@link Loaded#alpha()} (planes × pixels;
     * every image must have one), else none (every image must have none). Null when an image cannot be read so
     * (ImageJ's reading, which drops the alpha with a warning, is used then, or a tiled or JPEG TIFF is refused).
     */
    private static Loaded stackWithImageIo(Path file, int images, boolean withAlpha) {
        try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                List<FloatImage> planes = new ArrayList<>();
                float[] alphas = null;
                Loaded first = null;
                for (int i = 0; i < images; i++) {
                    BufferedImage b = reader.read(i);
                    Loaded one = b == null || b.isAlphaPremultiplied() ? null : fromImageIo(b, file, new ArrayList<>());
                    if (one == null || withAlpha != (one.alpha() != null)
                            || first != null && one.bitDepth() != first.bitDepth()) {
                        return null;
                    }
                    if (first == null) {
                        first = one;
                        alphas = withAlpha ? new float[images * one.alpha().length] : null;
                    }
                    planes.add(one.planes().get(0));
                    if (withAlpha) {
                        System.arraycopy(one.alpha(), 0, alphas, i * one.alpha().length, one.alpha().length);
                    }
                }
                List<String> notes = new ArrayList<>(first.notes());
                if (withAlpha && images > 1) {
                    notes.add("a stack of " + images + " images with alpha: each is denoised as stored and written back"
                            + " with its alpha unchanged");
                }
                return new Loaded(planes, first.bitDepth(), first.source(), List.copyOf(notes), alphas);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A PNG or TIFF as javax.imageio decodes it (alpha, tRNS and 16-bit colour kept), or null if it cannot. */
    private static BufferedImage readWithImageIo(Path file) {
        try {
            BufferedImage b = javax.imageio.ImageIO.read(file.toFile());
            return b == null || b.isAlphaPremultiplied() ? null : b;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * An image that ImageJ would flatten, reduce or refuse, read as stored: grey or colour at 8 or 16 bits, with its
     * alpha (a channel, or PNG tRNS as javax.imageio expands it) kept apart; a palette with transparency through its
     * colours and alphas. Null when the layout is none of these (ImageJ's reading is used then). Its ImagePlus is an
     * empty one named after the file (no calibration: PNG has none, and these TIFFs are not ImageJ's).
     */
    private static Loaded fromImageIo(BufferedImage b, Path file, List<String> notes) {
        int w = b.getWidth();
        int h = b.getHeight();
        int area = w * h;
        java.awt.image.Raster r = b.getRaster();
        FloatImage image;
        float[] alpha;
        int bits;
        if (b.getColorModel() instanceof java.awt.image.IndexColorModel icm) {
            boolean grey = isGrey(icm);
            int[] index = r.getSamples(0, 0, w, h, 0, (int[]) null);
            float[] px = new float[(grey ? 1 : 3) * area];
            alpha = icm.hasAlpha() ? new float[area] : null;
            for (int i = 0; i < area; i++) {
                px[i] = icm.getRed(index[i]);
                if (!grey) {
                    px[area + i] = icm.getGreen(index[i]);
                    px[2 * area + i] = icm.getBlue(index[i]);
                }
                if (alpha != null) {
                    alpha[i] = icm.getAlpha(index[i]);
                }
            }
            image = new FloatImage(grey ? 1 : 3, w, h, px);
            bits = 8;
            notes.add("palette PNG: the palette's " + (grey ? "grey levels were denoised and written as 8-bit grey"
                    : "colours were denoised and written as 24-bit RGB") + ", since a denoised image has more levels"
                    + " than a palette holds");
        } else {
            int colours = b.getColorModel().getNumColorComponents();
            bits = b.getColorModel().getComponentSize(0);
            boolean hasAlpha = b.getColorModel().hasAlpha();
            if ((colours != 1 && colours != 3) || (bits != 8 && bits != 16)
                    || r.getNumBands() != colours + (hasAlpha ? 1 : 0)) {
                return null;
            }
            float[] px = new float[colours * area];
            for (int c = 0; c < colours; c++) {
                System.arraycopy(r.getSamples(0, 0, w, h, c, (float[]) null), 0, px, c * area, area);
            }
            image = new FloatImage(colours, w, h, px);
            alpha = hasAlpha ? r.getSamples(0, 0, w, h, colours, (float[]) null) : null;
            if (bits == 16 && colours == 3) {
                notes.add("16-bit colour: the colours are denoised and written at 16 bits (RGB" + (hasAlpha ? "A" : "")
                        + "), not reduced to 8-bit RGB");
            }
        }
        if (alpha != null) {
            notes.add("its transparency (alpha) is kept as it is; the " + (image.channels() == 1 ? "grey is" :
                    "colours are") + " denoised as stored, not flattened");
        }
        int depth = image.channels() == 3 && bits == 8 ? 24 : bits;
        ImagePlus source = new ImagePlus();
        source.setTitle(file.getFileName().toString());
        return new Loaded(List.of(image), depth, source, List.copyOf(notes), alpha);
    }

    /**
     * As {@link #write(Path, List, int, ImagePlus)}; a PNG with {@code alpha} (one value per pixel on the image's own
     * scale, from {@link Loaded#alpha()}) is written with it as grey + alpha or RGBA, at 8 or 16 bits (bit depth 24 is
     * 8-bit RGB), so transparency survives denoising; a TIFF likewise (alpha as an unassociated extra sample).
     */
    public static void write(Path file, List<FloatImage> planes, int bitDepth, ImagePlus like, float[] alpha)
            throws HushException {
        int channels = planes.get(0).channels();
        String format = imageIoFormat(file);
        boolean fits = (channels == 1 && (bitDepth == 8 || bitDepth == 16))
                || (channels == 3 && (bitDepth == 24 || bitDepth == 16));
        if (alpha != null && format != null && fits && (planes.size() == 1 || format.equals("tiff"))) {
            writeWithImageIo(file, format, planes, bitDepth == 24 ? 8 : bitDepth, alpha);
            return;
        }
        write(file, planes, bitDepth, like);
    }

    /** "png" or "tiff" after the file's extension, null for others. */
    private static String imageIoFormat(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") ? "png" : name.endsWith(".tif") || name.endsWith(".tiff") ? "tiff" : null;
    }

    /**
     * A grey or RGB PNG or TIFF ({@code format}) of {@code bits} (8 or 16) per sample through javax.imageio, with
     * {@code alpha} (on the same scale) as a fourth or second channel when given: the values rounded and clipped.
     */
    private static void writeWithImageIo(Path file, String format, FloatImage image, int bits, float[] alpha)
            throws HushException {
        writeWithImageIo(file, format, List.of(image), bits, alpha);
    }

    /**
     * As above for several planes (a TIFF of one image per plane); {@code alpha}, when given, holds the planes' alphas
     * one after the other.
     */
    private static void writeWithImageIo(Path file, String format, List<FloatImage> planes, int bits, float[] alpha)
            throws HushException {
        List<BufferedImage> images = new ArrayList<>();
        int area = planes.get(0).width() * planes.get(0).height();
        for (int p = 0; p < planes.size(); p++) {
            images.add(toBufferedImage(planes.get(p), bits,
                    alpha == null ? null : java.util.Arrays.copyOfRange(alpha, p * area, (p + 1) * area)));
        }
        int colours = planes.get(0).channels();
        try {
            AtomicFile.write(file, tmp -> {
                if (images.size() == 1) {
                    if (!javax.imageio.ImageIO.write(images.get(0), format, tmp.toFile())) {
                        throw new IOException("no " + format + " writer for " + bits + "-bit " + (colours == 1 ? "grey"
                                : "RGB") + (alpha != null ? " + alpha" : "") + " images");
                    }
                    return;
                }
                javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName(format).next();
                try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(
                        tmp.toFile())) {
                    writer.setOutput(out);
                    writer.prepareWriteSequence(null);
                    for (BufferedImage b : images) {
                        writer.writeToSequence(new javax.imageio.IIOImage(b, null, null), null);
                    }
                    writer.endWriteSequence();
                } finally {
                    writer.dispose();
                }
            });
        } catch (IOException e) {
            throw new HushException("cannot write " + file + ": " + e.getMessage() + " (check that the folder exists and"
                    + " is writable)", e);
        }
    }

    /** One plane (grey or RGB) and its alpha (or null) as a BufferedImage of {@code bits} per sample, rounded and clipped. */
    private static BufferedImage toBufferedImage(FloatImage image, int bits, float[] alpha) {
        int w = image.width();
        int h = image.height();
        int area = w * h;
        int colours = image.channels();
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(colours == 1 ? java.awt.color.ColorSpace.CS_GRAY
                        : java.awt.color.ColorSpace.CS_sRGB), alpha != null, false,
                alpha != null ? java.awt.Transparency.TRANSLUCENT : java.awt.Transparency.OPAQUE,
                bits == 8 ? java.awt.image.DataBuffer.TYPE_BYTE : java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        int max = bits == 8 ? 255 : 65535;
        int[] band = new int[area];
        for (int c = 0; c <= colours; c++) {
            float[] from = c < colours ? image.data() : alpha;
            if (from == null) {
                break;
            }
            int offset = c < colours ? c * area : 0;
            for (int i = 0; i < area; i++) {
                band[i] = Math.max(0, Math.min(max, Math.round(from[offset + i])));
            }
            r.setSamples(0, 0, w, h, c, band);
        }
        return new BufferedImage(cm, r, false, null);
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
        if (n >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 43 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 43))) {
            return "BigTIFF";
        }
        return null;
    }

    /**
     * Writes planes atomically as {@code bitDepth} (8, 16 or 32); the format comes from the extension
     * (.png, .tif, .tiff). Values are rounded and clamped to the integer range. Calibration and info
     * are copied from {@code like} when given.
     */
    public static void write(Path file, List<FloatImage> planes, int bitDepth, ImagePlus like) throws HushException {
        if (bitDepth == 16 && planes.size() == 1 && planes.get(0).channels() == 3 && imageIoFormat(file) != null) {
            // 16-bit colour: ImageJ would write it as 8-bit RGB (PNG) or a stack of three planes (TIFF).
            writeWithImageIo(file, imageIoFormat(file), planes.get(0), 16, null);
            return;
        }
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
