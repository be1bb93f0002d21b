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
 * Residual learning: the body estimates the noise, the block returns input minus that estimate. Any further
 * outputs of the body (an {@link Autoencoder}'s code in training) pass through after it.
 */
final class NoiseSubtraction extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block body;

    NoiseSubtraction(Block body) {
        super(VERSION);
        this.body = addChildBlock("body", body);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList out = body.forward(store, inputs, training, params);
        NDList result = new NDList(x.sub(out.head()));
        result.addAll(out.subNDList(1));
        return result;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
    }
}
