package dev.hush.trainer.bioimageio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.bioimageio.BioImageIoModel;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.onnx.OnnxGraph;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bioimage.io packages run through Hush: Hush's own exports (2-D and 3-D) and a package written the way other tools
 * write them (format 0.5, channel-last axes, zero-mean-unit-variance before and scale-mean-variance after the
 * network), each reproducing its own test output; and the refusals, with what to do.
 */
class BioImageIoImportTest {
    private static final Instant WHEN = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path dir;

    @Test
    void hushsOwnExportsRunAndReproduceTheirTestOutputs() throws Exception {
        Path zip = dir.resolve("gray.zip");
        BioImageIoPackage.open("image-gray-small").timestamp(WHEN).write(zip);
        BioImageIoModel pkg = BioImageIoModel.read(zip);
        try (DenoiserModel m = pkg.openAsPackaged(SessionConfig.defaults().withThreads(1))) {
            BioImageIoModel.Check c = pkg.check(m, new RunContext());
            assertTrue(c.maxAbsDiff() < 1e-4, "max difference " + c.maxAbsDiff());
            assertEquals(1, m.contract().channels());
            assertEquals(ModelContract.Norm.NONE, m.contract().norm(), "the package's own steps map the values");
            assertEquals(8, m.contract().halo(), "the package's output halo");
        }
        // Opened for use, Hush's own export is the Hush model inside it: exact normalisation and inverse.
        try (DenoiserModel m = pkg.open(SessionConfig.defaults().withThreads(1))) {
            assertEquals(ModelContract.Norm.PERCENTILE, m.contract().norm());
        }
        // The 3-D export of a tiny trained volume model: axes bczyx, a test volume.
        ImageTrainingConfig cfg = ImageTrainingConfig.defaults().with("dims", "3").with("architecture", "residual")
                .with("depth", "3").with("width", "4").with("patch", "16").with("patch_z", "8").with("batch", "2")
                .with("epochs", "1").with("steps", "2").with("val_images", "1").with("val_size", "32")
                .with("data", "fluorescence").with("noise", "gaussian:10:30").with("seed", "5").with("threads", "1");
        byte[] onnx = new ImageTrainer(cfg).train(new TrainingProgress() {
        }).model().toByteArray();
        for (String format : new String[] {"0.4", "0.5"}) {
            Path vol = dir.resolve("vol-" + format + ".zip");
            BioImageIoPackage.of(onnx, "vol.onnx", null).format(format).timestamp(WHEN).write(vol);
            BioImageIoModel v = BioImageIoModel.read(vol);
            try (DenoiserModel m = v.openAsPackaged(SessionConfig.defaults().withThreads(1))) {
                assertTrue(m.contract().volumetric(), format);
                // The model's z halo is 3; format 0.5's validator wants even halos, so that package states 4.
                assertEquals(format.equals("0.4") ? 3 : 4, m.contract().haloZ(), format);
                BioImageIoModel.Check c = v.check(m, new RunContext());
                assertTrue(c.maxAbsDiff() < 1e-4, format + ": max difference " + c.maxAbsDiff());
            }
        }
    }

    /**
     * Format 0.5 export: axes as objects with ids and sizes, the output's sizes referring to the input's axes with the
     * halo on each space axis, test tensors named with their SHA-256, steps by id; read back as a foreign package it
     * reproduces its own test output.
     */
    @Test
    @SuppressWarnings("unchecked")
    void format05ExportDescribesTheContractAndRunsAsAPackage() throws Exception {
        Path zip = dir.resolve("gray05.zip");
        BioImageIoPackage.open("image-gray-small").format("0.5").timestamp(WHEN).write(zip);
        Map<String, byte[]> files = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(java.nio.file.Files.newInputStream(zip))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        Map<String, Object> rdf = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions())).load(new String(files.get("rdf.yaml"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("0.5.4", rdf.get("format_version"));
        assertTrue(!rdf.containsKey("test_inputs") && !rdf.containsKey("test_outputs"), "0.4's top-level test lists");
        Map<String, Object> input = ((List<Map<String, Object>>) rdf.get("inputs")).get(0);
        Map<String, Object> output = ((List<Map<String, Object>>) rdf.get("outputs")).get(0);
        assertEquals("input", input.get("id"));
        List<Map<String, Object>> inAxes = (List<Map<String, Object>>) input.get("axes");
        assertEquals(List.of("batch", "channel", "space", "space"), inAxes.stream().map(a -> a.get("type")).toList());
        assertEquals("y", inAxes.get(2).get("id"));
        ModelContract contract = DenoiserModel.readContract("image-gray-small");
        Map<String, Object> size = (Map<String, Object>) inAxes.get(3).get("size");
        int min = (Integer) size.get("min");
        assertEquals(contract.sizeMultiple(), size.get("step"));
        assertTrue(min > 2 * contract.halo() && min % contract.sizeMultiple() == 0
                && min - contract.sizeMultiple() <= 2 * contract.halo(), "min " + min + ": the first multiple past two halos");
        Map<String, Object> test = (Map<String, Object>) input.get("test_tensor");
        assertEquals("test_input.npy", test.get("source"));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(files.get("test_input.npy"))), test.get("sha256"));
        Map<String, Object> step = ((List<Map<String, Object>>) input.get("preprocessing")).get(0);
        assertEquals("scale_range", step.get("id"));
        assertEquals(List.of("y", "x"), ((Map<String, Object>) step.get("kwargs")).get("axes"));
        Map<String, Object> outX = ((List<Map<String, Object>>) output.get("axes")).get(3);
        assertEquals(Map.of("tensor_id", "input", "axis_id", "x"), outX.get("size"));
        assertEquals(8, outX.get("halo"));
        BioImageIoModel pkg = BioImageIoModel.read(zip);
        try (DenoiserModel m = pkg.openAsPackaged(SessionConfig.defaults().withThreads(1))) {
            BioImageIoModel.Check c = pkg.check(m, new RunContext());
            assertTrue(c.maxAbsDiff() < 1e-4, "max difference " + c.maxAbsDiff());
            assertEquals(8, m.contract().halo());
        }
        assertThrows(dev.hush.runtime.HushException.class, () -> BioImageIoPackage.open("image-gray-small").format("0.6"));
    }

    /** A 3×3 smoothing convolution taking N×H×W×1 tensors, as a channel-last exporter writes it. */
    private static byte[] channelLastSmoother() {
        OnnxGraph g = new OnnxGraph("smoother");
        float[] k = {0.05f, 0.1f, 0.05f, 0.1f, 0.4f, 0.1f, 0.05f, 0.1f, 0.05f};
        String w = g.initializer("w", k, 1, 1, 3, 3);
        g.input("raw", "n", "h", "w", 1L);
        String nchw = g.node("Transpose", new String[] {"raw"}, Map.of("perm", new long[] {0, 3, 1, 2}));
        String conv = g.node("Conv", new String[] {nchw, w}, Map.of("pads", new long[] {1, 1, 1, 1},
                "kernel_shape", new long[] {3, 3}));
        g.node("Transpose", new String[] {conv}, new String[] {"smooth"}, Map.of("perm", new long[] {0, 2, 3, 1}));
        g.output("smooth", "n", "h", "w", 1L);
        return g.build(Map.of(), "test").toByteArray();
    }

    private static final String RDF_05 = """
            format_version: 0.5.3
            type: model
            name: channel-last smoother
            description: a 3x3 smoothing filter packaged as another exporter would
            authors: [{name: Test}]
            cite: [{text: test, url: "https://example.org"}]
            license: MIT
            documentation: README.md
            inputs:
              - id: raw
                axes:
                  - {type: batch}
                  - {type: space, id: y, size: {min: 16, step: 8}}
                  - {type: space, id: x, size: {min: 16, step: 8}}
                  - {type: channel, channel_names: [grey]}
                test_tensor: {source: test_input.npy}
                preprocessing:
                  - id: zero_mean_unit_variance
                    kwargs: {axes: [y, x], eps: 1.0e-6}
            outputs:
              - id: smooth
                axes:
                  - {type: batch}
                  - {type: space, id: y, size: {tensor_id: raw, axis_id: y}, halo: 4}
                  - {type: space, id: x, size: {tensor_id: raw, axis_id: x}, halo: 4}
                  - {type: channel, channel_names: [grey]}
                test_tensor: {source: test_output.npy}
                postprocessing:
                  - id: scale_mean_variance
                    kwargs: {reference_tensor: raw, axes: [y, x], eps: 1.0e-6}
            weights:
              onnx: {source: smoother.onnx, opset_version: 17}
            """;

    private static byte[] npy(float[] v, long... shape) {
        return new NpyArray(java.util.Arrays.stream(shape).mapToInt(x -> (int) x).toArray(), v).toBytes();
    }

    /** The package's expected output, computed as bioimage.io software would: no Hush code on this path. */
    private static float[] reference(byte[] onnx, float[] raw, int h, int w) throws Exception {
        double mean = 0;
        for (float v : raw) {
            mean += v;
        }
        mean /= raw.length;
        double var = 0;
        for (float v : raw) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / raw.length);
        float[] x = new float[raw.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((raw[i] - mean) / (std + 1e-6));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] y;
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, h, w, 1});
             OrtSession.Result r = s.run(Map.of("raw", t))) {
            FloatBuffer fb = ((OnnxTensor) r.get("smooth").orElseThrow()).getFloatBuffer();
            y = new float[fb.remaining()];
            fb.get(y);
        }
        double ym = 0;
        for (float v : y) {
            ym += v;
        }
        ym /= y.length;
        double yv = 0;
        for (float v : y) {
            yv += (v - ym) * (v - ym);
        }
        double ys = Math.sqrt(yv / y.length);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) ((y[i] - ym) / (ys + 1e-6) * (std + 1e-6) + mean);
        }
        return y;
    }

    private static void zip(Path zip, Map<String, byte[]> files) throws Exception {
        try (OutputStream o = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(o)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    @Test
    void aChannelLastFormat05PackageFromAnotherToolRunsTiledAndReproducesItsTestOutput() throws Exception {
        byte[] onnx = channelLastSmoother();
        int h = 48;
        int w = 64;
        Random rnd = new Random(3);
        float[] raw = new float[h * w];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) (1000 + 400 * Math.sin(i % w / 7.0) + 60 * rnd.nextGaussian());
        }
        float[] expected = reference(onnx, raw, h, w);
        Path zip = dir.resolve("smoother.zip");
        zip(zip, Map.of("bioimageio.yaml", RDF_05.getBytes(StandardCharsets.UTF_8), "smoother.onnx", onnx,
                "test_input.npy", npy(raw, 1, h, w, 1), "test_output.npy", npy(expected, 1, h, w, 1)));

        BioImageIoModel pkg = BioImageIoModel.read(zip);
        assertEquals(List.of("byxc", "byxc"), pkg.axes());
        try (DenoiserModel m = DenoiserModel.openNamed(zip.toString(), SessionConfig.defaults().withThreads(1))) {
            ModelContract c = m.contract();
            assertEquals("channel-last smoother", c.name());
            assertEquals(8, c.halo(), "the declared halo 4, raised to half the minimum side 16");
            assertEquals(8, c.sizeMultiple());
            BioImageIoModel.Check check = pkg.check(m, new RunContext());
            assertTrue(check.relative() < 1e-4, "max difference " + check.maxAbsDiff() + " of " + check.outputRange());

            // Hush's own path: tiles of 16 px with mirrored borders give what one whole tile gives ...
            FloatImage img = FloatImage.gray(w, h, raw);
            FloatImage tiled = new ImageDenoiser(m).withTileSize(16).denoise(img, new RunContext());
            FloatImage whole = new ImageDenoiser(m).denoise(img, new RunContext());
            double tiling = 0;
            double inner = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    tiling = Math.max(tiling, Math.abs(tiled.data()[y * w + x] - whole.data()[y * w + x]));
                    if (y > 0 && x > 0 && y < h - 1 && x < w - 1) {
                        inner = Math.max(inner, Math.abs(tiled.data()[y * w + x] - expected[y * w + x]));
                    }
                }
            }
            assertTrue(tiling < 1e-3, "tiles vs one tile: " + tiling);
            // ... and inside the border the package's result, up to the border's share in the output's statistics
            // (Hush mirrors the image at its edge where the package's network pads with zeros; scale_mean_variance
            // then sees slightly different border values).
            assertTrue(inner < 0.02 * check.outputRange(), "tiled vs the package's, inside the 1-px border: " + inner
                    + " of " + check.outputRange());
        }
        // The contract is readable without opening a session, as model pickers do.
        assertEquals(1, DenoiserModel.readContract(zip.toString()).channels());
    }

    @Test
    void unsupportedPackagesAreRefusedWithWhatIsWrong() throws Exception {
        byte[] onnx = channelLastSmoother();
        Path torch = dir.resolve("torch.zip");
        zip(torch, Map.of("rdf.yaml", RDF_05.replace("onnx: {source: smoother.onnx, opset_version: 17}",
                "pytorch_state_dict: {source: w.pt}").getBytes(StandardCharsets.UTF_8)));
        HushException e = assertThrows(HushException.class, () -> BioImageIoModel.read(torch));
        assertTrue(e.getMessage().contains("no ONNX weights"), e.getMessage());

        Path twoIn = dir.resolve("binarize.zip");
        zip(twoIn, Map.of("rdf.yaml", RDF_05.replace("id: scale_mean_variance", "id: binarize")
                .getBytes(StandardCharsets.UTF_8), "smoother.onnx", onnx));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(twoIn));
        assertTrue(e.getMessage().contains("'binarize' is not supported"), e.getMessage());

        Path dataset = dir.resolve("dataset.zip");
        zip(dataset, Map.of("rdf.yaml", RDF_05.replace("kwargs: {axes: [y, x], eps: 1.0e-6}",
                "kwargs: {mode: per_dataset, axes: [y, x]}").getBytes(StandardCharsets.UTF_8), "smoother.onnx", onnx));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(dataset));
        assertTrue(e.getMessage().contains("per sample"), e.getMessage());

        Path notYaml = dir.resolve("bad.zip");
        zip(notYaml, Map.of("rdf.yaml", "inputs: [unclosed".getBytes(StandardCharsets.UTF_8)));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(notYaml));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());

        // Hostile numbers: an axis Hush cannot map, a halo no tile can hold, a test tensor whose
        // header claims more than the file has (nothing is allocated for it).
        Path shapeless = dir.resolve("shapeless.zip");
        zip(shapeless, Map.of("rdf.yaml", RDF_05.replaceFirst("\\{type: batch}", "{type: index}")
                .getBytes(StandardCharsets.UTF_8), "smoother.onnx", onnx));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(shapeless));
        assertTrue(e.getMessage().contains("type 'index'"), e.getMessage());
        Path bigHalo = dir.resolve("halo.zip");
        zip(bigHalo, Map.of("rdf.yaml", RDF_05.replace("halo: 4}", "halo: 1000000000}").getBytes(StandardCharsets.UTF_8),
                "smoother.onnx", onnx));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(bigHalo).open(SessionConfig.defaults()));
        assertTrue(e.getMessage().contains("hush.halo"), e.getMessage());
        Path liar = dir.resolve("liar.zip");
        byte[] header = npy(new float[4], 1, 2, 2, 1);
        String h = new String(header, StandardCharsets.ISO_8859_1).replace("(1, 2, 2, 1)", "(9, 99999, 99999, 9)");
        zip(liar, Map.of("bioimageio.yaml", RDF_05.getBytes(StandardCharsets.UTF_8), "smoother.onnx", onnx,
                "test_input.npy", h.getBytes(StandardCharsets.ISO_8859_1), "test_output.npy", header));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(liar).testCase());
        assertTrue(e.getMessage().contains("needs") && e.getMessage().contains("holds"), e.getMessage());

        Path missing = dir.resolve("nothing.zip");
        zip(missing, Map.of("README.md", "hello".getBytes(StandardCharsets.UTF_8)));
        e = assertThrows(HushException.class, () -> BioImageIoModel.read(missing));
        assertTrue(e.getMessage().contains("no rdf.yaml"), e.getMessage());
    }
}
