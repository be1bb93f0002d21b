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

    @Test
    void recordingsGetAScoreTableAndAPlotFromTheShippedSoundModel() throws Exception {
        // A stereo machine with a rattle in one channel only (channels are mixed), and a normal one at 44.1 kHz.
        var rattle = dev.hush.trainer.audio.MachineSounds.anomalous(4, "rattle", new java.util.SplittableRandom(8));
        float[] quiet = dev.hush.trainer.audio.MachineSounds.normal(4, new java.util.SplittableRandom(8)).samples();
        Path a = dir.resolve("machine-a.wav");
        writeStereo(a, rattle.samples(), quiet, 16_000);
        float[] normal = dev.hush.trainer.audio.MachineSounds.normal(4, new java.util.SplittableRandom(9)).samples();
        Path b = dir.resolve("machine-b.wav");
        dev.hush.audio.AudioFiles.writeMonoWav(b, new dev.hush.runtime.audio.Resampler(16_000, 44_100)
                .resample(normal), 44_100, false);
        Path bad = Files.writeString(dir.resolve("broken.wav"), "RIFF but not really");
        Path out = dir.resolve("scores");
        HushCliTest.Run r = HushCliTest.hush("anomaly", a.toString(), b.toString(), bad.toString(), "-o", out.toString(),
                "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("broken.wav"), r.err());
        for (String name : List.of("machine-a", "machine-b")) {
            List<String> rows = Files.readAllLines(out.resolve(name + ".anomaly.csv"));
            assertEquals("time_s,score", rows.get(0));
            // One row per STFT hop of the model (8 ms), at 16 kHz after resampling: about 4 s / 8 ms = 500.
            assertTrue(Math.abs(rows.size() - 1 - 500) <= 3, name + ": " + (rows.size() - 1) + " frames");
            assertEquals(0.008, Double.parseDouble(rows.get(2).split(",")[0]), 1e-9);
            java.awt.image.BufferedImage plot = javax.imageio.ImageIO.read(out.resolve(name + ".anomaly.png").toFile());
            assertEquals(ScorePlot.WIDTH, plot.getWidth());
            assertEquals(ScorePlot.HEIGHT, plot.getHeight());
        }
        List<String> csv = Files.readAllLines(out.resolve("anomaly-scores.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(1).endsWith(",true") && csv.get(2).endsWith(",true"), "calibrated: " + csv);
        // The recording's score is its highest frame.
        double top = Files.readAllLines(out.resolve("machine-a.anomaly.csv")).stream().skip(1)
                .mapToDouble(l -> Double.parseDouble(l.split(",")[1])).max().orElseThrow();
        assertEquals(top, Double.parseDouble(csv.get(1).split(",")[1]), 1e-4);
    }

    @Test
    void imagesAndRecordingsAreNotMixedAndModelsMatchTheirKind() throws Exception {
        Path wav = dir.resolve("x.wav");
        dev.hush.audio.AudioFiles.writeMonoWav(wav, new float[16_000], 16_000, false);
        Path png = dir.resolve("x2.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
                "png", png.toFile());
        HushCliTest.Run mixed = HushCliTest.hush("anomaly", wav.toString(), png.toString(), "-o",
                dir.resolve("o1").toString());
        assertEquals(1, mixed.code(), mixed.err());
        assertTrue(mixed.err().contains("separate runs"), mixed.err());
        HushCliTest.Run wrong = HushCliTest.hush("anomaly", wav.toString(), "-m", "image-anomaly-textures", "-o",
                dir.resolve("o2").toString());
        assertEquals(1, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("scores images") && wrong.err().contains("recordings"), wrong.err());
        assertFalse(Files.exists(dir.resolve("o2").resolve("x.anomaly.csv")));
    }

    private static void writeStereo(Path file, float[] left, float[] right, int rate) throws Exception {
        int n = Math.min(left.length, right.length);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putShort((short) Math.round(left[i] * 32767));
            buf.putShort((short) Math.round(right[i] * 32767));
        }
        javax.sound.sampled.AudioFormat f = new javax.sound.sampled.AudioFormat(rate, 16, 2, true, false);
        try (javax.sound.sampled.AudioInputStream in = new javax.sound.sampled.AudioInputStream(
                new java.io.ByteArrayInputStream(buf.array()), f, n)) {
            javax.sound.sampled.AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, file.toFile());
        }
    }
}
