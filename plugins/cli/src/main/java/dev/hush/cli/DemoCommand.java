package dev.hush.cli;

import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.runtime.image.ImageMetrics;
import ij.plugin.filter.RankFilters;
import ij.process.FloatProcessor;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Denoise the shipped image and speech samples and print the gain.",
                "The image gets Gaussian noise (PSNR before and after), the speech pink noise and hum (SI-SDR and STOI).",
                "Writes clean, noisy, denoised and side-by-side PNGs and the three WAVs to the output folder."})
final class DemoCommand implements Callable<Integer> {
    static final String SAMPLE = "samples/demo-scene.png";
    static final String SPEECH = "samples/demo-speech.wav";
    static final String SPEECH_MODEL = AudioCommand.DEFAULT_MODEL;

    @Option(names = "--snr", defaultValue = "5", description = "Speech demo: SNR of the added noise in dB (default ${DEFAULT-VALUE}).")
    double snr;

    @Option(names = "--no-audio", description = "Leave out the speech demo.")
    boolean noAudio;

    @Option(names = "--sigma", defaultValue = "25", description = "Gaussian noise sigma on the 0-255 scale (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--seed", defaultValue = "1", description = "Noise seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, defaultValue = "demo-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        if (!(sigma >= 0 && sigma <= 255)) {
            throw new HushException("--sigma must lie in [0, 255], got " + sigma);
        }
        FloatImage clean = loadSample();
        FloatImage noisy = addNoise(clean, sigma, seed);
        try (DenoiserModel model = modelOptions.open(Domain.IMAGE)) {
            ImageDenoiser denoiser = new ImageDenoiser(model);
            ProgressBar bar = new ProgressBar(System.err, "denoise", "tiles");
            long t0 = System.nanoTime();
            FloatImage den = denoiser.denoise(noisy, bar::update);
            double secs = (System.nanoTime() - t0) / 1e9;
            FloatImage den8 = quantize(den);
            FloatProcessor fp = new FloatProcessor(noisy.width(), noisy.height(), noisy.data().clone());
            new RankFilters().rank(fp, 1, RankFilters.MEDIAN);
            double psnrNoisy = ImageMetrics.psnr(noisy.data(), clean.data(), 255);
            double psnrMedian = ImageMetrics.psnr((float[]) fp.getPixels(), clean.data(), 255);
            double psnrDen = ImageMetrics.psnr(den8.data(), clean.data(), 255);
            ImageFiles.write(out.resolve("clean.png"), List.of(clean), 8, null);
            ImageFiles.write(out.resolve("noisy.png"), List.of(noisy), 8, null);
            ImageFiles.write(out.resolve("denoised.png"), List.of(den8), 8, null);
            writeSideBySide(out.resolve("side-by-side.png"), noisy, den8, clean, psnrNoisy, psnrDen);
            System.out.printf(Locale.ROOT, "model     %s on %s, %dx%d px in %.2f s%n", model.contract().name(), model.device(),
                    clean.width(), clean.height(), secs);
            System.out.printf(Locale.ROOT, "noise     Gaussian, sigma %.1f (0-255 scale), clipped to 8 bit%n", sigma);
            System.out.printf(Locale.ROOT, "PSNR      noisy %.2f dB | ImageJ median r=1 %.2f dB | denoised %.2f dB (%+.2f dB)%n",
                    psnrNoisy, psnrMedian, psnrDen, psnrDen - psnrNoisy);
            System.out.println("wrote     " + out + "/{clean,noisy,denoised,side-by-side}.png");
        }
        if (!noAudio && ShippedModels.names().contains(SPEECH_MODEL)) {
            speechDemo();
        }
        return 0;
    }

    /** The shipped speech sample + pink noise and mains hum at --snr dB → the shipped speech model. */
    private void speechDemo() throws Exception {
        float[] clean = wavSamples(ShippedModels.file(SPEECH));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        float[] pink = dev.hush.trainer.audio.NoiseSignals.make("pink", clean.length, 16000, List.of(), rnd);
        float[] hum = dev.hush.trainer.audio.NoiseSignals.make("hum", clean.length, 16000, List.of(), rnd);
        double es = 0;
        double en = 0;
        float[] noise = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            noise[i] = 0.7f * pink[i] + 0.3f * hum[i];
            es += clean[i] * clean[i];
            en += noise[i] * noise[i];
        }
        float g = (float) Math.sqrt(es / en / Math.pow(10, snr / 10));
        float[] noisy = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            noisy[i] = clean[i] + g * noise[i];
        }
        try (DenoiserModel model = DenoiserModel.openShipped(SPEECH_MODEL,
                dev.hush.runtime.SessionConfig.defaults().withThreads(1))) {
            dev.hush.runtime.audio.AudioDenoiser d = new dev.hush.runtime.audio.AudioDenoiser(model);
            d.denoise(java.util.Arrays.copyOf(noisy, 16000), dev.hush.runtime.ProgressListener.NONE); // warm-up
            long t0 = System.nanoTime();
            float[] den = d.denoise(noisy, dev.hush.runtime.ProgressListener.NONE);
            double secs = (System.nanoTime() - t0) / 1e9;
            writeWav(out.resolve("speech-clean.wav"), clean);
            writeWav(out.resolve("speech-noisy.wav"), noisy);
            writeWav(out.resolve("speech-denoised.wav"), den);
            System.out.printf(Locale.ROOT, "%nmodel     %s, %.1f s of speech at 16 kHz in %.3f s (real-time factor %.4f,"
                    + " 1 thread)%n", SPEECH_MODEL, clean.length / 16000.0, secs, secs / (clean.length / 16000.0));
            System.out.printf(Locale.ROOT, "noise     pink noise and mains hum, SNR %.1f dB%n", snr);
            System.out.printf(Locale.ROOT, "SI-SDR    noisy %.2f dB | denoised %.2f dB (%+.2f dB)%n",
                    dev.hush.runtime.audio.AudioMetrics.siSdr(noisy, clean), dev.hush.runtime.audio.AudioMetrics.siSdr(den, clean),
                    dev.hush.runtime.audio.AudioMetrics.siSdr(den, clean) - dev.hush.runtime.audio.AudioMetrics.siSdr(noisy, clean));
            System.out.printf(Locale.ROOT, "STOI      noisy %.3f | denoised %.3f%n",
                    dev.hush.runtime.audio.AudioMetrics.stoi(noisy, clean, 16000),
                    dev.hush.runtime.audio.AudioMetrics.stoi(den, clean, 16000));
            System.out.println("wrote     " + out + "/speech-{clean,noisy,denoised}.wav");
        }
    }

    /** 16-bit mono PCM WAV bytes → floats in [−1, 1). */
    static float[] wavSamples(byte[] wav) throws Exception {
        try (javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem.getAudioInputStream(
                new java.io.BufferedInputStream(new ByteArrayInputStream(wav)))) {
            byte[] b = in.readAllBytes();
            float[] x = new float[b.length / 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8)) / 32768f;
            }
            return x;
        }
    }

    private static void writeWav(Path file, float[] x) throws HushException {
        dev.hush.audio.AudioFiles.writeMonoWav(file, x, 16000, false);
    }

    static FloatImage loadSample() throws HushException, IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(ShippedModels.file(SAMPLE)));
        if (img == null) {
            throw new HushException("the shipped sample " + SAMPLE + " is not a readable PNG");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = img.getRaster().getSample(x, y, 0);
            }
        }
        return FloatImage.gray(w, h, px);
    }

    /** Clean + Gaussian noise, clipped and rounded to 8 bit as a camera file would be. */
    static FloatImage addNoise(FloatImage clean, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] d = clean.data();
        float[] n = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            n[i] = Math.max(0, Math.min(255, Math.round(d[i] + sigma * rnd.nextGaussian())));
        }
        return FloatImage.gray(clean.width(), clean.height(), n);
    }

    static FloatImage quantize(FloatImage img) {
        float[] d = img.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(0, Math.min(255, Math.round(d[i])));
        }
        return FloatImage.gray(img.width(), img.height(), d);
    }

    private static void writeSideBySide(Path file, FloatImage noisy, FloatImage den, FloatImage clean, double pn,
                                        double pd) throws IOException {
        int w = noisy.width();
        int h = noisy.height();
        int gap = 8;
        int label = 28;
        BufferedImage all = new BufferedImage(3 * w + 2 * gap, h + label, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        FloatImage[] panels = {noisy, den, clean};
        String[] names = {String.format(Locale.ROOT, "noisy  %.2f dB", pn), String.format(Locale.ROOT, "hush  %.2f dB", pd),
                "clean"};
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        for (int p = 0; p < 3; p++) {
            int x0 = p * (w + gap);
            float[] d = panels[p].data();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    all.getRaster().setSample(x0 + x, label + y, 0, Math.max(0, Math.min(255, Math.round(d[y * w + x]))));
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(names[p], x0 + 6, 20);
        }
        g.dispose();
        AtomicFile.write(file, tmp -> {
            if (!ImageIO.write(all, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
