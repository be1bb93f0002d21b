package dev.hush.trainer.image;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.hush.runtime.CancelledException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.image.Normalization;
import dev.hush.runtime.metrics.ImageMetrics;
import dev.hush.trainer.Djl;
import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.data.DeadLeaves;
import dev.hush.trainer.data.SyntheticPairs;
import dev.hush.trainer.noise.GaussianNoise;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an image denoiser with DJL on synthetic pairs (clean images + a noise model) and turns it
 * into a Hush ONNX model. The loop is plain: sample a batch, forward, mean squared error, backward,
 * Adam step with a cosine learning-rate decay; after each epoch, PSNR on a held-apart validation
 * set generated from a different seed.
 */
public final class ImageTrainer {
    /** Validation noise level (0–255 scale) for the per-epoch PSNR. */
    public static final double VAL_SIGMA = 25;

    private final ImageTrainingConfig config;
    private volatile boolean cancelled;

    public ImageTrainer(ImageTrainingConfig config) {
        config.validate();
        this.config = config;
    }

    /** Asks training to stop after the current step; {@link #train} then throws {@link CancelledException}. */
    public void cancel() {
        cancelled = true;
    }

    /** What training produced: the ONNX model and the figures for the card. */
    public record Result(ModelProto model, Network network, double patchesPerSecond, double gflops, double seconds,
                         double finalValPsnr, long steps, double exportMaxDiff) {
    }

    public Result train(TrainingProgress progress) {
        int threads = config.getInt("threads");
        Engine engine = Djl.pytorch(threads);
        // Seeds weight initialisation too, so a recipe gives the same model on the same machine.
        engine.setRandomSeed((int) config.seed());
        int channels = config.getInt("channels");
        Network net = Architectures.create(config.get("architecture"), channels, config.getInt("depth"),
                config.getInt("width"));
        int patch = config.getInt("patch");
        int batch = config.getInt("batch");
        int multiple = net.sizeMultiple();
        // Networks that downsample need H and W divisible by 2^levels; say so before any training.
        if (patch % multiple != 0 || config.getInt("val_size") % multiple != 0) {
            throw new IllegalArgumentException("patch and val_size must be multiples of " + multiple + " for "
                    + net.describe() + ", got patch=" + patch + ", val_size=" + config.getInt("val_size"));
        }
        int epochs = config.getInt("epochs");
        int stepsPerEpoch = config.getInt("steps");
        long total = (long) epochs * stepsPerEpoch;
        double normLow = config.getDouble("norm_low");
        double normHigh = config.getDouble("norm_high");
        GaussianNoise noise = GaussianNoise.parse(config.get("sigma"), config.getDouble("clip"));
        SyntheticPairs pairs = new SyntheticPairs(DeadLeaves.standard(), noise, normLow, normHigh);
        SplittableRandom rnd = new SplittableRandom(config.seed());
        ValidationSet val = ValidationSet.generate(config.getInt("val_images"), config.getInt("val_size"),
                config.seed() + 1_000_003L, VAL_SIGMA, normLow, normHigh);
        int imageSize = Math.max(patch * 2, 96);

        float lr = (float) config.getDouble("lr");
        Tracker schedule = Tracker.cosine().setBaseValue(lr).optFinalValue(lr / 50)
                .setMaxUpdates((int) Math.max(1, total)).build();
        Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule).build();
        DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(adam)
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
                        Parameter.Type.WEIGHT);

        long start = System.nanoTime();
        double finalVal = Double.NaN;
        long samplingNanos = 0;
        try (Model model = Model.newInstance(config.get("name"), engine.getEngineName())) {
            model.setBlock(net.block());
            try (Trainer trainer = model.newTrainer(djlConfig)) {
                Shape inShape = new Shape(batch, channels, patch, patch);
                trainer.initialize(inShape);
                zeroGradients(model);
                float[] noisy = new float[batch * channels * patch * patch];
                float[] clean = new float[noisy.length];
                long step = 0;
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    double lossSum = 0;
                    for (int s = 0; s < stepsPerEpoch; s++) {
                        if (cancelled) {
                            throw new CancelledException();
                        }
                        long t0 = System.nanoTime();
                        pairs.fill(noisy, clean, 0, batch, patch, imageSize, rnd);
                        samplingNanos += System.nanoTime() - t0;
                        float lossValue;
                        try (NDManager m = trainer.getManager().newSubManager()) {
                            NDArray x = m.create(noisy, inShape);
                            NDArray y = m.create(clean, inShape);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                                NDArray loss = pred.sub(y).square().mean();
                                gc.backward(loss);
                                lossValue = loss.getFloat();
                            }
                            trainer.step();
                        }
                        step++;
                        if (!Float.isFinite(lossValue)) {
                            throw new IllegalStateException("training diverged at step " + step + " (loss " + lossValue
                                    + "). If ONEDNN_MAX_CPU_ISA is not set to SSE41, set it (oneDNN's AVX2/AVX-512"
                                    + " convolution backward gives NaN on some CPUs, see docs/training.md); otherwise lower --lr");
                        }
                        lossSum += lossValue;
                        double secs = (System.nanoTime() - start) / 1e9;
                        progress.step((int) step, (int) total, lossValue, step * batch / secs);
                    }
                    finalVal = val.psnr(trainer);
                    progress.epoch(epoch, epochs, lossSum / stepsPerEpoch, finalVal);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double pps = total * batch / seconds;
                // Forward + backward ≈ 3× the forward multiply-accumulates, 2 FLOPs each.
                double gflops = pps * patch * patch * net.macsPerPixel() * 2 * 3 / 1e9;
                progress.message(String.format("trained %d steps in %.1f s: %.1f patches/s, %.1f GFLOP/s (%.0f%% of the time"
                        + " making data)", total, seconds, pps, gflops, 100 * samplingNanos / 1e9 / seconds));
                ModelProto onnx = OnnxExport.imageModel(net, channels, metadata(net, finalVal));
                // Odd, non-square sizes (rounded up to the size multiple) catch transposed axes and padding slips.
                double diff = ExportCheck.maxAbsDifference(net, trainer.getManager(), onnx,
                        new long[] {1, channels, roundUp(45, multiple), roundUp(53, multiple)}, config.seed());
                if (!(diff <= ExportCheck.TOLERANCE)) {
                    throw new IllegalStateException("the ONNX export differs from the trained network by " + diff
                            + " (more than " + ExportCheck.TOLERANCE + "); this is a bug in the exporter, please report it");
                }
                progress.message(String.format("export check: max |DJL - ONNX Runtime| = %.2e", diff));
                return new Result(onnx, net, pps, gflops, seconds, finalVal, total, diff);
            }
        }
    }

    private static long roundUp(int v, int multiple) {
        return (long) ((v + multiple - 1) / multiple) * multiple;
    }

    /**
     * DJL allocates the gradient buffers without clearing them and "zeroes" them later by subtracting
     * each from itself, which leaves NaN wherever the fresh memory held NaN or infinity bit patterns.
     * Writing real zeros once, before the first step, avoids that.
     */
    public static void zeroGradients(Model model) {
        model.getBlock().getParameters().forEach(p -> {
            NDArray g = p.getValue().getArray().getGradient();
            g.set(new float[Math.toIntExact(g.size())]);
        });
    }

    /** The contract and provenance written into the model. */
    private Map<String, String> metadata(Network net, double valPsnr) {
        Map<String, String> m = new LinkedHashMap<>(ModelContract.imageDefaults(config.getInt("channels"), net.halo(),
                net.sizeMultiple(), config.getDouble("norm_low"), config.getDouble("norm_high")));
        m.put(ModelContract.NAME, config.get("name"));
        m.put(ModelContract.DESCRIPTION, config.get("description"));
        m.put(ModelContract.ARCHITECTURE, net.describe());
        m.put(ModelContract.TRAINING_MODE, "synthetic");
        m.put(ModelContract.NOISE_MODEL, GaussianNoise.parse(config.get("sigma"), config.getDouble("clip")).describe());
        m.put(ModelContract.DATA, "built-in dead-leaves generator (hush-trainer DeadLeaves), seed " + config.seed()
                + "; no external images");
        m.put(ModelContract.METRICS, String.format("val_psnr_sigma25=%.2f", valPsnr));
        m.put(ModelContract.TRAINER, "hush-trainer " + OnnxExport.PRODUCER_VERSION + ", DJL " + ai.djl.engine.Engine.getDjlVersion()
                + ", recipe: " + config.toRecipe().replace('\n', ';'));
        return m;
    }

    /** Held-apart noisy/clean images, normalised like training data, for the per-epoch PSNR. */
    static final class ValidationSet {
        final float[][] noisy;
        final float[][] clean;
        final int size;

        private ValidationSet(float[][] noisy, float[][] clean, int size) {
            this.noisy = noisy;
            this.clean = clean;
            this.size = size;
        }

        static ValidationSet generate(int count, int size, long seed, double sigma, double low, double high) {
            SplittableRandom rnd = new SplittableRandom(seed);
            DeadLeaves gen = DeadLeaves.standard();
            float[][] n = new float[count][];
            float[][] c = new float[count][];
            for (int i = 0; i < count; i++) {
                c[i] = gen.generate(size, size, rnd);
                n[i] = GaussianNoise.apply(c[i], sigma / 255, false, rnd);
                Normalization norm = Normalization.percentile(n[i], low, high);
                norm.applyInPlace(n[i]);
                norm.applyInPlace(c[i]);
            }
            return new ValidationSet(n, c, size);
        }

        double psnr(Trainer trainer) {
            double sum = 0;
            for (int i = 0; i < noisy.length; i++) {
                try (NDManager m = trainer.getManager().newSubManager()) {
                    NDArray x = m.create(noisy[i], new Shape(1, 1, size, size));
                    float[] out = trainer.evaluate(new NDList(x)).singletonOrThrow().toFloatArray();
                    // Units are normalised, so peak = the clean image's own range.
                    float min = Float.MAX_VALUE;
                    float max = -Float.MAX_VALUE;
                    for (float v : clean[i]) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    sum += ImageMetrics.psnr(out, clean[i], Math.max(1e-6, max - min));
                }
            }
            return sum / noisy.length;
        }
    }
}
