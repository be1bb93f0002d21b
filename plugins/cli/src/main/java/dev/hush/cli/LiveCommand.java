package dev.hush.cli;

import be.tarsos.dsp.AudioDispatcher;
import be.tarsos.dsp.io.jvm.AudioDispatcherFactory;
import be.tarsos.dsp.io.jvm.AudioPlayer;
import dev.hush.tarsos.DenoiseProcessor;
import dev.hush.audio.AudioFiles;
import dev.hush.tarsos.WavRecorder;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "live", mixinStandardHelpOptions = true,
        description = {"Denoise the microphone live: microphone → denoise → speakers (or --out FILE.wav).",
                "Records 16-bit mono at the model's rate through javax.sound (TarsosDSP), one STFT hop at a time; the"
                        + " delay is printed at the start. Stop with Ctrl-C (a --out file is completed) or --seconds."})
final class LiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME|PATH",
            description = "Shipped audio model name or a .onnx file. Default: " + AudioCommand.DEFAULT_MODEL + ".")
    String model;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu (default), cuda[:N], … or auto.")
    String device;

    @Option(names = "--atten-lim", paramLabel = "DB", defaultValue = "0",
            description = "Remove at most DB dB from any frequency; 0 (default): no limit.")
    double attenLim;

    @Option(names = "--mix", paramLabel = "WET", defaultValue = "1", description = "Dry/wet mix in [0, 1] (default 1).")
    double mix;

    @Option(names = "--out", paramLabel = "FILE.wav", description = "Write the denoised audio to a 16-bit WAV file instead of"
            + " playing it.")
    Path out;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0", description = "Stop after S seconds (default 0: run"
            + " until Ctrl-C).")
    double seconds;

    @Override
    public Integer call() throws Exception {
        if (Double.isNaN(attenLim) || attenLim < 0) {
            throw new ParameterException(spec.commandLine(), "--atten-lim is a positive number of dB (0 for none)");
        }
        if (!(mix >= 0 && mix <= 1)) {
            throw new ParameterException(spec.commandLine(), "--mix is a share in [0, 1], got " + mix);
        }
        if (!(seconds >= 0)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be 0 (until Ctrl-C) or more");
        }
        if (out != null && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")) {
            throw new ParameterException(spec.commandLine(), "--out writes a WAV file; name it .wav");
        }
        // Devices first: without a microphone there is nothing to do, whatever the model.
        String missing = missingDevices(out == null);
        if (missing != null) {
            System.err.println("hush: " + missing);
            return Hush.EXIT_FAILED;
        }
        try (DenoiserModel m = ModelOptions.open(model, new SessionConfig(ModelOptions.device(device, spec), 1), Domain.AUDIO)) {
            AudioDenoiser denoiser = new AudioDenoiser(m).withBlockFrames(1).withAttenuationLimit(attenLim).withMix(mix);
            int rate = denoiser.sampleRate();
            int hop = denoiser.spec().hop();
            AudioDispatcher dispatcher;
            try {
                dispatcher = AudioDispatcherFactory.fromDefaultMicrophone(rate, hop, 0);
            } catch (LineUnavailableException | IllegalArgumentException e) {
                System.err.println("hush: cannot open the microphone for 16-bit mono at " + rate + " Hz: " + e.getMessage()
                        + "; check that it is connected and not used by another program");
                return Hush.EXIT_FAILED;
            }
            DenoiseProcessor processor = new DenoiseProcessor(denoiser, dispatcher);
            dispatcher.addAudioProcessor(processor);
            WavRecorder recorder = null;
            if (out != null) {
                AudioFiles.requireWritableFolder(out);
                recorder = new WavRecorder(out, rate, 16);
                dispatcher.addAudioProcessor(recorder);
            } else {
                try {
                    dispatcher.addAudioProcessor(new AudioPlayer(new AudioFormat(rate, 16, 1, true, false), hop));
                } catch (LineUnavailableException e) {
                    dispatcher.stop();
                    System.err.println("hush: cannot open the speakers for 16-bit mono at " + rate + " Hz: " + e.getMessage()
                            + "; use --out FILE.wav to write the denoised audio to a file");
                    return Hush.EXIT_FAILED;
                }
            }
            System.err.printf(Locale.ROOT, "listening with %s on %s; delay %.0f ms (%d samples); %s%n", m.contract().name(),
                    m.device(), 1000 * processor.latencySeconds(), processor.latencySamples(),
                    seconds > 0 ? "for " + seconds + " s" : "Ctrl-C to stop");
            Thread worker = new Thread(dispatcher, "hush-live");
            Thread hook = new Thread(() -> {
                dispatcher.stop();
                try {
                    worker.join(5000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            worker.start();
            if (seconds > 0) {
                worker.join((long) (seconds * 1000));
                dispatcher.stop();
            }
            worker.join();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Shutting down already.
            }
            if (recorder != null) {
                if (recorder.failure() != null) {
                    throw recorder.failure();
                }
                System.err.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out, recorder.samples() / (double) rate);
            }
        }
        return 0;
    }

    /** Why live audio cannot run here (no capture or playback line at all), or null when the lines exist. */
    static String missingDevices(boolean needSpeakers) {
        Mixer.Info[] mixers = AudioSystem.getMixerInfo();
        boolean capture = AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, null));
        boolean playback = AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class, null));
        if (!capture) {
            return "no microphone: Java sees no audio input device on this machine (" + mixers.length + " audio mixer"
                    + (mixers.length == 1 ? "" : "s") + ", none that records). Connect one (and check that this user may"
                    + " use it), or denoise a recording with 'hush audio FILE -o OUT'";
        }
        if (needSpeakers && !playback) {
            return "no speakers: Java sees no audio output device on this machine; use --out FILE.wav to write the denoised"
                    + " audio to a file instead";
        }
        return null;
    }
}
