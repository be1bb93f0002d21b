package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.audio.AudioModelCard;
import dev.hush.trainer.audio.AudioTrainer;
import dev.hush.trainer.audio.AudioTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"Train a speech denoiser (a gain per STFT bin) on speech mixed with noise, and export it to ONNX.",
                "Speech comes from espeak-ng (installed separately) or a folder of WAV files; noise is generated,",
                "or excerpts of real recordings (noise kind 'recorded' with the recipe key noise_data).",
                "Options override the recipe, --set any recipe key (docs/training.md); the model card (.md) is",
                "written beside the model."})
final class TrainAudioCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Model file to write (.onnx).")
    Path out;

    @Option(names = "--recipe", description = "Recipe file (Java properties) with the training options.")
    Path recipe;

    @Option(names = "--name", description = "Model name (default: audio-speech-custom).")
    String name;

    @Option(names = "--epochs", description = "Epochs (default 10).")
    Integer epochs;

    @Option(names = "--steps", description = "Optimiser steps per epoch (default 100).")
    Integer steps;

    @Option(names = "--batch", description = "Segments per step (default 8).")
    Integer batch;

    @Option(names = "--width", description = "Channels at full resolution (default 16).")
    Integer width;

    @Option(names = "--speech", paramLabel = "espeak|DIR|DIR+espeak", description = "Clean speech: espeak (generated,"
            + " default), a folder of WAV/AIFF/AU files, or DIR+espeak (the folder with --utterances espeak-ng sentences"
            + " mixed in).")
    String speech;

    @Option(names = "--utterances", description = "espeak-ng sentences to generate (default 400).")
    Integer utterances;

    @Option(names = "--noise", paramLabel = "KINDS", description = "Noise kinds joined by '|': white, pink, brown, hum, clicks, babble, recorded"
            + " (a kind may repeat to weigh it; default: the six generated kinds).")
    String noise;

    @Option(names = "--snr", paramLabel = "MIN:MAX", description = "Training SNR range in dB (default -5:20).")
    String snr;

    @Option(names = "--reverb", paramLabel = "P", description = "Share of mixtures whose speech is played in a simulated"
            + " room first (RT60 0.2–0.8 s; the target is the direct sound and the first 50 ms), default 0.")
    Double reverb;

    @Option(names = "--lr", description = "Adam learning rate (default 0.002).")
    Double lr;

    @Option(names = "--seed", description = "Random seed (default 1).")
    Long seed;

    @Option(names = "--threads", description = "PyTorch threads (default: all cores).")
    Integer threads;

    @Option(names = "--patience", description = "Stop after this many epochs without a better validation SI-SDR (default 0: never).")
    Integer patience;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Save a checkpoint to this folder after every epoch.")
    String checkpoint;

    @Option(names = "--resume", paramLabel = "DIR", description = "Resume from a checkpoint folder (same architecture).")
    String resume;

    @Option(names = "--warm-start", paramLabel = "DIR", description = "Start a new run from the weights of a checkpoint"
            + " folder (same architecture), e.g. to go on training on more data.")
    String warmStart;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any recipe key, e.g. --set architecture=recurrent"
            + " --set loss_power=0.5 (repeatable; applied after the options above).")
    Map<String, String> set = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        AudioTrainingConfig base = recipe != null ? AudioTrainingConfig.fromRecipe(recipe) : AudioTrainingConfig.defaults();
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("name", name);
        overrides.put("epochs", epochs);
        overrides.put("steps", steps);
        overrides.put("batch", batch);
        overrides.put("width", width);
        overrides.put("speech", speech);
        overrides.put("utterances", utterances);
        overrides.put("noise", noise);
        overrides.put("snr", snr);
        overrides.put("reverb", reverb);
        overrides.put("lr", lr);
        overrides.put("seed", seed);
        overrides.put("threads", threads);
        overrides.put("patience", patience);
        overrides.put("checkpoint", checkpoint);
        overrides.put("resume", resume);
        overrides.put("warm_start", warmStart);
        overrides.putAll(set);
        AudioTrainingConfig config = base.with(overrides);
        if (!out.getFileName().toString().endsWith(".onnx")) {
            throw new HushException("--out must name a .onnx file, got " + out);
        }
        AudioTrainer trainer = new AudioTrainer(config);
        Thread hook = new Thread(trainer::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        ProgressBar bar = new ProgressBar(System.err, "train", "steps");
        System.err.printf("training %s: %s, %s epochs × %s steps of %s segments%n", config.name(),
                config.architecture(), config.epochs(), config.steps(), config.batch());
        AudioTrainer.Result result = trainer.train(new TrainingProgress() {
            private double lastVal = Double.NaN;

            @Override
            public void step(int step, int totalSteps, double loss, double segmentsPerSecond) {
                bar.suffix(String.format(Locale.ROOT, "loss %.4f%s %.1f segments/s", loss,
                        Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, " val SI-SDR %+.2f dB", lastVal),
                        segmentsPerSecond));
                bar.update(step, totalSteps);
            }

            @Override
            public void epoch(int epoch, int epochs, double trainLoss, double siSdrGain) {
                lastVal = siSdrGain;
            }

            @Override
            public void message(String line) {
                System.err.println();
                System.err.println(line);
            }
        });
        Runtime.getRuntime().removeShutdownHook(hook);
        AtomicFile.write(out, tmp -> OnnxExport.write(result.model(), tmp));
        String card = AudioModelCard.write(config, result, Runtime.getRuntime().availableProcessors() + " CPU cores");
        Path cardFile = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.onnx$", ".md"));
        AtomicFile.write(cardFile, card.getBytes(StandardCharsets.UTF_8));
        System.err.println("wrote " + out + " and " + cardFile);
        try (DenoiserModel model = DenoiserModel.open(out, SessionConfig.defaults())) {
            System.err.println("contract: " + model.contract().summary());
        }
        return 0;
    }
}
