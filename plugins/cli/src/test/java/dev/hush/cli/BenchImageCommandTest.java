package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hush bench image} on real crops from the repository's benchmark set, with OpenCV NLM beside a shipped model. */
class BenchImageCommandTest {
    @TempDir
    Path dir;

    @Test
    void realCropsGetAGroupTableWhereTheModelBeatsTheNoisyInput() throws Exception {
        Path bench = BenchSets.defaultFolder();
        Path mini = dir.resolve("bench");
        Files.createDirectories(mini.resolve("grey"));
        Files.createDirectories(mini.resolve("rgb"));
        // One crop per group (a microscopy and a photograph), and one colour photograph.
        for (String prefix : List.of("microscopy__", "photo__")) {
            try (var s = Files.list(bench.resolve("grey"))) {
                Path f = s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst().orElseThrow();
                Files.copy(f, mini.resolve("grey").resolve(f.getFileName()));
            }
        }
        try (var s = Files.list(bench.resolve("rgb"))) {
            Path f = s.sorted().findFirst().orElseThrow();
            Files.copy(f, mini.resolve("rgb").resolve(f.getFileName()));
        }
        Path out = dir.resolve("out");
        HushCliTest.Run r = HushCliTest.hush("bench", "image", "--set", "grey,rgb", "--bench-dir", mini.toString(),
                "-m", "image-gray-fast,image-gray-multiscale", "--given-sigma", "--speed-size", "256", "--threads", "1",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("bench-image.md"));
        assertTrue(md.contains("## Real grey images: 2 crops of 256×256 px (1 microscopy, 1 photo)"), md);
        assertTrue(md.contains("Mean PSNR (dB) per group"), md);
        assertTrue(md.contains("## Real colour photographs: 1 crops"), md);
        assertTrue(md.contains("OpenCV NLM (colour)"), md);
        assertTrue(md.contains("**image-gray-fast** (Hush, per channel)"), md);
        assertTrue(md.contains("## Speed: one 256×256 image"), md);
        // The noise-level model also runs told the true sigma (the ablation row); the residual model does not.
        assertTrue(md.contains("**image-gray-multiscale** (Hush, true σ given)"), md);
        assertTrue(md.contains("(σ given 25)"), md);
        assertTrue(!md.contains("**image-gray-fast** (Hush, true σ given)"), md);
        assertTrue(psnrAtSigma25(md, "**image-gray-multiscale** (Hush, true σ given)") > psnrAtSigma25(md, "noisy input") + 5);
        double noisy = psnrAtSigma25(md, "noisy input");
        double model = psnrAtSigma25(md, "**image-gray-fast** (Hush)");
        double nlm = psnrAtSigma25(md, "OpenCV NLM");
        assertTrue(model > noisy + 5, "model " + model + " dB vs noisy " + noisy + " dB");
        assertTrue(nlm > noisy + 5, "NLM " + nlm + " dB vs noisy " + noisy + " dB");
        assertTrue(Files.size(out.resolve("bench-image-grey.png")) > 1000);
        assertTrue(Files.size(out.resolve("bench-image-rgb.png")) > 1000);
    }

    @Test
    void unknownSetIsRefusedWithTheChoices() {
        HushCliTest.Run r = HushCliTest.hush("bench", "image", "--set", "photos", "-o", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("use grey, rgb or deadleaves"), r.err());
    }

    /** The σ=25 PSNR of a method in the first (grey, all images) table. */
    private static double psnrAtSigma25(String md, String method) {
        Matcher m = Pattern.compile("\\| " + Pattern.quote(method) + " \\|([^\\n]*)").matcher(md);
        assertTrue(m.find(), method + " missing in\n" + md);
        String[] cells = m.group(1).split("\\|");
        return Double.parseDouble(cells[1].trim().split(" ")[0].replace(',', '.').toLowerCase(Locale.ROOT));
    }
}
