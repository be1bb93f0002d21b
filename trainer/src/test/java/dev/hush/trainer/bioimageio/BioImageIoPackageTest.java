package dev.hush.trainer.bioimageio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.Normalization;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packages real models and reads the zip back the way a bioimage.io consumer would. */
class BioImageIoPackageTest {
    private static final String SHIPPED = "image-gray-small";
    private static final Instant WHEN = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path dir;

    /** A parsed {@code .npy} file. */
    record Npy(int[] shape, float[] data, int dataOffset) {
        static Npy parse(byte[] b) {
            assertEquals((byte) 0x93, b[0]);
            assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
            assertEquals(1, b[6], "major version");
            assertEquals(0, b[7], "minor version");
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = buf.getShort(8) & 0xffff;
            String header = new String(b, 10, headerLength, StandardCharsets.US_ASCII);
            assertTrue(header.endsWith("\n"), header);
            assertTrue(header.contains("'descr': '<f4'"), header);
            assertTrue(header.contains("'fortran_order': False"), header);
            Matcher m = Pattern.compile("'shape': \\(([0-9, ]*)\\)").matcher(header);
            assertTrue(m.find(), header);
            int[] shape = Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            int offset = 10 + headerLength;
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            assertEquals(offset + 4L * n, b.length, "data size");
            float[] data = new float[n];
            buf.position(offset);
            buf.asFloatBuffer().get(data);
            return new Npy(shape, data, offset);
        }
    }

    private static Map<String, byte[]> unzip(Path zip) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                files.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return files;
    }

    /** The value of a top-level or nested {@code key: "value"} line. */
    private static String value(String yaml, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*(?:- )?" + Pattern.quote(key) + ": (.*)$").matcher(yaml);
        assertTrue(m.find(), "no '" + key + "' in\n" + yaml);
        String v = m.group(1).strip();
        return v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The shipped model with some metadata keys replaced (null removes a key). */
    private static byte[] withMetadata(Map<String, String> changes) throws Exception {
        ModelProto m = ModelProto.parseFrom(ShippedModels.bytes(SHIPPED));
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        changes.forEach((k, v) -> {
            if (v == null) {
                meta.remove(k);
            } else {
                meta.put(k, v);
            }
        });
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        meta.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build().toByteArray();
    }

    private static float[] runOnnx(byte[] onnx, String input, String output, float[] data, int[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), dims);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    @Test
    void packagesTheShippedModelSoThatItsTestCaseReproduces() throws Exception {
        BioImageIoPackage pkg = BioImageIoPackage.open(SHIPPED).timestamp(WHEN);
        ModelContract c = pkg.contract();
        Path zip = dir.resolve("pkg.zip");
        pkg.write(zip);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(zip), s.toList(), "only the zip, no temporary file left");
        }
        Map<String, byte[]> files = unzip(zip);
        assertEquals(Set.of("rdf.yaml", "weights.onnx", "test_input.npy", "test_output.npy", "cover.png",
                "README.md"), files.keySet());
        assertArrayEquals(ShippedModels.bytes(SHIPPED), files.get("weights.onnx"));

        String rdf = new String(files.get("rdf.yaml"), StandardCharsets.UTF_8);
        for (String key : List.of("format_version", "type", "name", "description", "authors", "cite", "license", "tags",
                "timestamp", "documentation", "covers", "test_inputs", "test_outputs", "inputs", "outputs", "weights",
                "config")) {
            assertTrue(Pattern.compile("(?m)^" + key + ":").matcher(rdf).find(), "top-level '" + key + "' in\n" + rdf);
        }
        assertEquals("0.4.10", value(rdf, "format_version"));
        assertEquals("model", value(rdf, "type"));
        assertEquals("Apache-2.0", value(rdf, "license"), "the licence in LICENSE at the repository root");
        assertEquals("2025-01-02T03:04:05+00:00", value(rdf, "timestamp"));
        assertEquals("README.md", value(rdf, "documentation"));
        assertEquals("[\"denoising\", \"hush\", \"2d\", \"onnx\"]", value(rdf, "tags"));
        assertEquals(BioImageIoPackage.sha256(files.get("weights.onnx")), value(rdf, "sha256"));
        assertEquals(64, value(rdf, "sha256").length());
        assertEquals("17", value(rdf, "opset_version"));
        assertEquals("weights.onnx", value(rdf, "source"));
        assertEquals("bcyx", value(rdf, "axes"));
        int m = c.sizeMultiple();
        int min = (2 * c.halo() + 1 + m - 1) / m * m;
        assertEquals("[1, 1, " + min + ", " + min + "]", value(rdf, "min"));
        assertEquals("[0, 0, " + m + ", " + m + "]", value(rdf, "step"));
        assertEquals("[0, 0, " + c.halo() + ", " + c.halo() + "]", value(rdf, "halo"));
        assertEquals("input", value(rdf, "reference_tensor"));
        assertEquals("[1.0, 1.0, 1.0, 1.0]", value(rdf, "scale"));
        if (c.norm() == ModelContract.Norm.PERCENTILE) {
            assertTrue(rdf.contains("    preprocessing:\n      - name: scale_range\n        kwargs:\n"
                    + "          mode: per_sample\n          axes: xy\n"), rdf);
            assertEquals(c.normLow(), Double.parseDouble(value(rdf, "min_percentile")));
            assertEquals(c.normHigh(), Double.parseDouble(value(rdf, "max_percentile")));
            assertFalse(rdf.contains("postprocessing"), "no 0.4 step inverts a per-sample percentile map");
        }
        if (c.get(ModelContract.ARCHITECTURE, "").startsWith("residual")) {
            assertEquals("10.1109/TIP.2017.2662206", value(rdf, "doi"));
        }
        for (Map.Entry<String, String> e : c.asMap().entrySet()) {
            assertTrue(rdf.contains("    " + YamlScalar.quoted(e.getKey()) + ": " + YamlScalar.quoted(e.getValue()) + "\n"),
                    "config keeps " + e.getKey() + " verbatim");
        }

        Npy in = Npy.parse(files.get("test_input.npy"));
        Npy out = Npy.parse(files.get("test_output.npy"));
        assertEquals(0, in.dataOffset() % 64, "data aligned to 64 bytes");
        int side = in.shape()[2];
        assertArrayEquals(new int[] {1, 1, side, side}, in.shape());
        assertArrayEquals(in.shape(), out.shape());
        assertEquals(0, side % m);
        assertTrue(side >= 2 * c.halo() + 16, "side " + side);
        assertArrayEquals(pkg.testShape(), in.shape());
        // The input sits on plateaus at exactly 0 and 1, so every consumer's scale_range is an identity (up to eps).
        Normalization n = Normalization.percentile(in.data(), c.normLow(), c.normHigh());
        assertEquals(0.0, n.low());
        assertEquals(1.0, n.high());

        float[] rerun = runOnnx(files.get("weights.onnx"), "input", "output", in.data(), in.shape());
        assertEquals(out.data().length, rerun.length);
        double maxDiff = 0;
        for (int i = 0; i < rerun.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(rerun[i] - out.data()[i]));
        }
        assertTrue(maxDiff < 1e-5, "max difference " + maxDiff);
        // And the output is the denoised input, smoother (how much smoother is the model card's business).
        assertTrue(roughness(out.data(), side) < roughness(in.data(), side),
                roughness(out.data(), side) + " vs " + roughness(in.data(), side));

        BufferedImage cover = ImageIO.read(new ByteArrayInputStream(files.get("cover.png")));
        assertEquals(2 * cover.getHeight(), cover.getWidth(), "cover is 2:1, input | output");
        assertTrue(files.get("cover.png").length < 500_000);

        String readme = new String(files.get("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.startsWith(ShippedModels.card(SHIPPED).strip()), "the model card comes first");
        assertTrue(readme.contains("v = y * (p_high - p_low) + p_low"), readme);

        // Same model, same timestamp: the same zip, byte for byte.
        Path again = dir.resolve("again.zip");
        BioImageIoPackage.open(SHIPPED).timestamp(WHEN).write(again);
        assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(again));
    }

    private static double roughness(float[] img, int side) {
        double s = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 1; x < side; x++) {
                double d = img[y * side + x] - img[y * side + x - 1];
                s += d * d;
            }
        }
        return s;
    }

    @Test
    void aVolumetricModelPackagesWithFiveAxesAndAVolumeAsItsTestCase() throws Exception {
        ImageTrainingConfig cfg = ImageTrainingConfig.defaults().with("dims", "3").with("architecture", "residual")
                .with("depth", "3").with("width", "4").with("patch", "16").with("patch_z", "8").with("batch", "2")
                .with("epochs", "1").with("steps", "2").with("val_images", "1").with("val_size", "32")
                .with("data", "fluorescence").with("noise", "gaussian:10:30").with("seed", "5").with("threads", "1");
        byte[] onnx = new ImageTrainer(cfg).train(new TrainingProgress() {
        }).model().toByteArray();
        BioImageIoPackage pkg = BioImageIoPackage.of(onnx, "vol.onnx", null).timestamp(WHEN);
        ModelContract c = pkg.contract();
        assertTrue(c.volumetric());
        String rdf = pkg.rdf();
        assertEquals("bczyx", value(rdf, "axes"));
        assertEquals("[\"denoising\", \"hush\", \"3d\", \"onnx\"]", value(rdf, "tags"));
        int m = c.sizeMultiple();
        int mz = c.sizeMultipleZ();
        int min = (2 * c.halo() + 1 + m - 1) / m * m;
        int minZ = (2 * c.haloZ() + 1 + mz - 1) / mz * mz;
        assertEquals("[1, 1, " + minZ + ", " + min + ", " + min + "]", value(rdf, "min"));
        assertEquals("[0, 0, " + mz + ", " + m + ", " + m + "]", value(rdf, "step"));
        assertEquals("[0, 0, " + c.haloZ() + ", " + c.halo() + ", " + c.halo() + "]", value(rdf, "halo"));
        assertEquals("[1.0, 1.0, 1.0, 1.0, 1.0]", value(rdf, "scale"));
        assertTrue(rdf.contains("          axes: zxy\n"), "the percentiles of the whole volume:\n" + rdf);
        assertTrue(pkg.documentation().contains("`hush.halo_z`"), pkg.documentation());

        Path zip = dir.resolve("vol.zip");
        pkg.write(zip);
        Map<String, byte[]> files = unzip(zip);
        Npy in = Npy.parse(files.get("test_input.npy"));
        Npy out = Npy.parse(files.get("test_output.npy"));
        assertEquals(5, in.shape().length, Arrays.toString(in.shape()));
        assertArrayEquals(pkg.testShape(), in.shape());
        assertArrayEquals(in.shape(), out.shape());
        assertTrue(in.shape()[2] >= 2 * c.haloZ() + 8 && in.shape()[2] % mz == 0, Arrays.toString(in.shape()));
        float[] rerun = runOnnx(onnx, "input", "output", in.data(), in.shape());
        double maxDiff = 0;
        for (int i = 0; i < rerun.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(rerun[i] - out.data()[i]));
        }
        assertTrue(maxDiff < 1e-5, "max difference " + maxDiff);
        BufferedImage cover = ImageIO.read(new ByteArrayInputStream(files.get("cover.png")));
        assertEquals(2 * in.shape()[4], cover.getHeight(), "the middle plane, twice enlarged");
        assertEquals(2 * cover.getHeight(), cover.getWidth());
    }

    @Test
    void fixedNormalisationMapsToExactScaleLinearStepsAndTheReadmeSummarisesTheContract() throws Exception {
        byte[] onnx = withMetadata(Map.of(ModelContract.NORM, "fixed", ModelContract.NORM_LOW, "100",
                ModelContract.NORM_HIGH, "4100", ModelContract.TRAINER, "recipe: a=\"b\"; c=#d\nnext line",
                ModelContract.NAME, "odd name!"));
        BioImageIoPackage pkg = BioImageIoPackage.of(onnx, "fixed.onnx", null).citeUrl("https://example.org/hush");
        String rdf = pkg.rdf();
        assertTrue(rdf.contains("      - name: scale_linear\n        kwargs:\n          axes: xy\n          gain: 0.00025\n"
                + "          offset: -0.025\n"), rdf);
        assertTrue(rdf.contains("    postprocessing:\n      - name: scale_linear\n        kwargs:\n          axes: xy\n"
                + "          gain: 4000.0\n          offset: 100.0\n"), rdf);
        assertTrue(rdf.contains("\"hush.trainer\": \"recipe: a=\\\"b\\\"; c=#d\\nnext line\"\n"), rdf);
        assertEquals("odd name-", value(rdf, "name"));
        assertTrue(rdf.contains("    url: \"https://example.org/hush\"\n"), rdf);
        String readme = pkg.documentation();
        assertTrue(readme.startsWith("# odd name!"), readme);
        assertTrue(readme.contains("| `hush.norm` | fixed |"), readme);
        assertTrue(readme.contains("exactly Hush's inverse"), readme);

        // The consumer's pipeline: scale_linear, the network, scale_linear back.
        Path zip = dir.resolve("fixed.zip");
        pkg.write(zip);
        Map<String, byte[]> files = unzip(zip);
        Npy in = Npy.parse(files.get("test_input.npy"));
        Npy out = Npy.parse(files.get("test_output.npy"));
        float[] x = in.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] * 0.00025 - 0.025);
        }
        float[] y = runOnnx(onnx, "input", "output", x, in.shape());
        for (int i = 0; i < y.length; i += 7) {
            assertEquals(out.data()[i], y[i] * 4000 + 100, 1e-2, "pixel " + i);
        }
    }

    @Test
    void refusesAudioModelsMissingModelsAndOutputsThatAreNotZips() throws Exception {
        byte[] audio = withMetadata(Map.of(ModelContract.DOMAIN, "audio", ModelContract.OUTPUT, "mask",
                ModelContract.NAME, "speech-test", ModelContract.AUDIO_SAMPLE_RATE, "16000", ModelContract.AUDIO_N_FFT, "512",
                ModelContract.AUDIO_HOP, "128", ModelContract.AUDIO_WINDOW, "hann"));
        HushException a = assertThrows(HushException.class, () -> BioImageIoPackage.of(audio, "speech.onnx", null));
        assertTrue(a.getMessage().contains("'speech-test' (speech.onnx) is an audio model"), a.getMessage());

        HushException missing = assertThrows(HushException.class,
                () -> BioImageIoPackage.open(dir.resolve("nope.onnx").toString()));
        assertTrue(missing.getMessage().contains("not found") && missing.getMessage().contains(SHIPPED), missing.getMessage());

        BioImageIoPackage pkg = BioImageIoPackage.open(SHIPPED);
        HushException notZip = assertThrows(HushException.class, () -> pkg.write(dir.resolve("pkg.txt")));
        assertTrue(notZip.getMessage().contains(".zip"), notZip.getMessage());
        assertFalse(Files.exists(dir.resolve("pkg.txt")));
    }

    @Test
    void npyHeadersAndYamlScalarsFollowTheirFormats() {
        for (int[] shape : new int[][] {{3}, {1, 1, 2, 2}, {1, 3, 64, 64}}) {
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = i * 0.5f - 1;
            }
            Npy back = Npy.parse(new NpyArray(shape, data).toBytes());
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(data, back.data());
            assertEquals(0, back.dataOffset() % 64);
        }
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {2, 2}, new float[3]));
        assertEquals("\"yes\"", YamlScalar.quoted("yes"));
        assertEquals("\"a \\\"b\\\" \\\\ c: #d\\n\\te\\x01\"", YamlScalar.quoted("a \"b\" \\ c: #d\n\te\u0001"));
        assertEquals("\"µm – ok\"", YamlScalar.quoted("µm – ok"));
        assertEquals("0.000001", YamlScalar.number(1e-6));
        assertEquals("100.0", YamlScalar.number(100));
        assertEquals("99.9", YamlScalar.number(99.9));
        assertEquals("100000000000000000000.0", YamlScalar.number(1e20));
        assertEquals("-0.025", YamlScalar.number(-0.025));
    }

    /**
     * Every shipped image model's package, read back with a YAML parser: the fields format 0.4 requires, a DOI or URL
     * on every citation (the spec's validator refused a Hush package for want of one), an SPDX licence, and test
     * tensors that are in the zip.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyShippedImageModelExportsAnRdfThatParsesAndCitesByDoiOrUrl() throws Exception {
        for (String name : ShippedModels.names()) {
            ModelContract contract = DenoiserModel.readContract(name);
            if (contract.domain() != dev.hush.runtime.Domain.IMAGE) {
                continue;
            }
            if (contract.noiseLevelInput()) {
                HushException e = assertThrows(HushException.class, () -> BioImageIoPackage.open(name));
                assertTrue(e.getMessage().contains("noise-level plane"), e.getMessage());
                continue;
            }
            Path zip = dir.resolve(name + ".zip");
            BioImageIoPackage.open(name).timestamp(WHEN).write(zip);
            Map<String, byte[]> files = unzip(zip);
            Map<String, Object> rdf = new org.yaml.snakeyaml.Yaml().load(new String(files.get("rdf.yaml"),
                    StandardCharsets.UTF_8));
            for (String key : List.of("format_version", "type", "name", "description", "authors", "cite", "license",
                    "documentation", "test_inputs", "test_outputs", "inputs", "outputs", "weights", "timestamp")) {
                assertTrue(rdf.containsKey(key), name + ": '" + key + "' in " + rdf.keySet());
            }
            List<Map<String, Object>> cite = (List<Map<String, Object>>) rdf.get("cite");
            assertFalse(cite.isEmpty(), name);
            for (Map<String, Object> entry : cite) {
                assertTrue(entry.get("doi") != null || entry.get("url") != null, name + ": a DOI or URL in " + entry);
                assertTrue(entry.get("doi") == null || entry.get("doi").toString().matches("10\\.[0-9]{4}.+"),
                        name + ": a DOI " + entry.get("doi"));
            }
            assertEquals("Apache-2.0", rdf.get("license"));
            for (String t : List.of("test_inputs", "test_outputs")) {
                for (Object f : (List<Object>) rdf.get(t)) {
                    assertTrue(files.containsKey(f.toString()), name + ": " + f + " is in the package");
                }
            }
            Map<String, Object> weights = (Map<String, Object>) rdf.get("weights");
            assertTrue(weights.containsKey("onnx"), name + ": ONNX weights");
            // Read back as a consumer would, through Hush's own importer: the package reproduces its test output.
            dev.hush.runtime.bioimageio.BioImageIoModel pkg = dev.hush.runtime.bioimageio.BioImageIoModel.read(zip);
            try (DenoiserModel m = pkg.openAsPackaged(dev.hush.runtime.SessionConfig.defaults().withThreads(1))) {
                double rel = pkg.check(m, new dev.hush.runtime.RunContext()).relative();
                assertTrue(rel < 1e-4, name + ": the package's own test output, to " + rel + " of its range");
            }
        }
    }
}
