package dev.hush.cli;

import static dev.hush.cli.HushCliTest.hush;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.cli.HushCliTest.Run;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ShippedModels;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code hush export} on real models. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportsTheShippedModelAsABioImageIoPackage() throws Exception {
        Path zip = dir.resolve("x.zip");
        Run r = hush("export", "bioimageio", "image-gray-small", "-o", zip.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + zip) && r.out().contains("1×1×"), r.out());
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Set<String> names = Collections.list(z.entries()).stream().map(ZipEntry::getName).collect(Collectors.toSet());
            assertEquals(Set.of("rdf.yaml", "weights.onnx", "test_input.npy", "test_output.npy", "cover.png", "README.md"),
                    names);
            String rdf = new String(z.getInputStream(z.getEntry("rdf.yaml")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rdf.contains("format_version: \"0.4.10\"\n"), rdf);
            assertTrue(rdf.contains("\n  hush:\n    \"hush.architecture\": "), rdf);
        }
        assertFalse(r.err().contains("note:"), "a package with every citation by DOI needs no note: " + r.err());

        // And back in: the package reproduces its own test output through Hush, and denoises a PNG as the model does.
        Run check = hush("models", "--check", zip.toString());
        assertEquals(0, check.code(), check.err() + check.out());
        assertTrue(check.out().contains("test output reproduced") && check.out().contains("axes bcyx in"), check.out());
        float[] px = HushCliTest.scene(60, 50, 20, 4, 1);
        Path in = dir.resolve("in.png");
        ij.ImagePlus imp = new ij.ImagePlus("in", dev.hush.imagej.ImageFiles.toProcessor(
                dev.hush.runtime.image.FloatImage.gray(60, 50, px), 8));
        assertTrue(new ij.io.FileSaver(imp).saveAsPng(in.toString()));
        Run viaPackage = hush("image", in.toString(), "-o", dir.resolve("a.png").toString(), "--model", zip.toString());
        Run viaModel = hush("image", in.toString(), "-o", dir.resolve("b.png").toString(), "--model", "image-gray-small");
        assertEquals(0, viaPackage.code(), viaPackage.err());
        assertEquals(0, viaModel.code(), viaModel.err());
        // Hush's own package opens as the Hush model inside it: the same result as the shipped model, pixel for pixel.
        ij.process.ImageProcessor a = new ij.io.Opener().openImage(dir.resolve("a.png").toString()).getProcessor();
        ij.process.ImageProcessor b = new ij.io.Opener().openImage(dir.resolve("b.png").toString()).getProcessor();
        assertTrue(java.util.Arrays.equals((byte[]) a.getPixels(), (byte[]) b.getPixels()));
        assertTrue(b.getStatistics().max > 100, "Hush's inverse gives grey levels: " + b.getStatistics().max);
    }

    @Test
    void badModelsAndOutputsGiveClearMessagesAndWriteNothing() throws Exception {
        Run notZip = hush("export", "bioimageio", "image-gray-small", "-o", dir.resolve("pkg.tar").toString());
        assertEquals(1, notZip.code());
        assertTrue(notZip.err().contains(".zip"), notZip.err());

        Run missing = hush("export", "bioimageio", "image-grey-small", "-o", dir.resolve("a.zip").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no model named 'image-grey-small'") && missing.err().contains("image-gray-small"),
                missing.err());

        Path audio = dir.resolve("speech.onnx");
        ModelProto m = ModelProto.parseFrom(ShippedModels.bytes("image-gray-small"));
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            String v = Map.of(ModelContract.DOMAIN, "audio", ModelContract.OUTPUT, "mask", ModelContract.NAME, "speech-test")
                    .getOrDefault(e.getKey(), e.getValue());
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(v));
        }
        Map.of(ModelContract.AUDIO_SAMPLE_RATE, "16000", ModelContract.AUDIO_N_FFT, "512", ModelContract.AUDIO_HOP, "128",
                ModelContract.AUDIO_WINDOW, "hann").forEach((k, v) ->
                b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        Files.write(audio, b.build().toByteArray());
        Run audioRun = hush("export", "bioimageio", audio.toString(), "-o", dir.resolve("b.zip").toString());
        assertEquals(1, audioRun.code());
        assertTrue(audioRun.err().contains("is an audio model") && audioRun.err().contains("only image models"),
                audioRun.err());

        assertEquals(2, hush("export", "bioimageio", "image-gray-small").code(), "no -o: a usage error");
        try (var s = Files.list(dir)) {
            assertEquals(Set.of(audio), s.collect(Collectors.toSet()), "nothing written");
        }
    }
}
