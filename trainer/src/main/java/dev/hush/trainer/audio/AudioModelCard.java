package dev.hush.trainer.audio;

import dev.hush.trainer.Recipes;
import java.util.Locale;

/** The markdown card written beside a trained speech model: what it is, what it learnt from, how well it did. */
public final class AudioModelCard {
    private AudioModelCard() {
    }

    public static String write(AudioTrainingConfig config, AudioTrainer.Result r, String machine) {
        StringBuilder sb = new StringBuilder();
        int rate = r.spec().sampleRate();
        double hopMs = 1000.0 * r.spec().hop() / rate;
        sb.append("# ").append(config.name()).append("\n\n").append(config.description()).append("\n\n");
        sb.append("## What it is\n");
        sb.append("- Architecture: `").append(r.network().describe()).append("`, ")
                .append(String.format(Locale.ROOT, "%,d", r.network().macsPerFrame()))
                .append(" multiply-adds per STFT frame (")
                .append(String.format(Locale.ROOT, "%.2f", r.network().macsPerFrame() * 2.0 * rate / r.spec().hop() / 1e9))
                .append(" GFLOP per second of audio).\n");
        sb.append(String.format(Locale.ROOT, "- STFT: %d Hz, n_fft %d, hop %d (%.0f ms), periodic Hann; the model sees"
                + " log(|X| + %.0e) of bins 0–%d (the Nyquist bin takes the gain of the bin below) and gives a gain in"
                + " (0, 1) per bin.%n", rate, r.spec().nFft(), r.spec().hop(), hopMs, r.spec().logEps(),
                r.spec().bins() - 1));
        if (r.spec().stateSize() > 0) {
            sb.append(String.format(Locale.ROOT, "- Memory: a recurrent state of %d floats (GRU), carried from one block of"
                    + " frames to the next as an input and output of the ONNX graph, so output frame t depends on every"
                    + " frame up to t and on none after it; streaming is exact at any block size. Streaming latency"
                    + " with blocks of one frame: n_fft − 1 samples = %.1f ms.%n", r.spec().stateSize(),
                    1000.0 * (r.spec().nFft() - 1) / rate));
        } else {
            sb.append(String.format(Locale.ROOT, "- Context: output frame t depends on input frames t − %d … t + %d (%.0f ms"
                    + " of past, %.0f ms look-ahead). Streaming latency with blocks of one frame: n_fft + %d × hop − 1"
                    + " samples = %.1f ms.%n", r.spec().context(), r.spec().lookahead(), r.spec().context() * hopMs,
                    r.spec().lookahead() * hopMs, r.spec().lookahead(),
                    1000.0 * (r.spec().nFft() + r.spec().lookahead() * r.spec().hop() - 1) / rate));
        }
        sb.append("\n## Data and noise\n- ").append(r.dataOrigin()).append(".\n");
        boolean realSpeech = config.speechFolder() != null;
        boolean realNoise = !config.noiseData().isBlank();
        sb.append(realSpeech ? "- Speech: recordings of people from the folder above (licences: see the data script that"
                + " laid it out, scripts/data/speech.sh, and its SOURCES.tsv)" + (config.espeakSpeech() ? ", with "
                + config.utterances() + " sentences spoken by espeak-ng mixed in" : "") + ".\n" : "- No recordings of people were used:"
                + " the speech is synthetic.\n");
        sb.append("- None of the project's reserved evaluation data were used.\n");
        sb.append("- Not trained for: music, very low sample rates (audio is resampled to ").append(rate)
                .append(" Hz), ")
                .append(config.reverb() > 0 ? "rooms much more reverberant than RT60 0.8 s" : "reverberation")
                .append(realNoise ? ", noise unlike game ambience and effects or the generated kinds.\n"
                        : ", real microphones' noise beyond the generated kinds.\n");
        sb.append("\n## Training\n");
        sb.append(String.format(Locale.ROOT, "- %d steps of %s segments of %s frames (%.2f s), Adam, cosine learning rate"
                + " from %s, seed %s; loss: squared error of masked vs clean %s, relative to the clean energy (plus"
                + " a tenth of the noisy energy) of each segment.%n", r.steps(), config.batch(), config.frames(),
                (config.frames() * r.spec().hop()) / (double) rate, Recipes.format(config.lr()),
                config.seed(), config.lossPower() == 1 ? "magnitude"
                        : "magnitude^" + Recipes.format(config.lossPower()) + " (compressed)"));
        sb.append(String.format(Locale.ROOT, "- Time on %s: %.0f s in this run (%.0f frames/s, %.1f GFLOP/s achieved).%n",
                machine, r.seconds(), r.framesPerSecond(), r.gflops()));
        sb.append(dev.hush.trainer.TrainingLoop.resumedNote(r.steps(), r.totalSteps(), r.totalSeconds()));
        sb.append(String.format(Locale.ROOT, "- Export check: max |DJL − ONNX Runtime| = %.2e on a 2×1×%d×57 input%s.%n",
                r.exportMaxDiff(), r.spec().bins(), r.spec().stateSize() > 0 ? " (ONNX Runtime in two calls of 23"
                + " and 34 frames carrying the state, DJL in one)" : ""));
        sb.append("\n## Validation during training\n");
        sb.append("Held-apart mixtures (voices and sentences never trained on, SNR 0/5/10 dB, ").append(Recipes.format(config.valSeconds()))
                .append(" s each): mean improvement over the noisy input.\n\n");
        sb.append("| epoch | train loss | SI-SDR gain (dB) | SNR gain (dB) | STOI gain |\n|---:|---:|---:|---:|---:|\n");
        for (AudioTrainer.Epoch e : r.history()) {
            sb.append(String.format(Locale.ROOT, "| %d%s | %.4f | %+.2f | %+.2f | %+.3f |%n", e.epoch(),
                    e.epoch() == r.bestEpoch() ? " (kept)" : "", e.trainLoss(), e.siSdrGain(), e.snrGain(), e.stoiGain()));
        }
        sb.append("\n## Recipe\n```properties\n").append(config.toRecipe()).append("```\n");
        return sb.toString();
    }
}
