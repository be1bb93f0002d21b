package dev.hush.imagej;

import dev.hush.runtime.HushException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Checks what a PNG or TIFF header claims before ImageJ decodes anything, so that a small file cannot make Hush
 * allocate gigabytes or loop: the pixels a header announces must fit in what the file can hold (uncompressed data
 * inside the file, compressed data at most its codec's best ratio times the file), the decoded image must stay under
 * {@link #MAX_DECODED_BYTES}, and a TIFF's chain of image directories must stay inside the file and end.
 */
final class ImageHeader {
    /** The most bytes an image may decode to (all planes, at least one byte per sample): 2 GiB. */
    static final long MAX_DECODED_BYTES = 1L << 31;

    private ImageHeader() {
    }

    /**
     * What the header says beyond the size, for the reader to tell the user what ImageJ's decoding changes (or to
     * refuse what it would lose).
     *
     * @param bits       bits per sample (of the first TIFF image)
     * @param samples    samples per pixel, alpha and extra samples included (of the first TIFF image)
     * @param palette    a PNG with a palette (colour type 3): ImageJ gives the indices, not the colours
     * @param alpha      an alpha channel or PNG transparency (tRNS), or TIFF extra samples: ImageJ flattens or drops it
     * @param images     TIFF image directories that hold an image (1 for PNG)
     * @param mixed      TIFF images that differ in size, bits or samples per pixel (ImageJ then opens only the first)
     * @param signed     TIFF samples that are signed integers (SampleFormat 2)
     * @param pixels     pixels of the first image
     * @param decoded    bytes all images decode to (at least one byte per sample)
     * @param what       the size in words, for messages ("40000×40000 pixels in 2 images")
     */
    record Summary(int bits, int samples, boolean palette, boolean alpha, long images, boolean mixed, boolean signed,
                   long pixels, double decoded, String what, String notForImageJ) {
    }

    /**
     * Refuses an image whose pixels decode to more than {@link #MAX_DECODED_BYTES}: it cannot be held whole (a grey
     * or RGB TIFF can still be denoised band by band, which the caller tries first).
     */
    static void requireInMemory(Path file, String kind, Summary s) throws HushException {
        if (s.decoded() > MAX_DECODED_BYTES) {
            throw new HushException(HushException.Code.INVALID_INPUT, String.format(Locale.ROOT, "cannot read %s: its"
                    + " %s header claims %s (%.1f GiB decoded), above the %d GiB an image may take in memory; a"
                    + " grey or RGB TIFF of one image is denoised band by band instead (save it so, e.g. with tiffcp -c"
                    + " none -s), or split it into smaller images or planes (in ImageJ: Image › Stacks ›"
                    + " Tools › Make Substack, or crop it into tiles)", file, kind, s.what(), s.decoded() / (1L << 30),
                    MAX_DECODED_BYTES >> 30));
        }
    }

    /**
     * Refuses {@code file} (a PNG or TIFF by its first bytes, {@code kind}) when its header claims what it cannot hold;
     * else says what it holds.
     */
    static Summary check(Path file, String kind) throws HushException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (kind.equals("PNG")) {
                return png(file, ch);
            } else {
                return tiff(file, ch);
            }
        } catch (IOException e) {
            throw new HushException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Summary png(Path file, FileChannel ch) throws IOException, HushException {
        ByteBuffer b = read(ch, 8, 25, ByteOrder.BIG_ENDIAN);
        if (b == null || b.getInt(0) != 13 || b.getInt(4) != 0x49484452) { // "IHDR"
            throw damaged(file, "PNG", "it does not start with an IHDR header");
        }
        long w = Integer.toUnsignedLong(b.getInt(8));
        long h = Integer.toUnsignedLong(b.getInt(12));
        int bits = b.get(16) & 0xff;
        int samples = switch (b.get(17) & 0xff) {
            case 2 -> 3; // RGB
            case 4 -> 2; // grey + alpha
            case 6 -> 4; // RGBA
            default -> 1; // grey, palette
        };
        if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE || bits < 1 || bits > 16) {
            throw damaged(file, "PNG", "its header gives " + w + "×" + h + " pixels of " + bits + " bits");
        }
        // PNG data is deflate-compressed: at best 1032 bytes out per byte in.
        double values = (double) w * h * samples;
        String what = w + "×" + h + " pixels";
        claim(file, "PNG", ch.size(), what, values * bits / 8 / 1032);
        int colourType = b.get(17) & 0xff;
        return new Summary(bits, samples, colourType == 3, colourType == 4 || colourType == 6 || hasChunk(ch, 0x74524e53), 1,
                false, false, w * h, values * Math.max(1, (bits + 7) / 8), what, null); // "tRNS"
    }

    /** Whether a chunk of this type comes before the image data (where tRNS must be); walks the chunk lengths only. */
    private static boolean hasChunk(FileChannel ch, int type) throws IOException {
        long at = 8;
        for (int i = 0; i < 10_000; i++) {
            ByteBuffer c = read(ch, at, 8, ByteOrder.BIG_ENDIAN);
            if (c == null) {
                return false;
            }
            long len = Integer.toUnsignedLong(c.getInt(0));
            int t = c.getInt(4);
            if (t == type) {
                return true;
            }
            if (t == 0x49444154 || t == 0x49454e44) { // IDAT, IEND
                return false;
            }
            at += 12 + len;
        }
        return false;
    }

    private static Summary tiff(Path file, FileChannel ch) throws IOException, HushException {
        long size = ch.size();
        ByteBuffer head = read(ch, 0, 8, ByteOrder.LITTLE_ENDIAN);
        if (head == null) {
            throw damaged(file, "TIFF", "it is shorter than a TIFF header");
        }
        ByteOrder order = head.get(0) == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long next = Integer.toUnsignedLong(head.order(order).getInt(4));
        Set<Long> seen = new HashSet<>();
        double decoded = 0;
        double stored = 0;
        long planes = 0;
        long firstW = 0;
        long firstH = 0;
        int firstBits = 0;
        long firstSamples = 0;
        long images = 0;
        boolean mixed = false;
        boolean signed = false;
        boolean extra = false;
        String notForImageJ = null;   // what ImageJ's TIFF reader cannot decode right: tiles, JPEG
        while (next != 0) {
            if (!seen.add(next)) {
                throw damaged(file, "TIFF", "its chain of image directories loops back to the one at byte " + next
                        + " (a reader would go round forever)");
            }
            ByteBuffer count = next < 8 || next + 2 > size ? null : read(ch, next, 2, order);
            if (count == null) {
                throw damaged(file, "TIFF", "image directory " + (planes + 1) + " is said to start at byte " + next
                        + ", outside the " + size + "-byte file");
            }
            int n = count.getShort(0) & 0xffff;
            ByteBuffer ifd = read(ch, next + 2, 12L * n + 4, order);
            if (ifd == null) {
                throw damaged(file, "TIFF", "image directory " + (planes + 1) + " runs past the end of the file");
            }
            long w = 0;
            long h = 0;
            long samples = 1;
            int bits = 1;
            int compression = 1;
            int format = 1;
            boolean tiled = false;
            long tileW = 0;
            long tileH = 0;
            for (int i = 0; i < n; i++) {
                int at = 12 * i;
                int tag = ifd.getShort(at) & 0xffff;
                int type = ifd.getShort(at + 2) & 0xffff;
                long cnt = Integer.toUnsignedLong(ifd.getInt(at + 4));
                long value = type == 3 ? ifd.getShort(at + 8) & 0xffff : Integer.toUnsignedLong(ifd.getInt(at + 8));
                // A tag's values must lie in the file: ImageJ sizes its arrays for metadata tags by their count, so a
                // 100-byte file claiming a 3 GB Artist string would exhaust the heap (found by fuzzing).
                long bytes = cnt * typeSize(type);
                if (bytes > size || bytes > 4 && Integer.toUnsignedLong(ifd.getInt(at + 8)) + bytes > size) {
                    throw damaged(file, "TIFF", "tag " + tag + " of image directory " + (planes + 1) + " claims " + cnt
                            + " values, more than the " + size + "-byte file holds");
                }
                // Size and layout tags hold one SHORT or LONG: ImageJ reads a width with no value (count 0) from its
                // 4-byte field as a LONG, 65536 times the SHORT read here, and sized an array by it (a 134-byte file
                // exhausted a 3.6 GB heap; found by fuzzing).
                boolean single = tag == 256 || tag == 257 || tag == 259 || tag == 262 || tag == 277 || tag == 278
                        || tag == 284 || tag == 322 || tag == 323;
                if (single && (cnt != 1 || type != 3 && type != 4) || (tag == 258 || tag == 339) && cnt < 1) {
                    throw damaged(file, "TIFF", "tag " + tag + " of image directory " + (planes + 1) + " has " + cnt
                            + " value(s) of type " + type + ", where the format has " + (single ? "one SHORT or LONG"
                            : "one per sample"));
                }
                switch (tag) {
                    case 256 -> w = value;
                    case 257 -> h = value;
                    // More than two SHORTs do not fit in the entry: its value field is then their 32-bit offset.
                    case 258 -> bits = (int) Math.min(64, type == 3 && cnt > 2
                            ? firstShort(ch, Integer.toUnsignedLong(ifd.getInt(at + 8)), order) : value);
                    case 259 -> compression = (int) value;
                    case 277 -> samples = value;
                    case 338 -> extra = true; // ExtraSamples: alpha or other channels beyond the colours
                    case 339 -> format = (int) value;
                    case 322 -> {
                        tiled = true;
                        tileW = value;
                    }
                    case 323 -> {
                        tiled = true;
                        tileH = value;
                    }
                    case 324, 325 -> tiled = true;
                    default -> { }
                }
            }
            next = Integer.toUnsignedLong(ifd.getInt(12 * n));
            planes++;
            // A tile is decoded whole: a tiny file must not make the decoder size a buffer by a huge tile.
            double tileBytes = (double) tileW * tileH * Math.max(1, samples) * Math.max(1, (bits + 7) / 8);
            if (tiled && tileBytes > TiffBands.MAX_BLOCK_BYTES) {
                throw new HushException(HushException.Code.INVALID_INPUT, "cannot read " + file + ": image directory "
                        + planes + " has tiles of " + tileW + "×" + tileH + " pixels (" + (long) (tileBytes / (1 << 20))
                        + " MiB decoded each), above the " + (TiffBands.MAX_BLOCK_BYTES >> 20) + " MiB a tile may"
                        + " take; save it with smaller tiles or as strips (e.g. tiffcp -s in.tif out.tif)");
            }
            if (tiled || compression == 6 || compression == 7) {
                notForImageJ = tiled ? "stored in tiles" : "JPEG-compressed";
            }
            if (w < 1 || h < 1) {
                continue; // not an image (or ImageJ will say it is damaged)
            }
            images++;
            if (images == 1) {
                firstW = w;
                firstH = h;
                firstBits = bits;
                firstSamples = samples;
                signed = format == 2;
            } else if (w != firstW || h != firstH || bits != firstBits || samples != firstSamples) {
                mixed = true;
            }
            double values = (double) w * h * Math.max(1, samples);
            decoded += values * Math.max(1, (bits + 7) / 8);
            // Uncompressed strips lie inside the file; compressed ones hold at most the codec's best ratio.
            stored += values * bits / 8 / ratio(compression);
        }
        String what = firstW + "×" + firstH + " pixels" + (planes > 1 ? " in " + planes + " images" : "");
        claim(file, "TIFF", size, what, stored);
        return new Summary(firstBits, (int) Math.min(Integer.MAX_VALUE, firstSamples), false, extra, images, mixed, signed,
                firstW * firstH, decoded, what, notForImageJ);
    }

    /** Refuses a header whose pixels need more than the file's {@code size} bytes even at the best compression. */
    private static void claim(Path file, String kind, long size, String what, double stored) throws HushException {
        if (stored > size) {
            throw new HushException(String.format(Locale.ROOT, "cannot read %s: its %s header claims %s, more than a"
                    + " %d-byte file can hold even compressed; the file is damaged or made to exhaust memory. Re-save it"
                    + " from the program that made it", file, kind, what, size));
        }
    }

    /** Bytes per value of a TIFF field type (unknown types count as one byte, the least they can take). */
    private static long typeSize(int type) {
        return switch (type) {
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 1;
        };
    }

    /** The most bytes out per byte in of a TIFF compression (1: none). */
    private static double ratio(int compression) {
        return switch (compression) {
            case 1 -> 1;
            case 32773 -> 128; // PackBits
            case 8, 32946 -> 1032; // deflate
            default -> 4096; // LZW (about 2730 at best), JPEG and the rest: generous
        };
    }

    private static long firstShort(FileChannel ch, long offset, ByteOrder order) throws IOException {
        ByteBuffer b = read(ch, offset, 2, order);
        return b == null ? 64 : b.getShort(0) & 0xffff;
    }

    /** {@code n} bytes at {@code offset}, or null when the file ends before them. */
    static ByteBuffer read(FileChannel ch, long offset, long n, ByteOrder order) throws IOException {
        if (offset < 0 || n > Integer.MAX_VALUE || offset + n > ch.size()) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n).order(order);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                return null;
            }
        }
        return b.flip();
    }

    private static HushException damaged(Path file, String kind, String why) {
        return new HushException("cannot read " + file + ": the " + kind + " file is damaged: " + why);
    }
}
