package dev.hush.trainer.onnx;

import dev.hush.runtime.ModelContract;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a trained {@link Network} into a Hush ONNX model: N×C×H×W float32 in and out, dynamic N, H, W
 * (H = W = P fixed for a network that takes P×P inputs only).
 */
public final class OnnxExport {
    public static final String PRODUCER_VERSION = "0.1.0";

    private OnnxExport() {
    }

    public static ModelProto imageModel(Network net, int channels, Map<String, String> metadata) {
        OnnxGraph g = new OnnxGraph("hush_" + net.kind());
        String in = metadata.getOrDefault(ModelContract.INPUT_NAME, "input");
        String outName = metadata.getOrDefault(ModelContract.OUTPUT_NAME, "output");
        // A dense network takes one size only: the graph says so, and the contract's hush.fixed_size too.
        Object h = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "H";
        Object w = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "W";
        g.input(in, "N", (long) channels, h, w);
        String out = net.export(g, in);
        g.node("Identity", new String[] {out}, new String[] {outName}, Map.of());
        g.output(outName, "N", (long) channels, h, w);
        return g.build(metadata, PRODUCER_VERSION);
    }

    public static void write(ModelProto model, Path file) throws IOException {
        OnnxGraph.write(model, file);
    }
}
