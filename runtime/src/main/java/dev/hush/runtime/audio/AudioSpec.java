package dev.hush.runtime.audio;

import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The audio half of a model's contract: the STFT the model was trained on and the frames it looks at.
 * The model sees {@code bins} log-magnitude bins per frame (DC upwards; {@code bins} may be n_fft/2, the
 * Nyquist bin then takes the gain of the bin below it), N×1×bins×T, and gives a gain per bin of the same
 * shape. Output frame t depends on input frames t − context … t + lookahead only.
 *
 * @param sampleRate Hz the model works at ({@code hush.audio.sample_rate})
 * @param nFft       STFT frame length ({@code hush.audio.n_fft})
 * @param hop        STFT hop ({@code hush.audio.hop})
 * @param bins       bins per frame the model takes ({@code hush.audio.bins}; default n_fft/2 + 1)
 * @param context    past frames the output depends on ({@code hush.audio.context_frames})
 * @param lookahead  future frames the output depends on ({@code hush.audio.lookahead_frames})
 * @param logEps     the floor in log(|X| + eps) ({@code hush.audio.log_eps}; default {@link Spectrogram#LOG_EPS})
 * @param stateSize  floats of recurrent state per signal ({@code hush.audio.state_size}; default 0, stateless): such a
 *                   model takes the state as a second input (N×stateSize, zeros at the start of a signal) and gives
 *                   the state after its last frame as a second output, named by {@code hush.state_input_name} and
 *                   {@code hush.state_output_name}; it has no context or look-ahead frames, since every frame must
 *                   pass through the state exactly once
 */
public record AudioSpec(int sampleRate, int nFft, int hop, int bins, int context, int lookahead, float logEps,
                        int stateSize) {
    public static final String BINS = "hush.audio.bins";
    public static final String LOG_EPS = "hush.audio.log_eps";
    public static final String STATE_SIZE = "hush.audio.state_size";
    /** The most state a model may declare per signal (real recurrent denoisers carry a few hundred to a few thousand). */
    public static final int MAX_STATE = 1 << 20;

    /** A stateless spec. */
    public AudioSpec(int sampleRate, int nFft, int hop, int bins, int context, int lookahead, float logEps) {
        this(sampleRate, nFft, hop, bins, context, lookahead, logEps, 0);
    }
    /** The most context or look-ahead frames a model may declare (each call holds them all; real models use tens). */
    public static final int MAX_FRAMES = 4096;

    public AudioSpec {
        if (sampleRate < 1000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is outside 1000–192000 Hz");
        }
        new Stft(nFft, hop); // checks n_fft and hop with its own messages
        if (bins != nFft / 2 && bins != nFft / 2 + 1) {
            throw new IllegalArgumentException("bins must be n_fft/2 or n_fft/2 + 1 (" + (nFft / 2) + " or "
                    + (nFft / 2 + 1) + "), got " + bins);
        }
        if (context < 0 || context > MAX_FRAMES) {
            throw new IllegalArgumentException("'" + ModelContract.AUDIO_CONTEXT + "' = " + context + " is outside 0–"
                    + MAX_FRAMES + " frames");
        }
        if (lookahead < 0 || lookahead > MAX_FRAMES) {
            throw new IllegalArgumentException("'" + ModelContract.AUDIO_LOOKAHEAD + "' = " + lookahead + " is outside 0–"
                    + MAX_FRAMES + " frames");
        }
        if (!(logEps > 0)) {
            throw new IllegalArgumentException("log eps must be positive, got " + logEps);
        }
        if (stateSize < 0 || stateSize > MAX_STATE) {
            throw new IllegalArgumentException("'" + STATE_SIZE + "' = " + stateSize + " is outside 0–" + MAX_STATE);
        }
        if (stateSize > 0 && (context > 0 || lookahead > 0)) {
            throw new IllegalArgumentException("a model with a recurrent state ('" + STATE_SIZE + "' = " + stateSize
                    + ") must have no context or look-ahead frames (it has " + context + " and " + lookahead
                    + "): streaming passes every frame through the state once");
        }
    }

    /** Reads and checks the audio keys of an audio model's contract. */
    public static AudioSpec of(ModelContract c) throws ModelFormatException {
        try {
            int nFft = number(c, ModelContract.AUDIO_N_FFT, null);
            String window = c.get(ModelContract.AUDIO_WINDOW, "hann").trim().toLowerCase(Locale.ROOT);
            if (!window.equals("hann")) {
                throw new ModelFormatException("the model's '" + ModelContract.AUDIO_WINDOW + "' = '" + window
                        + "' is not supported; this Hush runs models trained with a periodic Hann window ('hann')");
            }
            float eps;
            try {
                eps = Float.parseFloat(c.get(LOG_EPS, Float.toString(Spectrogram.LOG_EPS)).trim());
            } catch (NumberFormatException e) {
                throw new ModelFormatException("the model's '" + LOG_EPS + "' is not a number");
            }
            return new AudioSpec(number(c, ModelContract.AUDIO_SAMPLE_RATE, null), nFft,
                    number(c, ModelContract.AUDIO_HOP, null), number(c, BINS, nFft / 2 + 1),
                    number(c, ModelContract.AUDIO_CONTEXT, 0), number(c, ModelContract.AUDIO_LOOKAHEAD, 0), eps,
                    number(c, STATE_SIZE, 0));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("the audio model '" + c.name() + "' has an unusable STFT contract: "
                    + e.getMessage() + "; see docs/model-format.md");
        }
    }

    private static int number(ModelContract c, String key, Integer fallback) throws ModelFormatException {
        String v = c.get(key, fallback == null ? null : Integer.toString(fallback));
        if (v == null) {
            throw new ModelFormatException("the audio model has no '" + key + "' in its metadata; see docs/model-format.md");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ModelFormatException("the model's '" + key + "' = '" + v + "' is not a whole number");
        }
    }

    /** The contract keys for this spec (the trainer adds the rest of the metadata). */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelContract.AUDIO_SAMPLE_RATE, Integer.toString(sampleRate));
        m.put(ModelContract.AUDIO_N_FFT, Integer.toString(nFft));
        m.put(ModelContract.AUDIO_HOP, Integer.toString(hop));
        m.put(ModelContract.AUDIO_WINDOW, "hann");
        m.put(BINS, Integer.toString(bins));
        m.put(ModelContract.AUDIO_CONTEXT, Integer.toString(context));
        m.put(ModelContract.AUDIO_LOOKAHEAD, Integer.toString(lookahead));
        m.put(LOG_EPS, Float.toString(logEps));
        if (stateSize > 0) {
            m.put(STATE_SIZE, Integer.toString(stateSize));
        }
        return m;
    }

    /** Bins of the full spectrum, n_fft/2 + 1. */
    public int spectrumBins() {
        return nFft / 2 + 1;
    }
}
