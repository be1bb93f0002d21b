package dev.hush.trainer.arch;

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

    Autoencoder(Block encoder, Block decoder) {
        super(VERSION);
        this.encoder = addChildBlock("encoder", encoder);
        this.decoder = addChildBlock("decoder", decoder);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList code = encoder.forward(store, inputs, training, params);
        NDList out = decoder.forward(store, code, training, params);
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
