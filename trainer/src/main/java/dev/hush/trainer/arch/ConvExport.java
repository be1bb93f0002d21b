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

    /**
     * A 'same'-padded stride-1 convolution with an odd kernel of {@code kernel} along each of {@code dims} spatial
     * axes (2: Conv2d, 3: Conv3d; ONNX's Conv takes either, its weight being O×I×k×k or O×I×k×k×k).
     */
    static String conv(OnnxGraph g, String input, ai.djl.nn.convolutional.Convolution conv, int kernel, int dims,
                       String name) {
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        long[] k = new long[dims];
        long[] pads = new long[2 * dims];
        long[] strides = new long[dims];
        java.util.Arrays.fill(k, kernel);
        java.util.Arrays.fill(pads, kernel / 2);
        java.util.Arrays.fill(strides, 1);
        return g.node("Conv", new String[] {input, wn, bn}, Map.of("kernel_shape", k, "pads", pads,
                "strides", strides));
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

    /** A volumetric {@link UpConv}: ConvTranspose with kernel and stride 1×2×2, so D×H×W becomes D×2H×2W. */
    static String upConv3d(OnnxGraph g, String input, UpConv up, String name) {
        String wn = g.initializer(name + ".weight", up.onnxWeight(), up.inChannels(), up.filters(), 1, 2, 2);
        String bn = g.initializer(name + ".bias", up.onnxBias(), up.filters());
        return g.node("ConvTranspose", new String[] {input, wn, bn}, Map.of(
                "kernel_shape", new long[] {1, 2, 2},
                "pads", new long[] {0, 0, 0, 0, 0, 0},
                "strides", new long[] {1, 2, 2}));
    }

    /** A volumetric convolution with kernel {@code kernel} (z, y, x), strides and 'pads' (begins then ends). */
    static String conv3d(OnnxGraph g, String input, ai.djl.nn.convolutional.Convolution conv, String name, long[] kernel,
                         long[] pads, long[] strides) {
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        return g.node("Conv", new String[] {input, wn, bn}, Map.of("kernel_shape", kernel, "pads", pads,
                "strides", strides));
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

    /** A convolution with any kernel, pads (top, left, bottom, right), strides and dilations (H, W). */
    static String conv(OnnxGraph g, String input, Conv2d conv, String name, long[] kernel, long[] pads, long[] strides,
                       long[] dilations) {
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        return g.node("Conv", new String[] {input, wn, bn}, Map.of("kernel_shape", kernel, "pads", pads,
                "strides", strides, "dilations", dilations));
    }

    /** A 1×1 convolution. */
    static String conv1x1(OnnxGraph g, String input, Conv2d conv, String name) {
        return conv(g, input, conv, name, new long[] {1, 1}, new long[] {0, 0, 0, 0}, new long[] {1, 1},
                new long[] {1, 1});
    }

    /** A one-element constant. */
    static String scalar(OnnxGraph g, String name, float v) {
        return g.initializer(g.fresh(name), new float[] {v}, 1);
    }

    /** (x + shift) · scale: the spectral networks' input scaling. */
    static String shiftScale(OnnxGraph g, String input, float shift, float scale) {
        return g.node("Mul", new String[] {g.node("Add", new String[] {input, scalar(g, "shift", shift)}, Map.of()),
                scalar(g, "scale", scale)}, Map.of());
    }

    /**
     * A dense layer over the last axis of a tensor of any rank: MatMul with Wᵀ (stored transposed) and an Add of the
     * bias, since Gemm takes 2-D inputs only.
     */
    static String denseLastAxis(OnnxGraph g, String input, Linear layer, String name) {
        NDArray w = layer.getParameters().get("weight").getArray();
        NDArray b = layer.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weightT", w.transpose().toFloatArray(), w.getShape().get(1),
                w.getShape().get(0));
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        return g.node("Add", new String[] {g.node("MatMul", new String[] {input, wn}, Map.of()), bn}, Map.of());
    }

    /**
     * The ONNX form of {@link SpectralMaskNet#upFrequency}: (N, 2C, F, T) → (N, C, 2F, T), channel 2c + k becoming
     * bin 2f + k.
     */
    static String frequencyUp(OnnxGraph g, String y, long c, long f) {
        String r1 = g.initializerInt64(g.fresh("shape"), new long[] {0, c, 2, f, -1}, 5);
        y = g.node("Reshape", new String[] {y, r1}, Map.of());
        y = g.node("Transpose", new String[] {y}, Map.of("perm", new long[] {0, 1, 3, 2, 4}));
        String r2 = g.initializerInt64(g.fresh("shape"), new long[] {0, c, 2 * f, -1}, 4);
        return g.node("Reshape", new String[] {y, r2}, Map.of());
    }
}
