package dev.hush.trainer.audio;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Noisy/clean speech pairs made on the fly: an utterance (or two) placed in a segment of the asked length,
 * noise of one or two kinds from {@link NoiseSignals} at a random SNR, and a random overall gain so the
 * model sees quiet and loud recordings alike. The SNR is the ratio of the whole segment's speech energy to
 * its noise energy.
 */
public final class SpeechMixer {
    /** A mixture and the clean speech in it, equally scaled. */
    public record Mixture(float[] noisy, float[] clean, double snrDb) {
    }

    private final List<float[]> speech;
    private final List<float[]> babbleVoices;
    private final List<String> kinds;
    private final double snrMin;
    private final double snrMax;
    private final int rate;

    /** {@code babbleVoices}: utterances for babble noise (other utterances than the targets where possible). */
    public SpeechMixer(List<float[]> speech, List<float[]> babbleVoices, List<String> kinds, double snrMin, double snrMax,
                       int rate) {
        if (speech.isEmpty()) {
            throw new IllegalArgumentException("no speech to mix");
        }
        if (!(snrMax >= snrMin)) {
            throw new IllegalArgumentException("snr range must be MIN:MAX with MIN <= MAX, got " + snrMin + ":" + snrMax);
        }
        this.speech = speech;
        this.babbleVoices = babbleVoices;
        this.kinds = kinds;
        this.snrMin = snrMin;
        this.snrMax = snrMax;
        this.rate = rate;
    }

    public Mixture make(int length, SplittableRandom rnd) {
        return make(length, rnd.nextDouble(snrMin, Math.nextUp(snrMax)), rnd);
    }

    public Mixture make(int length, double snrDb, SplittableRandom rnd) {
        float[] clean = new float[length];
        place(clean, rnd);
        if (rnd.nextInt(3) == 0) {
            place(clean, rnd);
        }
        float[] noise = NoiseSignals.make(kinds.get(rnd.nextInt(kinds.size())), length, rate, babbleVoices, rnd);
        if (kinds.size() > 1 && rnd.nextInt(4) == 0) {
            float[] second = NoiseSignals.make(kinds.get(rnd.nextInt(kinds.size())), length, rate, babbleVoices, rnd);
            float w = (float) rnd.nextDouble(0.2, 0.8);
            for (int i = 0; i < length; i++) {
                noise[i] = (1 - w) * noise[i] + w * second[i];
            }
        }
        double es = energy(clean);
        double en = energy(noise);
        float g = en > 0 ? (float) Math.sqrt(es / en / Math.pow(10, snrDb / 10)) : 0f;
        float[] noisy = new float[length];
        float peak = 0;
        for (int i = 0; i < length; i++) {
            noisy[i] = clean[i] + g * noise[i];
            peak = Math.max(peak, Math.abs(noisy[i]));
        }
        // Loud and quiet recordings alike: peak between −30 and −0.5 dBFS.
        float target = (float) Math.pow(10, rnd.nextDouble(-30, -0.5) / 20);
        float s = peak > 0 ? target / peak : 1f;
        for (int i = 0; i < length; i++) {
            noisy[i] *= s;
            clean[i] *= s;
        }
        return new Mixture(noisy, clean, snrDb);
    }

    /** Adds an utterance (or a window of it) at a random place, so that it fills at least half the segment. */
    private void place(float[] track, SplittableRandom rnd) {
        float[] u = speech.get(rnd.nextInt(speech.size()));
        float g = (float) rnd.nextDouble(0.5, 1.0);
        int n = track.length;
        if (u.length >= n) {
            int from = rnd.nextInt(u.length - n + 1);
            for (int i = 0; i < n; i++) {
                track[i] += g * u[from + i];
            }
        } else {
            int at = rnd.nextInt(n - u.length + 1);
            for (int i = 0; i < u.length; i++) {
                track[at + i] += g * u[i];
            }
        }
    }

    static double energy(float[] x) {
        double e = 0;
        for (float v : x) {
            e += (double) v * v;
        }
        return e;
    }
}
