package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2×2 transposed convolution with stride 2 (ONNX ConvTranspose, kernel 2, stride 2, no padding):
 * every input pixel becomes a 2×2 block of output pixels, so H×W becomes 2H×2W exactly.
 *
 * <p>DJL's {@code Conv2dTranspose} cannot be used: the PyTorch engine does not implement
 * deconvolution (it throws "Not implemented"). Because the kernel equals the stride the blocks do
 * not overlap, so the same computation is a 1×1 convolution to 4·out channels followed by a
 * depth-to-space rearrangement. The weight is kept in that 1×1 layout, (4·out)×in×1×1 with channel
 * {@code o·4 + dy·2 + dx}, so that Xavier initialisation sees the true fan-in; {@link #onnxWeight}
 * reorders it into ConvTranspose's in×out×2×2 layout.
 *
 * <p>The volumetric form ({@code volumetric} true, N×C×D×H×W) doubles y and x and keeps z: ConvTranspose with kernel
 * and stride 1×2×2, a 1×1×1 convolution to 4·out channels then the same rearrangement in each plane.
 */
final class UpConv extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int filters;
    private final boolean volumetric;
    private final Parameter weight;
    private final Parameter bias;

    UpConv(int filters) {
        this(filters, false);
    }

    UpConv(int filters, boolean volumetric) {
        super(VERSION);
        this.volumetric = volumetric;
        if (filters < 1) {
            throw new IllegalArgumentException("UpConv needs at least 1 output channel, got " + filters);
        }
        this.filters = filters;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    int filters() {
        return filters;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(volumetric ? new Shape(4L * filters, inputShapes[0].get(1), 1, 1, 1)
                : new Shape(4L * filters, inputShapes[0].get(1), 1, 1));
        bias.setShape(new Shape(filters));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = store.getValue(weight, x.getDevice(), training);
        NDArray b = store.getValue(bias, x.getDevice(), training);
        Shape s = x.getShape();
        if (volumetric) {
            long n = s.get(0);
            long d = s.get(2);
            long h = s.get(3);
            long wd = s.get(4);
            NDArray y = ai.djl.nn.convolutional.Conv3d.conv3d(x, w).singletonOrThrow();
            // (N, out·2·2, D, H, W) → (N, out, dy, dx, D, H, W) → (N, out, D, H, dy, W, dx) → (N, out, D, 2H, 2W)
            y = y.reshape(n, filters, 2, 2, d, h, wd).transpose(0, 1, 4, 5, 2, 6, 3).reshape(n, filters, d, 2 * h, 2 * wd);
            return new NDList(y.add(b.reshape(1, filters, 1, 1, 1)));
        }
        long n = s.get(0);
        long h = s.get(2);
        long wd = s.get(3);
        NDArray y = Conv2d.conv2d(x, w).singletonOrThrow();
        // (N, out·2·2, H, W) → (N, out, dy, dx, H, W) → (N, out, H, dy, W, dx) → (N, out, 2H, 2W)
        y = y.reshape(n, filters, 2, 2, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, filters, 2 * h, 2 * wd);
        return new NDList(y.add(b.reshape(1, filters, 1, 1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        if (volumetric) {
            return new Shape[] {new Shape(s.get(0), filters, s.get(2), 2 * s.get(3), 2 * s.get(4))};
        }
        return new Shape[] {new Shape(s.get(0), filters, 2 * s.get(2), 2 * s.get(3))};
    }

    /** The trained weight in ONNX ConvTranspose layout (in × out × 2 × 2, or in × out × 1 × 2 × 2: the same order). */
    float[] onnxWeight() {
        NDArray w = weight.getArray();
        int in = Math.toIntExact(w.getShape().get(1));
        float[] src = w.toFloatArray();
        float[] dst = new float[src.length];
        for (int o = 0; o < filters; o++) {
            for (int k = 0; k < 4; k++) {
                for (int c = 0; c < in; c++) {
                    dst[(c * filters + o) * 4 + k] = src[(o * 4 + k) * in + c];
                }
            }
        }
        return dst;
    }

    int inChannels() {
        return Math.toIntExact(weight.getArray().getShape().get(1));
    }

    float[] onnxBias() {
        return bias.getArray().toFloatArray();
    }
}
