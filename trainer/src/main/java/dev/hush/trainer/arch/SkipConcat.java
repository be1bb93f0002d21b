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
 * A U-Net skip connection: runs the inner block (down, deeper levels, up) and concatenates its
 * input with its output along the channel axis, input first, so the decoder sees the encoder's
 * full-resolution features beside the upsampled ones. The inner block must keep H and W.
 */
final class SkipConcat extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block inner;

    SkipConcat(Block inner) {
        super(VERSION);
        this.inner = addChildBlock("inner", inner);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = inner.forward(store, inputs, training, params).singletonOrThrow();
        return new NDList(x.concat(y, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape out = inner.getOutputShapes(inputShapes)[0];
        long[] dims = in.getShape().clone(); // N, C, then 2 or 3 spatial axes
        dims[1] = in.get(1) + out.get(1);
        return new Shape[] {new Shape(dims)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
    }
}
