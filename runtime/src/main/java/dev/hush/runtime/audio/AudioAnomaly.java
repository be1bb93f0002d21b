package dev.hush.runtime.audio;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.image.AnomalyMap;
import dev.hush.runtime.image.FloatImage;

/**
 * Anomaly scores over time for sounds (machines, say), from an anomaly autoencoder trained on the log-magnitude
 * spectrograms of normal recordings. The recording (mono, resampled to the model's rate) becomes a spectrogram image
 * ({@link #spectrogramImage}: one column per STFT frame, the highest frequency on the top row), the image anomaly map
 * is computed over it ({@link AnomalyMap}: reconstruction error, smoothed, calibrated per pixel), and each frame's
 * score is the map's maximum over its column (a squeal is one narrow band; a mean over all bins would drown it)
 * divided by the model's frame calibration
 * ({@link ModelContract#ANOMALY_FRAME_SCALE}): 1.0 is the 99th percentile of normal frames. The recording's score is
 * the highest frame score.
 *
 * <p>Such a model says so in its contract: {@link ModelContract#ANOMALY_INPUT} = {@code spectrogram} with the STFT's
 * sample rate, FFT size and hop ({@link ModelContract#AUDIO_SAMPLE_RATE} …). Immutable once built; one instance may
 * be shared between threads.
 */
public final class AudioAnomaly {
    /** The value of {@link ModelContract#ANOMALY_INPUT} for models of sound. */
    public static final String SPECTROGRAM = "spectrogram";

    /** Per-frame scores (one per STFT hop, {@code frameSeconds} apart), the recording's score, the pixel map. */
    public record Result(float[] frameScores, double frameSeconds, double score, FloatImage map, boolean calibrated) {
        /** The time in seconds at the centre of frame {@code t}. */
        public double time(int t) {
            return t * frameSeconds;
        }
    }

    private final AnomalyMap map;
    private final Stft stft;
    private final int rate;
    private final double frameScale;

    public AudioAnomaly(DenoiserModel model) throws HushException {
        ModelContract c = model.contract();
        if (!isForSound(c)) {
            throw new HushException(HushException.Code.INVALID_MODEL, "the model '" + c.name() + "' is not an anomaly model"
                    + " for sound (its contract has no " + ModelContract.ANOMALY_INPUT + " = " + SPECTROGRAM
                    + "); train one on spectrograms of normal recordings (docs/anomaly.md)");
        }
        this.rate = positive(c, ModelContract.AUDIO_SAMPLE_RATE, 1000, 192_000);
        int nFft = positive(c, ModelContract.AUDIO_N_FFT, 16, Stft.MAX_N_FFT);
        int hop = positive(c, ModelContract.AUDIO_HOP, 1, nFft);
        this.stft = new Stft(nFft, hop);
        String fs = c.get(ModelContract.ANOMALY_FRAME_SCALE, "");
        double v = Double.NaN;
        if (!fs.isBlank()) {
            try {
                v = Double.parseDouble(fs.trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (!(v > 0 && Double.isFinite(v))) {
                throw new HushException(HushException.Code.INVALID_MODEL, "the model '" + c.name() + "' has "
                        + ModelContract.ANOMALY_FRAME_SCALE + " = '" + fs + "', which is not a positive number");
            }
        }
        this.frameScale = v;
        this.map = new AnomalyMap(model);
    }

    /** True when the contract declares a model of sound spectrograms. */
    public static boolean isForSound(ModelContract c) {
        return SPECTROGRAM.equals(c.get(ModelContract.ANOMALY_INPUT, ""));
    }

    /** The model's sample rate: recordings at other rates are resampled to it. */
    public int sampleRate() {
        return rate;
    }

    /** True when both the pixel and the frame calibration are present (scores then have 1.0 = normal's 99th pct). */
    public boolean calibrated() {
        return map.calibrated() && !Double.isNaN(frameScale);
    }

    /** Scores a mono recording at {@code sampleRate} Hz. */
    public Result compute(float[] mono, int sampleRate, ProgressListener progress) throws HushException {
        if (mono.length == 0) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the recording is empty");
        }
        for (float s : mono) {
            if (!Float.isFinite(s)) {
                throw new HushException(HushException.Code.INVALID_INPUT, "the recording holds NaN or infinite samples");
            }
        }
        float[] x = sampleRate == rate ? mono : new Resampler(sampleRate, rate).resample(mono);
        return score(spectrogramImage(stft, x), progress);
    }

    /** Scores a spectrogram image made by {@link #spectrogramImage} with this model's STFT. */
    public Result score(FloatImage spec, ProgressListener progress) throws HushException {
        AnomalyMap.Result r = map.compute(spec, progress);
        int frames = spec.width();
        int bins = spec.height();
        float[] scores = new float[frames];
        double div = Double.isNaN(frameScale) ? 1 : frameScale;
        double max = 0;
        float[] m = r.map().data();
        for (int t = 0; t < frames; t++) {
            double top = 0;
            for (int y = 0; y < bins; y++) {
                top = Math.max(top, m[y * frames + t]);
            }
            scores[t] = (float) (top / div);
            max = Math.max(max, scores[t]);
        }
        return new Result(scores, stft.hop() / (double) rate, max, r.map(), calibrated());
    }

    /**
     * The log-magnitude spectrogram as a one-channel image: width = frames, height = bins, the highest bin on row 0.
     * The trainer cuts its training crops from the same images.
     */
    public static FloatImage spectrogramImage(Stft stft, float[] signal) {
        Spectrogram s = stft.analyze(signal);
        float[] log = s.logMagnitude(Spectrogram.LOG_EPS);
        int frames = s.frames();
        int bins = s.bins();
        float[] img = new float[frames * bins];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < bins; k++) {
                img[(bins - 1 - k) * frames + t] = log[t * bins + k];
            }
        }
        return FloatImage.gray(frames, bins, img);
    }

    private static int positive(ModelContract c, String key, int min, int max) throws HushException {
        String s = c.get(key, "");
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HushException(HushException.Code.INVALID_MODEL, "the model '" + c.name() + "' needs " + key
                + " between " + min + " and " + max + ", got '" + s + "'");
    }
}
