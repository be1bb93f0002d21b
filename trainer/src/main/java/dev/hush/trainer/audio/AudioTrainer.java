package dev.hush.trainer.audio;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import dev.hush.runtime.Domain;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.audio.AudioMetrics;
import dev.hush.runtime.audio.AudioSpec;
import dev.hush.runtime.audio.Spectrogram;
import dev.hush.runtime.audio.Stft;
import dev.hush.trainer.TrainingLoop;
import dev.hush.trainer.Djl;
import dev.hush.trainer.arch.MaskNetwork;
import dev.hush.trainer.arch.RecurrentMaskNet;
import dev.hush.trainer.arch.SpectralMaskNet;
import dev.hush.trainer.LearningRate;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxGraph;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a speech denoiser with DJL: speech (espeak-ng or a folder) mixed on the fly with generated noise
 * at random SNR, STFT in Java, the network ({@link SpectralMaskNet}, or the recurrent {@link RecurrentMaskNet})
 * predicts a gain per bin from the noisy log-magnitudes, and the loss is the squared error between the masked noisy magnitude and the clean one
 * (both raised to {@code loss_power}, 1 by default; 0.3 compresses them so that quiet bins count),
 * relative to the clean energy of each segment plus a tenth of its noisy energy (a spectral SNR, so quiet and loud
 * segments count alike, bounded where a segment holds almost no speech).
 * Frames without their full past context are left out of the loss, because at run time every frame has it.
 * Each epoch the whole model is exported and run by the runtime on held-apart mixtures (other voices, other
 * sentences, other noise): SI-SDR, SNR and STOI improvement over the noisy input; the best epoch is kept.
 */
public final class AudioTrainer {
    private final AudioTrainingConfig config;
    private final TrainingLoop loop = new TrainingLoop();

    public AudioTrainer(AudioTrainingConfig config) {
        config.validate();
        this.config = config;
    }

    /** Asks training to stop after the current step; {@link #train} then throws {@link CancelledException}. */
    public void cancel() {
        loop.cancel();
    }

    /** Asks training to end early but keep what it learnt (as {@code ImageTrainer.stop}). */
    public void stop() {
        loop.stop();
    }

    /** One epoch's figures. Improvements are in dB (STOI: absolute) over the noisy input. */
    public record Epoch(int epoch, double trainLoss, double siSdrGain, double snrGain, double stoiGain, double seconds) {
    }

    public record Result(ModelProto model, MaskNetwork network, AudioSpec spec, double framesPerSecond,
                         double gflops, double seconds, long steps, double exportMaxDiff, List<Epoch> history,
                         int bestEpoch, Epoch best, String dataOrigin, double totalSeconds, long totalSteps) {
    }

    public Result train(TrainingProgress progress) {
        int rate = config.sampleRate();
        int nFft = config.nFft();
        int hop = config.hop();
        int bins = nFft / 2;
        int frames = config.frames();
        int batch = config.batch();
        Engine engine = Djl.pytorch(config.threads());
        engine.setRandomSeed((int) config.seed());
        MaskNetwork net = config.recurrent()
                ? new RecurrentMaskNet(bins, config.width(), config.hidden(), config.layers())
                : new SpectralMaskNet(bins, config.width());
        int context = net.context();
        if (frames <= context + 8) {
            throw new IllegalArgumentException("frames must exceed the model's context (" + context + ") by more than 8,"
                    + " got " + frames);
        }
        AudioSpec spec = new AudioSpec(rate, nFft, hop, bins, context, net.lookahead(), Spectrogram.LOG_EPS,
                net.stateSize());
        Stft stft = new Stft(nFft, hop);
        // A segment of frames·hop − (n_fft − hop) samples gives exactly `frames` STFT frames.
        int segment = frames * hop - stft.latency();

        progress.message("preparing speech (" + config.speech() + ")");
        List<float[]> speech;
        List<float[]> heldOut;
        List<float[]> recordings = List.of();
        List<float[]> valRecordings = List.of();
        String origin;
        try {
            Path cache = Path.of(config.cache());
            int count = config.utterances();
            if (config.speechFolder() == null) {
                speech = SpeechCorpus.espeak(count, config.seed(), false, rate, cache);
                heldOut = SpeechCorpus.espeak(Math.max(8, config.valMixtures()), config.seed() + 1_000_003L,
                        true, rate, cache);
                origin = count + " sentences spoken by espeak-ng (text from Hush's own word lists, voices "
                        + String.join("/", SpeechCorpus.LANGUAGES) + " with variants " + String.join("/",
                        SpeechCorpus.TRAIN_VARIANTS) + ", random speed and pitch); validation on variants "
                        + String.join("/", SpeechCorpus.HELD_OUT_VARIANTS) + " and other sentences";
            } else {
                List<float[]> all = SpeechCorpus.folder(Path.of(config.speechFolder()), rate);
                if (!config.valSpeech().isBlank()) {
                    speech = all;
                    heldOut = SpeechCorpus.folder(Path.of(config.valSpeech()), rate);
                    origin = all.size() + " speech files from " + Path.of(config.speechFolder()).toAbsolutePath()
                            + "; validation on " + heldOut.size() + " from " + Path.of(config.valSpeech())
                            .toAbsolutePath();
                } else {
                    if (all.size() < 4) {
                        throw new IllegalArgumentException("the speech folder needs at least 4 utterances, found "
                                + all.size());
                    }
                    int val = Math.max(1, all.size() / 10);
                    heldOut = new ArrayList<>(all.subList(0, val));
                    speech = new ArrayList<>(all.subList(val, all.size()));
                    origin = all.size() + " speech files from " + Path.of(config.speechFolder()).toAbsolutePath()
                            + " (first " + val + " held apart for validation)";
                }
                if (config.espeakSpeech()) {
                    // A mix-in: espeak-ng's endless sentences beside the recordings (validation stays on the recordings).
                    speech = new ArrayList<>(speech);
                    speech.addAll(SpeechCorpus.espeak(count, config.seed(), false, rate, cache));
                    origin += "; mixed with " + count + " sentences spoken by espeak-ng";
                }
            }
            if (!config.noiseData().isBlank()) {
                recordings = SpeechCorpus.folder(Path.of(config.noiseData()), rate);
                valRecordings = config.valNoiseData().isBlank() ? recordings
                        : SpeechCorpus.folder(Path.of(config.valNoiseData()), rate);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String speechOrigin = origin;
        List<String> kinds = NoiseSignals.parse(config.noise());
        double[] snr = config.snrRange();
        LossyCodecs codecs = LossyCodecs.select(config.codecs());
        SpeechMixer mixer = new SpeechMixer(speech, speech, kinds, snr[0], snr[1], rate)
                .reverb(config.reverb()).augment(config.augment()).recordings(recordings).codecs(codecs);
        SpeechMixer valMixer = new SpeechMixer(heldOut, heldOut, kinds, snr[0], snr[1], rate)
                .reverb(config.reverb()).augment(config.augment()).recordings(valRecordings).codecs(codecs);
        List<SpeechMixer.Mixture> val = new ArrayList<>();
        SplittableRandom valRnd = new SplittableRandom(config.seed() + 2_000_003L);
        int valLen = (int) Math.round(config.valSeconds() * rate);
        double[] valSnrs = {0, 5, 10};
        for (int i = 0; i < config.valMixtures(); i++) {
            val.add(valMixer.make(valLen, valSnrs[i % valSnrs.length], valRnd));
        }
        String noiseOrigin = "noise kinds " + String.join(", ", kinds) + (recordings.isEmpty() ? " (all generated)"
                : " ('recorded': excerpts of " + recordings.size() + " real recordings from "
                + Path.of(config.noiseData()).toAbsolutePath() + (config.valNoiseData().isBlank() ? ""
                : "; validation on " + valRecordings.size() + " others from "
                + Path.of(config.valNoiseData()).toAbsolutePath()) + ")")
                + ", one to three at once, SNR " + snr[0] + " to " + snr[1]
                + " dB, random gain (peak −30 to −0.5 dBFS)" + (config.reverb() > 0 ? ", "
                + Math.round(100 * config.reverb()) + " % of the speech in simulated rooms (RT60 0.2–0.8 s;"
                + " target: direct sound and the first 50 ms)" : "") + (config.augment() > 0 ? ", microphone"
                + " EQ on " + Math.round(100 * config.augment()) + " %, telephone band" + (codecs.isEmpty()
                ? " and clipping on " : ", clipping and a lossy codec (" + codecs.names() + ", through FFmpeg) on ")
                + Math.round(25 * config.augment()) + " % each" : "");

        int epochs = config.epochs();
        int stepsPerEpoch = config.steps();
        long total = (long) epochs * stepsPerEpoch;
        float lr = (float) config.lr();
        float power = (float) config.lossPower();
        // Resumed runs go on along the same schedule; resumed and warm-started runs warm the rate up first.
        LearningRate schedule = new LearningRate(lr, total);
        DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optClipGrad(5f).build())
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        SplittableRandom rnd = new SplittableRandom(config.seed());
        Shape inShape = new Shape(batch, 1, bins, frames);
        int lossFrames = frames - context;
        Shape lossShape = new Shape(batch, 1, bins, lossFrames);
        float[] features = new float[batch * bins * frames];
        float[] noisyMag = new float[batch * bins * lossFrames];
        float[] cleanMag = new float[noisyMag.length];
        List<Epoch> history = new ArrayList<>();
        TrainingLoop.Task task = new TrainingLoop.Task() {
            @Override
            public NDArray loss(Trainer trainer, NDManager nd) {
                for (int b = 0; b < batch; b++) {
                    SpeechMixer.Mixture m = mixer.make(segment, rnd);
                    Spectrogram ny = stft.analyze(m.noisy());
                    Spectrogram cl = stft.analyze(m.clean());
                    fill(ny, cl, b, bins, frames, context, features, noisyMag, cleanMag);
                }
                NDArray x = nd.create(features, inShape);
                NDArray my = nd.create(noisyMag, lossShape);
                NDArray ms = nd.create(cleanMag, lossShape);
                NDArray g = trainer.forward(new NDList(x)).head().get(new NDIndex(":, :, :, {}:", context));
                NDArray est = g.mul(my);
                if (power != 1f) {
                    // Compressed magnitudes (|.|^p, p < 1) weigh quiet bins more: the residual noise between words and
                    // in weak high bands counts, not only the loud vowels.
                    est = est.add(1e-6f).pow(power);
                    my = my.pow(power);
                    ms = ms.pow(power);
                }
                NDArray err = est.sub(ms).square().sum(new int[] {1, 2, 3});
                // A tenth of the noisy energy in the denominator keeps segments with (almost) no speech from dividing by
                // nothing: real recordings have pauses, and one such segment made the loss 10^7 and wrecked a run.
                NDArray ref = ms.square().sum(new int[] {1, 2, 3}).add(my.square().sum(new int[] {1, 2, 3}).mul(0.1f))
                        .add(1e-6f);
                return err.div(ref).mean();
            }

            @Override
            public double validate(Trainer trainer, int epoch, double trainLoss, double seconds) {
                Epoch e = AudioTrainer.this.validate(net, spec, val, rate, epoch, trainLoss, seconds);
                history.add(e);
                progress.message(String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, validation SI-SDR %+.2f dB,"
                        + " SNR %+.2f dB, STOI %+.3f over the noisy input", epoch, epochs, e.trainLoss(), e.siSdrGain(),
                        e.snrGain(), e.stoiGain()));
                progress.epoch(epoch, epochs, e.trainLoss(), e.siSdrGain());
                return e.siSdrGain();
            }

        };
        TrainingLoop.Settings settings = new TrainingLoop.Settings(epochs, stepsPerEpoch, config.patience(),
                config.checkpoint(), config.resume(), config.warmStart(), inShape, "validation SI-SDR gain");
        try (Model model = Model.newInstance(config.name(), engine.getEngineName())) {
            return loop.run(model, net, null, djlConfig, schedule, settings, task, progress, (trainer, outcome) -> {
                Epoch best = history.stream().filter(e -> e.epoch() == outcome.bestEpoch()).findFirst().orElse(null);
                double seconds = outcome.seconds();
                long step = outcome.steps();
                double fps = step * batch * (double) frames / seconds;
                double gflops = fps * net.macsPerFrame() * 2 * 3 / 1e9;
                int codecFailures = mixer.codecFailures() + valMixer.codecFailures();
                if (codecFailures > 0) {
                    progress.message(codecFailures + " lossy-codec round trips failed in FFmpeg; those mixtures went"
                            + " uncoded");
                }
                progress.message(String.format(Locale.ROOT, "trained %d steps in %.1f s: %.0f frames/s (%.1f× real time),"
                        + " %.1f GFLOP/s", step, seconds, fps, fps * hop / rate, gflops));
                String data = speechOrigin + "; " + noiseOrigin;
                ModelProto onnx = export(net, spec, metadata(net, spec, best, data));
                double diff = net.stateSize() > 0
                        ? ExportCheck.maxStreamingDifference(net, trainer.getManager(), onnx, new long[] {2, 1, bins, 57},
                        23, net.stateSize(), config.seed())
                        : ExportCheck.maxAbsDifference(net, trainer.getManager(), onnx, new long[] {2, 1, bins, 57},
                        config.seed());
                if (!(diff <= ExportCheck.TOLERANCE)) {
                    throw new IllegalStateException("the ONNX export differs from the trained network by " + diff
                            + "; this is a bug in the exporter, please report it");
                }
                progress.message(String.format(Locale.ROOT, "export check: max |DJL - ONNX Runtime| = %.2e", diff));
                return new Result(onnx, net, spec, fps, gflops, seconds, step, diff, history, best == null ? 0
                        : best.epoch(), best, data, outcome.priorSeconds() + seconds, outcome.priorSteps() + step);
            });
        }
    }

    /**
     * Writes one training segment: features (bins × frames) and the magnitudes of the loss frames. The features are
     * the runtime's own ({@link Spectrogram#logMagnitude}), so the network trains on exactly what it will be given.
     */
    private static void fill(Spectrogram noisy, Spectrogram clean, int b, int bins, int frames, int context,
                             float[] features, float[] noisyMag, float[] cleanMag) {
        int full = noisy.bins();
        int lossFrames = frames - context;
        float[] logY = noisy.logMagnitude(Spectrogram.LOG_EPS);
        float[] magY = noisy.magnitude();
        float[] magS = clean.magnitude();
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < bins; k++) {
                int i = t * full + k;
                features[(b * bins + k) * frames + t] = logY[i];
                if (t >= context) {
                    int j = (b * bins + k) * lossFrames + t - context;
                    noisyMag[j] = magY[i];
                    cleanMag[j] = magS[i];
                }
            }
        }
    }

    /**
     * Validates the network as users will run it: exported to ONNX with the contract, opened in ONNX Runtime and
     * run by the runtime's {@link AudioDenoiser} over each whole mixture, so the figures written into the model are
     * the ones the runtime gives (the same STFT, features, past padding and synthesis).
     */
    private Epoch validate(MaskNetwork net, AudioSpec spec, List<SpeechMixer.Mixture> val, int rate, int epoch,
                           double loss, double seconds) {
        Map<String, String> meta = contract(spec);
        meta.put(ModelContract.NAME, config.name());
        byte[] onnx = export(net, spec, meta).toByteArray();
        double si = 0;
        double snr = 0;
        double stoi = 0;
        try (DenoiserModel m = DenoiserModel.fromBytes(onnx, "the network after epoch " + epoch,
                SessionConfig.defaults().withThreads(1))) {
            AudioDenoiser d = new AudioDenoiser(m);
            for (SpeechMixer.Mixture x : val) {
                float[] out = d.denoise(x.noisy(), ProgressListener.NONE);
                si += AudioMetrics.siSdr(out, x.clean()) - AudioMetrics.siSdr(x.noisy(), x.clean());
                snr += AudioMetrics.snr(out, x.clean()) - AudioMetrics.snr(x.noisy(), x.clean());
                stoi += AudioMetrics.stoi(out, x.clean(), rate) - AudioMetrics.stoi(x.noisy(), x.clean(), rate);
            }
        } catch (HushException e) {
            throw new IllegalStateException("the runtime could not run the network exported after epoch " + epoch
                    + ": " + e.getMessage(), e);
        }
        int n = val.size();
        return new Epoch(epoch, loss, si / n, snr / n, stoi / n, seconds);
    }

    /**
     * N×1×bins×T in and out, bins fixed, N and T dynamic; a recurrent network also takes {@code state_in} and gives
     * {@code state_out} (N×S).
     */
    public static ModelProto export(MaskNetwork net, AudioSpec spec, Map<String, String> metadata) {
        OnnxGraph g = new OnnxGraph("hush_" + net.kind());
        g.input("input", "N", 1L, (long) spec.bins(), "T");
        if (net.stateSize() > 0) {
            g.input(STATE_IN, "N", (long) net.stateSize());
            String[] outs = net.exportWithState(g, "input", STATE_IN);
            g.node("Identity", new String[] {outs[0]}, new String[] {"output"}, Map.of());
            g.node("Identity", new String[] {outs[1]}, new String[] {STATE_OUT}, Map.of());
            g.output("output", "N", 1L, (long) spec.bins(), "T");
            g.output(STATE_OUT, "N", (long) net.stateSize());
        } else {
            g.node("Identity", new String[] {net.export(g, "input")}, new String[] {"output"}, Map.of());
            g.output("output", "N", 1L, (long) spec.bins(), "T");
        }
        return g.build(metadata, OnnxExport.PRODUCER_VERSION);
    }

    /** The names of a recurrent model's state input and output. */
    public static final String STATE_IN = "state_in";
    public static final String STATE_OUT = "state_out";

    /** The audio contract plus provenance. */
    public static Map<String, String> contract(AudioSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelContract.FORMAT, Integer.toString(ModelContract.FORMAT_VERSION));
        m.put(ModelContract.DOMAIN, Domain.AUDIO.key());
        m.put(ModelContract.OUTPUT, "mask");
        m.put(ModelContract.INPUT_NAME, "input");
        m.put(ModelContract.OUTPUT_NAME, "output");
        m.put(ModelContract.CHANNELS, "1");
        m.put(ModelContract.NORM, "none");
        m.put(ModelContract.HALO, Integer.toString(spec.context()));
        m.put(ModelContract.SIZE_MULTIPLE, "1");
        if (spec.stateSize() > 0) {
            m.put(ModelContract.STATE_INPUT_NAME, STATE_IN);
            m.put(ModelContract.STATE_OUTPUT_NAME, STATE_OUT);
        }
        m.putAll(spec.metadata());
        return m;
    }

    private Map<String, String> metadata(MaskNetwork net, AudioSpec spec, Epoch best, String data) {
        Map<String, String> m = contract(spec);
        m.put(ModelContract.NAME, config.name());
        m.put(ModelContract.DESCRIPTION, config.description());
        m.put(ModelContract.ARCHITECTURE, net.describe());
        m.put(ModelContract.TRAINING_MODE, config.speechFolder() == null ? "synthetic" : "supervised");
        m.put(ModelContract.NOISE_MODEL, "additive: " + config.noise() + ", snr " + config.snr() + " dB");
        m.put(ModelContract.DATA, data + ", seed " + config.seed());
        m.put(ModelContract.METRICS, best == null ? "n/a" : String.format(Locale.ROOT,
                "val_si_sdr_gain=%.2f;val_snr_gain=%.2f;val_stoi_gain=%.3f", best.siSdrGain(), best.snrGain(),
                best.stoiGain()));
        m.put(ModelContract.TRAINER, "hush-trainer " + OnnxExport.PRODUCER_VERSION + ", DJL " + Engine.getDjlVersion()
                + ", recipe: " + config.toRecipe().replace('\n', ';'));
        return m;
    }
}
