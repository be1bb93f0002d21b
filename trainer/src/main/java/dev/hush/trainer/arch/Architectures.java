package dev.hush.trainer.arch;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import java.util.List;

/** Makes a {@link Network} from its name and size knobs. */
public final class Architectures {
    public static final List<String> NAMES = List.of("residual", "conv", "unet", "multiscale", "vanilla", "multilayer");
    /** The architectures whose block exposes a bottleneck in training ({@link Network#exposesBottleneck()}). */
    public static final List<String> WITH_BOTTLENECK = List.of("conv", "vanilla", "multilayer");
    /** The dense ones: they take patch×patch inputs only. */
    public static final List<String> DENSE = List.of("vanilla", "multilayer");

    /** The ones that come in 3-D ({@link #createVolumetric}). */
    public static final List<String> VOLUMETRIC = List.of("residual", "unet");

    private Architectures() {
    }

    /**
     * A volumetric network (3-D convolutions, N×C×D×H×W): {@code residual} (DnCNN in 3-D) or {@code unet} (a 3-D U-Net
     * that halves y and x per level and keeps z); depth or width 0 picks the default.
     */
    public static Network createVolumetric(String name, int channels, int depth, int width) {
        return switch (name) {
            case "residual" -> new ResidualNet(channels, depth != 0 ? depth : 6, width != 0 ? width : 24, 0f, 3);
            case "unet" -> new UNet3d(channels, depth != 0 ? depth : 2, width != 0 ? width : 16);
            default -> throw new IllegalArgumentException(name + " has no 3-D form; 3-D networks: "
                    + String.join(", ", VOLUMETRIC));
        };
    }

    /** Builds a fully convolutional network ({@code residual}, {@code conv}, {@code unet}) without dropout. */
    public static Network create(String name, int channels, int depth, int width) {
        return create(name, channels, depth, width, 0, 0f);
    }

    /**
     * Builds a network; depth or width 0 picks the architecture's default. {@code patch} is the training patch
     * size, which fixes the input size of the dense networks ({@code vanilla}, {@code multilayer}); the others
     * ignore it. {@code dropout} is the probability of zeroing a hidden activation in training (0: none).
     */
    public static Network create(String name, int channels, int depth, int width, int patch, float dropout) {
        return create(name, channels, depth, width, patch, dropout, true);
    }

    /**
     * As {@link #create(String, int, int, int, int, float)}; {@code globalResidual} (conv and unet only) makes the
     * network subtract its output from the input (it learns the noise). Without it a conv network is a plain
     * autoencoder whose encoder and decoder can be exported apart.
     */
    public static Network create(String name, int channels, int depth, int width, int patch, float dropout,
                                 boolean globalResidual) {
        return create(name, channels, depth, width, patch, dropout, globalResidual, 0);
    }

    /** As above; {@code blocks} is the residual blocks per level of {@code multiscale} (0: its default, 2). */
    public static Network create(String name, int channels, int depth, int width, int patch, float dropout,
                                 boolean globalResidual, int blocks) {
        return create(name, channels, depth, width, patch, dropout, globalResidual, blocks, 0);
    }

    /** As above; {@code code} is the channels of a {@code conv} network's code (0: its default, the bottom's width). */
    public static Network create(String name, int channels, int depth, int width, int patch, float dropout,
                                 boolean globalResidual, int blocks, int code) {
        if (code != 0 && !name.equals("conv")) {
            throw new IllegalArgumentException("code (the channels of the code) applies to conv only");
        }
        if (blocks != 0 && !name.equals("multiscale")) {
            throw new IllegalArgumentException("blocks (residual blocks per level) applies to multiscale only");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout is a probability in [0, 1), got " + dropout);
        }
        if (DENSE.contains(name) && patch < 1) {
            throw new IllegalArgumentException(name + " is a dense network: it needs the patch size, which fixes its input");
        }
        return switch (name) {
            case "residual" -> new ResidualNet(channels, depth != 0 ? depth : 8, width != 0 ? width : 32, dropout);
            // depth = resolution levels, width = channels at full resolution; both subtract their noise estimate.
            case "conv" -> EncoderDecoderNet.conv(channels, depth != 0 ? depth : 2, width != 0 ? width : 16, globalResidual,
                    dropout, code);
            case "unet" -> EncoderDecoderNet.unet(channels, depth != 0 ? depth : 2, width != 0 ? width : 16, globalResidual,
                    dropout);
            // depth = levels below the first (half-resolution) one, width = channels there, doubling per level.
            case "multiscale" -> {
                if (dropout > 0) {
                    throw new IllegalArgumentException("multiscale takes no dropout");
                }
                yield new MultiScaleNet(channels, depth != 0 ? depth : 2, width != 0 ? width : 32, blocks != 0 ? blocks : 2);
            }
            case "vanilla" -> {
                if (depth > 1 || depth < 0) {
                    throw new IllegalArgumentException("vanilla has one hidden layer, so depth must be 0 or 1, got " + depth
                            + "; use multilayer for more");
                }
                yield DenseAutoencoder.vanilla(channels, patch, width != 0 ? width : 256, dropout);
            }
            case "multilayer" -> DenseAutoencoder.multilayer(channels, patch, depth != 0 ? depth : 3,
                    width != 0 ? width : 64, dropout);
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; available: "
                    + String.join(", ", NAMES));
        };
    }

    /** Adds a ReLU to {@code s}, then dropout when {@code rate} is above 0 (DJL's dropout acts in training only). */
    static SequentialBlock relu(SequentialBlock s, float rate) {
        s.add(Activation.reluBlock());
        return dropout(s, rate);
    }

    /** Adds dropout at {@code rate} to {@code s} when the rate is above 0. */
    static SequentialBlock dropout(SequentialBlock s, float rate) {
        return rate > 0 ? s.add(Dropout.builder().optRate(rate).build()) : s;
    }
}
