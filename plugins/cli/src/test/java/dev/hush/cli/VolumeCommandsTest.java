package dev.hush.cli;

import static dev.hush.cli.HushCliTest.hush;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ShortProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hush train image --dims 3}, {@code hush image} on a TIFF z-stack, and {@code hush bench volume}, for real. */
class VolumeCommandsTest {
    @TempDir
    Path dir;

    @Test
    void aTrainedThreeDModelDenoisesATiffStackAsOneVolume() throws Exception {
        Path model = dir.resolve("vol.onnx");
        HushCliTest.Run train = hush("train", "image", "--out", model.toString(), "--dims", "3", "--patch-z", "8",
                "--data", "fluorescence", "--epochs", "1", "--steps", "3", "--batch", "2", "--patch", "16", "--depth",
                "3", "--width", "4", "--eval-images", "1", "--eval-size", "32", "--threads", "1");
        assertEquals(0, train.code(), train.err());
        String card = Files.readString(dir.resolve("vol.md"));
        assertTrue(card.contains("Gaussian filter 3-D") && card.contains("as a volume"), "the card's table is a volume bench:\n"
                + card);

        // A 16-bit stack of 6 planes, 40 × 36.
        int w = 40;
        int h = 36;
        int d = 6;
        Random rnd = new Random(4);
        ImageStack stack = new ImageStack(w, h);
        List<FloatImage> planes = new ArrayList<>();
        for (int z = 0; z < d; z++) {
            short[] px = new short[w * h];
            float[] f = new float[w * h];
            for (int i = 0; i < px.length; i++) {
                int v = (int) Math.max(0, Math.round(800 + 600 * Math.sin((i % w + z) / 5.0) + 80 * rnd.nextGaussian()));
                px[i] = (short) v;
                f[i] = v;
            }
            stack.addSlice("z" + z, new ShortProcessor(w, h, px, null));
            planes.add(FloatImage.gray(w, h, f));
        }
        Path in = dir.resolve("stack.tif");
        assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(in.toString()));
        Path out = dir.resolve("stack-clean.tif");
        HushCliTest.Run run = hush("image", in.toString(), "-o", out.toString(), "--model", model.toString(),
                "--threads", "1");
        assertEquals(0, run.code(), run.err());
        ImagePlus got = new Opener().openImage(out.toString());
        assertEquals(d, got.getStackSize());
        assertEquals(16, got.getBitDepth());
        try (DenoiserModel m = DenoiserModel.open(model, SessionConfig.defaults().withThreads(1))) {
            List<FloatImage> ref = new ImageDenoiser(m).denoiseVolume(planes, new RunContext());
            for (int z = 0; z < d; z++) {
                short[] px = (short[]) got.getStack().getPixels(z + 1);
                for (int i = 0; i < px.length; i++) {
                    int want = (int) Math.max(0, Math.min(65535, Math.round(ref.get(z).data()[i])));
                    assertTrue(Math.abs((px[i] & 0xffff) - want) <= 1, "plane " + z + " pixel " + i + ": " + want
                            + " vs " + (px[i] & 0xffff));
                }
            }
        }

        // The bench on a real stack given as a folder of planes, and on small generated stacks, names the model as a
        // volume denoiser beside the classical filters, real table first.
        Path real = Files.createDirectories(dir.resolve("real").resolve("cells"));
        for (int z = 0; z < 5; z++) {
            ij.process.ByteProcessor bp = new ij.process.ByteProcessor(24, 20);
            for (int i = 0; i < 24 * 20; i++) {
                bp.set(i, 40 + (i * 7 + z * 13) % 150);
            }
            assertTrue(new FileSaver(new ImagePlus("z", bp)).saveAsPng(real.resolve("z00" + z + ".png").toString()));
        }
        Path bench = dir.resolve("bench");
        HushCliTest.Run b = hush("bench", "volume", "-m", model.toString(), "--data", dir.resolve("real").toString(),
                "--volumes", "1", "--size", "32", "--depth", "8", "--no-nlm", "-o", bench.toString(), "--threads", "1");
        assertEquals(0, b.code(), b.err());
        String table = Files.readString(bench.resolve("bench-volume.md"));
        assertTrue(table.contains("noisy input") && table.contains("Gaussian filter 3-D")
                && table.contains("(3-D, as a volume)"), table);
        assertTrue(table.indexOf("### Real stacks") >= 0 && table.indexOf("### Real stacks")
                < table.indexOf("### Generated"), table);
        assertTrue(table.contains("`cells` (24×20×5)"), table);
    }
}
