package dev.hush.trainer.image;

import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.Recipes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides how an image model is trained, typed. A recipe file is these components as Java properties
 * in snake_case ({@code val_size=192} is {@link #valSize()}); {@link Recipes} reads and writes them, and command-line
 * options and ImageJ's dialog override single keys with {@link #with(String, Object)}. Unknown keys and values of the
 * wrong type are refused when they are set, so a typo in a recipe cannot be silently ignored; {@link #validate()}
 * checks ranges and combinations before any work.
 */
public record ImageTrainingConfig(String name, String description, String architecture, int depth, int width,
        int channels, int patch, int batch, int epochs, int steps, String sigma, double clip, double lr, long seed,
        int threads, int valImages, int valSize, double normLow, double normHigh, String data, String mode, String noise,
        String target, double mask, int patience, String checkpoint, String resume, double sparse, double weightDecay,
        double dropout, boolean globalResidual, int blocks, String valData, String warmStart, int code, String loss,
        int quantBits, int dims, int patchZ) {

    private static final ImageTrainingConfig DEFAULTS = new ImageTrainingConfig("image-gray-custom",
            "Blind Gaussian denoiser for grayscale images", "residual", 0, 0, 1, 64, 16, 10, 100, "0:50", 0.5, 0.001, 1,
            0, 4, 128, 0.1, 99.9, "deadleaves", "synthetic", "", "", 0.02, 0, "", "", 0, 0, 0, true, 0, "", "", 0,
            "mse", 0, 2, 16);

    /** Training modes: where inputs and targets come from. */
    public static final List<String> MODES = List.of("synthetic", "pairs", "n2n", "n2v", "anomaly");

    /** The defaults every recipe starts from. */
    public static ImageTrainingConfig defaults() {
        return DEFAULTS;
    }

    /** Reads a recipe file on top of the defaults. */
    public static ImageTrainingConfig fromRecipe(Path recipe) throws IOException {
        return Recipes.read(DEFAULTS, recipe);
    }

    /** A copy with one key set: a string to parse (as in a recipe) or a value of the key's type. */
    public ImageTrainingConfig with(String key, Object value) {
        return Recipes.with(this, key, value);
    }

    /** A copy with these keys set; null values leave a key as it is (options the user did not give). */
    public ImageTrainingConfig with(Map<String, ?> values) {
        return Recipes.with(this, values);
    }

    /**
     * The noise spec: {@code noise} if given, else Gaussian from the older {@code sigma} and {@code clip} keys; an
     * anomaly model's damage to repair ({@code blotches:…}), or {@code none} when it learns to reconstruct.
     */
    public String noiseSpec() {
        if ("anomaly".equals(mode)) {
            return noise.isBlank() ? "none" : noise;
        }
        if (!noise.isBlank()) {
            return noise;
        }
        return "gaussian:" + sigma + (clip > 0 ? ",clip=" + Recipes.format(clip) : "");
    }

    /** All keys and values, for the model card. */
    public Map<String, String> asMap() {
        return Recipes.asMap(this);
    }

    /** The recipe as properties text, keys in a stable order. */
    public String toRecipe() {
        return Recipes.text(this, (k, v) -> (k.equals("warm_start") && v.isBlank()) || (k.equals("code") && v.equals("0")));
    }

    /** Checks ranges once, before any work, with messages that say what to change. */
    public void validate() {
        validate(false);
    }

    /** As {@link #validate()}; with data handed over in memory ({@link TrainingPlanes}) no folder is asked for. */
    void validate(boolean dataInMemory) {
        require(Architectures.NAMES.contains(architecture), "architecture must be one of "
                + String.join(", ", Architectures.NAMES) + ", got '" + architecture + "'");
        // First, so that a 3-D run hears what 3-D takes before what the 2-D modes would need.
        validateVolumetric(dataInMemory);
        require(patch >= 16, "patch must be at least 16 pixels");
        require(batch >= 1, "batch must be at least 1");
        require(epochs >= 1, "epochs must be at least 1");
        require(steps >= 1, "steps must be at least 1");
        require(warmStart.isBlank() || resume.isBlank(), "give resume (continue a run) or warm_start"
                + " (start a new run from a checkpoint's weights), not both");
        require(patience >= 0, "patience (epochs without improvement before stopping; 0 = never) must be >= 0");
        require(channels == 1 || channels == 3, "channels must be 1 (grey; RGB images become luminance) or 3 (RGB as"
                + " three channels), got " + channels);
        require(channels == 1 || !(mode.equals("n2v") || dataInMemory), "channels=3 trains on synthetic"
                + " colour images or on RGB pairs (modes synthetic, pairs, n2n); Noise2Void trains 1-channel models, so"
                + " use channels=1 (each colour is then denoised on its own)");
        require(channels == 1 || !Architectures.DENSE.contains(architecture), "channels=3 is for the"
                + " convolutional networks (residual, conv, unet)");
        require(lr > 0, "lr must be positive");
        require(valSize >= 32, "val_size must be at least 32 pixels");
        require(valImages >= 1, "val_images must be at least 1");
        require(clip >= 0 && clip <= 1, "clip is a probability in [0, 1]");
        require(name.matches("[A-Za-z0-9._-]+"), "name may hold letters, digits, '.', '_' and '-' only");
        require(MODES.contains(mode), "mode must be one of " + String.join(", ", MODES) + ", got '" + mode + "'");
        boolean synthetic = dev.hush.trainer.image.data.CleanImages.isBuiltIn(data);
        require(blocks >= 0 && blocks <= 8, "blocks (residual blocks per level of multiscale) must be"
                + " 0 (default) to 8");
        require(code >= 0 && code <= 4096, "code (channels of a conv network's code) must be 0"
                + " (default: the bottom level's width) to 4096");
        require(!dataInMemory || mode.equals("n2v") || mode.equals("pairs"), "planes in memory train in mode n2v or pairs,"
                + " not " + mode);
        require(dataInMemory || !mode.equals("synthetic") || synthetic || !data.isBlank(), "mode synthetic adds"
                + " generated noise to clean images: use data=deadleaves, fluorescence, mixed or a folder of clean images"
                + " (several joined by +, each with an optional @weight)");
        require(dataInMemory || !(mode.equals("pairs") || mode.equals("n2n")) || (!synthetic && !target.isBlank()),
                "mode " + mode + " needs data=<folder of noisy inputs> and target=<folder of "
                        + (mode.equals("pairs") ? "clean targets" : "second noisy shots") + ">");
        require(!mode.equals("anomaly") || !dataInMemory && !data.isBlank(), "mode anomaly learns to"
                + " reconstruct normal images: use data=<folder of normal images> or data=textures");
        boolean repairs = mode.equals("anomaly") && !noise.isBlank() && !noise.equals("none");
        String arch = architecture;
        require(!mode.equals("anomaly") || repairs || (arch.equals("conv") && !globalResidual)
                || arch.equals("vanilla") || arch.equals("multilayer"), "mode anomaly on clean images needs an"
                + " autoencoder that must squeeze the image through a bottleneck: architecture=conv with"
                + " global_residual=false, or vanilla or multilayer (residual, unet and multiscale can copy their input,"
                + " so they would reconstruct anomalies too); or give noise=blotches:1:4 so that any architecture learns"
                + " to repair damage instead of copying");
        require(mask > 0 && mask < 0.5, "mask (the Noise2Void blind-spot fraction) must lie in"
                + " (0, 0.5)");
        validateRegularisation();
        require(loss.equals("mse") || loss.equals("psnr"), "loss must be 'mse' (the mean"
                + " squared error over the batch, so noisier patches weigh more) or 'psnr' (the mean of each patch's"
                + " log squared error: every patch's PSNR counts alike, whatever its noise level), got '"
                + loss + "'");
        require(quantBits >= 0 && quantBits <= 8, "quant_bits (train the code for the codec's"
                + " quantisation to that many bits; 0 = off) must lie in 0–8, got " + quantBits);
        require(!loss.equals("psnr") || !mode.equals("n2v"), "loss psnr needs clean or second noisy"
                + " targets; Noise2Void's blind-spot loss is mse");
        dev.hush.trainer.image.noise.NoiseModel.parse(noiseSpec());
    }

    /** {@code dims} 3 trains a volumetric network on z-stacks; what it takes and what it refuses. */
    private void validateVolumetric(boolean dataInMemory) {
        require(dims == 2 || dims == 3, "dims must be 2 (planes) or 3 (volumes: z-stacks denoised as a whole), got "
                + dims);
        if (dims == 2) {
            return;
        }
        String arch = architecture;
        require(Architectures.VOLUMETRIC.contains(arch), "dims=3 trains " + String.join(" or ", Architectures.VOLUMETRIC)
                + " with 3-D convolutions; " + arch + " is 2-D only");
        require(channels == 1, "dims=3 trains 1-channel models (each channel of a stack is a volume of its own)");
        int pz = patchZ;
        require(pz >= 4 && pz <= 128, "patch_z (planes per 3-D training patch) must lie in 4–128, got " + pz);
        require(patch <= 96, "dims=3: patch (the patch's height and width) must be at most 96, since a"
                + " 3-D batch holds batch·patch²·patch_z voxels; got " + patch);
        require(!dataInMemory && (mode.equals("synthetic") || mode.equals("n2v")), "dims=3 trains in mode synthetic"
                + " (clean stacks or data=fluorescence, with generated noise) or n2v (noisy stacks alone), got " + mode);
        require(!dev.hush.trainer.image.data.CleanImages.isBuiltIn(data) || data.equals("fluorescence"), "dims=3"
                + " generates volumes with data=fluorescence (3-D blobs and filaments) or reads a folder of TIFF"
                + " stacks; " + data + " is a 2-D generator");
    }

    /** {@code sparse}, {@code weight_decay} and {@code dropout}: all 0 (off) by default. */
    private void validateRegularisation() {
        String arch = architecture;
        require(sparse >= 0 && Double.isFinite(sparse), "sparse (the L1 weight on the bottleneck's mean activity) must be"
                + " 0 or positive, got " + sparse);
        require(sparse == 0 || Architectures.WITH_BOTTLENECK.contains(arch), "sparse acts on a bottleneck, which "
                + String.join(", ", Architectures.WITH_BOTTLENECK) + " have; " + arch + (arch.equals("unet")
                ? "'s skips bypass its bottleneck" : " has none") + ", so use sparse=0 with it");
        double decay = weightDecay;
        require(decay >= 0 && decay < 1, "weight_decay (Adam's L2 weight decay) must lie in [0, 1), got "
                + weightDecay);
        require(globalResidual || arch.equals("conv") || arch.equals("unet"), "global_residual=false applies to conv"
                + " and unet only (residual always subtracts its noise estimate; dense networks have none)");
        require(dropout >= 0 && dropout < 1, "dropout is the probability of zeroing a hidden activation in training and"
                + " must lie in [0, 1), got " + dropout);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
