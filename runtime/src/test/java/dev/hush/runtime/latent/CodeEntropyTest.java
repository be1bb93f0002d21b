package dev.hush.runtime.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The range coder of quantised latent codes: exact round trips at every bit depth and shape, smaller than deflate on
 * codes whose neighbours are alike, damaged payloads decoded to the promised count within the levels, and version-1
 * (deflate) files still read.
 */
class CodeEntropyTest {
    @Test
    void roundTripsExactly() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int bits = 1; bits <= 8; bits++) {
            int levels = (1 << bits) - 1;
            for (int[] shape : new int[][] {{1, 1, 1}, {7, 3, 2}, {33, 17, 5}, {1, 40, 3}, {40, 1, 2}}) {
                int width = shape[0];
                int area = width * shape[1];
                int[] q = new int[area * shape[2]];
                for (int i = 0; i < q.length; i++) {
                    // Half skewed (mostly the middle level), half uniform: both ends of the model's range.
                    q[i] = i % 2 == 0 ? levels / 2 + (rnd.nextInt(8) == 0 ? rnd.nextInt(-levels / 2, levels - levels / 2 + 1) : 0)
                            : rnd.nextInt(levels + 1);
                }
                byte[] packed = CodeEntropy.encode(q, levels, area, width);
                assertArrayEquals(q, CodeEntropy.decode(packed, q.length, levels, area, width),
                        bits + " bits, " + width + "×" + shape[1] + "×" + shape[2]);
            }
        }
    }

    @Test
    void smoothCodesCostLessThanDeflate() {
        int w = 64;
        int h = 48;
        int channels = 12;
        int levels = 15;
        SplittableRandom rnd = new SplittableRandom(2);
        int[] q = new int[w * h * channels];
        byte[] raw = new byte[q.length];
        for (int c = 0; c < channels; c++) {
            double fx = 0.05 + 0.01 * c;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 7.5 + 5 * Math.sin(fx * x) * Math.cos(0.07 * y + c) + rnd.nextGaussian();
                    int i = (c * h + y) * w + x;
                    q[i] = (int) Math.max(0, Math.min(levels, Math.round(v)));
                    raw[i] = (byte) q[i];
                }
            }
        }
        byte[] ours = CodeEntropy.encode(q, levels, w * h, w);
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length * 2];
        int deflated = d.deflate(buf);
        d.end();
        assertTrue(ours.length < 0.8 * deflated, "range coder " + ours.length + " bytes, deflate " + deflated);
        assertArrayEquals(q, CodeEntropy.decode(ours, q.length, levels, w * h, w));
    }

    @Test
    void damagedPayloadsDecodeToThePromisedSymbols() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            byte[] junk = new byte[rnd.nextInt(0, 64)];
            rnd.nextBytes(junk);
            int levels = (1 << rnd.nextInt(1, 9)) - 1;
            int width = rnd.nextInt(1, 20);
            int area = width * rnd.nextInt(1, 20);
            int count = area * rnd.nextInt(1, 4);
            int[] q = CodeEntropy.decode(junk, count, levels, area, width);
            assertEquals(count, q.length);
            for (int v : q) {
                assertTrue(v >= 0 && v <= levels, "symbol " + v + " outside 0.." + levels);
            }
        }
    }

    /** A version-1 file (deflated bytes), as Hush wrote before the range coder, reads as it did. */
    @Test
    void versionOneCodesStillRead() throws Exception {
        int w = 37;
        int h = 21;
        int cw = 10;
        int ch = 6;
        float[] v = new float[2 * cw * ch];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(16); // 4 bits: min 0 and step 1 in each channel, so the symbols are the values
        }
        for (int c = 0; c < 2; c++) {
            v[c * cw * ch] = 0;
            v[c * cw * ch + 1] = 15;
        }
        LatentCode code = new LatentCode("v1", "cd".repeat(32), w, h, 8, 1, 2, cw, ch, 4, 0, 255, 4, v);
        byte[] v2 = code.toBytes();
        ByteBuffer b = ByteBuffer.wrap(v2);
        int payload = b.getInt(v2.length - b.remaining() + findPayloadLengthAt(v2));
        byte[] header = java.util.Arrays.copyOf(v2, v2.length - payload - 4 - 1); // version 2 adds the coder byte
        header[LatentCode.MAGIC.length] = 1;
        byte[] raw = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            raw[i] = (byte) v[i];
        }
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[4096];
        int n = d.deflate(buf);
        d.end();
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        v1.write(header);
        v1.write(ByteBuffer.allocate(4).putInt(n).array());
        v1.write(buf, 0, n);
        assertArrayEquals(v, LatentCode.read(v1.toByteArray(), "v1.hlc").values(), 0f);
        assertArrayEquals(v, LatentCode.read(v2, "v2.hlc").values(), 0f);
    }

    /** Where the payload length sits in a code file: the last int before the payload, found by trying each offset. */
    private static int findPayloadLengthAt(byte[] file) {
        for (int at = file.length - 4; at >= 0; at--) {
            int len = ByteBuffer.wrap(file, at, 4).getInt();
            if (at + 4 + len == file.length) {
                return at;
            }
        }
        throw new AssertionError("no payload length found");
    }
}
