package dev.hush.imagej;

import dev.hush.runtime.HushException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Reads and writes the rows of a grey or RGB TIFF too large to hold, a band at a time: 8- or 16-bit unsigned or
 * 32-bit float samples (RGB: interleaved), one image per file. Uncompressed strips are read straight from the file
 * (classic TIFF or BigTIFF); compressed strips and tiles (LZW, Deflate, PackBits, JPEG) of a classic TIFF are decoded
 * a region at a time by the JDK's TIFF reader ({@code javax.imageio}), which decodes only the strips or tiles a region
 * touches. What {@code hush image --stream} and images above the in-memory limit go through; anything else (several
 * images, alpha, planar RGB, a compressed BigTIFF, strips or tiles too large to decode one at a time) is refused with
 * what to convert it to.
 */
final class TiffBands {
    private TiffBands() {
    }

    /** Where an image's rows lie in its file. */
    record Layout(int width, int height, int bits, boolean floating, ByteOrder order, long[] stripOffsets,
                  long[] stripBytes, int rowsPerStrip, double[] resolution, int resolutionUnit, String description,
                  int compression, int tileWidth, int tileHeight, int samples) {
        /** Uncompressed strips: rows read straight from the file. */
        boolean direct() {
            return compression == 1 && tileWidth == 0;
        }

        /** Rows decoded together: a strip's, or a row of tiles'. */
        int blockRows() {
            return tileWidth > 0 ? tileHeight : rowsPerStrip;
        }

        long rowBytes() {
            return (long) width * samples * (bits / 8);
        }

        long pixels() {
            return (long) width * height;
        }
    }

    /**
     * The layout of {@code file}'s image, or a refusal that says why it cannot be read band by band (the header
     * has passed {@link ImageHeader}'s checks except the in-memory size limit).
     */
    static Layout layout(Path file) throws HushException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return layout(file, ch);
        } catch (IOException e) {
            throw new HushException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Layout layout(Path file, FileChannel ch) throws IOException, HushException {
        long size = ch.size();
        ByteBuffer head = ImageHeader.read(ch, 0, 16, ByteOrder.LITTLE_ENDIAN);
        if (head == null) {
            throw refuse(file, "it is shorter than a TIFF header");
        }
        ByteOrder order = head.get(0) == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        head.order(order);
        int magic = head.getShort(2) & 0xffff;
        boolean big = magic == 43;
        if (!big && magic != 42) {
            throw refuse(file, "it is not a TIFF file");
        }
        long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
        int countSize = big ? 8 : 2;
        int entrySize = big ? 20 : 12;
        ByteBuffer cnt = ImageHeader.read(ch, ifd, countSize, order);
        if (cnt == null) {
            throw refuse(file, "its image directory lies outside the file");
        }
        long n = big ? cnt.getLong(0) : cnt.getShort(0) & 0xffff;
        if (n < 1 || n > 4096) {
            throw refuse(file, "its image directory has " + n + " entries");
        }
        ByteBuffer e = ImageHeader.read(ch, ifd + countSize, n * entrySize + (big ? 8 : 4), order);
        if (e == null) {
            throw refuse(file, "its image directory runs past the end of the file");
        }
        long width = 0;
        long height = 0;
        int bits = 1;
        int samples = 1;
        int compression = 1;
        int photometric = 1;
        int format = 1;
        int predictor = 1;
        int planar = 1;
        long rowsPerStrip = -1;
        long[] offsets = null;
        long[] counts = null;
        double[] resolution = null;
        int resolutionUnit = 0;
        String description = null;
        boolean tiled = false;
        long tileWidth = 0;
        long tileHeight = 0;
        long[] tileOffsets = null;
        long[] tileCounts = null;
        for (int i = 0; i < n; i++) {
            int at = i * entrySize;
            int tag = e.getShort(at) & 0xffff;
            int type = e.getShort(at + 2) & 0xffff;
            long count = big ? e.getLong(at + 4) : Integer.toUnsignedLong(e.getInt(at + 4));
            int valueAt = at + (big ? 12 : 8);
            long[] values = switch (tag) {
                case 256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 296, 317, 322, 323, 324, 325, 339 ->
                        values(ch, e, valueAt, type, count, big, order, size, file, tag);
                default -> null;
            };
            switch (tag) {
                case 256 -> width = values[0];
                case 257 -> height = values[0];
                case 258 -> bits = (int) values[0];
                case 259 -> compression = (int) values[0];
                case 262 -> photometric = (int) values[0];
                case 273 -> offsets = values;
                case 277 -> samples = (int) values[0];
                case 278 -> rowsPerStrip = values[0];
                case 284 -> planar = (int) values[0];
                case 279 -> counts = values;
                case 296 -> resolutionUnit = (int) values[0];
                case 317 -> predictor = (int) values[0];
                case 322 -> tileWidth = values[0];
                case 323 -> tileHeight = values[0];
                case 324 -> tileOffsets = values;
                case 325 -> tileCounts = values;
                case 339 -> format = (int) values[0];
                default -> { }
            }
            if (tag == 270 && type == 2 && count > 0 && count <= MAX_DESCRIPTION) {
                ByteBuffer d = count <= (big ? 8 : 4) ? e.slice(valueAt, (int) count)
                        : ImageHeader.read(ch, big ? e.getLong(valueAt) : Integer.toUnsignedLong(e.getInt(valueAt)), count, order);
                if (d != null) {
                    byte[] text = new byte[(int) count];
                    d.get(0, text);
                    int len = 0;
                    while (len < text.length && text[len] != 0) {
                        len++;
                    }
                    description = new String(text, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            }
            if ((tag == 282 || tag == 283) && type == 5 && count == 1) {
                ByteBuffer r = big ? e.slice(valueAt, 8).order(order) : ImageHeader.read(ch, Integer.toUnsignedLong(e.getInt(valueAt)), 8, order);
                if (r != null) {
                    if (resolution == null) {
                        resolution = new double[] {Double.NaN, Double.NaN};
                    }
                    long num = Integer.toUnsignedLong(r.getInt(0));
                    long den = Integer.toUnsignedLong(r.getInt(4));
                    resolution[tag - 282] = den == 0 ? Double.NaN : (double) num / den;
                }
            }
        }
        long next = big ? e.getLong((int) (n * entrySize)) : Integer.toUnsignedLong(e.getInt((int) (n * entrySize)));
        tiled = tileWidth > 0 || tileHeight > 0 || tileOffsets != null || tileCounts != null;
        String convert = "; save it as an uncompressed, striped grey TIFF to denoise it band by band (e.g. tiffcp -c"
                + " none -s in.tif out.tif, or in ImageJ: File › Save As › Tiff...)";
        if (next != 0) {
            throw refuse(file, "it holds more than one image" + convert);
        }
        if (width < 1 || height < 1 || width > Integer.MAX_VALUE - 8 || height > Integer.MAX_VALUE - 8) {
            throw refuse(file, "its header gives " + width + "×" + height + " pixels");
        }
        if (width > MAX_WIDTH) {
            throw refuse(file, "it is " + width + " pixels wide; band by band takes images up to " + MAX_WIDTH
                    + " pixels wide (a band holds a few hundred whole rows); crop it into narrower images first");
        }
        if (compression != 1 && !DECODED.contains(compression)) {
            throw refuse(file, "it is compressed with TIFF compression " + compression + ", which band by band does"
                    + " not decode (it decodes LZW, Deflate, PackBits and JPEG)" + convert);
        }
        if (compression != 1 && predictor != 1 && predictor != 2) {
            throw refuse(file, "its compressed samples use TIFF predictor " + predictor + " (floating point), which"
                    + " band by band does not decode" + convert);
        }
        if ((compression != 1 || tiled) && big) {
            throw refuse(file, "it is a BigTIFF with " + (tiled ? "tiles" : "compressed strips") + "; band by band"
                    + " decodes those in classic TIFF only" + convert);
        }
        if (!(samples == 1 && photometric == 1 || samples == 3 && photometric == 2)) {
            throw refuse(file, (samples == 1 ? "its grey levels are stored inverted or mapped (photometric "
                    + photometric + ")" : "it has " + samples + " samples per pixel (photometric " + photometric
                    + (samples == 2 || samples == 4 ? ": alpha" : "") + ")") + "; band by band reads grey or RGB"
                    + " without alpha, so save it so (or split its channels) first");
        }
        if (samples == 3 && planar != 1) {
            throw refuse(file, "its red, green and blue are stored in separate planes (planar configuration "
                    + planar + "); band by band reads them interleaved" + convert.replace("grey", "RGB")
                    .replace("-s in.tif", "-s -p contig in.tif"));
        }
        boolean floating = format == 3;
        if (!(bits == 8 && format == 1 || bits == 16 && format == 1 || bits == 32 && floating)) {
            throw refuse(file, "its samples are " + bits + "-bit " + (format == 2 ? "signed" : floating ? "float"
                    : "unsigned") + "; band by band reads 8- or 16-bit unsigned and 32-bit float");
        }
        long rowBytes = width * samples * (bits / 8);
        long rps = rowsPerStrip <= 0 || rowsPerStrip > height ? height : rowsPerStrip;
        if (tiled) {
            if (tileWidth < 1 || tileHeight < 1 || tileWidth > MAX_WIDTH || tileHeight > MAX_WIDTH
                    || tileOffsets == null || tileCounts == null || tileOffsets.length != tileCounts.length) {
                throw refuse(file, "its tile size (" + tileWidth + "×" + tileHeight + "), offsets or byte counts are"
                        + " missing or do not agree");
            }
            long across = (width + tileWidth - 1) / tileWidth;
            long down = (height + tileHeight - 1) / tileHeight;
            if (tileOffsets.length != across * down) {
                throw refuse(file, "it has " + tileOffsets.length + " tiles where " + width + "×" + height + " pixels"
                        + " in tiles of " + tileWidth + "×" + tileHeight + " need " + across * down);
            }
            offsets = tileOffsets;
            counts = tileCounts;
            rps = tileHeight;
        } else if (offsets == null || counts == null || offsets.length != counts.length) {
            throw refuse(file, "its strip offsets and byte counts are missing or differ in number");
        }
        long strips = (height + rps - 1) / rps;
        if (!tiled && offsets.length != strips) {
            throw refuse(file, "it has " + offsets.length + " strips where " + height + " rows of " + rps
                    + " per strip need " + strips);
        }
        long blockBytes = tiled ? tileWidth * tileHeight * samples * (bits / 8) : rps * rowBytes;
        if (compression != 1 || tiled) {
            if (blockBytes > MAX_BLOCK_BYTES) {
                throw refuse(file, "each of its " + (tiled ? "tiles" : "strips") + " holds " + (blockBytes >> 20)
                        + " MiB decoded, and band by band decodes one at a time, up to " + (MAX_BLOCK_BYTES >> 20)
                        + " MiB; save it with smaller strips (e.g. tiffcp -s -r 64 in.tif out.tif)");
            }
            for (int i = 0; i < offsets.length; i++) {
                if (offsets[i] < 0 || counts[i] < 1 || offsets[i] + counts[i] > size) {
                    throw refuse(file, (tiled ? "tile " : "strip ") + (i + 1) + " of " + offsets.length + " does not"
                            + " lie inside the " + size + "-byte file (damaged or truncated)");
                }
            }
        } else {
            for (int s = 0; s < strips; s++) {
                long rows = Math.min(rps, height - s * rps);
                if (offsets[s] < 0 || counts[s] < rows * rowBytes || offsets[s] + rows * rowBytes > size) {
                    throw refuse(file, "strip " + (s + 1) + " of " + strips + " does not hold its " + rows
                            + " rows inside the " + size + "-byte file (damaged or truncated)");
                }
            }
        }
        return new Layout((int) width, (int) height, bits, floating, order, offsets, counts, (int) rps,
                resolution, resolutionUnit, description, compression, (int) tileWidth, tiled ? (int) tileHeight : 0,
                samples);
    }

    /** Compressions the JDK's TIFF reader decodes for grey samples: LZW, JPEG, Deflate (both codes), PackBits. */
    private static final java.util.Set<Integer> DECODED = java.util.Set.of(5, 7, 8, 32946, 32773);
    /** The largest strip or tile decoded at once (256 MiB). */
    static final long MAX_BLOCK_BYTES = 1L << 28;

    private static final int MAX_VALUES = 1 << 24;
    /** The widest image read band by band: a band holds a few hundred rows at least (the model's context). */
    static final int MAX_WIDTH = 1 << 20;
    /** The longest image description (ImageJ's calibration and units live there) copied to the output. */
    private static final int MAX_DESCRIPTION = 1 << 16;

    /** A tag's integer values (BYTE, SHORT, LONG, LONG8), inline or at their offset. */
    private static long[] values(FileChannel ch, ByteBuffer e, int valueAt, int type, long count, boolean big,
                                 ByteOrder order, long size, Path file, int tag) throws IOException, HushException {
        int bytes = switch (type) {
            case 1 -> 1;
            case 3 -> 2;
            case 4 -> 4;
            case 16 -> 8;
            default -> 0;
        };
        if (bytes == 0 || count < 1 || count > MAX_VALUES || count * bytes > size) {
            throw refuse(file, "tag " + tag + " has " + count + " values of type " + type);
        }
        long total = count * bytes;
        ByteBuffer b;
        if (total <= (big ? 8 : 4)) {
            b = e.slice(valueAt, (int) total).order(order);
        } else {
            long at = big ? e.getLong(valueAt) : Integer.toUnsignedLong(e.getInt(valueAt));
            b = ImageHeader.read(ch, at, total, order);
            if (b == null) {
                throw refuse(file, "tag " + tag + "'s values lie outside the file");
            }
        }
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (bytes) {
                case 1 -> b.get(i) & 0xff;
                case 2 -> b.getShort(2 * i) & 0xffff;
                case 4 -> Integer.toUnsignedLong(b.getInt(4 * i));
                default -> b.getLong(8 * i);
            };
        }
        return out;
    }

    /** Reads rows of an image laid out as {@link Layout}, as floats. */
    abstract static sealed class Reader implements Closeable permits Direct, Decoding {
        /** A reader of {@code file}'s rows: straight from the file for uncompressed strips, else decoded. */
        static Reader open(Path file, Layout layout) throws IOException {
            return layout.direct() ? new Direct(file, layout) : new Decoding(file, layout);
        }

        /**
         * Rows {@code from} to {@code to} (exclusive) into {@code out} from index 0, {@code width × samples} values a
         * row (RGB interleaved).
         */
        abstract void rows(int from, int to, float[] out) throws IOException;
    }

    /** Uncompressed strips, read straight from the file. */
    private static final class Direct extends Reader {
        private final Layout layout;
        private final FileChannel ch;

        Direct(Path file, Layout layout) throws IOException {
            this.layout = layout;
            this.ch = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        void rows(int from, int to, float[] out) throws IOException {
            int rps = layout.rowsPerStrip();
            long rowBytes = layout.rowBytes();
            int y = from;
            int pos = 0;
            while (y < to) {
                int strip = y / rps;
                int rows = Math.min(to, (strip + 1) * rps) - y;
                long at = layout.stripOffsets()[strip] + (long) (y - strip * rps) * rowBytes;
                ByteBuffer b = ByteBuffer.allocate((int) (rows * rowBytes)).order(layout.order());
                while (b.hasRemaining()) {
                    if (ch.read(b, at + b.position()) < 0) {
                        throw new IOException("the file ended inside strip " + (strip + 1));
                    }
                }
                b.flip();
                int n = rows * layout.width() * layout.samples();
                switch (layout.bits()) {
                    case 8 -> {
                        for (int i = 0; i < n; i++) {
                            out[pos++] = b.get(i) & 0xff;
                        }
                    }
                    case 16 -> {
                        for (int i = 0; i < n; i++) {
                            out[pos++] = b.getShort(2 * i) & 0xffff;
                        }
                    }
                    default -> {
                        for (int i = 0; i < n; i++) {
                            out[pos++] = b.getFloat(4 * i);
                        }
                    }
                }
                y += rows;
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /**
     * Compressed strips or tiles, decoded a region of whole strips or tile rows at a time by the JDK's TIFF reader
     * (it decodes only the strips or tiles that a region touches); the last region is kept, so that the overlapping
     * bands of the denoising pass and the short steps of the statistics pass decode each strip about once.
     */
    private static final class Decoding extends Reader {
        /** The most floats a kept region holds (128 MiB); beyond it, exactly the rows asked for are decoded. */
        private static final long KEPT_FLOATS = 1L << 25;
        private final Layout layout;
        private final javax.imageio.stream.ImageInputStream in;
        private final javax.imageio.ImageReader reader;
        private float[] kept = new float[0];
        private int keptFrom;
        private int keptTo;

        Decoding(Path file, Layout layout) throws IOException {
            this.layout = layout;
            this.in = new javax.imageio.stream.FileImageInputStream(file.toFile());
            java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReadersByFormatName("tiff");
            if (!readers.hasNext()) {
                in.close();
                throw new IOException("this Java has no TIFF reader (javax.imageio, Java 9 and newer)");
            }
            this.reader = readers.next();
            reader.setInput(in, true, true);
        }

        @Override
        void rows(int from, int to, float[] out) throws IOException {
            int w = layout.width();
            int c = layout.samples();
            if (from < keptFrom || to > keptTo) {
                int block = layout.blockRows();
                int start = from / block * block;
                int end = (int) Math.min(layout.height(), ((long) to + block - 1) / block * block);
                if ((long) (end - start) * w * c > KEPT_FLOATS) {
                    start = from;
                    end = to;
                }
                javax.imageio.ImageReadParam p = reader.getDefaultReadParam();
                p.setSourceRegion(new java.awt.Rectangle(0, start, w, end - start));
                java.awt.image.Raster r;
                try {
                    r = reader.read(0, p).getRaster();
                } catch (RuntimeException e) {   // the JDK's decoders throw unchecked exceptions on damaged data
                    throw new IOException("rows " + start + " to " + end + " cannot be decoded (" + e + ")", e);
                }
                if (r.getWidth() != w || r.getHeight() != end - start || r.getNumBands() != c) {
                    throw new IOException("the TIFF reader gave " + r.getWidth() + "×" + r.getHeight() + "×"
                            + r.getNumBands() + " samples for rows " + start + " to " + end);
                }
                kept = r.getPixels(0, 0, w, end - start, kept.length >= (end - start) * w * c ? kept : null);
                keptFrom = start;
                keptTo = end;
            }
            System.arraycopy(kept, (from - keptFrom) * w * c, out, 0, (to - from) * w * c);
        }

        @Override
        public void close() throws IOException {
            reader.dispose();
            in.close();
        }
    }

    /**
     * Writes a grey or RGB (interleaved) image row by row into a new uncompressed TIFF: header and directory first, then the rows in
     * order (classic TIFF up to 4 GiB, BigTIFF beyond). Samples are rounded and clipped as {@link ImageFiles}
     * writes them (8 and 16 bits) or kept (32-bit float).
     */
    static final class Writer implements Closeable {
        private static final int STRIP_BYTES = 1 << 16;
        private final FileChannel ch;
        private final int width;
        private final int height;
        private final int bits;
        private final int samples;
        private long at;
        private int rowsDone;

        Writer(Path file, int width, int height, int bits, double[] resolution, int resolutionUnit,
               String description) throws IOException {
            this(file, width, height, 1, bits, resolution, resolutionUnit, description, false);
        }

        /**
         * As above, with {@code samples} per pixel (1: grey, 3: RGB); {@code bigTiff} writes BigTIFF even when
         * classic TIFF would hold the image (for tests).
         */
        Writer(Path file, int width, int height, int samples, int bits, double[] resolution, int resolutionUnit,
               String description, boolean bigTiff) throws IOException {
            if (bits != 8 && bits != 16 && bits != 32) {
                throw new IllegalArgumentException("bits must be 8, 16 or 32, got " + bits);
            }
            if (samples != 1 && samples != 3) {
                throw new IllegalArgumentException("samples must be 1 or 3, got " + samples);
            }
            this.width = width;
            this.height = height;
            this.bits = bits;
            this.samples = samples;
            long rowBytes = (long) width * samples * (bits / 8);
            int rps = (int) Math.max(1, Math.min(height, STRIP_BYTES / rowBytes));
            int strips = (height + rps - 1) / rps;
            long data = (long) height * rowBytes;
            boolean big = bigTiff || data + 16L * strips + 4096 > 0xffffffffL;
            boolean res = resolution != null && resolution.length == 2 && resolution[0] > 0 && resolution[1] > 0
                    && Double.isFinite(resolution[0]) && Double.isFinite(resolution[1]);
            byte[] text = description == null || description.isEmpty() ? null
                    : (description + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int entries = 10 + (res ? 3 : 0) + (text != null ? 1 : 0) + (samples > 1 ? 1 : 0);
            int entrySize = big ? 20 : 12;
            int offSize = big ? 8 : 4;
            long ifd = big ? 16 : 8;
            long arrays = ifd + (big ? 8 : 2) + (long) entries * entrySize + offSize;
            long offsetsAt = arrays;
            long countsAt = offsetsAt + (long) strips * offSize;
            long resAt = countsAt + (long) strips * offSize;
            // RGB's BitsPerSample and SampleFormat (3 SHORTs each) lie outside the directory in classic TIFF
            long perSampleAt = resAt + (res && !big ? 16 : 0);
            boolean perSampleInline = samples * 2 <= offSize;
            long textAt = perSampleAt + (perSampleInline ? 0 : 16);
            boolean textInline = text != null && text.length <= offSize;
            long dataAt = textAt + (text != null && !textInline ? text.length : 0);
            ByteBuffer h = ByteBuffer.allocate((int) dataAt).order(ByteOrder.LITTLE_ENDIAN);
            h.put((byte) 'I').put((byte) 'I');
            if (big) {
                h.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifd);
                h.putLong(entries);
            } else {
                h.putShort((short) 42).putInt((int) ifd);
                h.putShort((short) entries);
            }
            Entries e = new Entries(h, big);
            e.add(256, width);
            e.add(257, height);
            e.addShorts(258, samples, bits, perSampleAt);
            e.add(259, 1);
            e.add(262, samples == 3 ? 2 : 1);
            if (text != null) {
                h.putShort((short) 270).putShort((short) 2);
                e.count(text.length);
                if (textInline) {
                    h.put(text).put(new byte[offSize - text.length]);
                } else if (big) {
                    h.putLong(textAt);
                } else {
                    h.putInt((int) textAt);
                }
            }
            e.addArray(273, strips, strips == 1 ? dataAt : offsetsAt);
            e.add(277, samples);
            e.add(278, rps);
            e.addArray(279, strips, strips == 1 ? (long) height * rowBytes : countsAt);
            long[][] rationals = res ? new long[][] {rational(resolution[0]), rational(resolution[1])} : null;
            if (res) {
                e.addRational(282, rationals[0], resAt);
                e.addRational(283, rationals[1], resAt + 8);
            }
            if (samples > 1) {
                e.add(284, 1);
            }
            if (res) {
                e.add(296, resolutionUnit == 0 ? 1 : resolutionUnit);
            }
            e.addShorts(339, samples, bits == 32 ? 3 : 1, perSampleAt + 8);
            if (big) {
                h.putLong(0);
            } else {
                h.putInt(0);
            }
            for (int s = 0; s < strips; s++) {
                long off = dataAt + (long) s * rps * rowBytes;
                if (big) {
                    h.putLong(off);
                } else {
                    h.putInt((int) off);
                }
            }
            for (int s = 0; s < strips; s++) {
                long bytes = Math.min(rps, height - (long) s * rps) * rowBytes;
                if (big) {
                    h.putLong(bytes);
                } else {
                    h.putInt((int) bytes);
                }
            }
            if (res && !big) {
                for (long[] r : rationals) {
                    h.putInt((int) r[0]).putInt((int) r[1]);
                }
            }
            if (!perSampleInline) {
                for (int v : new int[] {bits, bits == 32 ? 3 : 1}) {
                    for (int i = 0; i < 4; i++) {
                        h.putShort((short) (i < samples ? v : 0));
                    }
                }
            }
            if (text != null && !textInline) {
                h.put(text);
            }
            h.flip();
            ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            at = dataAt;
        }

        /** A positive number as a TIFF RATIONAL (numerator, denominator), to six decimals where it fits. */
        private static long[] rational(double r) {
            long den = 1_000_000;
            long num = Math.round(r * den);
            while (num > 0xffffffffL && den > 1) {
                den /= 10;
                num = Math.round(r * den);
            }
            return new long[] {Math.min(num, 0xffffffffL), den};
        }

        /** The directory's entries, in tag order (the caller adds them so). */
        private record Entries(ByteBuffer h, boolean big) {
            void add(int tag, long value) {
                boolean shortType = value <= 0xffff && tag != 273 && tag != 279;
                h.putShort((short) tag).putShort((short) (shortType ? 3 : big && value > 0xffffffffL ? 16 : 4));
                count(1);
                if (big) {
                    h.putLong(value);
                } else if (shortType) {
                    h.putShort((short) value).putShort((short) 0);
                } else {
                    h.putInt((int) value);
                }
            }

            void addArray(int tag, int n, long valueOrOffset) {
                h.putShort((short) tag).putShort((short) (big ? 16 : 4));
                count(n);
                if (big) {
                    h.putLong(valueOrOffset);
                } else {
                    h.putInt((int) valueOrOffset);
                }
            }

            /** {@code n} SHORTs of {@code value}: inline where they fit, else at {@code offset}. */
            void addShorts(int tag, int n, int value, long offset) {
                if (n == 1) {
                    add(tag, value);
                    return;
                }
                h.putShort((short) tag).putShort((short) 3);
                count(n);
                int room = big ? 8 : 4;
                if (2 * n <= room) {
                    for (int i = 0; i < room / 2; i++) {
                        h.putShort((short) (i < n ? value : 0));
                    }
                } else if (big) {
                    h.putLong(offset);
                } else {
                    h.putInt((int) offset);
                }
            }

            /** A RATIONAL: inline in BigTIFF (8 bytes fit, and must be there), else at {@code offset}. */
            void addRational(int tag, long[] value, long offset) {
                h.putShort((short) tag).putShort((short) 5);
                count(1);
                if (big) {
                    h.putInt((int) value[0]).putInt((int) value[1]);
                } else {
                    h.putInt((int) offset);
                }
            }

            void count(long n) {
                if (big) {
                    h.putLong(n);
                } else {
                    h.putInt((int) n);
                }
            }
        }

        /** The next {@code rows} rows ({@code width × samples} values each, RGB interleaved, from {@code data[0]}). */
        void rows(float[] data, int rows) throws IOException {
            if (rowsDone + rows > height) {
                throw new IllegalStateException(rows + " rows after " + rowsDone + " of " + height);
            }
            int n = rows * width * samples;
            ByteBuffer b = ByteBuffer.allocate(n * (bits / 8)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = data[i];
                switch (bits) {
                    case 8 -> b.put((byte) Math.max(0, Math.min(255, Math.round(v))));
                    case 16 -> b.putShort((short) Math.max(0, Math.min(65535, Math.round(v))));
                    default -> b.putFloat(v);
                }
            }
            b.flip();
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            rowsDone += rows;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private static HushException refuse(Path file, String why) {
        return new HushException(HushException.Code.INVALID_INPUT, String.format(Locale.ROOT,
                "cannot read %s band by band: %s", file, why));
    }
}
