package dev.hush.trainer.arch;

import dev.hush.trainer.onnx.OnnxGraph;

/**
 * A speech denoiser over the short-time spectrum: noisy log-magnitudes N×1×F×T in (F = {@link #bins()}), a gain
 * in (0, 1) per bin and frame out. Output frame t depends on input frames t − {@link #context()} … t +
 * {@link #lookahead()}; a network with {@link #stateSize()} &gt; 0 also carries a state from one call to the next
 * (a recurrent network), so that it can stream block by block and still compute what one call over the whole
 * signal computes.
 */
public interface MaskNetwork extends Network {
    int bins();

    /** Past frames an output frame sees through convolutions (a recurrent state sees all of the past besides). */
    int context();

    int lookahead();

    /** Multiply-accumulates per STFT frame. */
    long macsPerFrame();

    /** Floats of state per signal carried between calls (N×S in the ONNX graph), 0 for a stateless network. */
    default int stateSize() {
        return 0;
    }

    /**
     * Writes the network with its state: reads {@code input} (N×1×F×T) and {@code stateIn} (N×S, zeros at the start
     * of a signal), returns the names of the gains (N×1×F×T) and of the state after the last frame (N×S). Only for
     * {@link #stateSize()} &gt; 0.
     */
    default String[] exportWithState(OnnxGraph g, String input, String stateIn) {
        throw new UnsupportedOperationException(kind() + " has no state");
    }

    @Override
    default int halo() {
        return context();
    }

    @Override
    default int sizeMultiple() {
        return 1;
    }

    @Override
    default long macsPerPixel() {
        return macsPerFrame() / bins();
    }
}
