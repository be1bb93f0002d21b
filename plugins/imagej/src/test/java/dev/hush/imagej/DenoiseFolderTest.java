package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins › Hush › Hush Denoise Folder... headless on real files: relative paths kept, a bad file listed at the end. */
class DenoiseFolderTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void install() throws Exception {
        HeadlessImageJ.install();
    }

    @AfterAll
    static void close() {
        HeadlessImageJ.closeAll();
    }

    @Test
    void denoisesEveryImageKeepingPathsAndListsTheBadOneAtTheEnd() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/sub"));
        Path bench = Path.of("..", "..", "models", "bench", "images", "grey");
        List<Path> photos;
        try (Stream<Path> s = Files.list(bench)) {
            photos = s.filter(p -> p.getFileName().toString().startsWith("photo__")).sorted().limit(2).toList();
        }
        Files.copy(photos.get(0), dir.resolve("in/a.png"));
        Files.copy(photos.get(1), in.resolve("b.png"));
        Files.writeString(dir.resolve("in/broken.png"), "not a png");
        Path out = dir.resolve("out");
        HeadlessImageJ.Run r = HeadlessImageJ.attempt(null, DenoiseFolder.COMMAND, "input=[" + dir.resolve("in")
                + "] output=[" + out + "] model=[image-gray-fast]");
        assertTrue(r.aborted(), "a failed file ends a macro with the list of failures");
        String error = IJ.getErrorMessage();
        assertTrue(error.contains("1 file(s) failed (2 written)") && error.contains("broken.png"), error);
        for (String rel : List.of("a.png", "sub/b.png")) {
            ImagePlus denoised = IJ.openImage(out.resolve(rel).toString());
            ImagePlus original = IJ.openImage(dir.resolve("in").resolve(rel).toString());
            assertEquals(original.getWidth(), denoised.getWidth(), rel);
            assertEquals(original.getBitDepth(), denoised.getBitDepth(), rel + " keeps its bit depth");
        }
        assertFalse(Files.exists(out.resolve("broken.png")), "nothing is written for the bad file");
        HeadlessImageJ.Run same = HeadlessImageJ.attempt(null, DenoiseFolder.COMMAND, "input=[" + dir.resolve("in")
                + "] output=[" + dir.resolve("in") + "]");
        assertTrue(same.aborted());
        assertTrue(IJ.getErrorMessage().contains("the output folder is the input folder"));
    }
}
