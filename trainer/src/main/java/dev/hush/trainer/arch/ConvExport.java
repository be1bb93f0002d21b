package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.Map;

/**
 * Writes trained DJL layers as ONNX nodes. DJL and ONNX share the OIHW convolution weight layout, so those
 * weights copy as they are; dense weights are out×in, which Gemm reads with transB.
 */
final class ConvExport {
    private ConvExport() {
    }

    /** A 'same'-padded stride-1 convolution with a square odd kernel. */
    static String conv(OnnxGraph g, String input, Conv2d conv, int kernel, String name) {
        return conv(g, input, conv, kernel, 1, kernel / 2, name);
    }

    /** A convolution with a square kernel, the same stride along both axes and {@code pad} zeros on every side. */
    static String conv(OnnxGraph g, String input, Conv2d conv, int kernel, int stride, int pad, String name) {
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        return g.node("Conv", new String[] {input, wn, bn}, Map.of(
                "kernel_shape", new long[] {kernel, kernel},
                "pads", new long[] {pad, pad, pad, pad},
                "strides", new long[] {stride, stride}));
    }

    /** An {@link UpConv}: ConvTranspose with kernel 2, stride 2 and no padding, so the output is exactly 2H×2W. */
    static String upConv(OnnxGraph g, String input, UpConv up, String name) {
        String wn = g.initializer(name + ".weight", up.onnxWeight(), up.inChannels(), up.filters(), 2, 2);
        String bn = g.initializer(name + ".bias", up.onnxBias(), up.filters());
        return g.node("ConvTranspose", new String[] {input, wn, bn}, Map.of(
                "kernel_shape", new long[] {2, 2},
                "pads", new long[] {0, 0, 0, 0},
                "strides", new long[] {2, 2}));
    }

    /**
     * A fully connected layer on N×in rows: Gemm(x, W, b) with transB = 1, since DJL keeps the weight as
     * out×in (PyTorch's layout) and computes x·Wᵀ + b.
     */
    static String dense(OnnxGraph g, String input, Linear layer, String name) {
        NDArray w = layer.getParameters().get("weight").getArray();
        NDArray b = layer.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        return g.node("Gemm", new String[] {input, wn, bn}, Map.of("transB", 1L));
    }

    static String relu(OnnxGraph g, String input) {
        return g.node("Relu", new String[] {input}, Map.of());
    }
}
