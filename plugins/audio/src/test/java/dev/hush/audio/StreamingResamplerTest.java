package dev.hush.audio;

import dev.hush.runtime.audio.ChannelPipeline;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hush.runtime.audio.Resampler;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resampler.Stream: the runtime resampler in blocks equals the whole-array result exactly. */
class StreamingResamplerTest {
    @ParameterizedTest(name = "{0} → {1} Hz")
    @CsvSource({"44100, 16000", "16000, 44100", "16000, 10000", "48000, 16000", "22050, 16000", "16000, 16000"})
    void equalsTheWholeArrayResamplerWhateverTheBlocks(int from, int to) {
        float[] x = TestAudioModels.noisySpeech(from * 2 / 3 + 7, from, 0.05, 3);
        float[] want = new Resampler(from, to).resample(x);
        Random rnd = new Random(from + to);
        for (int round = 0; round < 3; round++) {
            Resampler.Stream r = new Resampler(from, to).stream();
            float[] got = new float[0];
            int pos = 0;
            while (pos < x.length) {
                int n = Math.min(x.length - pos, round == 0 ? 1 + rnd.nextInt(7) : 1 + rnd.nextInt(3000));
                got = ChannelPipeline.concat(got, r.push(x, pos, n));
                pos += n;
            }
            got = ChannelPipeline.concat(got, r.finish());
            assertEquals(want.length, got.length);
            assertArrayEquals(want, got, 0f, "round " + round);
        }
    }
}
