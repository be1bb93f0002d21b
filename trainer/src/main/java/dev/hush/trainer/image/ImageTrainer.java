package dev.hush.trainer.image;

import dev.hush.trainer.TrainingLoop;
import dev.hush.trainer.TrainingProgress;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.hush.runtime.CancelledException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.image.Normalization;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.trainer.Djl;
import dev.hush.trainer.LearningRate;
import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.image.data.BlindSpotPatches;
import dev.hush.trainer.image.data.CleanImages;
import dev.hush.trainer.image.data.FolderPairs;
import dev.hush.trainer.image.data.ImageFolder;
import dev.hush.trainer.image.data.PatchSource;
import dev.hush.trainer.image.data.PlanePairs;
import dev.hush.trainer.image.data.SyntheticPairs;
import dev.hush.trainer.image.noise.NoiseModel;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an image denoiser with DJL on synthetic pairs (clean images + a noise model) and turns it
 * into a Hush ONNX model. The loop is plain: sample a batch, forward, mean squared error, backward,
 * Adam step with a cosine learning-rate decay; after each epoch, PSNR on a held-apart validation
 * set generated from a different seed.
 */
public final class ImageTrainer {
    private final ImageTrainingConfig config;
    private final TrainingPlanes planes;
    private final TrainingLoop loop = new TrainingLoop();

    public ImageTrainer(ImageTrainingConfig config) {
        config.validate();
        this.config = config;
        this.planes = null;
    }

    /**
     * Trains on planes handed over in memory instead of folders: mode {@code n2v} with {@link TrainingPlanes#noisy},
     * mode {@code pairs} with {@link TrainingPlanes#pairs}. The {@code data} and {@code target} keys are not read then
     * (they may describe the data for the recipe); there is no held-apart validation set for Noise2Void, and pairs are
     * validated on their first four planes, as folders are.
     */
    public ImageTrainer(ImageTrainingConfig config, TrainingPlanes planes) {
        config.validate(true);
        String mode = config.mode();
        String wanted = planes.paired() ? "pairs" : "n2v";
        if (!mode.equals(wanted)) {
            throw new IllegalArgumentException((planes.paired() ? "noisy/clean pairs" : "noisy planes alone")
                    + " train in mode " + wanted + ", not " + mode);
        }
        this.config = config;
        this.planes = planes;
    }

    /** Asks training to stop after the current step; {@link #train} then throws {@link CancelledException}. */
    public void cancel() {
        loop.cancel();
    }

    /**
     * Asks training to end early but keep what it learnt: after the current step the partial epoch is validated like
     * a whole one, and {@link #train} returns the best weights so far (exported, checked and calibrated as usual).
     * Before the first step it is a {@link #cancel}.
     */
    public void stop() {
        loop.stop();
    }

    /** What training produced: the ONNX model and the figures for the card. */
    public record Result(ModelProto model, Network network, double patchesPerSecond, double gflops, double seconds,
                         double finalValPsnr, long steps, double exportMaxDiff, List<Epoch> history, int bestEpoch,
                         ModelProto encoder, ModelProto decoder, double totalSeconds, long totalSteps) {
        /** True when the network's halves were exported too ({@link Network#separableCode()}). */
        public boolean hasLatent() {
            return encoder != null;
        }
    }

    /**
     * One epoch's figures, for the training curve and report. {@code bottleneckActivity} is the mean absolute
     * activation of the bottleneck over the epoch's training steps (NaN for a network without one).
     */
    public record Epoch(int epoch, double trainLoss, double valPsnr, double valSsim, double seconds,
                        double bottleneckActivity) {
    }

    public Result train(TrainingProgress progress) {
        int threads = config.threads();
        String mode = config.mode();
        Engine engine = Djl.pytorch(threads);
        // Seeds weight initialisation too, so a recipe gives the same model on the same machine.
        engine.setRandomSeed((int) config.seed());
        int channels = config.channels();
        int patch = config.patch();
        boolean volumetric = config.dims() == 3;
        // A 3-D patch is patch_z planes of patch×patch; a 2-D one is one plane.
        int patchZ = volumetric ? config.patchZ() : 1;
        // The network this config builds at a given width (a warm start may come from a narrower one).
        java.util.function.IntFunction<Network> build = width -> volumetric
                ? Architectures.createVolumetric(config.architecture(), channels, config.depth(), width)
                : Architectures.create(config.architecture(), channels, config.depth(), width, patch,
                (float) config.dropout(), config.globalResidual(),
                config.blocks(), config.code());
        Network net = build.apply(config.width());
        if (config.quantBits() > 0) {
            if (!(net instanceof dev.hush.trainer.arch.EncoderDecoderNet ed)) {
                throw new IllegalArgumentException("quant_bits trains a codec's code, which needs architecture=conv with"
                        + " global_residual=false; " + config.architecture() + " has no separable code");
            }
            ed.quantisationAware(config.quantBits());
        }
        if (net.noiseLevelInput() && (mode.equals("n2v") || planes != null && !planes.paired())) {
            throw new IllegalArgumentException(net.kind() + " takes the noise level as an input, which is learnt from"
                    + " clean targets; Noise2Void has none, so use residual, conv or unet with mode n2v");
        }
        int inChannels = channels + (net.noiseLevelInput() ? 1 : 0);
        int batch = config.batch();
        int multiple = net.sizeMultiple();
        // Networks that downsample need H and W divisible by 2^levels; say so before any training.
        if (patch % multiple != 0 || config.valSize() % multiple != 0) {
            throw new IllegalArgumentException("patch and val_size must be multiples of " + multiple + " for "
                    + net.describe() + ", got patch=" + patch + ", val_size=" + config.valSize());
        }
        if (net.fixedSize() > 0 && config.valSize() < patch) {
            throw new IllegalArgumentException(net.kind() + " takes " + patch + "×" + patch + " patches only, so val_size"
                    + " must be at least patch (" + patch + "), got " + config.valSize());
        }
        // The L1 weight on the bottleneck's mean activity (sparse autoencoder); the config refuses it without one.
        float sparse = (float) config.sparse();
        int epochs = config.epochs();
        int stepsPerEpoch = config.steps();
        long total = (long) epochs * stepsPerEpoch;
        double normLow = config.normLow();
        double normHigh = config.normHigh();
        NoiseModel noise = NoiseModel.parse(config.noiseSpec());
        SplittableRandom rnd = new SplittableRandom(config.seed());
        boolean syntheticData = generatedData();
        ValidationSet val;
        PatchSource source;
        try {
            if (volumetric) {
                VolumeData v = volumeData(noise, normLow, normHigh, patch, patchZ, progress);
                source = v.source();
                val = v.val();
            } else if (planes != null) {
                TrainingPlanes data = planes.normalised(normLow, normHigh);
                source = data.patches(config.mask());
                val = data.paired() ? ValidationSet.fromPairs(data.pairs()) : null;
            } else if (mode.equals("synthetic") || mode.equals("anomaly")) {
                // A folder is read once: validation images come from the same source unless val_data names another.
                CleanImages clean = CleanImages.named(config.data());
                source = new SyntheticPairs(clean, noise, normLow, normHigh, Math.max(patch * 2, 96), channels);
                CleanImages valImages = config.valData().isBlank() ? clean : CleanImages.named(config.valData());
                val = ValidationSet.synthetic(valImages, config.valImages(), config.valSize(),
                        config.seed() + 1_000_003L, noise, normLow, normHigh, channels);
            } else if (mode.equals("n2v")) {
                List<float[]> images = new ArrayList<>();
                List<int[]> sizes = new ArrayList<>();
                String origin;
                if (syntheticData) {
                    // Noisy images only, made here, so Noise2Void can be tried (and tested) without a data set.
                    int size = Math.max(2 * patch, 128);
                    SplittableRandom gen = new SplittableRandom(config.seed() + 7);
                    for (int i = 0; i < 32; i++) {
                        float[] n = noise.apply(CleanImages.named(config.data()).generate(size, size, gen), gen);
                        Normalization.percentile(n, normLow, normHigh).applyInPlace(n);
                        images.add(n);
                        sizes.add(new int[] {size, size});
                    }
                    origin = "Noise2Void on 32 noisy images from the " + CleanImages.named(config.data()).describe() + " (" + noise.describe() + "), clean never seen";
                    val = ValidationSet.synthetic(CleanImages.named(config.data()), config.valImages(), config.valSize(),
                            config.seed() + 1_000_003L, noise, normLow, normHigh, 1);
                } else {
                    ImageFolder.Contents c = ImageFolder.read(Path.of(config.data()));
                    c.failures().forEach(f -> progress.message("skipped " + f));
                    for (ImageFolder.Plane p : c.planes()) {
                        float[] n = p.pixels().clone();
                        Normalization.percentile(n, normLow, normHigh).applyInPlace(n);
                        images.add(n);
                        sizes.add(new int[] {p.width(), p.height()});
                    }
                    origin = "Noise2Void on " + c.planes().size() + " noisy plane(s) from " + Path.of(config.data())
                            .toAbsolutePath();
                    val = null;
                }
                source = new BlindSpotPatches(images, sizes, config.mask(), origin);
            } else {
                FolderPairs pairs = new FolderPairs(Path.of(config.data()), Path.of(config.target()), normLow,
                        normHigh, mode, channels);
                pairs.failures().forEach(f -> progress.message("skipped " + f));
                source = pairs.planes();
                val = ValidationSet.fromPairs(pairs.planes());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String dataOrigin = source.describe();

        float lr = (float) config.lr();
        // A resumed run goes on along the same schedule: its first update is the one after the checkpoint's epoch.
        // Resumed and warm-started runs warm the rate up while Adam's moments fill (LearningRate says why).
        LearningRate schedule = new LearningRate(lr, total);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule)
                .optWeightDecays((float) config.weightDecay()).build();
        DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(adam)
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
                        Parameter.Type.WEIGHT);

        Shape inShape = volumetric ? new Shape(batch, inChannels, patchZ, patch, patch)
                : new Shape(batch, inChannels, patch, patch);
        Shape targetShape = volumetric ? new Shape(batch, channels, patchZ, patch, patch)
                : new Shape(batch, channels, patch, patch);
        float[] noisy = new float[batch * channels * patchZ * patch * patch];
        float[] clean = new float[noisy.length];
        float[] mask = new float[noisy.length];
        float[] withLevel = net.noiseLevelInput() ? new float[batch * inChannels * patch * patch] : null;
        boolean psnrLoss = config.loss().equals("psnr");
        List<Epoch> history = new ArrayList<>();
        long[] samplingNanos = {0};
        double[] activitySum = {0};
        int[] activitySteps = {0};
        ValidationSet validation = val;
        TrainingLoop.Task task = new TrainingLoop.Task() {
            @Override
            public NDArray loss(Trainer trainer, NDManager m) {
                long t0 = System.nanoTime();
                source.fill(noisy, clean, mask, 0, batch, patch, rnd);
                samplingNanos[0] += System.nanoTime() - t0;
                NDArray x = withLevel == null ? m.create(noisy, inShape)
                        : m.create(withTrueNoiseLevel(noisy, clean, batch, channels, patch * patch, withLevel), inShape);
                NDArray y = m.create(clean, targetShape);
                NDArray w = source.masked() ? m.create(mask, targetShape) : null;
                NDList out = trainer.forward(new NDList(x));
                NDArray sq = out.head().sub(y).square();
                // Noise2Void: only the blind spots count, each patch equally. The 'psnr' loss is the mean over patches
                // of ln(MSE + 1e-5) (a 50 dB ceiling): each patch's PSNR counts alike, where plain MSE lets the
                // noisiest patches outweigh the quiet ones.
                NDArray loss = w != null ? sq.mul(w).sum().div(w.sum().maximum(1f))
                        : psnrLoss ? sq.reshape(batch, -1).mean(new int[] {1}).add(1e-5f).log().mean() : sq.mean();
                if (net.exposesBottleneck()) {
                    NDArray activity = out.get(1).abs().mean();
                    activitySum[0] += activity.getFloat();
                    activitySteps[0]++;
                    if (sparse > 0) {
                        loss = loss.add(activity.mul(sparse));
                    }
                }
                return loss;
            }

            @Override
            public double validate(Trainer trainer, int epoch, double trainLoss, double seconds) {
                double[] score = validation == null ? new double[] {Double.NaN, Double.NaN} : validation.score(trainer, net);
                history.add(new Epoch(epoch, trainLoss, score[0], score[1], seconds,
                        net.exposesBottleneck() ? activitySum[0] / Math.max(1, activitySteps[0]) : Double.NaN));
                activitySum[0] = 0;
                activitySteps[0] = 0;
                progress.epoch(epoch, epochs, trainLoss, score[0], score[1]);
                return score[0];
            }

        };
        TrainingLoop.Settings settings = new TrainingLoop.Settings(epochs, stepsPerEpoch, config.patience(),
                config.checkpoint(), config.resume(), config.warmStart(), inShape, "validation PSNR");
        try (Model model = Model.newInstance(config.name(), engine.getEngineName())) {
            return loop.run(model, net, build, djlConfig, schedule, settings, task, progress, (trainer, outcome) -> {
                double finalVal = bestOrLast(outcome.best(), history);
                long trained = outcome.steps(); // fewer than planned after an early stop or a resume
                double seconds = outcome.seconds();
                double pps = trained * batch / seconds;
                // Forward + backward ≈ 3× the forward multiply-accumulates, 2 FLOPs each.
                double gflops = pps * patchZ * patch * patch * net.macsPerPixel() * 2 * 3 / 1e9;
                progress.message(String.format("trained %d steps in %.1f s: %.1f patches/s, %.1f GFLOP/s (%.0f%% of the time"
                        + " making data)", trained, seconds, pps, gflops, 100 * samplingNanos[0] / 1e9 / seconds));
                ModelProto onnx = OnnxExport.imageModel(net, channels, metadata(net, finalVal, dataOrigin, noise));
                // Odd, non-square sizes (rounded up to the size multiple) catch transposed axes and padding slips.
                long[] checkShape = net.fixedSize() > 0 ? new long[] {3, inChannels, patch, patch}
                        : volumetric ? new long[] {1, inChannels, roundUp(11, net.sizeMultipleZ()), roundUp(29, multiple),
                        roundUp(37, multiple)}
                        : new long[] {1, inChannels, roundUp(45, multiple), roundUp(53, multiple)};
                double diff = ExportCheck.maxAbsDifference(net, trainer.getManager(), onnx, checkShape, config.seed());
                if (!(diff <= ExportCheck.TOLERANCE)) {
                    throw new IllegalStateException("the ONNX export differs from the trained network by " + diff
                            + " (more than " + ExportCheck.TOLERANCE + "); this is a bug in the exporter, please report it");
                }
                progress.message(String.format("export check: max |DJL - ONNX Runtime| = %.2e", diff));
                if (mode.equals("anomaly")) {
                    onnx = AnomalyEvaluation.calibrated(onnx, CleanImages.named(config.valData().isBlank()
                            ? config.data() : config.valData()), config, progress);
                }
                ModelProto encoder = null;
                ModelProto decoder = null;
                if (net.separableCode()) {
                    Map<String, String> meta = metadata(net, finalVal, dataOrigin, noise);
                    encoder = OnnxExport.encoderModel(net, channels, meta);
                    decoder = OnnxExport.decoderModel(net, channels, meta);
                    double chain = ExportCheck.maxChainDifference(net, trainer.getManager(), encoder, decoder, checkShape,
                            config.seed());
                    if (!(chain <= ExportCheck.TOLERANCE)) {
                        throw new IllegalStateException("decoder(encoder(x)) differs from the trained network by " + chain
                                + "; this is a bug in the exporter, please report it");
                    }
                    progress.message(String.format("encoder and decoder exported: max |DJL - decoder(encoder(x))| = %.2e",
                            chain));
                }
                return new Result(onnx, net, pps, gflops, seconds, finalVal, trained, diff, history, outcome.bestEpoch(),
                        encoder, decoder, outcome.priorSeconds() + seconds, outcome.priorSteps() + trained);
            });
        }
    }

    /** The best epoch's validation PSNR, or the last epoch's when none was best (NaN: no validation). */
    private static double bestOrLast(double best, List<Epoch> history) {
        return !Double.isNaN(best) || history.isEmpty() ? best : history.get(history.size() - 1).valPsnr();
    }

    /**
     * Copies {@code count} C-channel inputs into {@code out} with a noise-level plane after each: the standard deviation
     * of (input − target) over that patch, the true level a noise-level network learns to take (the runtime estimates
     * the same quantity, or the user gives it).
     */
    static float[] withTrueNoiseLevel(float[] noisy, float[] clean, int count, int channels, int area, float[] out) {
        int per = channels * area;
        for (int k = 0; k < count; k++) {
            double sum = 0;
            double sq = 0;
            for (int i = k * per; i < (k + 1) * per; i++) {
                double d = noisy[i] - clean[i];
                sum += d;
                sq += d * d;
            }
            double mean = sum / per;
            float level = (float) Math.sqrt(Math.max(0, sq / per - mean * mean));
            int at = k * (per + area);
            System.arraycopy(noisy, k * per, out, at, per);
            java.util.Arrays.fill(out, at + per, at + per + area, level);
        }
        return out;
    }

    private static long roundUp(int v, int multiple) {
        return (long) ((v + multiple - 1) / multiple) * multiple;
    }

    /** True when the trainer makes its own images (dead leaves) rather than reading the user's. */
    private boolean generatedData() {
        return planes == null && CleanImages.isBuiltIn(config.data());
    }

    /** The contract and provenance written into the model. */
    private Map<String, String> metadata(Network net, double valPsnr, String dataOrigin, NoiseModel noise) {
        Map<String, String> m = new LinkedHashMap<>(ModelContract.imageDefaults(config.channels(), net.halo(),
                net.sizeMultiple(), config.normLow(), config.normHigh()));
        if (net.fixedSize() > 0) {
            m.put(ModelContract.FIXED_SIZE, Integer.toString(net.fixedSize()));
        }
        if (net.noiseLevelInput()) {
            m.put(ModelContract.NOISE_LEVEL_INPUT, ModelContract.NOISE_LEVEL_PLANE);
        }
        if (net.spatialDims() == 3) {
            m.put(ModelContract.SPATIAL_DIMS, "3");
            m.put(ModelContract.HALO_Z, Integer.toString(net.haloZ()));
            m.put(ModelContract.SIZE_MULTIPLE_Z, Integer.toString(net.sizeMultipleZ()));
        }
        m.put(ModelContract.NAME, config.name());
        m.put(ModelContract.DESCRIPTION, config.description());
        m.put(ModelContract.ARCHITECTURE, net.describe());
        String mode = config.mode();
        m.put(ModelContract.TRAINING_MODE, mode);
        boolean syntheticNoise = mode.equals("synthetic") || generatedData();
        m.put(ModelContract.NOISE_MODEL, syntheticNoise ? noise.describe() : "as in the user's data");
        m.put(ModelContract.DATA, dataOrigin + ", seed " + config.seed() + (generatedData() ? "; no external images" : ""));
        m.put(ModelContract.METRICS, Double.isNaN(valPsnr) ? "val_psnr=n/a (no clean reference)"
                : String.format(java.util.Locale.ROOT, "val_psnr=%.2f", valPsnr));
        if (mode.equals("anomaly") && dev.hush.trainer.audio.SpectrogramImages.handles(config.data())) {
            // An anomaly model of sounds: the runtime turns recordings into the same spectrogram images.
            m.put(ModelContract.ANOMALY_INPUT, dev.hush.runtime.audio.AudioAnomaly.SPECTROGRAM);
            m.put(ModelContract.AUDIO_SAMPLE_RATE, Integer.toString(dev.hush.trainer.audio.SpectrogramImages.RATE));
            m.put(ModelContract.AUDIO_N_FFT, Integer.toString(dev.hush.trainer.audio.SpectrogramImages.N_FFT));
            m.put(ModelContract.AUDIO_HOP, Integer.toString(dev.hush.trainer.audio.SpectrogramImages.HOP));
            m.put(ModelContract.AUDIO_WINDOW, "hann");
        }
        m.put(ModelContract.TRAINER, "hush-trainer " + OnnxExport.PRODUCER_VERSION + ", DJL " + ai.djl.engine.Engine.getDjlVersion()
                + ", recipe: " + config.toRecipe().replace('\n', ';'));
        return m;
    }

    /** A volumetric run's patches and validation volumes. */
    private record VolumeData(PatchSource source, ValidationSet val) {
    }

    /**
     * Where a 3-D run's patches come from: mode synthetic adds the noise model to clean volumes (generated with
     * data=fluorescence, or the user's clean stacks), mode n2v takes noisy stacks alone (or, with data=fluorescence,
     * generated noisy volumes, so that 3-D Noise2Void can be tried without data). Validation volumes are generated
     * from another seed, or for the user's clean stacks are the first {@code val_images} of them.
     */
    /**
     * The middle {@code side}×{@code side}×{@code depth} box of a volume (all of it along an axis that is shorter): a
     * validation volume of the user's stacks costs what a generated one costs, however large the stack.
     */
    static dev.hush.trainer.image.data.Volumes.Volume centre(dev.hush.trainer.image.data.Volumes.Volume v, int side,
                                                             int depth) {
        int w = Math.min(side, v.width());
        int h = Math.min(side, v.height());
        int d = Math.min(depth, v.depth());
        return dev.hush.trainer.image.data.Volumes.box(v, (v.width() - w) / 2, (v.height() - h) / 2, (v.depth() - d) / 2,
                w, h, d);
    }

    private VolumeData volumeData(NoiseModel noise, double normLow, double normHigh, int patch, int patchZ,
                                  TrainingProgress progress) throws IOException {
        String data = config.data();
        boolean generated = data.equals("fluorescence");
        int valSize = config.valSize();
        int valCount = config.valImages();
        // Clean stacks (mode synthetic) come on the noise models' [0, 1] scale; noisy ones (n2v) as they are.
        List<dev.hush.trainer.image.data.Volumes.Volume> read = generated ? null
                : config.mode().equals("synthetic")
                ? dev.hush.trainer.image.data.Volumes.readCleanFolder(Path.of(data), patchZ, patch,
                s -> progress.message("skipped " + s))
                : dev.hush.trainer.image.data.Volumes.readFolder(Path.of(data), patchZ, patch,
                s -> progress.message("skipped " + s));
        ValidationSet val;
        if (generated || config.mode().equals("synthetic")) {
            SplittableRandom vr = new SplittableRandom(config.seed() + 1_000_003L);
            List<float[]> n = new ArrayList<>();
            List<float[]> c = new ArrayList<>();
            List<int[]> sz = new ArrayList<>();
            for (int i = 0; i < (generated ? valCount : Math.min(valCount, read.size())); i++) {
                dev.hush.trainer.image.data.Volumes.Volume clean = generated
                        ? dev.hush.trainer.image.data.Volumes.fluorescence(valSize, valSize, 2 * patchZ, vr)
                        : centre(read.get(i), valSize, 2 * patchZ);
                float[] noisy = noise.apply(clean.voxels(), vr);
                float[] ref = clean.voxels().clone();
                Normalization norm = Normalization.percentile(noisy, normLow, normHigh);
                norm.applyInPlace(noisy);
                norm.applyInPlace(ref);
                n.add(noisy);
                c.add(ref);
                sz.add(new int[] {clean.width(), clean.height(), clean.depth()});
            }
            val = new ValidationSet(n, c, sz);
        } else {
            val = null; // noisy stacks alone: nothing clean to validate against
        }
        if (config.mode().equals("synthetic")) {
            String origin = generated ? "generated 3-D fluorescence volumes (" + 2 * Math.max(patch, 48) + " px across, "
                    + 2 * patchZ + " planes)" : read.size() + " clean stack(s) from " + Path.of(data).toAbsolutePath();
            return new VolumeData(new dev.hush.trainer.image.data.VolumePairs(read, noise, normLow, normHigh, patchZ,
                    2 * Math.max(patch, 48), origin), val);
        }
        List<dev.hush.trainer.image.data.Volumes.Volume> noisy = new ArrayList<>();
        String origin;
        if (generated) {
            SplittableRandom gen = new SplittableRandom(config.seed() + 7);
            int side = Math.max(2 * patch, 96);
            for (int i = 0; i < 16; i++) {
                dev.hush.trainer.image.data.Volumes.Volume clean = dev.hush.trainer.image.data.Volumes.fluorescence(
                        side, side, 3 * patchZ, gen);
                noisy.add(new dev.hush.trainer.image.data.Volumes.Volume("noisy", side, side, 3 * patchZ,
                        noise.apply(clean.voxels(), gen)).normalised(normLow, normHigh));
            }
            origin = "3-D Noise2Void on 16 noisy generated fluorescence volumes (" + noise.describe() + "), clean never"
                    + " seen";
        } else {
            for (dev.hush.trainer.image.data.Volumes.Volume v : read) {
                noisy.add(v.normalised(normLow, normHigh));
            }
            origin = "3-D Noise2Void on " + read.size() + " noisy stack(s) from " + Path.of(data).toAbsolutePath();
        }
        return new VolumeData(new dev.hush.trainer.image.data.BlindSpotVolumes(noisy, config.mask(), patchZ,
                origin), val);
    }

    /** Held-apart input/reference images, normalised like training data, for the per-epoch PSNR. */
    static final class ValidationSet {
        final List<float[]> inputs;
        final List<float[]> references;
        final List<int[]> sizes;

        private ValidationSet(List<float[]> inputs, List<float[]> references, List<int[]> sizes) {
            this.inputs = inputs;
            this.references = references;
            this.sizes = sizes;
        }

        static ValidationSet synthetic(CleanImages gen, int count, int size, long seed, NoiseModel noise, double low,
                                       double high, int channels) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<float[]> n = new ArrayList<>();
            List<float[]> c = new ArrayList<>();
            List<int[]> sz = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                float[] clean = gen.generate(size, size, channels, rnd);
                float[] noisy = noise.apply(clean, rnd);
                Normalization norm = Normalization.percentile(noisy, low, high);
                norm.applyInPlace(noisy);
                norm.applyInPlace(clean);
                n.add(noisy);
                c.add(clean);
                sz.add(new int[] {size, size});
            }
            return new ValidationSet(n, c, sz);
        }

        /** Up to 4 pairs from the data (they are also trained on: the user's data gives no held-out clean images). */
        static ValidationSet fromPairs(PlanePairs pairs) {
            List<float[]> n = new ArrayList<>();
            List<float[]> c = new ArrayList<>();
            List<int[]> sz = new ArrayList<>();
            for (int i = 0; i < Math.min(4, pairs.size()); i++) {
                n.add(pairs.input(i));
                c.add(pairs.target(i));
                sz.add(pairs.dimensions(i));
            }
            return new ValidationSet(n, c, sz);
        }

        /** Mean PSNR and SSIM over the set, peak = each reference's own range (units are normalised). */
        double[] score(Trainer trainer, Network net) {
            if (net.spatialDims() == 3) {
                return scoreVolumes(trainer, net);
            }
            int multiple = net.fixedSize() > 0 ? net.fixedSize() : net.sizeMultiple();
            double sum = 0;
            double ssimSum = 0;
            for (int i = 0; i < inputs.size(); i++) {
                // Crop to the size multiple: the networks that downsample need it. A fixed-size network is
                // cropped to whole patches and run on them side by side, without overlap.
                int fw = sizes.get(i)[0];
                int fh = sizes.get(i)[1];
                int c = inputs.get(i).length / (fw * fh);
                int w = fw / multiple * multiple;
                int h = fh / multiple * multiple;
                if (w == 0 || h == 0) {
                    continue;
                }
                float[] in = new float[c * w * h];
                float[] ref = new float[c * w * h];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(inputs.get(i), (ch * fh + y) * fw, in, (ch * h + y) * w, w);
                        System.arraycopy(references.get(i), (ch * fh + y) * fw, ref, (ch * h + y) * w, w);
                    }
                }
                try (NDManager m = trainer.getManager().newSubManager()) {
                    float[] out;
                    if (net.fixedSize() > 0) {
                        out = byPatches(trainer, m, in, w, h, net.fixedSize());
                    } else if (net.noiseLevelInput()) {
                        float[] x = withTrueNoiseLevel(in, ref, 1, c, w * h, new float[(c + 1) * w * h]);
                        out = trainer.evaluate(new NDList(m.create(x, new Shape(1, c + 1, h, w)))).singletonOrThrow()
                                .toFloatArray();
                    } else {
                        NDArray x = m.create(in, new Shape(1, c, h, w));
                        out = trainer.evaluate(new NDList(x)).singletonOrThrow().toFloatArray();
                    }
                    float min = Float.MAX_VALUE;
                    float max = -Float.MAX_VALUE;
                    for (float v : ref) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    // Units are normalised, so peak = the reference's own range.
                    sum += ImageMetrics.psnr(out, ref, Math.max(1e-6, max - min));
                    double ssim = 0;
                    for (int ch = 0; ch < c; ch++) {
                        ssim += ImageMetrics.ssim(java.util.Arrays.copyOfRange(out, ch * w * h, (ch + 1) * w * h),
                                java.util.Arrays.copyOfRange(ref, ch * w * h, (ch + 1) * w * h), w, h,
                                Math.max(1e-6, max - min));
                    }
                    ssimSum += ssim / c;
                }
            }
            return new double[] {sum / inputs.size(), ssimSum / inputs.size()};
        }

        /** As {@link #score} for volumes ({w, h, d} sizes): PSNR over each volume, SSIM the mean over its planes. */
        private double[] scoreVolumes(Trainer trainer, Network net) {
            int m = net.sizeMultiple();
            int mz = net.sizeMultipleZ();
            double sum = 0;
            double ssimSum = 0;
            for (int i = 0; i < inputs.size(); i++) {
                int fw = sizes.get(i)[0];
                int fh = sizes.get(i)[1];
                int fd = sizes.get(i)[2];
                int w = fw / m * m;
                int h = fh / m * m;
                int d = fd / mz * mz;
                float[] in = new float[w * h * d];
                float[] ref = new float[w * h * d];
                for (int z = 0; z < d; z++) {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(inputs.get(i), (z * fh + y) * fw, in, (z * h + y) * w, w);
                        System.arraycopy(references.get(i), (z * fh + y) * fw, ref, (z * h + y) * w, w);
                    }
                }
                try (NDManager nm = trainer.getManager().newSubManager()) {
                    float[] out = trainer.evaluate(new NDList(nm.create(in, new Shape(1, 1, d, h, w)))).singletonOrThrow()
                            .toFloatArray();
                    float min = Float.MAX_VALUE;
                    float max = -Float.MAX_VALUE;
                    for (float v : ref) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    double peak = Math.max(1e-6, max - min);
                    sum += ImageMetrics.psnr(out, ref, peak);
                    double ssim = 0;
                    for (int z = 0; z < d; z++) {
                        ssim += ImageMetrics.ssim(java.util.Arrays.copyOfRange(out, z * w * h, (z + 1) * w * h),
                                java.util.Arrays.copyOfRange(ref, z * w * h, (z + 1) * w * h), w, h, peak);
                    }
                    ssimSum += ssim / d;
                }
            }
            return new double[] {sum / inputs.size(), ssimSum / inputs.size()};
        }

        /** Runs a w×h plane (multiples of p) as (w/p)·(h/p) patches of p×p in one batch and puts them back together. */
        private static float[] byPatches(Trainer trainer, NDManager m, float[] in, int w, int h, int p) {
            int nx = w / p;
            int n = nx * (h / p);
            float[] patches = new float[n * p * p];
            for (int k = 0; k < n; k++) {
                for (int y = 0; y < p; y++) {
                    System.arraycopy(in, ((k / nx) * p + y) * w + (k % nx) * p, patches, (k * p + y) * p, p);
                }
            }
            float[] res = trainer.evaluate(new NDList(m.create(patches, new Shape(n, 1, p, p)))).singletonOrThrow()
                    .toFloatArray();
            float[] out = new float[w * h];
            for (int k = 0; k < n; k++) {
                for (int y = 0; y < p; y++) {
                    System.arraycopy(res, (k * p + y) * p, out, ((k / nx) * p + y) * w + (k % nx) * p, p);
                }
            }
            return out;
        }
    }
}
