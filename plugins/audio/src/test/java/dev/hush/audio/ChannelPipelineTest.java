package dev.hush.audio;

import dev.hush.runtime.audio.ChannelPipeline;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file pipeline at rates above the model's: the band the model cannot see is kept, gained by the model. */
class ChannelPipelineTest {
    static final int RATE = 48000;

    @TempDir
    Path dir;

    /** Speech-like low band plus a 12 kHz tone (amplitude 0.05) that a 16 kHz model never sees. */
    static float[] signal(int n) {
        float[] x = TestAudioModels.noisySpeech(n, RATE, 0.01, 3);
        for (int i = 0; i < n; i++) {
            x[i] += (float) (0.05 * Math.sin(2 * Math.PI * 12000.0 * i / RATE));
        }
        return x;
    }

    static float[] run(ChannelPipeline p, float[] x, int[] blocks) throws Exception {
        float[] out = new float[0];
        int pos = 0;
        int b = 0;
        while (pos < x.length) {
            int n = Math.min(blocks[b++ % blocks.length], x.length - pos);
            out = ChannelPipeline.concat(out, p.push(x, pos, n));
            pos += n;
        }
        return ChannelPipeline.concat(out, p.finish());
    }

    /** Energy share of {@code x} above {@code hz}, over its middle (edges left out). */
    static double energyAbove(float[] x, double hz) {
        int n = Integer.highestOneBit(x.length);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = x[(x.length - n) / 2 + i];
        }
        new DoubleFFT_1D(n).realForward(a);
        double e = 0;
        for (int k = 1; k < n / 2; k++) {
            if ((double) k * RATE / n > hz) {
                e += a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
            }
        }
        return e;
    }

    @Test
    void theHighBandIsKeptWhereTheModelKeepsTheSignalAndOutputIsBlockSizeInvariant() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(TestAudioModels.mask(dir, "keep", 1, 3f),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            float[] x = signal(RATE);
            ChannelPipeline whole = new ChannelPipeline(d, RATE);
            assertTrue(whole.keepsHighBand());
            float[] y = run(whole, x, new int[] {x.length});
            assertEquals(x.length, y.length);
            double kept = energyAbove(y, 10000) / energyAbove(x, 10000);
            // Without the high band the 12 kHz tone would be gone (the resamplers leave < 1e-6 of it). This mask keeps
            // 60-95 % of each bin's amplitude, so the squared gain keeps roughly 0.15-0.8 of the band's energy.
            assertTrue(kept > 0.15 && kept < 1.05, "share of the energy above 10 kHz kept: " + kept);
            float[] blocks = run(new ChannelPipeline(d, RATE), x, new int[] {1, 7, 480, 1000, 33});
            assertArrayEquals(y, blocks, 1e-6f, "the same output whatever the blocks");
        }
    }

    @Test
    void theHighBandGoesDownWithTheModelsGain() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(TestAudioModels.mask(dir, "remove", 1, -30f),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            float[] x = signal(RATE);
            float[] y = run(new ChannelPipeline(d, RATE), x, new int[] {4096});
            double kept = energyAbove(y, 10000) / energyAbove(x, 10000);
            assertTrue(kept < 1e-3, "a model that removes everything removes the high band too: " + kept);
            for (float v : y) {
                assertFalse(Float.isNaN(v));
            }
        }
    }

    @Test
    void aStreamKeepsItsSettingsWhenAVariantOfTheSharedDenoiserIsMade() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(TestAudioModels.mask(dir, "shared", 1, 3f),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m).withBlockFrames(8);
            float[] x = TestAudioModels.noisySpeech(12000, 16000, 0.03, 7);
            float[] want = d.denoise(x, dev.hush.runtime.ProgressListener.NONE);
            AudioDenoiser.Stream s = d.stream();
            int latency = s.latencySamples();
            float[] out = new float[x.length];
            s.process(x, 0, 5000, out, 0);
            // Another user of the shared denoiser wants low latency now: it gets a variant, d is unchanged.
            AudioDenoiser lowLatency = d.withBlockFrames(1);
            s.process(x, 5000, x.length - 5000, out, 5000);
            float[] tail = s.finish();
            assertEquals(latency, tail.length, "the tail is the stream's own latency, not the new setting's");
            float[] all = ChannelPipeline.concat(out, tail);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(all, latency, latency + x.length), 1e-6f);
            assertEquals(latency, d.stream().latencySamples(), "the shared denoiser keeps its block");
            assertTrue(lowLatency.stream().latencySamples() < latency, "the variant's streams take the new block");
        }
    }

    @Test
    void nanOrInfiniteSamplesAreRefusedAsBadInput() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(TestAudioModels.mask(dir, "nan", 1, 3f),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            float[] x = TestAudioModels.noisySpeech(4000, 16000, 0.03, 9);
            x[1234] = Float.NaN;
            dev.hush.runtime.HushException e = assertThrows(dev.hush.runtime.HushException.class,
                    () -> d.denoise(x, dev.hush.runtime.ProgressListener.NONE));
            assertEquals(dev.hush.runtime.HushException.Code.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().contains("sample 1234"), e.getMessage());
            x[1234] = Float.POSITIVE_INFINITY;
            assertThrows(dev.hush.runtime.HushException.class, () -> d.denoise(x, dev.hush.runtime.ProgressListener.NONE));
        }
    }

    @Test
    void atOrBelowTheModelsRateThereIsNoHighBand() throws Exception {
        try (DenoiserModel m = DenoiserModel.open(TestAudioModels.mask(dir, "m", 1, 3f),
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            assertFalse(new ChannelPipeline(d, 16000).keepsHighBand());
            assertFalse(new ChannelPipeline(d, 8000).keepsHighBand());
            float[] x = TestAudioModels.noisySpeech(8000, 16000, 0.03, new SplittableRandom(1).nextLong());
            assertArrayEquals(d.denoise(x, dev.hush.runtime.ProgressListener.NONE),
                    run(new ChannelPipeline(d, 16000), x, new int[] {123}), 1e-6f);
        }
    }
}
