package dev.hush.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StftTest {
    private static final int RATE = 16_000;
    private static final int[] BLOCKS = {1, 7, 160, 1000, 3, 511, 129, 64, 2048, 13};

    @Test
    void refusesSizesItCannotInvert() {
        assertThrows(IllegalArgumentException.class, () -> new Stft(512, 513));
        assertThrows(IllegalArgumentException.class, () -> new Stft(512, 300), "less than 50 % overlap");
        assertThrows(IllegalArgumentException.class, () -> new Stft(512, 0));
        assertThrows(IllegalArgumentException.class, () -> new Stft(511, 128), "odd n_fft");
        assertThrows(IllegalArgumentException.class, () -> new Stft(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Stft(8192, 2048), "JTransforms would start threads");
        assertEquals(2049, new Stft(Stft.MAX_N_FFT, 1024).bins());
        var e = assertThrows(IllegalArgumentException.class, () -> new StreamingStft(400, 201));
        assertTrue(e.getMessage().contains("n_fft/2 = 200"), e.getMessage());
    }

    @Test
    void windowIsPeriodicHannAndLatencyIsNfftMinusHop() {
        Stft stft = new Stft(320, 160);
        float[] w = stft.window();
        assertEquals(0f, w[0]);
        assertEquals(1f, w[160], 1e-7);
        assertEquals(w[1], w[319], 1e-7, "periodic: symmetric about n/2");
        assertEquals(161, stft.bins());
        assertEquals(160, stft.latency());
        assertEquals(384, new Stft(512, 128).latency());
    }

    @Test
    void forwardIsTheDftOfTheWindowedFrame() {
        Stft stft = new Stft(320, 80);
        float[] frame = Signals.noise(320, 0.5, 3);
        float[] w = stft.window();
        float[] re = new float[stft.bins()];
        float[] im = new float[stft.bins()];
        stft.forward(frame, 0, re, im, 0);
        for (int k = 0; k < stft.bins(); k++) {
            double r = 0;
            double i = 0;
            for (int n = 0; n < 320; n++) {
                double a = -2 * Math.PI * k * n / 320;
                r += frame[n] * w[n] * Math.cos(a);
                i += frame[n] * w[n] * Math.sin(a);
            }
            assertEquals(r, re[k], 1e-4, "re of bin " + k);
            assertEquals(i, im[k], 1e-4, "im of bin " + k);
        }
    }

    @Test
    void logMagnitudeOfASinePeaksAtItsBin() {
        Stft stft = new Stft(512, 128);
        // 1 kHz at 16 kHz is bin 32 exactly; a Hann-windowed sine of amplitude A peaks at A·n/4.
        Spectrogram spec = stft.analyze(Signals.sine(RATE, RATE, 1000, 0.5));
        float[] log = spec.logMagnitude(Spectrogram.LOG_EPS);
        int m = spec.frames() / 2;
        assertEquals(Math.log(0.5 * 512 / 4 + Spectrogram.LOG_EPS), log[m * spec.bins() + 32], 1e-3);
        float[] silent = stft.analyze(new float[1000]).logMagnitude(Spectrogram.LOG_EPS);
        assertEquals(Math.log(Spectrogram.LOG_EPS), silent[silent.length - 1], 1e-6, "silence sits at the floor");
        assertTrue(log[m * spec.bins() + 100] < log[m * spec.bins() + 32] - 10);
    }

    @ParameterizedTest(name = "n_fft {0}, hop {1}")
    @CsvSource({"512, 128", "320, 160"})
    void wholeSignalAnalysisThenSynthesisGivesTheInputBack(int nFft, int hop) {
        Stft stft = new Stft(nFft, hop);
        for (float[] x : new float[][] {Signals.noise(32_001, 0.3, 1), Signals.chirp(32_001, RATE, 50, 7000)}) {
            Spectrogram spec = stft.analyze(x);
            assertEquals(stft.frameCount(x.length), spec.frames());
            float[] y = stft.synthesize(spec, x.length);
            double err = Signals.maxAbsDifference(x, 0, y, 0, x.length);
            System.out.printf("STFT %d/%d whole-signal reconstruction: max |error| %.2e%n", nFft, hop, err);
            assertTrue(err < 1e-5, "max error " + err);
        }
    }

    @ParameterizedTest(name = "n_fft {0}, hop {1}")
    @CsvSource({"512, 128", "320, 160"})
    void streamingInIrregularBlocksEqualsWholeSignalProcessing(int nFft, int hop) {
        Stft stft = new Stft(nFft, hop);
        for (float[] x : new float[][] {Signals.noise(20_011, 0.3, 2), Signals.chirp(20_011, RATE, 50, 7000)}) {
            Spectrogram whole = stft.analyze(x);
            float[] wholeOut = stft.synthesize(whole, x.length);

            StreamingStft analysis = new StreamingStft(nFft, hop);
            OverlapAdd synthesis = new OverlapAdd(nFft, hop);
            int bins = analysis.bins();
            float[] out = new float[whole.frames() * hop];
            int[] written = {0};
            StreamingStft.FrameSink sink = (index, re, im) -> {
                assertArrayEquals(Arrays.copyOfRange(whole.re(), (int) index * bins, (int) (index + 1) * bins), re,
                        "re of frame " + index);
                assertArrayEquals(Arrays.copyOfRange(whole.im(), (int) index * bins, (int) (index + 1) * bins), im,
                        "im of frame " + index);
                synthesis.push(re, im, out, written[0]);
                written[0] += hop;
            };
            int pushed = 0;
            for (int b = 0; pushed < x.length; b++) {
                int n = Math.min(BLOCKS[b % BLOCKS.length], x.length - pushed);
                analysis.push(x, pushed, n, sink);
                pushed += n;
                // Everything that can be final is out, and nothing more: one hop of output per hop of input.
                assertEquals((long) pushed / hop * hop, written[0], "output after " + pushed + " samples in");
            }
            analysis.flush(sink);
            assertEquals(whole.frames(), analysis.frames());
            assertEquals(whole.frames(), synthesis.frames());

            int latency = analysis.latency();
            assertEquals(nFft - hop, latency);
            double padding = Signals.maxAbsDifference(out, 0, new float[latency], 0, latency);
            assertTrue(padding < 1e-6, "leading padding is silent up to rounding: " + padding);
            double vsWhole = Signals.maxAbsDifference(out, latency, wholeOut, 0, x.length);
            double vsInput = Signals.maxAbsDifference(out, latency, x, 0, x.length);
            System.out.printf("STFT %d/%d streaming: max |stream − whole| %.2e, max |stream − input| %.2e%n",
                    nFft, hop, vsWhole, vsInput);
            assertEquals(0, vsWhole, "streaming must equal whole-signal synthesis exactly");
            assertTrue(vsInput < 1e-5, "max error " + vsInput);
        }
    }

    @Test
    void aConstantGainScalesTheOutput() {
        Stft stft = new Stft(512, 128);
        float[] x = Signals.chirp(8000, RATE, 100, 5000);
        Spectrogram spec = stft.analyze(x);
        for (int i = 0; i < spec.re().length; i++) {
            spec.re()[i] *= 0.25f;
            spec.im()[i] *= 0.25f;
        }
        float[] y = stft.synthesize(spec, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(0.25 * x[i], y[i], 1e-5);
        }
    }

    @Test
    void flushEndsTheStreamAndResetStartsANewOne() {
        StreamingStft analysis = new StreamingStft(320, 160);
        long[] frames = {0};
        analysis.push(new float[100], (i, re, im) -> frames[0]++);
        assertEquals(0, frames[0], "frame 0 needs 160 samples");
        analysis.flush((i, re, im) -> frames[0]++);
        assertEquals(new Stft(320, 160).frameCount(100), frames[0]);
        assertThrows(IllegalStateException.class, () -> analysis.push(new float[1], (i, re, im) -> { }));
        analysis.reset();
        analysis.push(new float[160], (i, re, im) -> frames[0]++);
        assertEquals(3, frames[0]);
        assertThrows(IllegalArgumentException.class,
                () -> new Stft(320, 160).synthesize(new Spectrogram(2, 161, new float[322], new float[322]), 200),
                "two frames hold 2·160 − 160 = 160 final samples");
    }
}
