package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.audio.AudioModelCard;
import dev.hush.trainer.audio.AudioTrainer;
import dev.hush.trainer.audio.AudioTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"Train a speech denoiser (a gain per STFT bin) on speech mixed with noise, and export it to ONNX.",
                "Speech comes from espeak-ng (installed separately) or a folder of WAV files; noise is generated,",
                "or excerpts of real recordings (noise kind 'recorded' with the recipe key noise_data).",
                "Options override the recipe, --set any recipe key (docs/training.md); the model card (.md) is",
                "written beside the model."})
final class TrainAudioCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

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

    @Override
    public Integer call() throws Exception {
        AudioTrainingConfig base = options.recipe != null ? AudioTrainingConfig.fromRecipe(options.recipe) : AudioTrainingConfig.defaults();
        Map<String, Object> overrides = options.overrides();
        Path out = options.out();
        overrides.put("width", width);
        overrides.put("speech", speech);
        overrides.put("utterances", utterances);
        overrides.put("noise", noise);
        overrides.put("snr", snr);
        overrides.put("reverb", reverb);
        overrides.putAll(options.set());
        AudioTrainingConfig config = base.with(overrides);
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
        Path cardFile = options.cardFile();
        AtomicFile.write(cardFile, card.getBytes(StandardCharsets.UTF_8));
        System.err.println("wrote " + out + " and " + cardFile);
        try (DenoiserModel model = DenoiserModel.open(out, SessionConfig.defaults())) {
            System.err.println("contract: " + model.contract().summary());
        }
        return 0;
    }
}
