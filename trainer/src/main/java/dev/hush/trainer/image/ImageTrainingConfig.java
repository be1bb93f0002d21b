package dev.hush.trainer.image;

import dev.hush.trainer.arch.Architectures;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Everything that decides how an image model is trained. A recipe file is these keys in Java
 * properties form; command-line options override single keys. Unknown keys are refused, so a typo
 * in a recipe cannot be silently ignored.
 */
public final class ImageTrainingConfig {
    private static final Set<String> KEYS = Set.of("name", "description", "architecture", "depth", "width", "channels",
            "patch", "batch", "epochs", "steps", "sigma", "clip", "lr", "seed", "threads", "val_images", "val_size",
            "norm_low", "norm_high", "data", "mode", "noise", "target", "mask", "patience", "checkpoint", "resume",
            "sparse", "weight_decay", "dropout", "global_residual", "blocks", "val_data", "warm_start", "code", "loss", "quant_bits",
            "dims", "patch_z");

    private final Map<String, String> values = new LinkedHashMap<>();

    public ImageTrainingConfig() {
        values.put("name", "image-gray-custom");
        values.put("description", "Blind Gaussian denoiser for grayscale images");
        values.put("architecture", "residual");
        values.put("depth", "0");
        values.put("width", "0");
        values.put("channels", "1");
        values.put("patch", "64");
        values.put("batch", "16");
        values.put("epochs", "10");
        values.put("steps", "100");
        values.put("sigma", "0:50");
        values.put("clip", "0.5");
        values.put("lr", "0.001");
        values.put("seed", "1");
        values.put("threads", "0");
        values.put("val_images", "4");
        values.put("val_size", "128");
        values.put("norm_low", "0.1");
        values.put("norm_high", "99.9");
        values.put("data", "deadleaves");
        values.put("mode", "synthetic");
        values.put("noise", "");
        values.put("target", "");
        values.put("mask", "0.02");
        values.put("patience", "0");
        values.put("checkpoint", "");
        values.put("resume", "");
        values.put("sparse", "0");
        values.put("weight_decay", "0");
        values.put("dropout", "0");
        values.put("global_residual", "true");
        values.put("blocks", "0");
        values.put("code", "0");
        values.put("val_data", "");
        values.put("warm_start", "");
        values.put("loss", "mse");
        values.put("quant_bits", "0");
        values.put("dims", "2");
        values.put("patch_z", "16");
    }

    /** Training modes: where inputs and targets come from. */
    public static final java.util.List<String> MODES = java.util.List.of("synthetic", "pairs", "n2n", "n2v", "anomaly");

    /**
     * The noise spec: {@code noise} if given, else Gaussian from the older {@code sigma} and {@code clip} keys; an
     * anomaly model's damage to repair ({@code blotches:…}), or {@code none} when it learns to reconstruct.
     */
    public String noiseSpec() {
        String n = values.get("noise");
        if ("anomaly".equals(values.get("mode"))) {
            return n == null || n.isBlank() ? "none" : n;
        }
        if (n != null && !n.isBlank()) {
            return n;
        }
        return "gaussian:" + values.get("sigma") + (getDouble("clip") > 0 ? ",clip=" + values.get("clip") : "");
    }

    /** Reads a recipe file on top of the defaults. */
    public static ImageTrainingConfig fromRecipe(Path recipe) throws IOException {
        ImageTrainingConfig c = new ImageTrainingConfig();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(recipe, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            c.set(k, p.getProperty(k));
        }
        return c;
    }

    public ImageTrainingConfig set(String key, String value) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown training option '" + key + "'; known: " + String.join(", ",
                    new java.util.TreeSet<>(KEYS)));
        }
        values.put(key, value.trim());
        return this;
    }

    public String get(String key) {
        return values.get(key);
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(values.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training option '" + key + "' must be a whole number, got '"
                    + values.get(key) + "'");
        }
    }

    public double getDouble(String key) {
        try {
            return Double.parseDouble(values.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training option '" + key + "' must be a number, got '" + values.get(key) + "'");
        }
    }

    public long seed() {
        return Long.parseLong(values.get("seed"));
    }

    /** All keys and values, for the model card. */
    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** The recipe as properties text, keys in a stable order. */
    public String toRecipe() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(values).forEach((k, v) -> {
            if (!(k.equals("warm_start") && v.isBlank()) && !(k.equals("code") && v.equals("0"))) {
                sb.append(k).append('=').append(v).append('\n');
            }
        });
        return sb.toString();
    }

    /** Checks ranges once, before any work, with messages that say what to change. */
    public void validate() {
        validate(false);
    }

    /** As {@link #validate()}; with data handed over in memory ({@link TrainingPlanes}) no folder is asked for. */
    void validate(boolean dataInMemory) {
        require(Architectures.NAMES.contains(values.get("architecture")), "architecture must be one of "
                + String.join(", ", Architectures.NAMES) + ", got '" + values.get("architecture") + "'");
        // First, so that a 3-D run hears what 3-D takes before what the 2-D modes would need.
        validateVolumetric(dataInMemory);
        require(getInt("patch") >= 16, "patch must be at least 16 pixels");
        require(getInt("batch") >= 1, "batch must be at least 1");
        require(getInt("epochs") >= 1, "epochs must be at least 1");
        require(getInt("steps") >= 1, "steps must be at least 1");
        require(get("warm_start").isBlank() || get("resume").isBlank(), "give resume (continue a run) or warm_start"
                + " (start a new run from a checkpoint's weights), not both");
        require(getInt("patience") >= 0, "patience (epochs without improvement before stopping; 0 = never) must be >= 0");
        int channels = getInt("channels");
        require(channels == 1 || channels == 3, "channels must be 1 (grey; RGB images become luminance) or 3 (RGB as"
                + " three channels), got " + channels);
        require(channels == 1 || !(values.get("mode").equals("n2v") || dataInMemory), "channels=3 trains on synthetic"
                + " colour images or on RGB pairs (modes synthetic, pairs, n2n); Noise2Void trains 1-channel models, so"
                + " use channels=1 (each colour is then denoised on its own)");
        require(channels == 1 || !Architectures.DENSE.contains(values.get("architecture")), "channels=3 is for the"
                + " convolutional networks (residual, conv, unet)");
        require(getDouble("lr") > 0, "lr must be positive");
        require(getInt("val_size") >= 32, "val_size must be at least 32 pixels");
        require(getInt("val_images") >= 1, "val_images must be at least 1");
        require(getDouble("clip") >= 0 && getDouble("clip") <= 1, "clip is a probability in [0, 1]");
        require(values.get("name").matches("[A-Za-z0-9._-]+"), "name may hold letters, digits, '.', '_' and '-' only");
        String mode = values.get("mode");
        require(MODES.contains(mode), "mode must be one of " + String.join(", ", MODES) + ", got '" + mode + "'");
        boolean synthetic = dev.hush.trainer.image.data.CleanImages.isBuiltIn(values.get("data"));
        require(getInt("blocks") >= 0 && getInt("blocks") <= 8, "blocks (residual blocks per level of multiscale) must be"
                + " 0 (default) to 8");
        require(getInt("code") >= 0 && getInt("code") <= 4096, "code (channels of a conv network's code) must be 0"
                + " (default: the bottom level's width) to 4096");
        require(!dataInMemory || mode.equals("n2v") || mode.equals("pairs"), "planes in memory train in mode n2v or pairs,"
                + " not " + mode);
        require(dataInMemory || !mode.equals("synthetic") || synthetic || !values.get("data").isBlank(), "mode synthetic adds"
                + " generated noise to clean images: use data=deadleaves, fluorescence, mixed or a folder of clean images"
                + " (several joined by +, each with an optional @weight)");
        require(dataInMemory || !(mode.equals("pairs") || mode.equals("n2n")) || (!synthetic && !values.get("target").isBlank()),
                "mode " + mode + " needs data=<folder of noisy inputs> and target=<folder of "
                        + (mode.equals("pairs") ? "clean targets" : "second noisy shots") + ">");
        require(!mode.equals("anomaly") || !dataInMemory && !values.get("data").isBlank(), "mode anomaly learns to"
                + " reconstruct normal images: use data=<folder of normal images> or data=textures");
        boolean repairs = mode.equals("anomaly") && !values.get("noise").isBlank() && !values.get("noise").equals("none");
        String arch = values.get("architecture");
        require(!mode.equals("anomaly") || repairs || (arch.equals("conv") && values.get("global_residual").equals("false"))
                || arch.equals("vanilla") || arch.equals("multilayer"), "mode anomaly on clean images needs an"
                + " autoencoder that must squeeze the image through a bottleneck: architecture=conv with"
                + " global_residual=false, or vanilla or multilayer (residual, unet and multiscale can copy their input,"
                + " so they would reconstruct anomalies too); or give noise=blotches:1:4 so that any architecture learns"
                + " to repair damage instead of copying");
        require(getDouble("mask") > 0 && getDouble("mask") < 0.5, "mask (the Noise2Void blind-spot fraction) must lie in"
                + " (0, 0.5)");
        validateRegularisation();
        require(values.get("loss").equals("mse") || values.get("loss").equals("psnr"), "loss must be 'mse' (the mean"
                + " squared error over the batch, so noisier patches weigh more) or 'psnr' (the mean of each patch's"
                + " log squared error: every patch's PSNR counts alike, whatever its noise level), got '"
                + values.get("loss") + "'");
        require(getInt("quant_bits") >= 0 && getInt("quant_bits") <= 8, "quant_bits (train the code for the codec's"
                + " quantisation to that many bits; 0 = off) must lie in 0–8, got " + values.get("quant_bits"));
        require(!values.get("loss").equals("psnr") || !mode.equals("n2v"), "loss psnr needs clean or second noisy"
                + " targets; Noise2Void's blind-spot loss is mse");
        dev.hush.trainer.image.noise.NoiseModel.parse(noiseSpec());
    }

    /** {@code dims} 3 trains a volumetric network on z-stacks; what it takes and what it refuses. */
    private void validateVolumetric(boolean dataInMemory) {
        int dims = getInt("dims");
        require(dims == 2 || dims == 3, "dims must be 2 (planes) or 3 (volumes: z-stacks denoised as a whole), got "
                + dims);
        if (dims == 2) {
            return;
        }
        String arch = values.get("architecture");
        require(Architectures.VOLUMETRIC.contains(arch), "dims=3 trains " + String.join(" or ", Architectures.VOLUMETRIC)
                + " with 3-D convolutions; " + arch + " is 2-D only");
        require(getInt("channels") == 1, "dims=3 trains 1-channel models (each channel of a stack is a volume of its own)");
        int pz = getInt("patch_z");
        require(pz >= 4 && pz <= 128, "patch_z (planes per 3-D training patch) must lie in 4–128, got " + pz);
        require(getInt("patch") <= 96, "dims=3: patch (the patch's height and width) must be at most 96, since a"
                + " 3-D batch holds batch·patch²·patch_z voxels; got " + getInt("patch"));
        String mode = values.get("mode");
        require(!dataInMemory && (mode.equals("synthetic") || mode.equals("n2v")), "dims=3 trains in mode synthetic"
                + " (clean stacks or data=fluorescence, with generated noise) or n2v (noisy stacks alone), got " + mode);
        String data = values.get("data");
        require(!dev.hush.trainer.image.data.CleanImages.isBuiltIn(data) || data.equals("fluorescence"), "dims=3"
                + " generates volumes with data=fluorescence (3-D blobs and filaments) or reads a folder of TIFF"
                + " stacks; " + data + " is a 2-D generator");
    }

    /** {@code sparse}, {@code weight_decay} and {@code dropout}: all 0 (off) by default. */
    private void validateRegularisation() {
        String arch = values.get("architecture");
        double sparse = getDouble("sparse");
        require(sparse >= 0 && Double.isFinite(sparse), "sparse (the L1 weight on the bottleneck's mean activity) must be"
                + " 0 or positive, got " + values.get("sparse"));
        require(sparse == 0 || Architectures.WITH_BOTTLENECK.contains(arch), "sparse acts on a bottleneck, which "
                + String.join(", ", Architectures.WITH_BOTTLENECK) + " have; " + arch + (arch.equals("unet")
                ? "'s skips bypass its bottleneck" : " has none") + ", so use sparse=0 with it");
        double decay = getDouble("weight_decay");
        require(decay >= 0 && decay < 1, "weight_decay (Adam's L2 weight decay) must lie in [0, 1), got "
                + values.get("weight_decay"));
        String gr = values.get("global_residual");
        require(gr.equals("true") || gr.equals("false"), "global_residual must be true or false, got '" + gr + "'");
        require(gr.equals("true") || arch.equals("conv") || arch.equals("unet"), "global_residual=false applies to conv"
                + " and unet only (residual always subtracts its noise estimate; dense networks have none)");
        double dropout = getDouble("dropout");
        require(dropout >= 0 && dropout < 1, "dropout is the probability of zeroing a hidden activation in training and"
                + " must lie in [0, 1), got " + values.get("dropout"));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
