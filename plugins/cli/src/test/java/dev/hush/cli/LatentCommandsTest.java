package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.onnx.OnnxExport;
import ij.IJ;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hush encode} and {@code hush decode} on real files (a grey and a colour image from the bench set) with a
 * real codec trained here in seconds: sizes and PSNR printed, the image back at its size and type, a bad file
 * reported at the end, and a code refused by another codec.
 */
class LatentCommandsTest {
    @TempDir
    static Path dir;

    static Path codec;
    static Path otherCodec;

    static Path train(String name, String seed) throws Exception {
        ImageTrainer.Result r = new ImageTrainer(ImageTrainingConfig.defaults().with("name", name).with("architecture", "conv")
                .with("depth", "2").with("width", "4").with("code", "2").with("global_residual", "false")
                .with("noise", "none").with("patch", "32").with("batch", "4").with("epochs", "1").with("steps", "3")
                .with("val_images", "1").with("val_size", "32").with("seed", seed).with("threads", "1"))
                .train(TrainingProgress.NONE);
        OnnxExport.write(r.encoder(), dir.resolve(name + ".encoder.onnx"));
        OnnxExport.write(r.decoder(), dir.resolve(name + ".decoder.onnx"));
        return dir.resolve(name);
    }

    @BeforeAll
    static void codecs() throws Exception {
        codec = train("cli-codec", "3");
        otherCodec = train("cli-codec-2", "4");
    }

    static Path firstBench(String folder, String prefix) throws Exception {
        try (var s = Files.list(BenchSets.defaultFolder().resolve(folder))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void encodesAndDecodesGreyAndColourImagesAndReportsABadFile() throws Exception {
        Path grey = firstBench("grey", "photo__");
        Path colour;
        try (var s = Files.list(BenchSets.defaultFolder().resolve("rgb"))) {
            colour = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        Path bad = Files.writeString(dir.resolve("broken.png"), "not a png");
        Path codes = dir.resolve("codes");
        HushCliTest.Run r = HushCliTest.hush("encode", grey.toString(), colour.toString(), bad.toString(), "-m",
                codec.toString(), "-o", codes.toString(), "--threads", "1", "--psnr", "--bits", "6");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("1 file(s) failed") && r.err().contains("broken.png"), r.err());
        assertTrue(r.out().contains("bits per pixel") && r.out().contains("PSNR"), r.out());
        Path greyCode = codes.resolve(grey.getFileName().toString().replace(".png", ".hlc"));
        Path colourCode = codes.resolve(colour.getFileName().toString().replace(".png", ".hlc"));
        assertTrue(Files.size(greyCode) < Files.size(grey), "a code is smaller than the PNG it came from");
        Path images = dir.resolve("decoded");
        r = HushCliTest.hush("decode", greyCode.toString(), "-o", images.toString(), "--threads", "1");
        assertEquals(1, r.code(), "the code names a codec that is neither shipped nor installed: " + r.err());
        assertTrue(r.err().contains("no codec 'cli-codec'") && r.err().contains("--model"), r.err());
        r = HushCliTest.hush("decode", greyCode.toString(), colourCode.toString(), "-m", codec.toString(), "-o",
                images.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        ImagePlus in = IJ.openImage(grey.toString());
        ImagePlus back = IJ.openImage(images.resolve(grey.getFileName()).toString());
        assertEquals(in.getWidth(), back.getWidth());
        assertEquals(in.getHeight(), back.getHeight());
        assertEquals(in.getBitDepth(), back.getBitDepth());
        ImagePlus colourBack = IJ.openImage(images.resolve(colour.getFileName()).toString());
        assertEquals(24, colourBack.getBitDepth(), "an RGB image comes back as RGB");
        // Another codec refuses the code and says which one made it.
        r = HushCliTest.hush("decode", greyCode.toString(), "-m", otherCodec.toString(), "-o",
                dir.resolve("wrong.png").toString(), "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("made by the codec 'cli-codec'"), r.err());
        assertFalse(Files.exists(dir.resolve("wrong.png")));
    }

    @Test
    void theShippedCodecIsTheDefaultBothWays() throws Exception {
        Path grey = firstBench("grey", "microscopy__");
        Path code = dir.resolve("default.hlc");
        HushCliTest.Run r = HushCliTest.hush("encode", grey.toString(), "-o", code.toString(), "--threads", "1",
                "--psnr");
        assertEquals(0, r.code(), r.err());
        double psnr = Double.parseDouble(r.out().replaceAll("(?s).*PSNR ([0-9.]+) dB.*", "$1"));
        assertTrue(psnr > 20, "the shipped codec on a real microscopy crop: " + r.out());
        r = HushCliTest.hush("decode", code.toString(), "-o", dir.resolve("default.png").toString(), "--threads", "1");
        assertEquals(0, r.code(), "the code names the shipped codec, so no --model is needed: " + r.err());
        assertEquals(IJ.openImage(grey.toString()).getWidth(), IJ.openImage(dir.resolve("default.png").toString())
                .getWidth());
        r = HushCliTest.hush("models");
        assertTrue(r.out().contains("image-gray-codec") && r.out().contains("codec for hush encode"), r.out());
        r = HushCliTest.hush("models", "--card", "image-gray-codec");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Rate and distortion on real images"), r.out());
    }

    @Test
    void decodingNeverReplacesTheOriginal() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("originals"));
        Path original = Files.copy(firstBench("grey", "microscopy__"), folder.resolve("cells.png"));
        byte[] before = Files.readAllBytes(original);
        HushCliTest.Run r = HushCliTest.hush("encode", original.toString(), "-m", codec.toString(), "-o",
                folder.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        r = HushCliTest.hush("decode", folder.resolve("cells.hlc").toString(), "-m", codec.toString(), "-o",
                folder.toString(), "--threads", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("exists") && r.err().contains("--force"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(original)), "the original is untouched");
        r = HushCliTest.hush("encode", original.toString(), "-m", codec.toString(), "-o", folder.toString());
        assertEquals(1, r.code(), "an existing code is not replaced either: " + r.err());
        r = HushCliTest.hush("decode", folder.resolve("cells.hlc").toString(), "-m", codec.toString(), "-o",
                dir.resolve("x.png").toString(), "--tile", "8");
        assertEquals(2, r.code(), "a bad --tile is a usage error: " + r.err());
    }

    @Test
    void aCodeFileThatIsNotOneIsRefusedWithAReason() throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.hlc"), "HUSHLTNT but not really");
        HushCliTest.Run r = HushCliTest.hush("decode", fake.toString(), "-o", dir.resolve("fake.png").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("fake.hlc"), r.err());
        r = HushCliTest.hush("encode", firstBench("grey", "photo__").toString(), "-m", codec.toString(), "-o",
                dir.resolve("x.hlc").toString(), "--bits", "9");
        assertEquals(2, r.code(), "a usage error: " + r.err());
    }
}
