package dev.hush.trainer.audio;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything that decides how a speech denoiser is trained; a recipe is these keys as Java properties.
 * Unknown keys are refused, so a typo in a recipe cannot be silently ignored.
 */
public final class AudioTrainingConfig {
    private final Map<String, String> values = new LinkedHashMap<>();

    public AudioTrainingConfig() {
        values.put("name", "audio-speech-custom");
        values.put("description", "Speech denoiser (16 kHz)");
        values.put("architecture", "spectral");
        values.put("width", "16");
        values.put("hidden", "128");
        values.put("layers", "2");
        values.put("sample_rate", "16000");
        values.put("n_fft", "512");
        values.put("hop", "256");
        values.put("frames", "128");
        values.put("batch", "8");
        values.put("epochs", "10");
        values.put("steps", "100");
        values.put("lr", "0.002");
        values.put("seed", "1");
        values.put("threads", "0");
        values.put("speech", "espeak");
        values.put("utterances", "400");
        values.put("cache", Path.of(System.getProperty("user.home"), ".cache", "hush").toString());
        values.put("noise", String.join("|", NoiseSignals.GENERATED));
        values.put("snr", "-5:20");
        values.put("reverb", "0");
        values.put("augment", "0");
        values.put("noise_data", "");
        values.put("val_speech", "");
        values.put("val_noise_data", "");
        values.put("val_mixtures", "12");
        values.put("val_seconds", "3");
        values.put("patience", "0");
        values.put("loss_power", "1");
        values.put("checkpoint", "");
        values.put("resume", "");
        values.put("warm_start", "");
    }

    public static AudioTrainingConfig fromRecipe(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        AudioTrainingConfig c = new AudioTrainingConfig();
        for (String k : p.stringPropertyNames()) {
            c.set(k, p.getProperty(k).trim());
        }
        return c;
    }

    public AudioTrainingConfig set(String key, String value) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("unknown audio training option '" + key + "'; known: "
                    + String.join(", ", new TreeMap<>(values).keySet()));
        }
        values.put(key, value);
        return this;
    }

    public String get(String key) {
        return values.get(key);
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(values.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training option '" + key + "' must be a whole number, got '"
                    + values.get(key) + "'");
        }
    }

    public double getDouble(String key) {
        try {
            return Double.parseDouble(values.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training option '" + key + "' must be a number, got '" + values.get(key) + "'");
        }
    }

    public long seed() {
        return Long.parseLong(values.get("seed").trim());
    }

    /** True for the GRU network ({@code architecture=recurrent}). */
    public boolean recurrent() {
        return get("architecture").equals("recurrent");
    }

    /** snr as MIN:MAX (or one value), in dB. */
    public double[] snrRange() {
        String[] p = values.get("snr").split(":");
        try {
            double lo = Double.parseDouble(p[0].trim());
            double hi = p.length > 1 ? Double.parseDouble(p[1].trim()) : lo;
            return new double[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("snr must be MIN:MAX in dB, e.g. -5:20, got '" + values.get("snr") + "'");
        }
    }

    public String toRecipe() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(values).forEach((k, v) -> {
            boolean gruKnob = k.equals("hidden") || k.equals("layers");
            if (!k.equals("cache") && !k.equals("checkpoint") && !k.equals("resume")
                    && !(k.equals("warm_start") && v.isBlank()) && !(gruKnob && !recurrent())) {
                sb.append(k).append('=').append(v).append('\n');
            }
        });
        return sb.toString();
    }

    /** Checks ranges once, before any work, with messages that say what to change. */
    public void validate() {
        require(get("architecture").equals("spectral") || recurrent(), "audio architecture must be 'spectral' (the"
                + " convolutional encoder/decoder over the spectrum) or 'recurrent' (convolutions along frequency and GRUs"
                + " along time, streaming with its state), got '" + get("architecture") + "'");
        require(getInt("width") >= 2, "width must be at least 2 channels");
        require(getInt("hidden") >= 2, "hidden (the GRU state size) must be at least 2");
        require(getInt("layers") >= 1 && getInt("layers") <= 4, "layers (GRUs stacked) must lie in 1–4");
        int nFft = getInt("n_fft");
        require(nFft >= 64 && nFft <= 4096 && (nFft / 2) % 8 == 0, "n_fft must lie in 64–4096 with n_fft/2 a multiple of 8"
                + " (the network halves the bins three times), got " + nFft);
        int hop = getInt("hop");
        require(hop >= 1 && hop <= nFft / 2, "hop must lie in 1 … n_fft/2, got " + hop);
        int rate = getInt("sample_rate");
        require(rate >= 8000 && rate <= 48000, "sample_rate must lie in 8000–48000 Hz, got " + rate);
        require(getInt("batch") >= 1, "batch must be at least 1");
        require(getInt("epochs") >= 1, "epochs must be at least 1");
        require(getInt("steps") >= 1, "steps must be at least 1");
        require(getDouble("lr") > 0, "lr must be positive");
        require(getInt("utterances") >= 2, "utterances must be at least 2");
        require(getInt("val_mixtures") >= 1, "val_mixtures must be at least 1");
        require(getDouble("val_seconds") >= 1, "val_seconds must be at least 1 (STOI needs 0.4 s of speech)");
        require(getDouble("loss_power") >= 0.1 && getDouble("loss_power") <= 1, "loss_power (the exponent of the"
                + " magnitudes compared in the loss; 1 = plain magnitudes, 0.3 = compressed) must lie in [0.1, 1]");
        require(getInt("patience") >= 0, "patience must be 0 (never stop early) or more");
        require(get("name").matches("[A-Za-z0-9._-]+"), "name may hold letters, digits, '.', '_' and '-' only");
        require(get("warm_start").isBlank() || get("resume").isBlank(), "give resume (continue a run) or warm_start"
                + " (start a new run from a checkpoint's weights), not both");
        require(getDouble("reverb") >= 0 && getDouble("reverb") <= 1, "reverb (the share of mixtures whose speech is"
                + " played in a simulated room) must lie in [0, 1]");
        require(getDouble("augment") >= 0 && getDouble("augment") <= 1, "augment (the probability of a random"
                + " microphone EQ; a quarter of it each for a telephone band and clipping) must lie in [0, 1]");
        require(!NoiseSignals.parse(get("noise")).contains("recorded") || !get("noise_data").isBlank(),
                "noise 'recorded' takes excerpts of real recordings: set noise_data to a folder of noise WAV files");
        require(get("val_noise_data").isBlank() || !get("noise_data").isBlank(), "val_noise_data needs noise_data too");
        double[] snr = snrRange();
        require(snr[0] <= snr[1], "snr must be MIN:MAX with MIN <= MAX");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
