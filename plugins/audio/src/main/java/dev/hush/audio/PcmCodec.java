package dev.hush.audio;

import javax.sound.sampled.AudioFormat;

/**
 * Converts interleaved PCM bytes to float samples and back for the linear encodings: signed and unsigned
 * integers of 8 to 32 bits, and 32- or 64-bit floats, either byte order. Integers map to [-1, 1) by dividing
 * by 2^(bits − 1); on the way back floats are rounded and clipped to the integer range. Floats are passed
 * as they are.
 */
final class PcmCodec {
    private final int channels;
    private final int bytesPerSample;
    private final boolean bigEndian;
    private final boolean isFloat;
    private final boolean unsigned;
    private final double scale;

    PcmCodec(AudioFormat f) {
        AudioFormat.Encoding e = f.getEncoding();
        int bits = f.getSampleSizeInBits();
        if (!supports(f)) {
            throw new IllegalArgumentException("unsupported sample format " + f);
        }
        this.channels = f.getChannels();
        this.bytesPerSample = bits / 8;
        this.bigEndian = f.isBigEndian() && bytesPerSample > 1;
        this.isFloat = e.equals(AudioFormat.Encoding.PCM_FLOAT);
        this.unsigned = e.equals(AudioFormat.Encoding.PCM_UNSIGNED);
        this.scale = Math.pow(2, bits - 1);
    }

    /** Whether this codec handles the format without javax.sound's converters. */
    static boolean supports(AudioFormat f) {
        AudioFormat.Encoding e = f.getEncoding();
        int bits = f.getSampleSizeInBits();
        if (f.getChannels() < 1 || f.getFrameSize() != f.getChannels() * (bits / 8)) {
            return false;
        }
        if (e.equals(AudioFormat.Encoding.PCM_FLOAT)) {
            return bits == 32 || bits == 64;
        }
        return (e.equals(AudioFormat.Encoding.PCM_SIGNED) || e.equals(AudioFormat.Encoding.PCM_UNSIGNED))
                && bits % 8 == 0 && bits >= 8 && bits <= 32;
    }

    int frameSize() {
        return channels * bytesPerSample;
    }

    boolean isFloat() {
        return isFloat;
    }

    /** Decodes {@code frames} frames from {@code src[off ..)} into {@code dst[c][at ..)}. */
    void decode(byte[] src, int off, int frames, float[][] dst, int at) {
        int p = off;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                dst[c][at + i] = decodeOne(src, p);
                p += bytesPerSample;
            }
        }
    }

    private float decodeOne(byte[] b, int p) {
        long bits = 0;
        if (bigEndian) {
            for (int k = 0; k < bytesPerSample; k++) {
                bits = (bits << 8) | (b[p + k] & 0xff);
            }
        } else {
            for (int k = bytesPerSample - 1; k >= 0; k--) {
                bits = (bits << 8) | (b[p + k] & 0xff);
            }
        }
        if (isFloat) {
            return bytesPerSample == 4 ? Float.intBitsToFloat((int) bits) : (float) Double.longBitsToDouble(bits);
        }
        long v;
        if (unsigned) {
            v = bits - (1L << (8 * bytesPerSample - 1));
        } else {
            int shift = 64 - 8 * bytesPerSample;
            v = (bits << shift) >> shift; // sign-extend
        }
        return (float) (v / scale);
    }

    /** Encodes {@code frames} frames from {@code src[c][at ..)} into {@code dst[off ..)}. */
    void encode(float[][] src, int at, int frames, byte[] dst, int off) {
        int p = off;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                encodeOne(src[c][at + i], dst, p);
                p += bytesPerSample;
            }
        }
    }

    private void encodeOne(float x, byte[] b, int p) {
        long bits;
        if (isFloat) {
            bits = bytesPerSample == 4 ? Float.floatToRawIntBits(x) & 0xffffffffL : Double.doubleToRawLongBits(x);
        } else {
            double max = scale - 1;
            double v = Math.rint(x * scale);
            v = v > max ? max : v < -scale ? -scale : v;
            if (Double.isNaN(v)) {
                v = 0;
            }
            long iv = (long) v;
            if (unsigned) {
                iv += (long) scale;
            }
            bits = iv;
        }
        if (bigEndian) {
            for (int k = bytesPerSample - 1; k >= 0; k--) {
                b[p + k] = (byte) bits;
                bits >>>= 8;
            }
        } else {
            for (int k = 0; k < bytesPerSample; k++) {
                b[p + k] = (byte) bits;
                bits >>>= 8;
            }
        }
    }
}
