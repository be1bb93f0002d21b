package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.image.ImageEvaluation;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.image.ModelCard;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.TrainingReport;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Train an image denoiser (grey or RGB, 2-D or 3-D) and export it to ONNX: supervised on clean",
                "images (generated dead leaves, or your folder) with added noise, on noisy/clean pairs, or",
                "self-supervised (Noise2Noise, Noise2Void). Options override the recipe, --set any recipe key",
                "(docs/training.md); the model card (.md) is written beside the model."})
final class TrainImageCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--patch", description = "Patch size in pixels (default 64).")
    Integer patch;

    @Option(names = "--sigma", description = "Gaussian noise sigma or range on the 0-255 scale (default 0:50).")
    String sigma;

    @Option(names = "--noise", paramLabel = "SPEC",
            description = "Noise model, e.g. gaussian:0:50, poisson:5:100, poisson-gaussian:2:200:0:10, salt-pepper:0:0.1,"
                    + " speckle:0:0.3, alternatives joined by '|', optional ',clip=P' (overrides --sigma); for anomaly,"
                    + " blotches:1:4 (local damage that any network then learns to repair).")
    String noise;

    @Option(names = "--mode", description = "synthetic (default: generated clean images + noise), pairs (noisy/clean"
            + " folders), n2n (two noisy folders), n2v (noisy images only).")
    String mode;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder of (noisy) training images for pairs, n2n and n2v;"
            + " for synthetic: deadleaves, fluorescence, mixed or a folder of clean images, several joined by + with"
            + " optional @weight (e.g. photos/@0.8+deadleaves@0.2); for anomaly: a folder of normal images, textures,"
            + " or sounds as spectrograms (machines: generated machines; sounds:DIR: the WAV files under DIR).")
    String data;

    @Option(names = "--val-data", paramLabel = "DIR", description = "synthetic: clean images for the per-epoch validation"
            + " (default: the training source).")
    String valData;

    @Option(names = "--blocks", description = "multiscale: residual blocks per level (default 2).")
    Integer blocks;

    @Option(names = "--code", description = "conv: channels of the code at 1/2^depth resolution (default: the bottom"
            + " level's width); with --global-residual false and --noise none this trains an image codec for"
            + " 'hush encode' (docs/latent.md).")
    Integer code;

    @Option(names = "--loss", description = "mse (default: mean squared error over the batch) or psnr (the mean of each"
            + " patch's log squared error, so every patch's PSNR counts alike whatever its noise level).")
    String loss;

    @Option(names = "--quant-bits", paramLabel = "B", description = "conv codec (--global-residual false): train the code"
            + " for hush encode's B-bit quantisation (uniform noise of one step on the code in training; default 0: off).")
    Integer quantBits;

    @Option(names = "--target", paramLabel = "DIR", description = "Folder of targets for pairs (clean) or n2n (second noisy shots).")
    String target;

    @Option(names = "--mask", description = "Noise2Void blind-spot fraction per patch (default 0.02).")
    Double mask;

    @Option(names = "--arch", description = "Architecture: residual (default), conv, unet, multiscale (convolutional, any"
            + " image size; multiscale takes the noise level as an input);"
            + " vanilla, multilayer (dense autoencoders: patch x patch inputs only, tiled by the runtime).")
    String arch;

    @Option(names = "--depth", description = "residual: layers (default 8); conv/unet: resolution levels (default 2);"
            + " multilayer: hidden layers (default 3); vanilla: 1.")
    Integer depth;

    @Option(names = "--width", description = "residual: channels (default 32); conv/unet: channels at full resolution (default 16);"
            + " vanilla: hidden units (default 256); multilayer: bottleneck units (default 64).")
    Integer width;

    @Option(names = "--dims", description = "2 (default: planes) or 3: a volumetric network (3-D convolutions;"
            + " --arch residual or unet) trained on z-stacks (a folder of TIFF stacks, or --data fluorescence for"
            + " generated 3-D fluorescence), which then denoises a stack as one volume.")
    Integer dims;

    @Option(names = "--patch-z", paramLabel = "PLANES", description = "--dims 3: planes per training patch (default 16).")
    Integer patchZ;

    @Option(names = "--sparse", description = "L1 weight on the bottleneck's mean activity, for conv, vanilla and multilayer"
            + " (default 0: off).")
    Double sparse;

    @Option(names = "--weight-decay", description = "Adam's L2 weight decay, in [0, 1) (default 0).")
    Double weightDecay;

    @Option(names = "--dropout", description = "Probability of dropping each hidden activation in training, in [0, 1)"
            + " (default 0; never in the exported model).")
    Double dropout;

    @Option(names = "--global-residual", arity = "1", paramLabel = "true|false", description = "conv/unet: subtract the"
            + " output from the input, i.e. learn the noise (default true). With false a conv network is a plain autoencoder"
            + " and NAME.encoder.onnx and NAME.decoder.onnx are written too.")
    Boolean globalResidual;

    @Option(names = "--channels", description = "1 (default: grey; RGB images become luminance) or 3 (RGB as three"
            + " channels: synthetic colour images, or RGB pair folders).")
    Integer channels;

    @Option(names = "--eval-images", defaultValue = "6", description = "Images in the quality table (default ${DEFAULT-VALUE}; 0 skips it).")
    int evalImages;

    @Option(names = "--eval-size", defaultValue = "256", description = "Size of each evaluation image (default ${DEFAULT-VALUE}).")
    int evalSize;

    @Override
    public Integer call() throws Exception {
        ImageTrainingConfig recipeConfig = options.recipe != null ? ImageTrainingConfig.fromRecipe(options.recipe) : ImageTrainingConfig.defaults();
        Map<String, Object> overrides = options.overrides();
        Path out = options.out();
        overrides.put("patch", patch);
        overrides.put("sigma", sigma);
        overrides.put("noise", noise);
        overrides.put("mode", mode);
        overrides.put("data", data);
        overrides.put("target", target);
        overrides.put("val_data", valData);
        overrides.put("blocks", blocks);
        overrides.put("code", code);
        overrides.put("loss", loss);
        overrides.put("quant_bits", quantBits);
        overrides.put("mask", mask);
        overrides.put("architecture", arch);
        overrides.put("depth", depth);
        overrides.put("width", width);
        overrides.put("sparse", sparse);
        overrides.put("weight_decay", weightDecay);
        overrides.put("dropout", dropout);
        overrides.put("global_residual", globalResidual);
        overrides.put("channels", channels);
        overrides.put("dims", dims);
        overrides.put("patch_z", patchZ);
        overrides.putAll(options.set());
        ImageTrainingConfig config = recipeConfig.with(overrides);
        ImageTrainer trainer = new ImageTrainer(config);
        Thread hook = new Thread(trainer::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        ProgressBar bar = new ProgressBar(System.err, "train", "steps");
        System.err.printf("training %s: %s, %s epochs × %s steps of %s×%spx patches%n", config.name(),
                config.architecture(), config.epochs(), config.steps(), config.batch(), config.patch());
        ImageTrainer.Result result = trainer.train(new TrainingProgress() {
            private double lastVal = Double.NaN;

            @Override
            public void step(int step, int totalSteps, double loss, double pps) {
                bar.suffix(String.format(Locale.ROOT, "loss %.5f%s %.0f patches/s", loss,
                        Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, " val %.2f dB", lastVal), pps));
                bar.update(step, totalSteps);
            }

            @Override
            public void epoch(int epoch, int epochs, double trainLoss, double valPsnr, double valSsim) {
                lastVal = valPsnr;
                System.err.printf(Locale.ROOT, "%nepoch %d/%d: train loss %.5f, validation PSNR %s%n", epoch, epochs, trainLoss,
                        Double.isNaN(valPsnr) ? "n/a (no clean reference)"
                                : String.format(Locale.ROOT, "%.2f dB, SSIM %.4f", valPsnr, valSsim));
            }

            @Override
            public void message(String line) {
                System.err.println(line);
            }
        });
        Runtime.getRuntime().removeShutdownHook(hook);
        AtomicFile.write(out, tmp -> OnnxExport.write(result.model(), tmp));
        TrainingReport.write(out, config, result);
        System.err.println("wrote " + out + " and its training report and curve");
        if (result.hasLatent()) {
            String base = out.getFileName().toString().replaceFirst("\\.onnx$", "");
            Path enc = out.resolveSibling(base + ".encoder.onnx");
            Path dec = out.resolveSibling(base + ".decoder.onnx");
            AtomicFile.write(enc, tmp -> OnnxExport.write(result.encoder(), tmp));
            AtomicFile.write(dec, tmp -> OnnxExport.write(result.decoder(), tmp));
            System.err.println("wrote the latent halves " + enc + " (input → code) and " + dec + " (code → image)");
        }
        if (evalImages > 0) {
            // The card's quality section: the real crops first (grey or colour, as the model), dead leaves second;
            // without the repository's crops at hand (training elsewhere), dead leaves only, and the card says so.
            int ch = config.channels();
            List<String> sets = new ArrayList<>();
            Path folder = null;
            try {
                folder = BenchSets.defaultFolder();
                sets.add(ch == 3 ? "rgb" : "grey");
            } catch (HushException e) {
                System.err.println("no real benchmark images here (" + e.getMessage() + "); the card gets the synthetic"
                        + " table only");
            }
            if (ch == 1) {
                sets.add("deadleaves");
            }
            // A model that was taught to reproduce clean images (an anomaly model, a codec: noise 'none') is not a
            // denoiser: a denoising table would say nothing about it, so its card gets none.
            boolean denoiser = !config.mode().equals("anomaly") && !config.noiseSpec().equals("none");
            String tables = "";
            if (denoiser && config.dims() == 3) {
                // A volumetric model's tables: the repository's real stacks first (MR and CT; no model trains on
                // them), then generated 3-D fluorescence from the bench's seed, never a training one.
                List<BenchVolumeCommand.CleanSet> stacks = new ArrayList<>();
                try {
                    stacks.add(BenchVolumeCommand.real(BenchSets.defaultFolder(BenchVolumeCommand.REAL_FOLDER)));
                } catch (HushException e) {
                    System.err.println("no real benchmark stacks here (" + e.getMessage() + "); the card gets the"
                            + " generated table only");
                }
                stacks.add(BenchVolumeCommand.generated(Math.min(evalImages, 3), 96, 24));
                try (DenoiserModel model = DenoiserModel.open(out, SessionConfig.defaults())) {
                    tables = BenchVolumeCommand.table(List.of(model), stacks, true, System.out);
                }
            } else if (denoiser) {
                try (DenoiserModel model = DenoiserModel.open(out, SessionConfig.defaults())) {
                    tables = BenchImageCommand.tables(List.of(model), sets, folder, evalImages, evalSize, true, false, 1,
                            null, System.out);
                }
            } else {
                tables = "Not a denoiser (it was trained to reproduce clean images): no denoising table; see its"
                        + " metrics (" + ModelContract.METRICS + ") and docs/anomaly.md or docs/latent.md.\n";
            }
            Map<String, String> meta = new LinkedHashMap<>();
            result.model().getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
            String machine = Runtime.getRuntime().availableProcessors() + " CPU cores";
            String card = ModelCard.image(config, result, meta, tables, machine);
            Path cardFile = options.cardFile();
            AtomicFile.write(cardFile, card.getBytes(StandardCharsets.UTF_8));
            System.err.println("wrote " + cardFile);
        }
        // The stored contract must load in the runtime as written.
        try (DenoiserModel model = DenoiserModel.open(out, SessionConfig.defaults())) {
            System.err.println("contract: " + model.contract().summary());
        }
        Files.size(out);
        return 0;
    }
}
