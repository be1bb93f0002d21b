package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.arch.DenseAutoencoder;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.bioimageio.BioImageIoPackage;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dense autoencoders ({@code vanilla}, {@code multilayer}): their exports compute what DJL computes, they
 * train, and the runtime runs their P×P-only models ({@code hush.fixed_size}) on images of any size.
 */
class DenseArchitecturesTest {
    private static final int P = 16;
    /** One tiny training run per architecture, shared by the tests that need a trained model. */
    private static final Map<String, ImageTrainer.Result> TRAINED = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"vanilla", "multilayer"})
    void freshNetworkExportsExactly(String arch) {
        Djl.pytorch(0).setRandomSeed(1);
        double max = 0;
        for (Network net : new Network[] {Architectures.create(arch, 1, 0, 8, P, 0f),
                Architectures.create(arch, 1, arch.equals("vanilla") ? 1 : 4, 12, 20, 0.5f)}) {
            max = Math.max(max, assertExportsExactly(net, new long[][] {{1, 1, net.fixedSize(), net.fixedSize()},
                    {3, 1, net.fixedSize(), net.fixedSize()}}));
        }
        System.out.printf("%s: max |DJL - ORT| = %.2e (fresh, random biases)%n", arch, max);
    }

    /** Returns the largest difference seen. Dropout, if any, is inactive in both: inference only. */
    private static double assertExportsExactly(Network net, long[][] shapes) {
        try (Model model = Model.newInstance("eq-" + net.kind(), "PyTorch")) {
            model.setBlock(net.block());
            NDManager manager = model.getNDManager();
            net.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, net.fixedSize(), net.fixedSize()));
            TestNetworks.randomiseBiases(net, 5); // fresh biases are zero, which would hide a misplaced bias
            ModelProto onnx = OnnxExport.imageModel(net, 1, TestNetworks.meta(net));
            double max = 0;
            for (long[] shape : shapes) {
                double diff = ExportCheck.maxAbsDifference(net, manager, onnx, shape, 11);
                assertTrue(diff <= ExportCheck.TOLERANCE, net.describe() + ": max |DJL - ORT| = " + diff + " for "
                        + Arrays.toString(shape));
                max = Math.max(max, diff);
            }
            return max;
        }
    }

    @Test
    void sizeKnobsGiveTheDocumentedFigures() {
        Network v = Architectures.create("vanilla", 1, 0, 0, 64, 0f);
        assertEquals("vanilla(width=256,patch=64,channels=1)", v.describe());
        assertEquals(64, v.fixedSize());
        assertEquals(16, v.halo());
        assertEquals(1, v.sizeMultiple());
        assertEquals(2 * 256, v.macsPerPixel()); // 4096·256 in, 256·4096 out, over 4096 pixels
        DenseAutoencoder m = (DenseAutoencoder) Architectures.create("multilayer", 1, 3, 64, 32, 0f);
        assertArrayEquals(new int[] {256, 64, 256}, m.units(), "1024 → 256 → 64 → 256 → 1024");
        assertEquals("multilayer(depth=3,width=64,patch=32,channels=1,units=256-64-256)", m.describe());
        assertArrayEquals(new int[] {512, 64, 256, 1024}, ((DenseAutoencoder) Architectures.create("multilayer", 1, 4, 64, 64,
                0f)).units(), "even depth: 4096 → 512 → 64, then 256 → 1024 → 4096");
        assertEquals(64, ((DenseAutoencoder) Architectures.create("multilayer", 1, 0, 0, 32, 0f)).units()[1],
                "defaults: depth 3, bottleneck 64");
        assertTrue(Architectures.create("multilayer", 1, 3, 64, 32, 0.25f).describe().endsWith(",dropout=0.25)"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.create("vanilla", 1, 3, 16, 32, 0f));
        assertTrue(e.getMessage().contains("multilayer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architectures.create("multilayer", 1, 1, 16, 32, 0f));
        assertTrue(e.getMessage().contains("2 to 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architectures.create("vanilla", 1, 0, 16));
        assertTrue(e.getMessage().contains("patch size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architectures.create("multilayer", 1, 3, 16, 32, 1f));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }

    @Test
    void otherSizesAreRefusedWithAMessage() {
        Djl.pytorch(0).setRandomSeed(1);
        Network net = Architectures.create("vanilla", 1, 0, 8, P, 0f);
        try (Model model = Model.newInstance("size", "PyTorch")) {
            model.setBlock(net.block());
            NDManager manager = model.getNDManager();
            net.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, P, P));
            NDArray x = manager.zeros(new Shape(1, 1, P + 4, P));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.block().forward(new ParameterStore(manager, false), new NDList(x), false));
            assertTrue(e.getMessage().contains("1×16×16 inputs only"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vanilla", "multilayer"})
    void trainsAndExportsWithinTolerance(String arch) throws Exception {
        ImageTrainer.Result r = trained(arch);
        assertEquals(80, r.steps());
        for (ImageTrainer.Epoch e : r.history()) {
            assertTrue(Double.isFinite(e.trainLoss()), "loss stays finite, got " + e.trainLoss());
            assertTrue(Double.isFinite(e.bottleneckActivity()), "the bottleneck's activity is measured");
        }
        assertTrue(Double.isFinite(r.finalValPsnr()), "validation PSNR is finite, got " + r.finalValPsnr());
        assertTrue(r.exportMaxDiff() <= ExportCheck.TOLERANCE, arch + ": export diff " + r.exportMaxDiff());
        System.out.printf("%s: trained, max |DJL - ORT| = %.2e, val PSNR %.2f dB, bottleneck activity %.4f%n", arch,
                r.exportMaxDiff(), r.finalValPsnr(), r.history().get(1).bottleneckActivity());
        try (DenoiserModel m = open(arch)) {
            assertEquals(P, m.contract().fixedSize());
            assertEquals(P / 4, m.contract().halo());
            assertEquals(1, m.contract().sizeMultiple());
            assertTrue(m.contract().get(ModelContract.ARCHITECTURE, "").startsWith(arch + "("),
                    m.contract().get(ModelContract.ARCHITECTURE, ""));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vanilla", "multilayer"})
    void outputHasTheInputsSizeBelowAtAndAboveThePatch(String arch) throws Exception {
        try (DenoiserModel m = open(arch)) {
            ImageDenoiser d = new ImageDenoiser(m).withBatchSize(4);
            assertEquals(P - 2 * (P / 4), d.tileSize(), "cores of P − 2·halo whatever the tile size says");
            for (int[] size : new int[][] {{1, 1}, {5, 9}, {P - 1, P}, {P, P}, {P + 1, 2 * P + 3}, {70, 33}}) {
                FloatImage img = TestNetworks.scene(size[0], size[1], 3);
                FloatImage out = d.denoise(img, ProgressListener.NONE);
                assertEquals(size[0], out.width());
                assertEquals(size[1], out.height());
                for (float v : out.data()) {
                    assertTrue(Float.isFinite(v), arch + " on " + Arrays.toString(size));
                }
            }
        }
    }

    /**
     * A vanilla network with weights set to pass the patch through unchanged, exported and run by the runtime:
     * every pixel must come back where it was, at the borders too, for images smaller than, as large as and
     * larger than the patch. A misplaced core or a wrong blending weight would show at once.
     */
    @Test
    void anIdentityNetworkGivesBackEveryPixelAtAnySize() throws Exception {
        try (DenoiserModel m = handMade(P * P, true)) {
            for (int[] size : new int[][] {{1, 1}, {5, 9}, {P - 1, P}, {P, P}, {P + 1, 2 * P + 3}, {70, 33}}) {
                FloatImage img = TestNetworks.scene(size[0], size[1], 5);
                FloatImage out = new ImageDenoiser(m).withBatchSize(3).denoise(img, ProgressListener.NONE);
                assertEquals(size[0], out.width());
                assertEquals(size[1], out.height());
                double max = 0;
                for (int i = 0; i < img.data().length; i++) {
                    max = Math.max(max, Math.abs(out.data()[i] - img.data()[i]));
                }
                assertTrue(max <= 0.01, Arrays.toString(size) + ": the identity moved a pixel by " + max + " grey levels");
            }
        }
    }

    /**
     * A vanilla network set to give every pixel its window's mean: where a window reaches past the image it
     * averages mirrored pixels, so on a uniformly noisy image the frame is as bright as the interior. Zero
     * padding would pull the frame's windows towards 0 (here several grey levels darker).
     */
    @Test
    void aBoxFilterNetworkDoesNotDarkenTheBorders() throws Exception {
        try (DenoiserModel m = handMade(1, false)) {
            for (int[] size : new int[][] {{61, 47}, {10, 7}}) {
                int w = size[0];
                int h = size[1];
                SplittableRandom rnd = new SplittableRandom(4);
                float[] noisy = new float[w * h];
                for (int i = 0; i < noisy.length; i++) {
                    noisy[i] = (float) (120 + 20 * (rnd.nextDouble() - 0.5) * 2);
                }
                float[] y = new ImageDenoiser(m).withBatchSize(4).denoise(FloatImage.gray(w, h, noisy), ProgressListener.NONE)
                        .data();
                double mean = Arrays.stream(toDouble(noisy)).average().orElseThrow();
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < w; xx++) {
                        assertEquals(mean, y[yy * w + xx], 4.0, "pixel (" + xx + ", " + yy + ") of " + w + "×" + h
                                + ": a window mean of a uniformly noisy image");
                    }
                }
            }
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /**
     * A P×P vanilla network with set weights, exported and opened: inside, x − 0.5 (x: normalised pixel) goes
     * through W₁ with bias 1.5, which keeps the code above 0 for x ≥ −1 so that the ReLU passes it, then W₂ with
     * bias −1.5, and the + 0.5 at the output. {@code identity}: W₁ = W₂ = I (width P²), the patch comes back;
     * otherwise one unit with W₁ = 1/P² and W₂ = 1: every pixel becomes the patch's mean.
     */
    private DenoiserModel handMade(int width, boolean identity) throws Exception {
        Djl.pytorch(0).setRandomSeed(1);
        Network net = Architectures.create("vanilla", 1, 0, width, P, 0f);
        Path file = dir.resolve("handmade-" + width + ".onnx");
        int n = P * P;
        try (Model model = Model.newInstance("handmade", "PyTorch")) {
            model.setBlock(net.block());
            net.block().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, P, P));
            float[] w1 = new float[width * n];
            float[] w2 = new float[n * width];
            for (int i = 0; i < w1.length; i++) {
                w1[i] = identity ? (i % (n + 1) == 0 ? 1f : 0f) : 1f / n;
                w2[i] = identity ? w1[i] : 1f;
            }
            int[] seen = {0};
            net.block().getParameters().forEach(p -> {
                NDArray a = p.getValue().getArray();
                int k = seen[0]++; // weight 1, bias 1, weight 2, bias 2
                if (k % 2 == 0) {
                    a.set(k == 0 ? w1 : w2);
                } else {
                    float[] b = new float[Math.toIntExact(a.size())];
                    Arrays.fill(b, k == 1 ? 1.5f : -1.5f);
                    a.set(b);
                }
            });
            OnnxExport.write(OnnxExport.imageModel(net, 1, TestNetworks.meta(net)), file);
        }
        return DenoiserModel.open(file, SessionConfig.defaults().withThreads(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vanilla", "multilayer"})
    void aFlatImageStaysFlat(String arch) throws Exception {
        try (DenoiserModel m = open(arch)) {
            int w = 61;
            int h = 47;
            float[] flat = new float[w * h];
            Arrays.fill(flat, 120f);
            // A flat image normalises to 0 everywhere, so every window is the same; each pixel of a window is
            // another output unit, so the result is flat to within what the barely trained network makes of a
            // zero patch (the flat image's scale is 1 grey level per model unit).
            float[] out = new ImageDenoiser(m).withBatchSize(8).denoise(FloatImage.gray(w, h, flat), ProgressListener.NONE)
                    .data();
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float v : out) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            System.out.printf("%s: flat 120 → %.3f to %.3f%n", arch, min, max);
            assertEquals(120, min, 1.0, arch + ": a flat image comes back flat");
            assertEquals(120, max, 1.0, arch + ": a flat image comes back flat");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vanilla", "multilayer"})
    void tiledResultsDoNotDependOnTheBatchSize(String arch) throws Exception {
        try (DenoiserModel m = open(arch)) {
            FloatImage img = TestNetworks.scene(53, 41, 9);
            float[] one = new ImageDenoiser(m).withBatchSize(1).denoise(img, ProgressListener.NONE).data();
            for (int b : new int[] {3, 16}) {
                float[] other = new ImageDenoiser(m).withBatchSize(b).denoise(img, ProgressListener.NONE).data();
                double max = 0;
                for (int i = 0; i < one.length; i++) {
                    max = Math.max(max, Math.abs(one[i] - other[i]));
                }
                assertTrue(max / 200 <= 1e-5, arch + ": batch 1 vs " + b + " differ by " + max);
            }
            FloatImage again = new ImageDenoiser(m).withBatchSize(1).denoise(img, ProgressListener.NONE);
            assertArrayEquals(one, again.data(), "the same call gives the same pixels");
        }
    }

    @Test
    void wholeImageInferenceIsRefusedForFixedSizeModels() throws Exception {
        try (DenoiserModel m = open("vanilla")) {
            HushException e = assertThrows(HushException.class, () -> new ImageDenoiser(m).denoiseWhole(TestNetworks.scene(40, 30, 1)));
            assertTrue(e.getMessage().contains("takes only 16×16 inputs (hush.fixed_size)"), e.getMessage());
            assertTrue(e.getMessage().contains("denoise()"), e.getMessage());
        }
    }

    @Test
    void theGraphsSizeMustMatchTheContract() {
        ModelProto model = trained("vanilla").model();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> DenoiserModel.fromBytes(
                withMetadata(model, ModelContract.FIXED_SIZE, "32"), "x.onnx", SessionConfig.defaults()));
        assertTrue(e.getMessage().contains("fixed at 16 pixels but the contract's 'hush.fixed_size' is 32"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> DenoiserModel.fromBytes(
                withMetadata(model, ModelContract.FIXED_SIZE, null), "x.onnx", SessionConfig.defaults()));
        assertTrue(e.getMessage().contains("has no 'hush.fixed_size'"), e.getMessage());
    }

    @Test
    void bioImageIoPackagingRefusesFixedSizeModels() {
        byte[] bytes = trained("vanilla").model().toByteArray();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> BioImageIoPackage.of(bytes, "v.onnx", null));
        assertTrue(e.getMessage().contains("16×16 inputs only (hush.fixed_size)"), e.getMessage());
    }

    @Test
    void validationImagesMustHoldAPatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tinyConfig("vanilla").with("patch", "48").with("val_size", "32"))
                        .train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("val_size must be at least patch"), e.getMessage());
    }

    private static byte[] withMetadata(ModelProto model, String key, String value) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            if (!p.getKey().equals(key)) {
                b.addMetadataProps(p);
            }
        }
        if (value != null) {
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        }
        return b.build().toByteArray();
    }

    private DenoiserModel open(String arch) throws Exception {
        Path file = dir.resolve(arch + ".onnx");
        OnnxExport.write(trained(arch).model(), file);
        return DenoiserModel.open(file, SessionConfig.defaults().withThreads(1));
    }

    private static ImageTrainingConfig tinyConfig(String arch) {
        return ImageTrainingConfig.defaults()
                .with("name", "tiny-" + arch).with("architecture", arch).with("width", "16")
                .with("patch", Integer.toString(P)).with("batch", "8").with("epochs", "2").with("steps", "40").with("lr", "0.003")
                .with("val_images", "1").with("val_size", "32").with("seed", "3");
    }

    private static ImageTrainer.Result trained(String arch) {
        return TRAINED.computeIfAbsent(arch, a -> new ImageTrainer(tinyConfig(a)).train(TrainingProgress.NONE));
    }
}
