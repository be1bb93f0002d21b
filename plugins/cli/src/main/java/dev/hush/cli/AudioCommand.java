package dev.hush.cli;

import dev.hush.audio.AudioFiles;
import dev.hush.audio.FileDenoiser;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"Denoise audio files (speech): WAV, AIFF, AU; FLAC, MP3, Ogg and more through ffmpeg.",
                "WAV (8/16/24/32-bit, float), AIFF and AU are streamed (any length in little memory); other formats are"
                        + " decoded by ffmpeg when it is on the PATH (written as 32-bit float WAV).",
                "IN may be files, folders (searched recursively) or globs ('rec/*.wav'). With several inputs, -o names a"
                        + " folder (relative paths are kept) or --suffix names outputs beside the inputs.",
                "The output keeps the input's format, bit depth, channels, rate and length; other rates are resampled to"
                        + " the model's and back. Inputs are never overwritten, outputs appear only when complete, and a"
                        + " bad file is reported at the end (exit 1) without stopping the others. --threads N uses N"
                        + " cores: up to one file per core at once."})
final class AudioCommand implements Callable<Integer> {
    /** The shipped audio model used when --model is not given. */
    static final String DEFAULT_MODEL = "audio-speech-gru";
    /** The shipped model for files above 16 kHz when --model is not given (used when this build ships it). */
    static final String DEFAULT_FULL_BAND_MODEL = "audio-speech-gru48";

    /** Recordings as the batch front end sees them: weighed by their length, in seconds of audio. */
    static final FileBatch.Kind KIND = new FileBatch.Kind(AudioFiles::isAudioName, AudioFiles::outputName, "_clean",
            "audio files", AudioFiles::probeSeconds, "s");

    @Mixin
    FileBatch.Options files;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--atten-lim", paramLabel = "DB", defaultValue = "0",
            description = "Remove at most DB dB from any frequency (keeps some background, sounds more natural); 0 (default):"
                    + " no limit.")
    double attenLim;

    @Option(names = "--mix", paramLabel = "WET", defaultValue = "1",
            description = "Dry/wet mix in [0, 1]: 1 (default) fully denoised, 0 the input unchanged.")
    double mix;

    @Option(names = "--full-band", paramLabel = "MODEL", description = "Model for files recorded above the main"
            + " model's rate (shipped name or .onnx at a higher rate, e.g. 48 kHz), so their whole band is denoised;"
            + " 'none' resamples every file to the main model's rate and keeps the band above it, scaled by the model's"
            + " gain. Default: " + DEFAULT_FULL_BAND_MODEL + " when --model is not given and this build ships it, else"
            + " none.")
    String fullBand;

    @Option(names = "--spectrogram", description = "Also write NAME.spectrogram.png beside each output: the first channel's"
            + " log spectrogram before (top) and after (bottom).")
    boolean spectrogram;

    @Override
    public Integer call() throws Exception {
        if (Double.isNaN(attenLim) || attenLim < 0) {
            throw files.usage("--atten-lim is a positive number of dB (0 for no limit), got " + attenLim);
        }
        if (!(mix >= 0 && mix <= 1)) {
            throw files.usage("--mix is a share in [0, 1] (1 = fully denoised), got " + mix);
        }
        ModelOptions.checkThreads(modelOptions.threads, files.mixee);
        FileBatch plan = new FileBatch(files, KIND);
        int workers = plan.workers(modelOptions.threads, true, ModelOptions.device(modelOptions.device, files.mixee)
                .equals(dev.hush.runtime.Device.CPU));
        String name = modelOptions.model != null ? modelOptions.model : DEFAULT_MODEL;
        String wide = fullBandModel(fullBand, modelOptions.model);
        SessionConfig config = new SessionConfig(ModelOptions.device(modelOptions.device, files.mixee),
                FileBatch.intraOpThreads(modelOptions.threads, workers));
        try (DenoiserModel m = ModelOptions.open(name, config, Domain.AUDIO);
             DenoiserModel w = wide == null ? null : ModelOptions.open(wide, config, Domain.AUDIO)) {
            AudioDenoiser denoiser = new AudioDenoiser(m).withAttenuationLimit(attenLim).withMix(mix);
            FileDenoiser fileDenoiser = new FileDenoiser(denoiser).spectrograms(spectrogram);
            if (w != null) {
                AudioDenoiser wideDenoiser = new AudioDenoiser(w).withAttenuationLimit(attenLim).withMix(mix);
                try {
                    fileDenoiser.fullBand(wideDenoiser);
                } catch (IllegalArgumentException e) { // not above the main model's rate
                    throw files.usage("--full-band " + wide + " runs at " + wideDenoiser.sampleRate() + " Hz, not above "
                            + m.contract().name() + "'s " + denoiser.sampleRate() + " Hz; give a model of a higher rate"
                            + " (e.g. 48 kHz) or --full-band none");
                }
            }
            double wall = plan.run(workers, true, (in, out, share, run) -> {
                double seconds = AudioFiles.probeSeconds(in);
                FileDenoiser.Result r = fileDenoiser.denoise(in, out, (frames, rate) -> {
                    if (rate > 0 && seconds > 0) {
                        share.accept(frames / (double) rate / seconds);
                    }
                }, run);
                List<String> report = new ArrayList<>();
                String notes = r.notes().isEmpty() ? "" : "; " + String.join("; ", r.notes());
                report.add("wrote " + out + " (" + r.format() + notes + ")");
                if (r.spectrogram() != null) {
                    report.add("wrote " + r.spectrogram());
                }
                long ffmpeg = r.notes().stream().anyMatch(n -> n.contains("ffmpeg")) ? 1 : 0;
                ffmpegFiles.addAndGet(ffmpeg);
                return new FileBatch.Done(r.seconds(), r.warnings(), report);
            });
            double audio = plan.amount();
            int code = plan.report(String.format(Locale.ROOT, "%s, %s of audio in %s (%.1f× real time) with %s on %s",
                    plan.counts("file(s)"), duration(audio), ProgressBar.time(wall), audio / Math.max(wall, 1e-9),
                    m.contract().name() + (w == null ? "" : " (" + w.contract().name() + " for files above "
                            + denoiser.sampleRate() / 1000 + " kHz)"), m.device()));
            if (ffmpegFiles.get() > 0) {
                System.err.println(ffmpegFiles.get() + " file(s) decoded by ffmpeg were written as 32-bit float WAV");
            }
            return code;
        }
    }

    /**
     * The full-band model of {@code --full-band} (null for 'none'); when it is not given, the shipped
     * {@link #DEFAULT_FULL_BAND_MODEL} if no {@code --model} was given and this build ships it, else null.
     */
    static String fullBandModel(String option, String model) {
        if (option != null) {
            return option.equals("none") ? null : option;
        }
        return model == null && dev.hush.runtime.ShippedModels.names().contains(DEFAULT_FULL_BAND_MODEL)
                ? DEFAULT_FULL_BAND_MODEL : null;
    }

    private final AtomicLong ffmpegFiles = new AtomicLong();

    static String duration(double seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%.2f h", seconds / 3600);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
