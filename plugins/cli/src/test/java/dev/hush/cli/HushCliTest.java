package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.trainer.arch.ResidualNet;
import dev.hush.trainer.onnx.OnnxExport;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code hush} command line on real files. */
class HushCliTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one run. */
    record Run(int code, String out, String err) {
    }

    static Run hush(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Hush.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static float[] scene(int w, int h, double sigma, long seed, double scale) {
        Random rnd = new Random(seed);
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 90 + 50 * Math.sin(x / 13.0) * Math.cos(y / 9.0) + ((x / 32 + y / 32) % 2 == 0 ? 60 : 0);
                px[y * w + x] = (float) (scale * (v + sigma * rnd.nextGaussian()));
            }
        }
        return px;
    }

    /** Grey levels rounded and clamped to 8 bits. */
    static byte[] toBytes(float[] px) {
        byte[] b = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            b[i] = (byte) Math.max(0, Math.min(255, Math.round(px[i])));
        }
        return b;
    }

    private Path png8(String name, float[] px, int w, int h) {
        Path f = dir.resolve(name);
        ImagePlus imp = new ImagePlus(name, ImageFiles.toProcessor(FloatImage.gray(w, h, px), 8));
        assertTrue(new FileSaver(imp).saveAsPng(f.toString()));
        return f;
    }

    private static float[] pixels(Path f) {
        ImagePlus imp = new Opener().openImage(f.toString());
        float[] px = new float[imp.getWidth() * imp.getHeight()];
        for (int i = 0; i < px.length; i++) {
            px[i] = imp.getProcessor().getf(i);
        }
        return px;
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void denoisesAn8BitPngAndKeepsItsDepth() throws Exception {
        Path in = png8("noisy.png", scene(200, 150, 20, 1, 1), 200, 150);
        float[] clean = pixels(png8("clean.png", scene(200, 150, 0, 1, 1), 200, 150));
        Path out = dir.resolve("out.png");
        Run r = hush("image", in.toString(), "-o", out.toString(), "--tile", "64");
        assertEquals(0, r.code(), r.err());
        ImagePlus res = new Opener().openImage(out.toString());
        assertEquals(8, res.getBitDepth());
        assertEquals(200, res.getWidth());
        double before = ImageMetrics.psnr(pixels(in), clean, 255);
        double after = ImageMetrics.psnr(pixels(out), clean, 255);
        assertTrue(after > before + 2, "PSNR " + before + " -> " + after);
        assertFalse(files().stream().anyMatch(p -> p.getFileName().toString().contains(".part")), "no temp files left");
    }

    @Test
    void sixteenBitTiffStays16BitAndFloatIsOnRequest() throws Exception {
        float[] px = scene(120, 90, 15, 2, 100); // values up to ~25 000
        short[] s = new short[px.length];
        for (int i = 0; i < px.length; i++) {
            s[i] = (short) Math.max(0, Math.min(65535, Math.round(px[i])));
        }
        Path in = dir.resolve("in16.tif");
        assertTrue(new FileSaver(new ImagePlus("in16", new ShortProcessor(120, 90, s, null))).saveAsTiff(in.toString()));
        Path out = dir.resolve("out16.tif");
        Run r = hush("image", in.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        ImagePlus res = new Opener().openImage(out.toString());
        assertEquals(16, res.getBitDepth());
        double clean = ImageMetrics.psnr(pixels(out), scene(120, 90, 0, 2, 100), 25_000);
        double noisy = ImageMetrics.psnr(pixels(in), scene(120, 90, 0, 2, 100), 25_000);
        assertTrue(clean > noisy, noisy + " -> " + clean);
        Path outF = dir.resolve("outF.tif");
        Path noise = dir.resolve("noise.tif");
        assertEquals(0, hush("image", in.toString(), "-o", outF.toString(), "--float", "--residual", noise.toString()).code());
        assertEquals(32, new Opener().openImage(outF.toString()).getBitDepth());
        float[] inPx = pixels(in);
        float[] outPx = pixels(outF);
        float[] noisePx = pixels(noise);
        for (int i = 0; i < inPx.length; i += 97) {
            assertEquals(inPx[i] - outPx[i], noisePx[i], 1e-2, "residual = input - output");
        }
        Run png = hush("image", in.toString(), "-o", dir.resolve("f.png").toString(), "--float");
        assertEquals(1, png.code());
        assertTrue(png.err().contains(".tif"), png.err());
    }

    @Test
    void tinyImagesAndImagesSmallerThanTheHaloWork() throws Exception {
        Path one = png8("one.png", new float[] {77}, 1, 1);
        Path out = dir.resolve("one-out.png");
        assertEquals(0, hush("image", one.toString(), "-o", out.toString()).code());
        assertEquals(1, new Opener().openImage(out.toString()).getWidth());
        Path small = png8("small.png", scene(6, 4, 10, 3, 1), 6, 4);
        assertEquals(0, hush("image", small.toString(), "-o", dir.resolve("small-out.png").toString()).code());
    }

    @Test
    void badInputsGiveClearMessagesAndWriteNothing() throws Exception {
        Path out = dir.resolve("never.png");
        Run missing = hush("image", dir.resolve("missing.png").toString(), "-o", out.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("input not found"), missing.err());

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "hello");
        Run notImage = hush("image", text.toString(), "-o", out.toString());
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains("not a PNG or TIFF"), notImage.err());

        Path good = png8("good.png", scene(64, 64, 10, 4, 1), 64, 64);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, 60));
        Run trunc = hush("image", truncated.toString(), "-o", out.toString());
        assertEquals(1, trunc.code());
        assertTrue(trunc.err().contains("damaged or truncated"), trunc.err());

        Path fakeModel = dir.resolve("model.onnx");
        Files.writeString(fakeModel, "not a model");
        Run badModel = hush("image", good.toString(), "-o", out.toString(), "--model", fakeModel.toString());
        assertEquals(1, badModel.code());
        assertTrue(badModel.err().contains("not a readable ONNX model"), badModel.err());

        Run badDevice = hush("image", good.toString(), "-o", out.toString(), "--device", "gpu");
        assertEquals(2, badDevice.code(), "an unknown device is a usage error");
        assertTrue(badDevice.err().contains("unknown device"), badDevice.err());

        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void neverOverwritesTheInput() throws Exception {
        Path in = png8("keep.png", scene(40, 40, 10, 5, 1), 40, 40);
        byte[] before = Files.readAllBytes(in);
        Run r = hush("image", in.toString(), "-o", in.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("never overwrites"), r.err());
        Run viaDots = hush("image", in.toString(), "-o", dir.resolve("sub/../keep.png").toString());
        assertEquals(1, viaDots.code());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(in)));
    }

    @Test
    void nanPixelsAreRefused() throws Exception {
        float[] px = scene(30, 30, 5, 6, 1);
        px[100] = Float.NaN;
        Path in = dir.resolve("nan.tif");
        assertTrue(new FileSaver(new ImagePlus("nan", new FloatProcessor(30, 30, px))).saveAsTiff(in.toString()));
        Path out = dir.resolve("nan-out.tif");
        Run r = hush("image", in.toString(), "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("NaN"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anAudioModelIsRefusedForImages() throws Exception {
        ResidualNet net = new ResidualNet(1, 2, 2);
        dev.hush.trainer.Djl.pytorch(0);
        Path audio = dir.resolve("audio.onnx");
        try (Model model = Model.newInstance("a", "PyTorch")) {
            model.setBlock(net.block());
            net.block().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 8, 8));
            Map<String, String> meta = new java.util.LinkedHashMap<>(ModelContract.imageDefaults(1, 2, 1, 0, 100));
            meta.put(ModelContract.DOMAIN, "audio");
            meta.put(ModelContract.OUTPUT, "mask");
            meta.put(ModelContract.NAME, "speech-test");
            meta.put(ModelContract.AUDIO_SAMPLE_RATE, "16000");
            meta.put(ModelContract.AUDIO_N_FFT, "512");
            meta.put(ModelContract.AUDIO_HOP, "128");
            meta.put(ModelContract.AUDIO_WINDOW, "hann");
            OnnxExport.write(OnnxExport.imageModel(net, 1, meta), audio);
        }
        Path in = png8("a.png", scene(20, 20, 5, 7, 1), 20, 20);
        Run r = hush("image", in.toString(), "-o", dir.resolve("a-out.png").toString(), "--model", audio.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("audio model"), r.err());
    }

    @Test
    void demoWritesItsFilesAndImprovesPsnr() throws Exception {
        Path out = dir.resolve("demo");
        Run r = hush("demo", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"clean.png", "noisy.png", "denoised.png", "side-by-side.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        float[] clean = pixels(out.resolve("clean.png"));
        double noisy = ImageMetrics.psnr(pixels(out.resolve("noisy.png")), clean, 255);
        double den = ImageMetrics.psnr(pixels(out.resolve("denoised.png")), clean, 255);
        assertTrue(den > noisy + 3, noisy + " -> " + den);
        assertTrue(r.out().contains("PSNR"), r.out());
        // The speech half, with the shipped speech model: the WAVs and a real SI-SDR gain, computed here again.
        float[] speech = DemoCommand.wavSamples(Files.readAllBytes(out.resolve("speech-clean.wav")));
        float[] noisyWav = DemoCommand.wavSamples(Files.readAllBytes(out.resolve("speech-noisy.wav")));
        float[] denWav = DemoCommand.wavSamples(Files.readAllBytes(out.resolve("speech-denoised.wav")));
        assertEquals(speech.length, denWav.length, "same length out");
        double before = dev.hush.runtime.audio.AudioMetrics.siSdr(noisyWav, speech);
        double after = dev.hush.runtime.audio.AudioMetrics.siSdr(denWav, speech);
        assertTrue(after > before + 3, "SI-SDR " + before + " -> " + after);
        assertTrue(r.out().contains("SI-SDR") && r.out().contains("STOI"), r.out());
    }

    @Test
    void modelsListsTheShippedModelWithItsContract() {
        Run r = hush("models");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("image-gray-small"), r.out());
        assertTrue(r.out().contains("halo"), r.out());
        assertNotEquals(0, hush("models", "--card", "nope").code());
    }

    @Test
    void trainImageWritesAModelAndCardThatLoad() throws Exception {
        Path model = dir.resolve("m.onnx");
        Run r = hush("train", "image", "--out", model.toString(), "--epochs", "1", "--steps", "3", "--batch", "2",
                "--patch", "32", "--depth", "3", "--width", "4", "--eval-images", "1", "--eval-size", "64");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(model) > 0);
        String card = Files.readString(dir.resolve("m.md"));
        assertTrue(card.contains("ImageJ median"), card);
        assertTrue(r.err().contains("export check"), r.err());
        Path in = png8("t.png", scene(50, 40, 10, 8, 1), 50, 40);
        assertEquals(0, hush("image", in.toString(), "-o", dir.resolve("t-out.png").toString(), "--model", model.toString()).code());
        Run bad = hush("train", "image", "--out", dir.resolve("x.txt").toString(), "--epochs", "1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains(".onnx"), bad.err());
        for (String kind : new String[] {"image", "audio"}) {
            Path none = dir.resolve("none-" + kind + ".onnx");
            Run unknown = hush("train", kind, "--out", none.toString(), "--set", "blcoks=1");
            assertNotEquals(0, unknown.code());
            assertTrue(unknown.err().contains("unknown training option 'blcoks'"), unknown.err());
            Run typed = hush("train", kind, "--out", none.toString(), "--set", "epochs=many");
            assertNotEquals(0, typed.code());
            assertTrue(typed.err().contains("epochs"), typed.err());
            assertFalse(Files.exists(none));
        }
    }

    /**
     * A multiscale model trained on a folder of clean images mixed with dead leaves: it reports the noise level it
     * estimated, takes one given with --sigma (a larger one smooths more), and a model without such an input
     * refuses --sigma.
     */
    @Test
    void noiseLevelModelsTrainOnCleanFoldersAndTakeSigma() throws Exception {
        Path clean = Files.createDirectories(dir.resolve("clean"));
        png8("clean/a.png", scene(96, 80, 0, 1, 1), 96, 80);
        Path model = dir.resolve("ms.onnx");
        Run r = hush("train", "image", "--out", model.toString(), "--arch", "multiscale", "--depth", "1", "--width", "4",
                "--set", "blocks=1", "--data", clean + "@0.7+deadleaves@0.3", "--noise", "gaussian:5:40,q8=1", "--epochs", "1",
                "--steps", "3", "--batch", "2", "--patch", "32", "--eval-images", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue((r.out() + r.err()).contains("noise-level input"), r.out() + r.err());
        Path in = png8("n.png", scene(64, 48, 20, 9, 1), 64, 48);
        Run est = hush("image", in.toString(), "-o", dir.resolve("n-est.png").toString(), "--model", model.toString());
        assertEquals(0, est.code(), est.err());
        assertTrue(est.err().contains("noise level: sigma") && est.err().contains("estimated"), est.err());
        Run given = hush("image", in.toString(), "-o", dir.resolve("n-given.png").toString(), "--model", model.toString(),
                "--sigma", "80");
        assertEquals(0, given.code(), given.err());
        assertTrue(given.err().contains("sigma 80") && given.err().contains("(given)"), given.err());
        assertFalse(java.util.Arrays.equals(pixels(dir.resolve("n-est.png")), pixels(dir.resolve("n-given.png"))),
                "the level given reaches the network");
        Run refused = hush("image", in.toString(), "-o", dir.resolve("n-small.png").toString(), "--sigma", "20",
                "--model", "image-gray-small");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("no noise-level input"), refused.err());
        assertFalse(Files.exists(dir.resolve("n-small.png")));
    }

    /**
     * {@code hush image} and {@code hush audio} share one batch front end: images take --suffix and --skip-existing as
     * recordings do, misplaced outputs are usage errors (exit 2) in both, and images denoised several at once
     * (--threads 2: one per core) are the same bytes as one at a time.
     */
    @Test
    void imagesAndRecordingsShareOneBatchFrontEnd() throws Exception {
        Path in = Files.createDirectories(dir.resolve("shared"));
        Path a = Files.move(png8("a.png", scene(40, 30, 10, 21, 1), 40, 30), in.resolve("a.png"));
        Path b = Files.move(png8("b.png", scene(30, 40, 10, 22, 1), 30, 40), in.resolve("b.png"));
        Run r = hush("image", in.toString(), "--suffix", "_clean", "-m", "image-gray-fast", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(in.resolve("a_clean.png")) && Files.exists(in.resolve("b_clean.png")), r.err());
        assertTrue(r.err().contains("2 of 2 image(s) denoised"), r.err());
        byte[] parallel = Files.readAllBytes(in.resolve("a_clean.png"));
        Run again = hush("image", a.toString(), b.toString(), "--suffix", "_clean", "--skip-existing", "-m",
                "image-gray-fast");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("0 of 2 image(s) denoised (2 skipped: output exists)"), again.err());
        // A re-run over the folder takes the earlier outputs for what they are, not for inputs.
        Run rerun = hush("image", in.toString(), "--suffix", "_clean", "-m", "image-gray-fast", "--threads", "2");
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.err().contains("2 of 2 image(s) denoised"), rerun.err());
        assertFalse(Files.exists(in.resolve("a_clean_clean.png")), "an output was denoised as an input");
        Path one = dir.resolve("one-at-a-time");
        Run sequential = hush("image", a.toString(), b.toString(), "-o", one.toString(), "-m", "image-gray-fast",
                "--threads", "1");
        assertEquals(0, sequential.code(), sequential.err());
        assertArrayEquals(parallel, Files.readAllBytes(one.resolve("a.png")), "two at once = one at a time");
        Path file = Files.writeString(dir.resolve("a-file.txt"), "not a folder");
        for (String command : new String[] {"image", "audio"}) {
            Run misplaced = hush(command, in.toString(), "-o", file.toString());
            assertEquals(2, misplaced.code(), command + ": " + misplaced.err());
            assertTrue(misplaced.err().contains("-o must name a folder"), misplaced.err());
            Run nowhere = hush(command, a.toString());
            assertEquals(2, nowhere.code(), command + ": " + nowhere.err());
            assertTrue(nowhere.err().contains("-o OUT") && nowhere.err().contains("--suffix"), nowhere.err());
        }
    }

    @Test
    void batchGoesOnPastABadFileAndReportsIt() throws Exception {
        Path in = Files.createDirectories(dir.resolve("batch"));
        Files.move(png8("a.png", scene(40, 30, 10, 11, 1), 40, 30), in.resolve("a.png"));
        Files.move(png8("b.png", scene(30, 40, 10, 12, 1), 30, 40), in.resolve("b.png"));
        Files.writeString(in.resolve("c.tif"), "broken");
        Path out = dir.resolve("cleaned");
        Run r = hush("image", in.toString(), "-o", out.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("a.png")) && Files.exists(out.resolve("b.png")));
        assertFalse(Files.exists(out.resolve("c.tif")));
        assertTrue(r.err().contains("1 file(s) failed") && r.err().contains("c.tif"), r.err());
        // A quoted glob, expanded by hush itself.
        Path globbed = dir.resolve("globbed");
        Run g = hush("image", in.resolve("*.png").toString(), "-o", globbed.toString());
        assertEquals(0, g.code(), g.err());
        assertTrue(Files.exists(globbed.resolve("b.png")));
        // Writing a batch into the input folder would overwrite the inputs: each is refused.
        Run same = hush("image", in.resolve("*.png").toString(), "-o", in.toString());
        assertEquals(1, same.code());
        assertTrue(same.err().contains("never overwrites"), same.err());
        Run noMatch = hush("image", dir.resolve("nothing-*.tif").toString(), "-o", out.toString());
        assertEquals(1, noMatch.code());
        assertTrue(noMatch.err().contains("no file matches"), noMatch.err());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, hush("image").code());
        assertEquals(2, hush("frobnicate").code());
    }

    @Test
    void rgbImagesAreDenoisedColourByColourWithAGreyModel() throws Exception {
        int w = 120;
        int h = 90;
        float[] r = scene(w, h, 20, 3, 1);
        float[] g = scene(w, h, 20, 4, 0.8);
        float[] b = scene(w, h, 20, 5, 0.6);
        ij.process.ColorProcessor cp = new ij.process.ColorProcessor(w, h);
        for (int i = 0; i < w * h; i++) {
            int rr = Math.max(0, Math.min(255, Math.round(r[i])));
            int gg = Math.max(0, Math.min(255, Math.round(g[i])));
            int bb = Math.max(0, Math.min(255, Math.round(b[i])));
            cp.set(i, (rr << 16) | (gg << 8) | bb);
        }
        Path in = dir.resolve("rgb.png");
        assertTrue(new FileSaver(new ImagePlus("rgb", cp)).saveAsPng(in.toString()));
        Path out = dir.resolve("rgb-out.png");
        Run run = hush("image", in.toString(), "-o", out.toString(), "--tile", "64", "--threads", "1");
        assertEquals(0, run.code(), run.err());
        ImagePlus res = new Opener().openImage(out.toString());
        assertEquals(24, res.getBitDepth(), "RGB in, RGB out");
        int[] got = (int[]) res.getProcessor().getPixels();
        ImagePlus red = new ImagePlus("r", ((ij.process.ColorProcessor) new Opener().openImage(in.toString())
                .getProcessor()).getChannel(1, null));
        float[] redIn = new float[w * h];
        for (int i = 0; i < w * h; i++) {
            redIn[i] = red.getProcessor().getf(i);
        }
        try (dev.hush.runtime.DenoiserModel m = dev.hush.runtime.DenoiserModel.openShipped(
                dev.hush.runtime.ShippedModels.defaultFor(dev.hush.runtime.Domain.IMAGE),
                dev.hush.runtime.SessionConfig.defaults().withThreads(1))) {
            float[] want = new dev.hush.runtime.image.ImageDenoiser(m).withTileSize(64)
                    .denoise(FloatImage.gray(w, h, redIn), dev.hush.runtime.ProgressListener.NONE).data();
            for (int i = 0; i < w * h; i++) {
                int expect = Math.max(0, Math.min(255, Math.round(want[i])));
                assertTrue(Math.abs(((got[i] >> 16) & 0xff) - expect) <= 1, "red pixel " + i);
            }
        }
    }
}
