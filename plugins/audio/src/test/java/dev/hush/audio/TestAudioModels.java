package dev.hush.audio;

import dev.hush.runtime.ModelContract;
import dev.hush.runtime.audio.AudioSpec;
import dev.hush.runtime.audio.Spectrogram;
import dev.hush.trainer.onnx.OnnxGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny real ONNX mask models with known behaviour for tests: a Conv over frames (1 × (2k + 1),
 * so output frame t depends on frames t − k … t + k: context = look-ahead = k) and a Sigmoid, on N×1×256×T
 * log-magnitude frames of a 512/256 STFT at 16 kHz. The gain sigmoid(log|X| + 3) keeps loud bins and lowers
 * quiet ones, so the output differs from the input.
 */
public final class TestAudioModels {
    public static final int RATE = 16000;
    public static final int N_FFT = 512;
    public static final int HOP = 256;
    public static final int BINS = 256;

    private TestAudioModels() {
    }

    /** A mask model with context and look-ahead of {@code k} frames, written to {@code dir/name}. */
    public static Path mask(Path dir, String name, int k) throws IOException {
        return mask(dir, name, k, 3f);
    }

    /**
     * As {@link #mask(Path, String, int)} with the mask sigmoid(mean log-magnitude + {@code bias}): a large negative
     * bias gives a model that removes nearly everything.
     */
    public static Path mask(Path dir, String name, int k, float bias) throws IOException {
        return mask(dir, name, k, bias, RATE, N_FFT);
    }

    /** As {@link #mask(Path, String, int, float)} at another rate and window: an n_fft / 2 hop, n_fft / 2 bins. */
    public static Path mask(Path dir, String name, int k, float bias, int rate, int nFft) throws IOException {
        int bins = nFft / 2;
        OnnxGraph g = new OnnxGraph(name);
        int width = 2 * k + 1;
        float[] w = new float[width];
        for (int i = 0; i < width; i++) {
            w[i] = 1f / width;
        }
        String weight = g.initializer("w", w, 1, 1, 1, width);
        String biasName = g.initializer("b", new float[] {bias}, 1);
        g.input("input", "N", 1L, (long) bins, "T");
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new long[] {1, width});
        attrs.put("pads", new long[] {0, k, 0, k});
        String conv = g.node("Conv", new String[] {"input", weight, biasName}, attrs);
        g.node("Sigmoid", new String[] {conv}, new String[] {"output"}, Map.of());
        g.output("output", "N", 1L, (long) bins, "T");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelContract.FORMAT, Integer.toString(ModelContract.FORMAT_VERSION));
        meta.put(ModelContract.DOMAIN, "audio");
        meta.put(ModelContract.OUTPUT, "mask");
        meta.put(ModelContract.INPUT_NAME, "input");
        meta.put(ModelContract.OUTPUT_NAME, "output");
        meta.put(ModelContract.CHANNELS, "1");
        meta.put(ModelContract.NORM, "none");
        meta.put(ModelContract.HALO, "0");
        meta.put(ModelContract.SIZE_MULTIPLE, "1");
        meta.put(ModelContract.NAME, name);
        meta.putAll(new AudioSpec(rate, nFft, nFft / 2, bins, k, k, Spectrogram.LOG_EPS).metadata());
        Path file = dir.resolve(name + ".onnx");
        OnnxGraph.write(g.build(meta, "test"), file);
        return file;
    }

    /** A 1×1 convolution image model (the wrong kind for audio). */
    public static Path image(Path dir) throws IOException {
        OnnxGraph g = new OnnxGraph("img");
        String weight = g.initializer("w", new float[] {1f}, 1, 1, 1, 1);
        g.input("input", "N", 1L, "H", "W");
        g.node("Conv", new String[] {"input", weight}, new String[] {"output"}, Map.of("kernel_shape", new long[] {1, 1}));
        g.output("output", "N", 1L, "H", "W");
        Map<String, String> meta = new LinkedHashMap<>(ModelContract.imageDefaults(1, 0, 1, 1, 99));
        meta.put(ModelContract.NAME, "test-image");
        Path file = dir.resolve("test-image.onnx");
        OnnxGraph.write(g.build(meta, "test"), file);
        return file;
    }

    /** A speech-like test signal: gliding harmonics in bursts, plus white noise, amplitude below 0.8. */
    public static float[] noisySpeech(int n, int rate, double noise, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double f0 = 140 + 40 * Math.sin(2 * Math.PI * 1.3 * t);
            phase += 2 * Math.PI * f0 / rate;
            double env = Math.max(0, Math.sin(2 * Math.PI * 2.1 * t));
            double v = 0;
            for (int h = 1; h <= 8; h++) {
                v += Math.sin(h * phase) / h;
            }
            x[i] = (float) (0.25 * env * v + noise * rnd.nextGaussian());
        }
        return x;
    }
}
