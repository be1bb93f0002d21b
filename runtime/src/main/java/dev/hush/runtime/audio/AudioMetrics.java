package dev.hush.runtime.audio;

/**
 * Audio quality measures of an estimate (denoised or noisy signal) against the clean reference, both mono
 * and sample-aligned. All in double precision; higher is better for each.
 */
public final class AudioMetrics {
    /** Segment length of {@link #segmentalSnr(float[], float[])}: 16 ms at 16 kHz. */
    public static final int SEGMENT = 256;
    /** Per-segment SNRs are clamped to [{@value #SEGMENT_SNR_MIN}, {@value #SEGMENT_SNR_MAX}] dB. */
    public static final double SEGMENT_SNR_MIN = -10;
    public static final double SEGMENT_SNR_MAX = 35;

    private AudioMetrics() {
    }

    /**
     * Signal-to-noise ratio in dB, 10·log10(Σ s² / Σ (s − ŝ)²); +∞ when the estimate equals the reference.
     */
    public static double snr(float[] estimate, float[] reference) {
        checkLengths(estimate, reference);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < reference.length; i++) {
            double s = reference[i];
            double d = s - estimate[i];
            signal += s * s;
            noise += d * d;
        }
        if (signal == 0) {
            throw new IllegalArgumentException("the reference is silent: SNR is undefined");
        }
        return 10 * Math.log10(signal / noise);
    }

    /** Segmental SNR over segments of {@value #SEGMENT} samples; see {@link #segmentalSnr(float[], float[], int)}. */
    public static double segmentalSnr(float[] estimate, float[] reference) {
        return segmentalSnr(estimate, reference, SEGMENT);
    }

    /**
     * Segmental SNR in dB: the mean over consecutive, non-overlapping segments of {@code segment} samples
     * of each segment's SNR, clamped to [−10, 35] dB so that silent segments (SNR → −∞) and perfect ones
     * (SNR → +∞) do not dominate, as is customary (Quackenbush, Barnwell, Clements, Objective Measures of
     * Speech Quality, 1988; Loizou, Speech Enhancement, 2013). A trailing partial segment is left out unless
     * it is the only one.
     */
    public static double segmentalSnr(float[] estimate, float[] reference, int segment) {
        checkLengths(estimate, reference);
        if (segment < 1) {
            throw new IllegalArgumentException("segment length must be positive, got " + segment);
        }
        int n = reference.length;
        int segments = Math.max(1, n / segment);
        double sum = 0;
        for (int k = 0; k < segments; k++) {
            int from = k * segment;
            int to = segments == 1 ? n : from + segment;
            double signal = 0;
            double noise = 0;
            for (int i = from; i < to; i++) {
                double s = reference[i];
                double d = s - estimate[i];
                signal += s * s;
                noise += d * d;
            }
            // 0/0 (silent and exact) counts as perfect; a silent reference with any error as the floor.
            double db = noise == 0 ? SEGMENT_SNR_MAX : 10 * Math.log10(signal / noise);
            sum += Math.max(SEGMENT_SNR_MIN, Math.min(SEGMENT_SNR_MAX, db));
        }
        return sum / segments;
    }

    /**
     * Scale-invariant signal-to-distortion ratio in dB (Le Roux, Wisdom, Erdogan, Hershey, "SDR — half-baked
     * or well done?", ICASSP 2019): both signals made zero-mean, the reference scaled to its projection
     * α·s with α = ⟨ŝ, s⟩ / ⟨s, s⟩, then 10·log10(|α·s|² / |ŝ − α·s|²). Scaling the estimate or adding a
     * constant to it changes nothing; +∞ when the estimate is a scaled copy of the reference.
     */
    public static double siSdr(float[] estimate, float[] reference) {
        checkLengths(estimate, reference);
        double meanS = mean(reference);
        double meanE = mean(estimate);
        double ss = 0;
        double es = 0;
        for (int i = 0; i < reference.length; i++) {
            double s = reference[i] - meanS;
            ss += s * s;
            es += (estimate[i] - meanE) * s;
        }
        if (ss == 0) {
            throw new IllegalArgumentException("the reference is constant (silent after removing its mean): SI-SDR is undefined");
        }
        double alpha = es / ss;
        double target = 0;
        double distortion = 0;
        for (int i = 0; i < reference.length; i++) {
            double t = alpha * (reference[i] - meanS);
            double d = (estimate[i] - meanE) - t;
            target += t * t;
            distortion += d * d;
        }
        return 10 * Math.log10(target / distortion);
    }

    /**
     * Short-Time Objective Intelligibility (Taal, Hendriks, Heusdens, Jensen, IEEE TASLP 19(7), 2011) of the
     * estimate given the clean reference, both at {@code sampleRate} Hz (resampled to 10 kHz inside). Usually
     * in [0, 1] (higher is more intelligible), in [−1, 1] always. Needs at least about 400 ms of
     * non-silent speech; frames more than 40 dB below the reference's loudest are left out of both signals.
     */
    public static double stoi(float[] estimate, float[] reference, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        return Stoi.of(estimate, reference, sampleRate);
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    private static void checkLengths(float[] estimate, float[] reference) {
        if (estimate.length != reference.length) {
            throw new IllegalArgumentException("signals differ in length: estimate " + estimate.length
                    + " vs reference " + reference.length + " samples");
        }
        if (reference.length == 0) {
            throw new IllegalArgumentException("signals are empty");
        }
    }
}
