package dev.hush.runtime.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * Short-time Fourier transform of a mono signal: frames of {@code nFft} samples, {@code hop} samples
 * apart, weighted by a periodic Hann window, real FFT (JTransforms), {@code nFft/2 + 1} bins per frame.
 * The inverse weights each inverse-transformed frame by the same window, overlap-adds, and divides by
 * the summed squared window (weighted overlap-add, as librosa's and PyTorch's {@code istft} do), so
 * analysis followed by synthesis gives the input back.
 *
 * <p>Conventions shared with {@link StreamingStft} and {@link OverlapAdd}, so that streaming and
 * whole-signal processing agree exactly: the signal is preceded by {@link #latency()} = nFft − hop
 * zeros, and frame m covers padded samples [m·hop, m·hop + nFft). Frame m is the first to need real
 * sample m·hop + hop − 1, so a stream can emit it as soon as that sample arrives; the first real sample
 * is already inside frame 0. Spectrum bins follow the usual sign, X[k] = Σ x[n]·w[n]·e^(−2πikn/nFft).
 *
 * <p>Not thread-safe (it owns a scratch buffer); make one per thread, they are cheap.
 */
public final class Stft {
    /**
     * Largest frame: 256 ms at 16 kHz, 85 ms at 48 kHz. From 8192 points on, JTransforms runs a transform on
     * its own pool of non-daemon threads, which an embedded library should not start behind its host's back.
     */
    public static final int MAX_N_FFT = 4096;

    private final int nFft;
    private final int hop;
    private final float[] window;
    // 1 / Σ_k w²(j + k·hop) for j in [0, hop): the summed squared window repeats with period hop.
    private final float[] inverseEnvelope;
    private final FloatFFT_1D fft;
    private final float[] scratch;

    /**
     * @param nFft frame length and FFT size, even, at most {@value #MAX_N_FFT} (bins = nFft/2 + 1); any even size, not
     *             only powers of two
     * @param hop  samples between frames, 1 to nFft/2
     */
    public Stft(int nFft, int hop) {
        if (nFft < 4 || nFft > MAX_N_FFT || nFft % 2 != 0) {
            throw new IllegalArgumentException("n_fft must be an even number of samples from 4 to " + MAX_N_FFT
                    + ", got " + nFft);
        }
        if (hop < 1 || hop > nFft / 2) {
            // With less than 50 % overlap some samples lie in one frame only, so nothing smooths a mask's
            // changes between frames, and the summed squared window we divide by falls towards zero as hop
            // nears n_fft.
            throw new IllegalArgumentException("hop must be between 1 and n_fft/2 = " + nFft / 2
                    + " samples (Hann windows need at least 50 % overlap), got " + hop + " for n_fft " + nFft);
        }
        this.nFft = nFft;
        this.hop = hop;
        this.window = new float[nFft];
        for (int i = 0; i < nFft; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / nFft));
        }
        this.inverseEnvelope = new float[hop];
        for (int j = 0; j < hop; j++) {
            double sum = 0;
            for (int i = j; i < nFft; i += hop) {
                sum += (double) window[i] * window[i];
            }
            inverseEnvelope[j] = (float) (1 / sum);
        }
        this.fft = new FloatFFT_1D(nFft);
        this.scratch = new float[nFft];
    }

    public int nFft() {
        return nFft;
    }

    public int hop() {
        return hop;
    }

    /** Frequency bins per frame, nFft/2 + 1 (DC to Nyquist). */
    public int bins() {
        return nFft / 2 + 1;
    }

    /** Samples by which synthesis output lags analysis input: nFft − hop. */
    public int latency() {
        return nFft - hop;
    }

    /** The periodic Hann window, a copy. */
    public float[] window() {
        return window.clone();
    }

    /** Frames that whole-signal analysis of {@code length} samples yields: enough that every sample is final. */
    public int frameCount(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        return (int) (((long) length + latency() + hop - 1) / hop);
    }

    /**
     * Windows {@code frame[offset .. offset + nFft)} and transforms it; bin k goes to
     * {@code re[at + k]}, {@code im[at + k]}.
     */
    public void forward(float[] frame, int offset, float[] re, float[] im, int at) {
        for (int i = 0; i < nFft; i++) {
            scratch[i] = frame[offset + i] * window[i];
        }
        fft.realForward(scratch);
        // JTransforms packs an even-length real spectrum as [Re0, Re(n/2), Re1, Im1, Re2, Im2, …].
        int half = nFft / 2;
        re[at] = scratch[0];
        im[at] = 0;
        re[at + half] = scratch[1];
        im[at + half] = 0;
        for (int k = 1; k < half; k++) {
            re[at + k] = scratch[2 * k];
            im[at + k] = scratch[2 * k + 1];
        }
    }

    /**
     * Inverse-transforms the spectrum at {@code re[at..]}, {@code im[at..]} and weights it by the synthesis
     * window into {@code frame[0 .. nFft)}; not yet normalised (see {@link #inverseEnvelope(int)}). The
     * imaginary parts of DC and Nyquist are ignored: a real frame has none.
     */
    public void inverse(float[] re, float[] im, int at, float[] frame) {
        int half = nFft / 2;
        scratch[0] = re[at];
        scratch[1] = re[at + half];
        for (int k = 1; k < half; k++) {
            scratch[2 * k] = re[at + k];
            scratch[2 * k + 1] = im[at + k];
        }
        fft.realInverse(scratch, true);
        for (int i = 0; i < nFft; i++) {
            frame[i] = scratch[i] * window[i];
        }
    }

    /** The factor that normalises overlap-added samples at position {@code phase} (mod hop) within a hop. */
    float inverseEnvelope(int phase) {
        return inverseEnvelope[phase];
    }

    /** The spectrogram of a whole signal: {@link #frameCount(int)} frames, zeros around the signal. */
    public Spectrogram analyze(float[] signal) {
        int frames = frameCount(signal.length);
        int bins = bins();
        float[] re = new float[frames * bins];
        float[] im = new float[frames * bins];
        float[] frame = new float[nFft];
        int latency = latency();
        for (int m = 0; m < frames; m++) {
            int start = m * hop - latency; // first real sample of the frame, may be negative
            for (int i = 0; i < nFft; i++) {
                int s = start + i;
                frame[i] = s >= 0 && s < signal.length ? signal[s] : 0f;
            }
            forward(frame, 0, re, im, m * bins);
        }
        return new Spectrogram(frames, bins, re, im);
    }

    /**
     * The signal of {@code length} samples that the spectrogram describes, aligned with the analysed input
     * (the latency removed). The spectrogram must reach past the last sample wanted, as
     * {@link #analyze(float[])} of a signal at least that long does.
     */
    public float[] synthesize(Spectrogram spectrogram, int length) {
        if (spectrogram.bins() != bins()) {
            throw new IllegalArgumentException("spectrogram has " + spectrogram.bins() + " bins, this STFT "
                    + bins() + " (n_fft " + nFft + ")");
        }
        int frames = spectrogram.frames();
        int latency = latency();
        long available = (long) frames * hop - latency;
        if (length < 0 || length > available) {
            throw new IllegalArgumentException("a spectrogram of " + frames + " frames (hop " + hop + ", latency "
                    + latency + ") gives at most " + Math.max(0, available) + " final samples, asked for " + length);
        }
        // Same order of additions as OverlapAdd, so both give identical floats.
        float[] padded = new float[frames * hop + latency];
        float[] frame = new float[nFft];
        for (int m = 0; m < frames; m++) {
            inverse(spectrogram.re(), spectrogram.im(), m * bins(), frame);
            int start = m * hop;
            for (int i = 0; i < nFft; i++) {
                padded[start + i] += frame[i];
            }
        }
        float[] out = new float[length];
        for (int t = 0; t < length; t++) {
            int p = t + latency;
            out[t] = padded[p] * inverseEnvelope[p % hop];
        }
        return out;
    }
}
