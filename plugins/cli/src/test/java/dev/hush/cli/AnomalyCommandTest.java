package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hush anomaly} on real files with a real (shipped, uncalibrated) model: maps, scores, bad files. */
class AnomalyCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesFloatMapsAndScoresAndReportsABadFileAtTheEnd() throws Exception {
        Path bench = BenchSets.defaultFolder().resolve("grey");
        Path a;
        try (var s = Files.list(bench)) {
            a = s.filter(p -> p.getFileName().toString().startsWith("photo__")).sorted().findFirst().orElseThrow();
        }
        Path bad = Files.writeString(dir.resolve("broken.png"), "not a png");
        Path out = dir.resolve("maps");
        HushCliTest.Run r = HushCliTest.hush("anomaly", a.toString(), bad.toString(), "-m", "image-gray-fast", "-o",
                out.toString(), "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("hush.anomaly.scale"), "says the maps are uncalibrated: " + r.err());
        assertTrue(r.err().contains("1 file(s) failed") && r.err().contains("broken.png"), r.err());
        String name = a.getFileName().toString().replace(".png", "");
        Path map = out.resolve(name + ".anomaly.tif");
        ImagePlus imp = IJ.openImage(map.toString());
        assertEquals(32, imp.getBitDepth());
        assertEquals(256, imp.getWidth());
        double max = imp.getProcessor().getStatistics().max;
        assertTrue(max > 0, "a denoiser does not reconstruct a photograph exactly: max error " + max);
        List<String> csv = Files.readAllLines(out.resolve("anomaly-scores.csv"));
        assertEquals(2, csv.size(), csv.toString());
        double score = Double.parseDouble(csv.get(1).split(",")[1]);
        assertEquals(max, score, 1e-4 * Math.max(1, max), "the score is the map's maximum");
        assertFalse(Files.exists(out.resolve("broken.anomaly.tif")));
    }

    @Test
    void withoutAModelTheShippedDemonstrationRunsCalibrated() throws Exception {
        Path bench = BenchSets.defaultFolder().resolve("grey");
        Path a;
        try (var s = Files.list(bench)) {
            a = s.filter(p -> p.getFileName().toString().startsWith("microscopy__")).sorted().findFirst().orElseThrow();
        }
        Path out = dir.resolve("demo-maps");
        HushCliTest.Run r = HushCliTest.hush("anomaly", a.toString(), "-o", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("hush.anomaly.scale"), "the demonstration model is calibrated: " + r.err());
        List<String> csv = Files.readAllLines(out.resolve("anomaly-scores.csv"));
        assertTrue(csv.get(1).endsWith(",true"), csv.toString());
        // A microscopy image is nothing like the synthetic textures the demonstration learnt: it scores far above 1.
        assertTrue(Double.parseDouble(csv.get(1).split(",")[1]) > 1, csv.toString());
    }
}
