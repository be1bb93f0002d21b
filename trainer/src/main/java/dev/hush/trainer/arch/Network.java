package dev.hush.trainer.arch;

import ai.djl.nn.Block;
import dev.hush.trainer.onnx.OnnxGraph;

/**
 * A denoising network: the DJL block that is trained, and the same computation written as ONNX
 * nodes from the trained parameters. One instance owns one block; export after training.
 */
public interface Network {
    /** Short name used on the command line and in the contract, e.g. {@code residual}. */
    String kind();

    /** The architecture with its size knobs, e.g. {@code residual(depth=8,width=32)}. */
    String describe();

    /** The DJL block; the same instance every call. */
    Block block();

    /** Receptive-field radius in pixels: the halo tiles need for exact results. */
    int halo();

    /** Input height and width must be multiples of this. */
    int sizeMultiple();

    /** 2 for a network of planes (N×C×H×W), 3 for a volumetric one (N×C×D×H×W). */
    default int spatialDims() {
        return 2;
    }

    /** A volumetric network's receptive-field radius along z, in planes (0 for 2-D). */
    default int haloZ() {
        return 0;
    }

    /** A volumetric network's input depth must be a multiple of this (1 for 2-D). */
    default int sizeMultipleZ() {
        return 1;
    }

    /** The only input height and width the network takes (dense networks: the patch size), or 0 for any size. */
    default int fixedSize() {
        return 0;
    }

    /**
     * True when, in training, the block returns the bottleneck's activation (the code) as a second output
     * after the result, for a sparsity penalty. Inference and the export give the result alone.
     */
    default boolean exposesBottleneck() {
        return false;
    }

    /**
     * True when the network takes one input channel more than the image has: the noise level (standard deviation
     * of the noise in normalised units) as a constant plane after the image's channels. The contract says so with
     * {@code hush.noise_level_input}, and the runtime estimates the level when the caller gives none.
     */
    default boolean noiseLevelInput() {
        return false;
    }

    /** Writes the trained network into {@code g}, reading from value {@code input}; returns the output value's name. */
    String export(OnnxGraph g, String input);

    /**
     * True when the network is encoder → code → decoder and nothing else (no skips around the code, no input
     * subtracted at the end), so that the two halves can be exported on their own ({@link #exportEncoder},
     * {@link #exportDecoder}) for compression, anomaly detection or generation.
     */
    default boolean separableCode() {
        return false;
    }

    /** The code's dimensions for graph declarations: Long (fixed) or String (symbolic), batch first. */
    default Object[] codeDims() {
        throw new UnsupportedOperationException(kind() + " has no separable code");
    }

    /** Writes the encoder (input → code); only when {@link #separableCode()}. */
    default String exportEncoder(OnnxGraph g, String input) {
        throw new UnsupportedOperationException(kind() + " has no separable code");
    }

    /** Writes the decoder (code → output); only when {@link #separableCode()}. */
    default String exportDecoder(OnnxGraph g, String code) {
        throw new UnsupportedOperationException(kind() + " has no separable code");
    }

    /** Multiply-accumulates per output pixel, for GFLOP/s figures. */
    long macsPerPixel();
}
