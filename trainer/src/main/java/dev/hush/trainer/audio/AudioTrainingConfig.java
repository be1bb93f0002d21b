package dev.hush.trainer.audio;

import dev.hush.trainer.Recipes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything that decides how a speech denoiser is trained, typed. A recipe is these components as Java properties in
 * snake_case ({@code n_fft=512} is {@link #nFft()}); {@link Recipes} reads and writes them. Unknown keys and values of
 * the wrong type are refused when they are set, so a typo in a recipe cannot be silently ignored.
 */
public record AudioTrainingConfig(String name, String description, String architecture, int width, int hidden,
        int layers, int sampleRate, int nFft, int hop, int frames, int batch, int epochs, int steps, double lr, long seed,
        int threads, String speech, int utterances, String cache, String noise, String snr, double reverb,
        double augment, String codecs, String noiseData, String valSpeech, String valNoiseData, int valMixtures, double valSeconds,
        int patience, double lossPower, String checkpoint, String resume, String warmStart) {

    /** The defaults every recipe starts from. */
    public static AudioTrainingConfig defaults() {
        return new AudioTrainingConfig("audio-speech-custom", "Speech denoiser (16 kHz)", "spectral", 16, 128, 2, 16000,
                512, 256, 128, 8, 10, 100, 0.002, 1, 0, "espeak", 400,
                Path.of(System.getProperty("user.home"), ".cache", "hush").toString(),
                String.join("|", NoiseSignals.GENERATED), "-5:20", 0, 0, "none", "", "", "", 12, 3, 0, 1, "", "", "");
    }

    /** Reads a recipe file on top of the defaults. */
    public static AudioTrainingConfig fromRecipe(Path file) throws IOException {
        return Recipes.read(defaults(), file);
    }

    /** A copy with one key set: a string to parse (as in a recipe) or a value of the key's type. */
    public AudioTrainingConfig with(String key, Object value) {
        return Recipes.with(this, key, value);
    }

    /** A copy with these keys set; null values leave a key as it is (options the user did not give). */
    public AudioTrainingConfig with(Map<String, ?> values) {
        return Recipes.with(this, values);
    }

    /**
     * The folder of recorded speech in {@code speech}, or null for espeak-ng alone: {@code speech} is {@code espeak},
     * a folder, or {@code FOLDER+espeak} (the folder's recordings with {@code utterances} espeak-ng sentences mixed in).
     */
    public String speechFolder() {
        if (speech.equals("espeak")) {
            return null;
        }
        return speech.endsWith("+espeak") ? speech.substring(0, speech.length() - "+espeak".length()) : speech;
    }

    /** Whether espeak-ng sentences are part of the training speech (alone, or mixed in with a folder). */
    public boolean espeakSpeech() {
        return speech.equals("espeak") || speech.endsWith("+espeak");
    }

    /** True for the GRU network ({@code architecture=recurrent}). */
    public boolean recurrent() {
        return architecture.equals("recurrent");
    }

    /** snr as MIN:MAX (or one value), in dB. */
    public double[] snrRange() {
        String[] p = snr.split(":");
        try {
            double lo = Double.parseDouble(p[0].trim());
            double hi = p.length > 1 ? Double.parseDouble(p[1].trim()) : lo;
            return new double[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("snr must be MIN:MAX in dB, e.g. -5:20, got '" + snr + "'");
        }
    }

    public String toRecipe() {
        return Recipes.text(this, (k, v) -> k.equals("cache") || k.equals("checkpoint") || k.equals("resume")
                || (k.equals("warm_start") && v.isBlank()) || ((k.equals("hidden") || k.equals("layers")) && !recurrent()));
    }

    /** Checks ranges once, before any work, with messages that say what to change. */
    public void validate() {
        require(architecture.equals("spectral") || recurrent(), "audio architecture must be 'spectral' (the"
                + " convolutional encoder/decoder over the spectrum) or 'recurrent' (convolutions along frequency and GRUs"
                + " along time, streaming with its state), got '" + architecture + "'");
        require(width >= 2, "width must be at least 2 channels");
        require(hidden >= 2, "hidden (the GRU state size) must be at least 2");
        require(layers >= 1 && layers <= 4, "layers (GRUs stacked) must lie in 1–4");
        require(nFft >= 64 && nFft <= 4096 && (nFft / 2) % 8 == 0, "n_fft must lie in 64–4096 with n_fft/2 a multiple of 8"
                + " (the network halves the bins three times), got " + nFft);
        require(hop >= 1 && hop <= nFft / 2, "hop must lie in 1 … n_fft/2, got " + hop);
        int rate = sampleRate;
        require(rate >= 8000 && rate <= 48000, "sample_rate must lie in 8000–48000 Hz, got " + rate);
        require(batch >= 1, "batch must be at least 1");
        require(epochs >= 1, "epochs must be at least 1");
        require(steps >= 1, "steps must be at least 1");
        require(lr > 0, "lr must be positive");
        require(utterances >= 2, "utterances must be at least 2");
        require(valMixtures >= 1, "val_mixtures must be at least 1");
        require(valSeconds >= 1, "val_seconds must be at least 1 (STOI needs 0.4 s of speech)");
        require(lossPower >= 0.1 && lossPower <= 1, "loss_power (the exponent of the"
                + " magnitudes compared in the loss; 1 = plain magnitudes, 0.3 = compressed) must lie in [0.1, 1]");
        require(patience >= 0, "patience must be 0 (never stop early) or more");
        require(name.matches("[A-Za-z0-9._-]+"), "name may hold letters, digits, '.', '_' and '-' only");
        require(warmStart.isBlank() || resume.isBlank(), "give resume (continue a run) or warm_start"
                + " (start a new run from a checkpoint's weights), not both");
        require(reverb >= 0 && reverb <= 1, "reverb (the share of mixtures whose speech is"
                + " played in a simulated room) must lie in [0, 1]");
        require(augment >= 0 && augment <= 1, "augment (the probability of a random"
                + " microphone EQ; a quarter of it each for a telephone band and clipping) must lie in [0, 1]");
        LossyCodecs.parse(codecs);
        require(codecs.equals("none") || augment > 0, "codecs are part of the augmentation (a quarter of augment):"
                + " set augment above 0, or codecs=none");
        require(!NoiseSignals.parse(noise).contains("recorded") || !noiseData.isBlank(),
                "noise 'recorded' takes excerpts of real recordings: set noise_data to a folder of noise WAV files");
        require(valNoiseData.isBlank() || !noiseData.isBlank(), "val_noise_data needs noise_data too");
        double[] snr = snrRange();
        require(snr[0] <= snr[1], "snr must be MIN:MAX with MIN <= MAX");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
