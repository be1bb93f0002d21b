package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.image.data.DeadLeaves;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.OnnxExport;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGB as three channels: colour training data, 3-channel models, and the runtime on them. */
class ColourTrainingTest {
    @TempDir
    Path dir;

    private static ImageTrainingConfig tiny() {
        return ImageTrainingConfig.defaults().with("name", "colour").with("architecture", "residual").with("depth", "3")
                .with("width", "6").with("channels", "3").with("patch", "16").with("batch", "4").with("epochs", "2")
                .with("steps", "4").with("val_images", "1").with("val_size", "32").with("seed", "8").with("threads", "1");
    }

    @Test
    void colourDeadLeavesShareTheirEdgesAcrossChannels() {
        float[] rgb = DeadLeaves.standard().generate(64, 48, 3, new SplittableRandom(2));
        assertEquals(3 * 64 * 48, rgb.length);
        int area = 64 * 48;
        double r = correlation(rgb, 0, area, rgb, area, area);
        assertTrue(r > 0.5 && r < 0.9999, "R and G must be strongly but not perfectly correlated, r = " + r);
        float[] grey = DeadLeaves.standard().generate(64, 48, new SplittableRandom(2));
        float[] one = DeadLeaves.standard().generate(64, 48, 1, new SplittableRandom(2));
        assertEquals(java.util.Arrays.toString(grey), java.util.Arrays.toString(one), "1 channel = the grey generator");
    }

    @Test
    void aSyntheticColourModelDenoisesThreeChannelImages() throws Exception {
        ImageTrainer.Result r = new ImageTrainer(tiny()).train(TrainingProgress.NONE);
        assertTrue(r.exportMaxDiff() <= 1e-4, "export check " + r.exportMaxDiff());
        assertTrue(r.network().describe().contains("channels=3"), r.network().describe());
        double ssim = r.history().get(1).valSsim();
        assertTrue(Double.isFinite(ssim) && ssim <= 1, "SSIM " + ssim);
        Path file = dir.resolve("colour.onnx");
        OnnxExport.write(r.model(), file);
        try (DenoiserModel m = DenoiserModel.open(file, SessionConfig.defaults().withThreads(1))) {
            assertEquals(3, m.contract().channels());
            float[] px = DeadLeaves.standard().generate(40, 30, 3, new SplittableRandom(4));
            FloatImage out = new ImageDenoiser(m).withTileSize(16).denoise(new FloatImage(3, 40, 30, px), ProgressListener.NONE);
            assertEquals(3, out.channels());
            assertEquals(3 * 40 * 30, out.data().length);
            HushException e = assertThrows(HushException.class, () -> new ImageDenoiser(m)
                    .denoise(FloatImage.gray(40, 30, new float[1200]), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("3-channel"), e.getMessage());
        }
    }

    @Test
    void rgbPairFoldersTrainAThreeChannelModelAndGreyFilesAreSkipped() throws Exception {
        Path noisy = Files.createDirectories(dir.resolve("noisy"));
        Path clean = Files.createDirectories(dir.resolve("clean"));
        SplittableRandom rnd = new SplittableRandom(6);
        for (int i = 0; i < 3; i++) {
            float[] c = DeadLeaves.standard().generate(48, 48, 3, rnd);
            save(rgb(c, 48, 48, 0, rnd), noisy.resolve("p" + i + ".png"));
            save(rgb(c, 48, 48, 0.08, rnd), clean.resolve("p" + i + ".png"));
        }
        new FileSaver(new ImagePlus("g", new FloatProcessor(48, 48))).saveAsTiff(noisy.resolve("q.tif").toString());
        new FileSaver(new ImagePlus("g", new FloatProcessor(48, 48))).saveAsTiff(clean.resolve("q.tif").toString());
        StringBuilder skipped = new StringBuilder();
        ImageTrainer.Result r = new ImageTrainer(tiny().with("mode", "pairs").with("data", noisy.toString())
                .with("target", clean.toString())).train(new TrainingProgress() {
                    @Override
                    public void message(String line) {
                        skipped.append(line).append('\n');
                    }
                });
        assertTrue(skipped.toString().contains("q.tif") && skipped.toString().contains("not an RGB image"),
                skipped.toString());
        assertTrue(r.exportMaxDiff() <= 1e-4);
    }

    @Test
    void threeChannelsAreRefusedWhereTheyCannotWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tiny().with("mode", "n2v")));
        assertTrue(e.getMessage().contains("Noise2Void trains 1-channel models"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny().with("channels", "2")));
        assertTrue(e.getMessage().contains("channels must be 1"), e.getMessage());
    }

    private static ColorProcessor rgb(float[] c, int w, int h, double noise, SplittableRandom rnd) {
        ColorProcessor cp = new ColorProcessor(w, h);
        int area = w * h;
        for (int i = 0; i < area; i++) {
            int[] v = new int[3];
            for (int ch = 0; ch < 3; ch++) {
                double x = c[ch * area + i] + noise * (rnd.nextDouble() - 0.5) * 3.4;
                v[ch] = (int) Math.max(0, Math.min(255, Math.round(255 * x)));
            }
            cp.set(i, (v[0] << 16) | (v[1] << 8) | v[2]);
        }
        return cp;
    }

    private static void save(ColorProcessor cp, Path file) {
        new FileSaver(new ImagePlus("c", cp)).saveAsPng(file.toString());
    }

    private static double correlation(float[] a, int ao, int n, float[] b, int bo, int m) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[ao + i];
            mb += b[bo + i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double x = a[ao + i] - ma;
            double y = b[bo + i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
