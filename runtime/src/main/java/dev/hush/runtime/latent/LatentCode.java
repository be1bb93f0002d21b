package dev.hush.runtime.latent;

import dev.hush.runtime.HushException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An image's latent code as a file (docs/latent.md): which codec made it, the image's size, bit depth and
 * normalisation, and the code itself, quantised per code channel and entropy-coded. Big-endian:
 *
 * <pre>
 * "HUSHLTNT" (8 bytes) · version u8 (2; 1 is still read) · codec name (u16 byte length + UTF-8) · codec hash (32 bytes, SHA-256)
 * width i32 · height i32 · bit depth u8 · planes u16 · code channels u16 · code width i32 · code height i32
 * scale u16 (pixels per code cell) · normalisation low f64 · high f64 · bits u8 (0: float32 values, 1–8: quantised)
 * for bits &gt; 0, per plane and code channel: min f32 · step f32
 * payload coder u8 (version 2 only; 0: deflate, 1: the range coder of {@link CodeEntropy}, for quantised codes) ·
 * payload length i32 · payload: the values (one byte each when quantised, else float32 big-endian) deflated, or the
 * quantised values range-coded; plane-major, then code channel, row, column
 * </pre>
 *
 * Reading checks every size against what the file can hold before allocating anything: the code must have
 * exactly ⌈width/scale⌉ × ⌈height/scale⌉ cells per channel, its values cannot be more than the coder's
 * largest ratio (deflate 1032 : 1, the range coder 2048 : 1) times the payload, and no code may describe more than {@link #MAX_PIXELS} pixels or hold
 * more than {@link #MAX_VALUES} values.
 *
 * @param codec     the codec's name
 * @param hash      SHA-256 of the codec's encoder and decoder files (hex); decoding refuses another codec's code
 * @param values    dequantised code values, [plane][code channel][row][column]
 */
public record LatentCode(String codec, String hash, int width, int height, int bitDepth, int planes, int codeChannels,
                         int codeWidth, int codeHeight, int scale, double normLow, double normHigh, int bits,
                         float[] values) {
    static final byte[] MAGIC = "HUSHLTNT".getBytes(StandardCharsets.US_ASCII);
    /** Written: quantised codes range-coded ({@link CodeEntropy}); version 1 (deflate for every code) is still read. */
    static final int VERSION = 2;
    /** The most symbols one payload byte can hold under {@link CodeEntropy}'s adaptive model (about 1400), rounded up. */
    static final long MAX_RATIO_RANGE = 2048;
    /** Version 2's payload coders. */
    static final int CODER_DEFLATE = 0;
    static final int CODER_RANGE = 1;
    /** The largest image side a code may describe. */
    public static final int MAX_SIDE = 1 << 18;
    /**
     * The most pixels (width × height × planes) a code may describe: decoding holds them all as floats (1 GB at this
     * limit), so a small file must not be able to ask for more.
     */
    public static final long MAX_PIXELS = 1L << 28;
    /** The most code values a file may hold (64 MB quantised, 256 MB as floats). */
    public static final long MAX_VALUES = 1L << 26;
    /** Deflate cannot compress more than about 1032 : 1, so more inflated bytes than that mean a corrupt file. */
    private static final long MAX_RATIO = 1032;

    public LatentCode {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("image size " + width + "×" + height + " is outside 1–" + MAX_SIDE);
        }
        if (scale < 1 || codeWidth != ceilDiv(width, scale) || codeHeight != ceilDiv(height, scale)) {
            throw new IllegalArgumentException("a code of " + codeWidth + "×" + codeHeight + " cells at " + scale
                    + " pixels each does not fit a " + width + "×" + height + " image");
        }
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("bits must lie in 0–8, got " + bits);
        }
        if (planes < 1 || planes > 4096 || codeChannels < 1 || codeChannels > 4096) {
            throw new IllegalArgumentException("planes and code channels must lie in 1–4096, got " + planes + " and "
                    + codeChannels);
        }
        if ((long) width * height * planes > MAX_PIXELS) {
            throw new IllegalArgumentException(width + "×" + height + " × " + planes + " planes is more than the "
                    + MAX_PIXELS + " pixels a code may hold");
        }
        if (values.length != cells(planes, codeChannels, codeWidth, codeHeight)) {
            throw new IllegalArgumentException("the code holds " + values.length + " values, not planes × channels ×"
                    + " cells = " + cells(planes, codeChannels, codeWidth, codeHeight));
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long cells(int planes, int channels, int w, int h) {
        return (long) planes * channels * w * h;
    }

    /** The file's bytes; values are quantised here (bits &gt; 0), so {@link #read} gives back the dequantised code. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeByte(VERSION);
            byte[] name = codec.getBytes(StandardCharsets.UTF_8);
            if (name.length > 65535) {
                throw new IllegalArgumentException("the codec's name is longer than 65535 bytes");
            }
            out.writeShort(name.length);
            out.write(name);
            out.write(HexFormat.of().parseHex(hash));
            out.writeInt(width);
            out.writeInt(height);
            out.writeByte(bitDepth);
            out.writeShort(planes);
            out.writeShort(codeChannels);
            out.writeInt(codeWidth);
            out.writeInt(codeHeight);
            out.writeShort(scale);
            out.writeDouble(normLow);
            out.writeDouble(normHigh);
            out.writeByte(bits);
            int area = codeWidth * codeHeight;
            byte[] raw;
            if (bits == 0) {
                ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
                b.asFloatBuffer().put(values);
                raw = b.array();
            } else {
                raw = new byte[values.length];
                int levels = (1 << bits) - 1;
                for (int k = 0; k < planes * codeChannels; k++) {
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int i = k * area; i < (k + 1) * area; i++) {
                        min = Math.min(min, values[i]);
                        max = Math.max(max, values[i]);
                    }
                    // In double, then kept to a positive finite float: a range too small or too large for a float
                    // step must still give a file the reader accepts.
                    double range = (double) max - min;
                    float step = range > 0 ? (float) Math.min(Float.MAX_VALUE, Math.max(Float.MIN_NORMAL,
                            range / levels)) : 1f;
                    out.writeFloat(min);
                    out.writeFloat(step);
                    for (int i = k * area; i < (k + 1) * area; i++) {
                        raw[i] = (byte) Math.min(levels, Math.max(0, Math.round((values[i] - min) / step)));
                    }
                }
            }
            // Quantised codes: the range coder or deflate, whichever is smaller for this code (the adaptive model pays
            // to learn 256 levels on a small code, where deflate can win); float codes: deflate.
            byte[] packed = deflate(raw);
            int coder = CODER_DEFLATE;
            if (bits > 0) {
                int[] q = new int[raw.length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = raw[i] & 0xff;
                }
                byte[] ranged = CodeEntropy.encode(q, (1 << bits) - 1, area, codeWidth);
                if (ranged.length < packed.length) {
                    packed = ranged;
                    coder = CODER_RANGE;
                }
            }
            out.writeByte(coder);
            out.writeInt(packed.length);
            out.write(packed);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                packed.write(buf, 0, d.deflate(buf));
            }
            return packed.toByteArray();
        } finally {
            d.end();
        }
    }

    /** Reads a code file's bytes; {@code source} names it in messages. */
    public static LatentCode read(byte[] file, String source) throws HushException {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw bad(source, "is not a Hush latent code (it does not start with HUSHLTNT); make one with"
                        + " 'hush encode'");
            }
            int version = in.readUnsignedByte();
            if (version != 1 && version != VERSION) {
                throw bad(source, "is a latent code of version " + version + "; this Hush reads versions 1 and " + VERSION);
            }
            int nameLength = in.readUnsignedShort();
            if (nameLength > in.available()) {
                throw bad(source, "is cut short (the file ends inside its header)");
            }
            byte[] nameBytes = new byte[nameLength];
            in.readFully(nameBytes);
            String codec = new String(nameBytes, StandardCharsets.UTF_8);
            byte[] hash = new byte[32];
            in.readFully(hash);
            int width = in.readInt();
            int height = in.readInt();
            int bitDepth = in.readUnsignedByte();
            int planes = in.readUnsignedShort();
            int channels = in.readUnsignedShort();
            int codeWidth = in.readInt();
            int codeHeight = in.readInt();
            int scale = in.readUnsignedShort();
            double low = in.readDouble();
            double high = in.readDouble();
            int bits = in.readUnsignedByte();
            if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || scale < 1
                    || codeWidth != ceilDiv(width, scale) || codeHeight != ceilDiv(height, scale) || planes < 1
                    || channels < 1 || bits > 8 || !Double.isFinite(low) || !Double.isFinite(high)
                    || !(bitDepth == 8 || bitDepth == 16 || bitDepth == 24 || bitDepth == 32)) {
                throw bad(source, "has an inconsistent header (image " + width + "×" + height + ", code " + codeWidth
                        + "×" + codeHeight + " at " + scale + " px per cell, " + planes + " planes, " + bits
                        + " bits, bit depth " + bitDepth + ")");
            }
            long count = cells(planes, channels, codeWidth, codeHeight);
            if ((long) width * height * planes > MAX_PIXELS || count > MAX_VALUES) {
                throw bad(source, "describes " + width + "×" + height + " × " + planes + " planes (" + count
                        + " code values), more than a code may (" + MAX_PIXELS + " pixels, " + MAX_VALUES + " values)");
            }
            int per = bits == 0 ? 4 : 1;
            float[] mins = new float[bits == 0 ? 0 : planes * channels];
            float[] steps = new float[mins.length];
            if (mins.length > file.length / 8) {
                throw bad(source, "is cut short: its header promises " + mins.length + " quantisation ranges");
            }
            for (int k = 0; k < mins.length; k++) {
                mins[k] = in.readFloat();
                steps[k] = in.readFloat();
                if (!Float.isFinite(mins[k]) || !(steps[k] > 0) || !Float.isFinite(steps[k])) {
                    throw bad(source, "has a bad quantisation range for code channel " + k);
                }
            }
            int coder = version >= 2 ? in.readUnsignedByte() : CODER_DEFLATE;
            if (coder != CODER_DEFLATE && !(coder == CODER_RANGE && bits > 0)) {
                throw bad(source, "names an unknown payload coder (" + coder + ")");
            }
            int packed = in.readInt();
            if (packed < 0 || packed > in.available()) {
                throw bad(source, "is cut short: its payload should hold " + packed + " bytes, " + in.available()
                        + " remain");
            }
            boolean rangeCoded = coder == CODER_RANGE;
            if (count * per > (packed + 64L) * (rangeCoded ? MAX_RATIO_RANGE : MAX_RATIO)
                    || count * per > Integer.MAX_VALUE - 8) {
                throw bad(source, "claims " + count + " code values but holds only " + packed + " compressed bytes");
            }
            byte[] payload = new byte[packed];
            in.readFully(payload);
            if (rangeCoded) {
                int[] q = CodeEntropy.decode(payload, (int) count, (1 << bits) - 1, codeWidth * codeHeight, codeWidth);
                float[] values = new float[(int) count];
                int area = codeWidth * codeHeight;
                for (int i = 0; i < values.length; i++) {
                    int k = i / area;
                    values[i] = mins[k] + q[i] * steps[k];
                }
                return new LatentCode(codec, HexFormat.of().formatHex(hash), width, height, bitDepth, planes, channels,
                        codeWidth, codeHeight, scale, low, high, bits, values);
            }
            byte[] raw = new byte[(int) (count * per)];
            Inflater inf = new Inflater();
            try {
                inf.setInput(payload);
                int got = 0;
                while (got < raw.length && !inf.finished()) {
                    int n = inf.inflate(raw, got, raw.length - got);
                    if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    got += n;
                }
                if (got != raw.length || !inf.finished()) {
                    throw bad(source, "is damaged: its payload does not inflate to the " + raw.length
                            + " bytes the header promises");
                }
            } finally {
                inf.end();
            }
            float[] values = new float[(int) count];
            int area = codeWidth * codeHeight;
            if (bits == 0) {
                ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(values);
                for (float v : values) {
                    if (!Float.isFinite(v)) {
                        throw bad(source, "holds a NaN or infinite code value");
                    }
                }
            } else {
                int levels = (1 << bits) - 1;
                for (int i = 0; i < values.length; i++) {
                    int q = raw[i] & 0xff;
                    if (q > levels) {
                        throw bad(source, "holds a value beyond its " + bits + "-bit range");
                    }
                    int k = i / area;
                    values[i] = mins[k] + q * steps[k];
                }
            }
            return new LatentCode(codec, HexFormat.of().formatHex(hash), width, height, bitDepth, planes, channels,
                    codeWidth, codeHeight, scale, low, high, bits, values);
        } catch (EOFException e) {
            throw bad(source, "is cut short (the file ends inside its header)");
        } catch (IOException | DataFormatException e) {
            throw bad(source, "cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw bad(source, "is inconsistent: " + e.getMessage());
        }
    }

    private static HushException bad(String source, String what) {
        return new HushException(HushException.Code.INVALID_INPUT, source + " " + what);
    }
}
