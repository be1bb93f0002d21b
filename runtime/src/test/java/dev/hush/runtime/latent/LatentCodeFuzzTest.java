package dev.hush.runtime.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The latent-code reader on damaged and hostile bytes: a {@link HushException} that says what is wrong, or a code
 * that is consistent with its header; never another exception and never an allocation the file cannot back.
 */
class LatentCodeFuzzTest {
    static LatentCode sample(int bits, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int w = 37;
        int h = 21;
        int scale = 4;
        int cw = (w + scale - 1) / scale;
        int ch = (h + scale - 1) / scale;
        float[] v = new float[2 * 3 * cw * ch];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(4) == 0 ? 0 : (float) rnd.nextDouble(0, 5);
        }
        return new LatentCode("fuzz-codec", "ab".repeat(32), w, h, 16, 2, 3, cw, ch, scale, 12.5, 3000.0, bits, v);
    }

    static void read(byte[] data) throws HushException {
        LatentCode c = LatentCode.read(data, "fuzz.hlc");
        assertEquals((long) c.planes() * c.codeChannels() * c.codeWidth() * c.codeHeight(), c.values().length);
    }

    @FuzzTest(maxDuration = "60s")
    void codeBytes(byte[] data) {
        try {
            read(data);
        } catch (HushException expected) {
            // refused with a message: fine
        }
    }

    @Test
    void validCodesRoundTrip() throws Exception {
        LatentCode exact = sample(0, 1);
        assertArrayEquals(exact.values(), LatentCode.read(exact.toBytes(), "a").values(), 0f);
        LatentCode q = LatentCode.read(sample(8, 2).toBytes(), "b");
        assertEquals(8, q.bits());
        assertEquals(12.5, q.normLow());
        assertEquals(16, q.bitDepth());
    }

    @Test
    void damagedCodesAreRefusedCleanly() throws Exception {
        List<byte[]> seeds = List.of(sample(0, 3).toBytes(), sample(4, 4).toBytes(), sample(8, 5).toBytes());
        int refused = Mutations.sweep(seeds, 400, HushException.class, Duration.ofSeconds(60),
                LatentCodeFuzzTest::read);
        assertTrue(refused > 0, "some mutants are refused");
    }
}
