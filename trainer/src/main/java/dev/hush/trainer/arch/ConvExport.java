package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.convolutional.Conv2d;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.Map;

/** Writes trained DJL layers as ONNX nodes. DJL and ONNX share the OIHW weight layout, so weights copy as they are. */
final class ConvExport {
    private ConvExport() {
    }

    /** A 'same'-padded stride-1 convolution with a square odd kernel. */
    static String conv(OnnxGraph g, String input, Conv2d conv, int kernel, String name) {
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        String wn = g.initializer(name + ".weight", w.toFloatArray(), w.getShape().getShape());
        String bn = g.initializer(name + ".bias", b.toFloatArray(), b.getShape().getShape());
        int p = kernel / 2;
        return g.node("Conv", new String[] {input, wn, bn}, Map.of(
                "kernel_shape", new long[] {kernel, kernel},
                "pads", new long[] {p, p, p, p},
                "strides", new long[] {1, 1}));
    }

    static String relu(OnnxGraph g, String input) {
        return g.node("Relu", new String[] {input}, Map.of());
    }
}
