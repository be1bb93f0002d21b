package dev.hush.tarsos;

import be.tarsos.dsp.AudioDispatcher;
import be.tarsos.dsp.AudioEvent;
import be.tarsos.dsp.AudioProcessor;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.audio.AudioDenoiser;
import java.util.Locale;

/**
 * A TarsosDSP {@link AudioProcessor} that denoises the dispatcher's float buffer in place, for mono audio at the
 * model's sample rate. Each sample is denoised once: of every buffer only the part after the overlap is new (the
 * overlap holds samples already denoised in the previous buffer), so any buffer size and overlap work; an
 * overlap of 0 and a buffer of one STFT hop give the lowest latency.
 *
 * <p>The output is the denoised input delayed by {@link #latencySamples()} samples: output sample i + latency is
 * input sample i denoised, exactly as {@link AudioDenoiser#denoise} of the whole signal would give it. The first
 * latency output samples hold only what the mask spreads back from the first frames (near silence), and the
 * last latency input samples never come out (a stream has no end to flush; use {@link AudioDenoiser#denoise} or
 * {@link FileDenoiser} on files). Processors after this one see the denoised, delayed audio.
 *
 * <p>A failure of ONNX Runtime inside {@link #process} is thrown as an {@link IllegalStateException} with the
 * cause attached (TarsosDSP's interface allows no checked exceptions), which stops the dispatcher's thread.
 */
public final class DenoiseProcessor implements AudioProcessor {
    private final AudioDenoiser.Stream stream;
    private final int latency;
    private final int rate;
    private float[] scratch = new float[0];
    private long processed;

    /**
     * Denoises the audio of {@code dispatcher} with {@code denoiser} as it is set up now (block, attenuation limit,
     * mix; later changes to it do not reach this processor). For live audio give it {@code blockFrames(1)}, as
     * {@link #of} does: a block of B frames adds (B − 1)·hop samples of latency.
     *
     * @throws IllegalArgumentException when the dispatcher's audio is not mono at the model's sample rate
     */
    public DenoiseProcessor(AudioDenoiser denoiser, AudioDispatcher dispatcher) {
        this(denoiser, dispatcher.getFormat().getSampleRate(), dispatcher.getFormat().getChannels());
    }

    /** As {@link #DenoiseProcessor(AudioDenoiser, AudioDispatcher)} with the stream's rate and channels given. */
    public DenoiseProcessor(AudioDenoiser denoiser, float sampleRate, int channels) {
        if (Math.abs(sampleRate - denoiser.sampleRate()) > 1e-3) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the audio runs at %.0f Hz but the model '%s'"
                    + " works at %d Hz; open the dispatcher at %d Hz (e.g. AudioDispatcherFactory.fromDefaultMicrophone(%d,"
                    + " ...)) or resample the audio first", sampleRate, denoiser.model().contract().name(),
                    denoiser.sampleRate(), denoiser.sampleRate(), denoiser.sampleRate()));
        }
        if (channels != 1) {
            throw new IllegalArgumentException("the audio has " + channels + " channels; DenoiseProcessor denoises mono"
                    + " audio (TarsosDSP's float buffer interleaves channels): mix down to mono or denoise each channel"
                    + " with its own AudioDenoiser stream");
        }
        this.rate = denoiser.sampleRate();
        this.stream = denoiser.stream();
        this.latency = stream.latencySamples();
    }

    /**
     * A processor for a model with one frame per ONNX Runtime call (the lowest latency), the attenuation limit in
     * dB (0 for none) and the dry/wet mix (1 = fully denoised).
     */
    public static DenoiseProcessor of(DenoiserModel model, AudioDispatcher dispatcher, double attenuationLimitDb, double mix)
            throws HushException {
        AudioDenoiser d = new AudioDenoiser(model).withBlockFrames(1).withAttenuationLimit(attenuationLimitDb).withMix(mix);
        return new DenoiseProcessor(d, dispatcher);
    }

    /**
     * The delay of the output behind the input, in samples: {@link AudioDenoiser#latencySamples()} when this
     * processor was made, n_fft − hop + (block + look-ahead)·hop − 1 (for the 512/256 test contract with block 1
     * and no look-ahead: 511 samples, 32 ms at 16 kHz). Output sample i + latency is input sample i denoised.
     */
    public int latencySamples() {
        return latency;
    }

    /** The delay in seconds. */
    public double latencySeconds() {
        return (double) latency / rate;
    }

    /** Samples denoised so far. */
    public long samplesProcessed() {
        return processed;
    }

    @Override
    public boolean process(AudioEvent event) {
        float[] buf = event.getFloatBuffer();
        int from = Math.max(0, Math.min(event.getOverlap(), buf.length));
        int n = buf.length - from;
        if (n == 0) {
            return true;
        }
        if (scratch.length < n) {
            scratch = new float[n];
        }
        try {
            stream.process(buf, from, n, scratch, 0);
        } catch (HushException e) {
            throw new IllegalStateException("denoising failed after " + processed + " samples: " + e.getMessage(), e);
        }
        System.arraycopy(scratch, 0, buf, from, n);
        processed += n;
        return true;
    }

    /** Nothing to do: the last {@link #latencySamples()} samples stay in the stream (see the class comment). */
    @Override
    public void processingFinished() {
    }
}
