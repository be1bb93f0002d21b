package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hush spark image} itself, on a real local Spark in the test JVM: the outputs are the bytes {@code hush image}
 * writes, a bad file is reported in the status and the exit code while the others are written.
 */
class SparkCommandTest {
    @TempDir
    Path dir;

    @Test
    void sparkImageWritesWhatHushImageWritesAndReportsABadFile() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/sub"));
        List<Path> photos;
        try (Stream<Path> s = Files.list(BenchSets.defaultFolder().resolve("grey"))) {
            photos = s.filter(p -> p.getFileName().toString().startsWith("photo__")).sorted().limit(2).toList();
        }
        Files.copy(photos.get(0), dir.resolve("in/a.png"));
        Files.copy(photos.get(1), in.resolve("b.png"));
        Files.writeString(dir.resolve("in/broken.png"), "not a png");
        Path out = dir.resolve("out");
        HushCliTest.Run r = HushCliTest.hush("spark", "image", dir.resolve("in").toString(), "-o", out.toString(),
                "--master", "local[1]", "-m", "image-gray-fast", "--threads", "1", "--ensemble", "2");
        assertEquals(1, r.code(), "one file failed: " + r.err());
        StringBuilder status = new StringBuilder(); // Spark writes the status as JSON-lines part files in a folder
        try (Stream<Path> parts = Files.list(out.resolve("_hush_status"))) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                status.append(Files.readString(part));
            }
        }
        assertTrue(status.indexOf("broken.png") >= 0 && status.indexOf("failed") >= 0, status.toString());
        assertFalse(Files.exists(out.resolve("broken.png")), "nothing is written for the bad file");
        Path single = dir.resolve("single");
        for (String rel : List.of("a.png", "sub/b.png")) {
            Path one = single.resolve(rel);
            Files.createDirectories(one.getParent());
            HushCliTest.Run local = HushCliTest.hush("image", dir.resolve("in").resolve(rel).toString(), "-o",
                    one.toString(), "-m", "image-gray-fast", "--threads", "1", "--ensemble", "2");
            assertEquals(0, local.code(), local.err());
            assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(out.resolve(rel)),
                    rel + ": the Spark output is the single-machine output (both with --ensemble 2), byte for byte, at its"
                            + " relative path");
        }
    }
}
