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
        // A noise-level network takes its level as one more channel after the image's (hush.noise_level_input).
        if (net.spatialDims() == 3) {
            // A volume: N×C×D×H×W, every spatial axis dynamic.
            g.input(in, "N", (long) channels, "D", "H", "W");
            g.node("Identity", new String[] {net.export(g, in)}, new String[] {outName}, Map.of());
            g.output(outName, "N", (long) channels, "D", "H", "W");
            return g.build(metadata, PRODUCER_VERSION);
        }
        g.input(in, "N", (long) channels + (net.noiseLevelInput() ? 1 : 0), h, w);
        String out = net.export(g, in);
        g.node("Identity", new String[] {out}, new String[] {outName}, Map.of());
        g.output(outName, "N", (long) channels, h, w);
        return g.build(metadata, PRODUCER_VERSION);
    }

    /** The key that marks the halves of an autoencoder; they are not Hush denoiser models (no hush.domain). */
    public static final String PART = "hush.part";

    /**
     * The encoder of a network with a separable code: N×C×H×W (normalised as the full model's contract says) in,
     * the code out. Its metadata keeps the provenance and normalisation, not the denoiser contract.
     */
    public static ModelProto encoderModel(Network net, int channels, Map<String, String> metadata) {
        OnnxGraph g = new OnnxGraph("hush_" + net.kind() + "_encoder");
        Object h = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "H";
        Object w = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "W";
        g.input("input", "N", (long) channels, h, w);
        g.node("Identity", new String[] {net.exportEncoder(g, "input")}, new String[] {"code"}, Map.of());
        g.output("code", net.codeDims());
        return g.build(partMetadata(metadata, "encoder", net), PRODUCER_VERSION);
    }

    /** The decoder: the code in, N×C×H×W out in normalised units (apply the inverse normalisation). */
    public static ModelProto decoderModel(Network net, int channels, Map<String, String> metadata) {
        OnnxGraph g = new OnnxGraph("hush_" + net.kind() + "_decoder");
        g.input("code", net.codeDims());
        g.node("Identity", new String[] {net.exportDecoder(g, "code")}, new String[] {"output"}, Map.of());
        Object h = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "H";
        Object w = net.fixedSize() > 0 ? (Object) (long) net.fixedSize() : "W";
        g.output("output", "N", (long) channels, h, w);
        return g.build(partMetadata(metadata, "decoder", net), PRODUCER_VERSION);
    }

    private static Map<String, String> partMetadata(Map<String, String> full, String part, Network net) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(PART, part);
        for (String k : new String[] {ModelContract.NAME, ModelContract.ARCHITECTURE, ModelContract.NORM,
                ModelContract.NORM_LOW, ModelContract.NORM_HIGH, ModelContract.DATA, ModelContract.NOISE_MODEL,
                ModelContract.TRAINER}) {
            if (full.containsKey(k)) {
                m.put(k, full.get(k));
            }
        }
        m.put("hush.code_shape", java.util.Arrays.toString(net.codeDims()));
        // What a codec needs to tile: pixels per code cell along each axis, and the receptive-field radius.
        m.put(ModelContract.SIZE_MULTIPLE, Integer.toString(net.sizeMultiple()));
        m.put(ModelContract.HALO, Integer.toString(net.halo()));
        return m;
    }

    public static void write(ModelProto model, Path file) throws IOException {
        OnnxGraph.write(model, file);
    }
}
