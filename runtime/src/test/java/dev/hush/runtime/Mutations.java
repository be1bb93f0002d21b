package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;

/**
 * Deterministic damage to a valid file, for the fuzz sweeps that run in every build (the {@code @FuzzTest}s go
 * further with Jazzer, {@code JAZZER_FUZZ=1}): bit flips, runs of bytes set to 0x00, 0xFF or noise, 32-bit fields
 * set to extreme values (sizes, offsets, counts), truncation, and inserted or deleted bytes.
 */
public final class Mutations {
    private Mutations() {
    }

    /** A reader of bytes under test; it may throw only what the sweep allows. */
    @FunctionalInterface
    public interface Target {
        void accept(byte[] data) throws Exception;
    }

    /** A reader of a file under test. */
    @FunctionalInterface
    public interface FileReader {
        void read(java.nio.file.Path file) throws Exception;
    }

    /**
     * For a {@code @FuzzTest}: writes {@code data} to a file {@code name} in a new temporary folder, reads it, and lets
     * only exceptions of the {@code allowed} kind pass quietly (a refusal with a message is a fine answer).
     */
    public static void readAsFile(byte[] data, String name, Class<? extends Exception> allowed, FileReader reader)
            throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hush-fuzz");
        java.nio.file.Path file = dir.resolve(name);
        try {
            java.nio.file.Files.write(file, data);
            reader.read(file);
        } catch (Exception e) {
            if (!allowed.isInstance(e)) {
                throw e;
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /** {@code n} mutants of {@code seed}, the same ones for the same {@code rngSeed}. */
    public static List<byte[]> of(byte[] seed, int n, long rngSeed) {
        SplittableRandom rnd = new SplittableRandom(rngSeed);
        List<byte[]> out = new ArrayList<>(n);
        int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0xffff, 1 << 20, 1 << 30};
        for (int k = 0; k < n; k++) {
            byte[] b = seed.clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits && b.length > 0; e++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(6)) {
                    case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> {
                        byte v = switch (rnd.nextInt(3)) {
                            case 0 -> 0;
                            case 1 -> (byte) 0xff;
                            default -> (byte) rnd.nextInt(256);
                        };
                        for (int i = at; i < Math.min(b.length, at + 1 + rnd.nextInt(16)); i++) {
                            b[i] = v;
                        }
                    }
                    case 2 -> {
                        int v = extremes[rnd.nextInt(extremes.length)];
                        boolean big = rnd.nextBoolean();
                        for (int i = 0; i < 4 && at + i < b.length; i++) {
                            b[at + i] = (byte) (big ? v >>> (24 - 8 * i) : v >>> (8 * i));
                        }
                    }
                    case 3 -> b = java.util.Arrays.copyOf(b, at);
                    case 4 -> {
                        byte[] c = new byte[b.length + 1 + rnd.nextInt(8)];
                        System.arraycopy(b, 0, c, 0, at);
                        for (int i = at; i < at + c.length - b.length; i++) {
                            c[i] = (byte) rnd.nextInt(256);
                        }
                        System.arraycopy(b, at, c, at + c.length - b.length, b.length - at);
                        b = c;
                    }
                    default -> {
                        int len = Math.min(b.length - at, 1 + rnd.nextInt(8));
                        byte[] c = new byte[b.length - len];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + len, c, at, b.length - at - len);
                        b = c;
                    }
                }
            }
            out.add(b);
        }
        return out;
    }

    /**
     * Feeds {@code n} mutants of each seed to {@code target}: each must be accepted or refused with an exception of
     * the {@code allowed} kind, never anything else (a RuntimeException, an OutOfMemoryError, a hang past
     * {@code limit} for the whole sweep). Returns how many were refused.
     */
    public static int sweep(List<byte[]> seeds, int n, Class<? extends Exception> allowed, Duration limit, Target target) {
        return Assertions.assertTimeoutPreemptively(limit, () -> {
            int refused = 0;
            long rngSeed = 20261203;
            for (byte[] seed : seeds) {
                target.accept(seed); // the seed itself is valid
                for (byte[] m : of(seed, n, rngSeed++)) {
                    try {
                        target.accept(m);
                    } catch (Throwable t) {
                        if (!allowed.isInstance(t)) {
                            fail("a mutant of " + m.length + " bytes gave " + t + " instead of a " + allowed.getSimpleName(),
                                    t);
                        }
                        refused++;
                    }
                }
            }
            return refused;
        }, "the sweep must not hang");
    }
}
