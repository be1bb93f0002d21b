package dev.hush.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path f = dir.resolve("out.tif");
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> AtomicFile.write(f, tmp -> {
            Files.write(tmp, new byte[] {9});
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void newFilesAreReadableByOthersLikeAnyOtherFile() throws Exception {
        Path f = dir.resolve("new.png");
        AtomicFile.write(f, new byte[] {4});
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFile.write(f, new byte[] {5});
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), "replacing keeps them");
        assertTrue(Files.readAllBytes(f)[0] == 5);
    }

    /** Run in a JVM of its own: starts an atomic write of args[0] that never ends, and says where its temp file is. */
    public static void main(String[] args) throws Exception {
        AtomicFile.write(Path.of(args[0]), tmp -> {
            Files.write(tmp, new byte[1 << 20]);
            System.out.println("writing " + tmp);
            System.out.flush();
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void stoppingTheJvmWhileWritingRemovesTheTemporaryFile() throws Exception {
        // SIGTERM only: a JVM started with SIGINT ignored (any child of a background shell job, as CI may run the
        // build) keeps ignoring it, so a SIGINT test would fail there for a reason that has nothing to do with Hush.
        // Ctrl-C in a terminal runs the same shutdown hooks as SIGTERM.
        for (String signal : new String[] {"TERM"}) {
            Path target = dir.resolve("big-" + signal + ".tif");
            Files.write(target, new byte[] {1, 2, 3}); // an older output, which must stay as it was
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), AtomicFileTest.class.getName(), target.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("writing "), String.valueOf(line));
            Path tmp = Path.of(line.substring("writing ".length()));
            assertTrue(Files.exists(tmp) && tmp.getFileName().toString().startsWith(".big-" + signal + "-")
                    && tmp.getFileName().toString().endsWith(".part.tif"), tmp.toString());
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
            boolean stopped = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            if (!stopped) {
                p.destroyForcibly();
            }
            assertTrue(stopped, "stopped");
            assertTrue(Files.notExists(tmp), "SIG" + signal + " left " + tmp);
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target), "the old output is untouched");
        }
    }
}
