package dev.hush.runtime.latent;

import java.io.ByteArrayOutputStream;

/**
 * The entropy model of quantised latent codes (format version 2, docs/latent.md): each code channel's symbols, row by
 * row, through a range coder (Subbotin's carry-less form, 32-bit) with adaptive frequencies. A symbol's frequencies
 * depend on its code channel and on the mean of its left and upper neighbours (in one of 16 bands of the levels):
 * neighbouring code cells are alike, which deflate, seeing bytes, barely uses.
 *
 * <p>Decoding never reads past the payload (missing bytes count as zero) and always yields exactly the promised
 * number of symbols, each within the levels: damaged payloads give a wrong code, never an exception or a hang.
 */
final class CodeEntropy {
    private static final long TOP = 1L << 24;
    private static final long BOT = 1L << 16;
    private static final long MASK = 0xFFFF_FFFFL;
    /** Frequencies are halved when their sum would pass this (the coder needs sums ≤ BOT). */
    private static final int LIMIT = 1 << 16;
    private static final int STEP = 24;
    private static final int CONTEXTS = 16;

    private CodeEntropy() {
    }

    /** Adaptive frequencies of one context. */
    private static final class Model {
        final int[] freq;
        int total;

        Model(int symbols) {
            freq = new int[symbols];
            java.util.Arrays.fill(freq, 1);
            total = symbols;
        }

        int cumulative(int s) {
            int c = 0;
            for (int i = 0; i < s; i++) {
                c += freq[i];
            }
            return c;
        }

        void update(int s) {
            freq[s] += STEP;
            total += STEP;
            if (total > LIMIT) {
                total = 0;
                for (int i = 0; i < freq.length; i++) {
                    freq[i] = (freq[i] + 1) >>> 1;
                    total += freq[i];
                }
            }
        }
    }

    /**
     * The coder's interval [low, low + range) in 32 bits, the same steps for encoding and decoding: narrowed to a
     * symbol's share, then bytes move out while the top byte is settled (or the range underflows, Subbotin's
     * carry-less trick). The invariant low + range ≤ 2^32 keeps it carry-free; range never reaches 0.
     */
    private static final class Interval {
        long low;
        long range = MASK;

        void narrow(Model m, long cum, int s) {
            range /= m.total;
            low = (low + cum * range) & MASK;
            range *= m.freq[s];
        }

        /** Whether the top byte must move out now (adjusting the range when it underflows). */
        boolean topByteOut() {
            if ((low ^ (low + range)) >= TOP) {
                if (range >= BOT) {
                    return false;
                }
                range = -low & (BOT - 1);
            }
            return true;
        }

        /** Moves the top byte out and returns it. */
        int shift() {
            int b = (int) (low >>> 24);
            low = (low << 8) & MASK;
            range = (range << 8) & MASK;
            return b;
        }
    }

    /**
     * The context of the cell at {@code i} (column {@code x} of a row {@code width} wide) in one channel's symbols: the
     * mean of its left and upper neighbours (the one there is, at an edge; the middle level at the first cell), in one
     * of {@link #CONTEXTS} equal bands of the levels.
     */
    private static int context(int[] q, int start, int i, int x, int width, int levels) {
        boolean hasLeft = x > 0;
        boolean hasUp = i - start >= width;
        int p = hasLeft && hasUp ? (q[i - 1] + q[i - width] + 1) / 2 : hasLeft ? q[i - 1] : hasUp ? q[i - width]
                : levels / 2;
        return Math.min(CONTEXTS - 1, p * CONTEXTS / (levels + 1));
    }

    /**
     * Codes {@code q} (values 0..levels, in runs of {@code area} = one code channel of {@code width} columns each) into
     * bytes.
     */
    static byte[] encode(int[] q, int levels, int area, int width) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(q.length / 4 + 16);
        Interval c = new Interval();
        for (int start = 0; start < q.length; start += area) {
            Model[] models = models(levels);
            for (int i = start; i < start + area; i++) {
                Model m = models[context(q, start, i, (i - start) % width, width, levels)];
                int s = q[i];
                c.narrow(m, m.cumulative(s), s);
                while (c.topByteOut()) {
                    out.write(c.shift());
                }
                m.update(s);
            }
        }
        for (int k = 0; k < 4; k++) {
            out.write((int) (c.low >>> 24));
            c.low = (c.low << 8) & MASK;
        }
        return out.toByteArray();
    }

    /** Decodes {@code count} symbols (see {@link #encode}) from {@code payload}. */
    static int[] decode(byte[] payload, int count, int levels, int area, int width) {
        int[] q = new int[count];
        int[] at = {0};
        Interval c = new Interval();
        long code = 0;
        for (int k = 0; k < 4; k++) {
            code = (code << 8) | next(payload, at);
        }
        for (int start = 0; start < count; start += area) {
            Model[] models = models(levels);
            for (int i = start; i < start + area && i < count; i++) {
                Model m = models[context(q, start, i, (i - start) % width, width, levels)];
                long target = ((code - c.low) & MASK) / (c.range / m.total);
                int s = 0;
                int cum = 0;
                // A damaged payload can point past the last symbol: it then decodes as the last one.
                while (s < m.freq.length - 1 && cum + m.freq[s] <= target) {
                    cum += m.freq[s];
                    s++;
                }
                q[i] = s;
                c.narrow(m, cum, s);
                while (c.topByteOut()) {
                    c.shift();
                    code = ((code << 8) | next(payload, at)) & MASK;
                }
                m.update(s);
            }
        }
        return q;
    }

    private static Model[] models(int levels) {
        Model[] m = new Model[CONTEXTS];
        for (int c = 0; c < CONTEXTS; c++) {
            m[c] = new Model(levels + 1);
        }
        return m;
    }

    private static int next(byte[] payload, int[] at) {
        return at[0] < payload.length ? payload[at[0]++] & 0xff : 0;
    }
}
