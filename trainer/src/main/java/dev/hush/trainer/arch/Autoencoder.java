package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Encoder → code → decoder. In training the block returns the code (the bottleneck's activation) as a
 * second output after the decoder's, so that the trainer can penalise its activity (the sparse
 * autoencoder's L1 term); in inference it returns the decoder's output alone, like every other block,
 * and the ONNX export never sees the code.
 */
final class Autoencoder extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block encoder;
    private final Block decoder;
    private int noiseBits;

    Autoencoder(Block encoder, Block decoder) {
        super(VERSION);
        this.encoder = addChildBlock("encoder", encoder);
        this.decoder = addChildBlock("decoder", decoder);
    }

    /**
     * Quantisation-aware training: in training only, the decoder sees the code plus uniform noise of one quantisation
     * step of {@code bits} (each sample's and channel's range over 2^bits − 1 levels, as the codec quantises), the
     * usual differentiable stand-in for rounding. 0 turns it off. Inference and the ONNX export are unchanged.
     */
    void quantisationNoise(int bits) {
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("quantisation bits must lie in 0–8, got " + bits);
        }
        this.noiseBits = bits;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList code = encoder.forward(store, inputs, training, params);
        NDList toDecoder = code;
        if (training && noiseBits > 0) {
            NDArray c = code.singletonOrThrow();
            // PyTorch reduces max/min over one axis at a time.
            NDArray hi = c.max(new int[] {3}, true).max(new int[] {2}, true);
            NDArray lo = c.min(new int[] {3}, true).min(new int[] {2}, true);
            NDArray step = hi.sub(lo).div((1 << noiseBits) - 1).stopGradient();
            NDArray u = c.getManager().randomUniform(-0.5f, 0.5f, c.getShape(), c.getDataType(), c.getDevice());
            toDecoder = new NDList(c.add(u.mul(step)));
        }
        NDList out = decoder.forward(store, toDecoder, training, params);
        return training ? new NDList(out.singletonOrThrow(), code.singletonOrThrow()) : out;
    }

    /** The inference output; training adds the code after it. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return decoder.getOutputShapes(encoder.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
    }
}
