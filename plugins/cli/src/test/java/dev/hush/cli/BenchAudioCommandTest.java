package dev.hush.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hush.trainer.audio.SpeechCorpus;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code hush bench audio} that need none of espeak-ng, SoX and FFmpeg. */
class BenchAudioCommandTest {
    @TempDir
    Path dir;

    @Test
    void lagFindsAKnownDelayEitherWay() {
        Random rnd = new Random(7);
        float[] in = new float[20000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rnd.nextGaussian();
        }
        for (int d : new int[] {0, 400, 1234, -300, 4096}) {
            float[] out = new float[in.length + 500];
            for (int i = 0; i < out.length; i++) {
                int j = i - d;
                out[i] = (j >= 0 && j < in.length ? 0.3f * in[j] : 0f) + 0.2f * (float) rnd.nextGaussian();
            }
            assertEquals(d, BenchAudioCommand.lag(out, in, 4096), "delay " + d);
            float[] back = BenchAudioCommand.shift(out, d, in.length);
            double dot = 0;
            for (int i = 5000; i < 15000; i++) {
                dot += back[i] * in[i];
            }
            assertEquals(0.3, dot / 10000, 0.05, "shifted back by " + d); // 0.3 * E[in^2]
        }
    }

    @Test
    void twoModelsOfOneNameAreToldApartByTheirFiles() throws Exception {
        Path copy = dir.resolve("retrained.onnx");
        java.nio.file.Files.write(copy, dev.hush.runtime.ShippedModels.bytes("audio-speech-small"));
        dev.hush.runtime.SessionConfig cfg = dev.hush.runtime.SessionConfig.defaults().withThreads(1);
        try (dev.hush.runtime.DenoiserModel shipped = dev.hush.runtime.DenoiserModel.openNamed("audio-speech-small", cfg);
             dev.hush.runtime.DenoiserModel file = dev.hush.runtime.DenoiserModel.openNamed(copy.toString(), cfg);
             dev.hush.runtime.DenoiserModel other = dev.hush.runtime.DenoiserModel.openNamed("audio-anomaly-machines", cfg)) {
            assertEquals("**audio-speech-small**", BenchSets.label(shipped, java.util.List.of(shipped, other)));
            java.util.List<dev.hush.runtime.DenoiserModel> both = java.util.List.of(shipped, file, other);
            assertEquals("**audio-speech-small** [shipped]", BenchSets.label(shipped, both));
            assertEquals("**audio-speech-small** [retrained.onnx]", BenchSets.label(file, both));
            assertEquals("**audio-anomaly-machines**", BenchSets.label(other, both));
        }
    }

    @Test
    void floatWavRoundTrip() throws Exception {
        float[] x = {0f, 0.5f, -0.25f, 1e-4f, -1f};
        Path f = dir.resolve("x.wav");
        BenchAudioCommand.writeWav(f, x, 16000);
        assertArrayEquals(x, BenchAudioCommand.readWav(f));
    }

    @Test
    void withoutEspeakItSaysWhatToInstall() {
        assumeFalse(SpeechCorpus.espeakAvailable(), "espeak-ng is installed here");
        HushCliTest.Run r = HushCliTest.hush("bench", "audio", "--set", "espeak", "--mixtures", "1", "-o", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("apt-get install espeak-ng"), r.err());
    }

    @Test
    void realVoicesInRealNoiseAreTheDefaultSetAndTheModelImprovesThem() throws Exception {
        Path out = dir.resolve("out");
        HushCliTest.Run r = HushCliTest.hush("bench", "audio", "--set", "real", "--mixtures", "2", "--seconds", "2",
                "--atten-lim", "12", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = java.nio.file.Files.readString(out.resolve("bench-audio.md"));
        assertTrue(md.contains("## Real voices in real noise"), md);
        assertTrue(md.contains("real speech (20 clips of 9 speakers"), md);
        // The shipped model's SI-SDR gain at 0 dB input, e.g. "| **audio-speech-small** (Hush) |  | 4.84 (+4.94) |".
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\| \\*\\*audio-speech-small\\*\\* \\(Hush\\) \\|"
                + "[^|]*\\| [-0-9.]+ \\(([-+0-9.]+)\\)").matcher(md);
        assertTrue(m.find(), md);
        assertTrue(Double.parseDouble(m.group(1)) > 1, "SI-SDR gain at 0 dB: " + m.group(1));
        assertTrue(md.contains("| **audio-speech-small** (Hush) | --atten-lim 12 |"), "a row with the limit: " + md);
        assertTrue(java.nio.file.Files.size(out.resolve("bench-audio-real.png")) > 1000);
        // RNNoise is a row where Node.js and scripts/rnnoise's package are installed, else a line says how to add it.
        if (BenchAudioCommand.rnnoiseScript() != null) {
            assertTrue(md.contains("| RNNoise | xiph's model, 48 kHz |"), md);
        } else {
            assertTrue(md.contains("npm install --prefix scripts/rnnoise"), md);
        }
    }
}
