package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.ModelContract;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Supervised pairs, Noise2Noise and Noise2Void on real files, with tiny networks and few steps. */
class TrainingModesTest {
    @TempDir
    Path dir;

    private static ImageTrainingConfig tiny() {
        return ImageTrainingConfig.defaults().with("depth", "3").with("width", "4").with("patch", "32").with("batch", "4")
                .with("epochs", "2").with("steps", "3").with("val_images", "1").with("val_size", "48").with("seed", "5");
    }

    private static float[] scene(int w, int h, double sigma, long seed) {
        Random r = new Random(seed);
        float[] px = new float[w * h];
        for (int i = 0; i < px.length; i++) {
            int x = i % w;
            int y = i / w;
            px[i] = (float) (100 + 50 * Math.sin(x / 6.0) * Math.cos(y / 5.0) + sigma * r.nextGaussian());
        }
        return px;
    }

    private Path folder(String name, double sigma, long seed, int count, int w, int h) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int i = 0; i < count; i++) {
            FloatProcessor fp = new FloatProcessor(w, h, scene(w, h, sigma, seed + i * 101L));
            new FileSaver(new ImagePlus("img" + i, fp)).saveAsTiff(d.resolve(String.format("img%02d.tif", i)).toString());
        }
        return d;
    }

    private static List<String> run(ImageTrainingConfig c, double[] val) {
        List<String> messages = new ArrayList<>();
        ImageTrainer.Result r = new ImageTrainer(c).train(new TrainingProgress() {
            @Override
            public void epoch(int epoch, int epochs, double trainLoss, double valPsnr) {
                assertTrue(Double.isFinite(trainLoss), "loss finite");
                val[0] = valPsnr;
            }

            @Override
            public void message(String line) {
                messages.add(line);
            }
        });
        assertTrue(r.exportMaxDiff() <= 1e-4);
        messages.add("mode=" + r.model().getMetadataPropsList().stream()
                .filter(e -> e.getKey().equals(ModelContract.TRAINING_MODE)).findFirst().orElseThrow().getValue());
        return messages;
    }

    @Test
    void pairsTrainAndSkipACorruptFile() throws Exception {
        Path noisy = folder("noisy", 20, 1, 3, 64, 48);
        Path clean = folder("clean", 0, 1, 3, 64, 48);
        Files.writeString(noisy.resolve("zz-broken.tif"), "not a tiff");
        Files.writeString(clean.resolve("zz-broken.tif"), "not a tiff");
        double[] val = {Double.NaN};
        List<String> messages = run(tiny().with("mode", "pairs").with("data", noisy.toString()).with("target",
                clean.toString()), val);
        assertTrue(Double.isFinite(val[0]), "pairs have a clean reference");
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("skipped zz-broken.tif")), messages.toString());
        assertTrue(messages.contains("mode=pairs"));
    }

    @Test
    void noise2NoiseTrainsFromTwoNoisyFolders() throws Exception {
        Path a = folder("a", 20, 1, 2, 64, 64);
        Path b = folder("b", 20, 1_000, 2, 64, 64);
        double[] val = {Double.NaN};
        assertTrue(run(tiny().with("mode", "n2n").with("data", a.toString()).with("target", b.toString()), val)
                .contains("mode=n2n"));
    }

    @Test
    void noise2VoidTrainsOnNoisyImagesOnly() throws Exception {
        double[] val = {Double.NaN};
        run(tiny().with("mode", "n2v").with("noise", "gaussian:25"), val);
        assertTrue(Double.isFinite(val[0]), "synthetic n2v is validated against the clean images it never saw");
        Path noisy = folder("n2v", 20, 3, 2, 80, 64);
        double[] none = {0};
        assertTrue(run(tiny().with("mode", "n2v").with("data", noisy.toString()), none).contains("mode=n2v"));
        assertTrue(Double.isNaN(none[0]), "a folder of noisy images has no clean reference");
    }

    @Test
    void checkpointsResumeKeepTheBestAndRefuseAnotherArchitecture() throws Exception {
        Path ckpt = dir.resolve("ckpt");
        ImageTrainer.Result first = new ImageTrainer(tiny().with("checkpoint", ckpt.toString())).train(TrainingProgress.NONE);
        assertEquals(2, first.history().size());
        assertTrue(first.bestEpoch() >= 1 && first.bestEpoch() <= 2);
        double bestVal = first.history().stream().mapToDouble(ImageTrainer.Epoch::valPsnr).max().orElseThrow();
        assertEquals(bestVal, first.finalValPsnr(), 1e-9, "the kept weights are the best epoch's");
        assertTrue(Files.exists(ckpt.resolve("checkpoint.properties")));
        List<String> messages = new ArrayList<>();
        byte[] saved = Files.readAllBytes(ckpt.resolve("hush-0000.params"));
        Path after = dir.resolve("after");
        ImageTrainer.Result resumed = new ImageTrainer(tiny().with("epochs", "3").with("resume", ckpt.toString())
                .with("checkpoint", after.toString()))
                .train(new TrainingProgress() {
                    @Override
                    public void message(String line) {
                        messages.add(line);
                    }
                });
        assertEquals(1, resumed.history().size(), "only epoch 3 runs");
        assertEquals(3, resumed.history().get(0).epoch());
        assertTrue(!java.util.Arrays.equals(saved, Files.readAllBytes(after.resolve("hush-0000.params"))),
                "the resumed epoch must train the loaded weights further");
        assertTrue(messages.get(0).contains("after epoch 2"), messages.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny()
                .with("width", "6").with("resume", ckpt.toString())).train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("was made by residual(depth=3,width=4"), e.getMessage());
        Path model = dir.resolve("m.onnx");
        dev.hush.trainer.onnx.OnnxExport.write(resumed.model(), model);
        dev.hush.trainer.image.TrainingReport.write(model, tiny(), resumed);
        assertTrue(Files.size(dir.resolve("m.training.png")) > 0);
        assertTrue(Files.readString(dir.resolve("m.training.md")).contains("| 3 |"));
    }

    @Test
    void badDataIsExplained() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tiny().with("mode", "n2v").with("data", empty.toString())).train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("no images in"), e.getMessage());
        Path three = folder("three", 20, 1, 3, 64, 48);
        Path two = folder("two", 0, 1, 2, 64, 48);
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny().with("mode", "pairs")
                .with("data", three.toString()).with("target", two.toString())).train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("do not match"), e.getMessage());
        Path small = folder("small", 20, 1, 1, 20, 20);
        e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tiny().with("mode", "n2v").with("data", small.toString())).train(TrainingProgress.NONE));
        assertTrue(e.getMessage().contains("smaller than the 32-pixel patch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny().with("mode", "pairs")));
        assertTrue(e.getMessage().contains("target="), e.getMessage());
        assertEquals("synthetic", ImageTrainingConfig.defaults().mode());
    }
}
