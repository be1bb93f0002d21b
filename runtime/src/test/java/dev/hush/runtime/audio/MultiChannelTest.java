package dev.hush.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import org.junit.jupiter.api.Test;

/** Any channel count at any rate through the runtime API alone, with the shipped speech model. */
class MultiChannelTest {

    private static DenoiserModel open() throws HushException {
        return DenoiserModel.openShipped(ShippedModels.defaultFor(Domain.AUDIO), SessionConfig.defaults().withThreads(1));
    }

    @Test
    void stereoAt48kHzComesBackInShapeAlignedAndChannelByChannel() throws Exception {
        try (DenoiserModel m = open()) {
            AudioDenoiser d = new AudioDenoiser(m);
            int rate = 48000;
            int n = rate + 321;
            float[] speech = Signals.speechLike(n / (double) rate, rate, 3);
            float[] left = Signals.plus(speech, Signals.noiseAt(speech, 5, 4));
            float[] right = Signals.plus(speech, Signals.noiseAt(speech, 10, 5));
            long[] seen = new long[2];
            float[][] out = d.denoise(new float[][] {left, right}, rate, new RunContext((done, total) -> {
                seen[0] = done;
                seen[1] = total;
            }));
            assertEquals(2, out.length);
            assertEquals(n, out[0].length);
            assertEquals(n, out[1].length);
            assertEquals(2L * n, seen[1]);
            assertEquals(seen[1], seen[0], "progress reaches the total");
            // Each channel on its own: the same as that channel alone, streamed through one pipeline in odd pieces.
            ChannelPipeline p = new ChannelPipeline(d, rate);
            float[] alone = new float[0];
            for (int pos = 0, step = 777; pos < n; pos += step) {
                alone = ChannelPipeline.concat(alone, p.push(right, pos, Math.min(step, n - pos)));
            }
            alone = ChannelPipeline.concat(alone, p.finish());
            assertArrayEquals(java.util.Arrays.copyOf(alone, n), out[1], 1e-6f);
            // Aligned and denoised: closer to the clean speech than the noisy input was (SI-SDR).
            double before = AudioMetrics.siSdr(left, speech);
            double after = AudioMetrics.siSdr(out[0], speech);
            assertTrue(after > before + 1, "SI-SDR " + before + " -> " + after);
        }
    }

    @Test
    void atTheModelsRateEachChannelIsTheMonoDenoise() throws Exception {
        try (DenoiserModel m = open()) {
            AudioDenoiser d = new AudioDenoiser(m);
            int rate = d.sampleRate();
            float[] a = Signals.plus(Signals.speechLike(0.7, rate, 6), Signals.noiseAt(Signals.speechLike(0.7, rate, 6), 5, 7));
            float[][] out = d.denoise(new float[][] {a}, rate, new RunContext());
            assertArrayEquals(d.denoise(a, ProgressListener.NONE), out[0], 1e-6f);
            HushException uneven = assertThrows(HushException.class,
                    () -> d.denoise(new float[][] {a, new float[3]}, rate, new RunContext()));
            assertEquals(HushException.Code.INVALID_INPUT, uneven.code());
        }
    }
}
