package dev.hush.runtime;

import ai.onnxruntime.OrtProvider;
import java.util.Locale;

/**
 * Where a model runs: an ONNX Runtime execution provider and, for GPUs, a device index.
 * Parsed from the names users type: {@code cpu}, {@code cuda}, {@code cuda:1}, {@code tensorrt},
 * {@code directml}, {@code coreml}, {@code openvino} and {@code auto}.
 */
public record Device(Kind kind, int index) {

    public enum Kind {
        CPU("cpu", OrtProvider.CPU),
        CUDA("cuda", OrtProvider.CUDA),
        TENSORRT("tensorrt", OrtProvider.TENSOR_RT),
        DIRECTML("directml", OrtProvider.DIRECT_ML),
        COREML("coreml", OrtProvider.CORE_ML),
        OPENVINO("openvino", OrtProvider.OPEN_VINO),
        /** Try the GPU providers this ONNX Runtime build has, then fall back to the CPU. */
        AUTO("auto", null);

        final String label;
        final OrtProvider provider;

        Kind(String label, OrtProvider provider) {
            this.label = label;
            this.provider = provider;
        }
    }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    /** Parses a device name; an unknown one is an {@link IllegalArgumentException} whose message lists the accepted names. */
    public static Device parse(String text) {
        if (text == null || text.isBlank()) {
            return CPU;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int index = 0;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            try {
                index = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + text + "': the part after ':' must be a GPU number, as in cuda:1");
            }
            t = t.substring(0, colon);
        }
        for (Kind k : Kind.values()) {
            if (k.label.equals(t)) {
                return new Device(k, index);
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; use one of: cpu, cuda[:N], tensorrt[:N], directml[:N],"
                + " coreml, openvino, auto");
    }

    @Override
    public String toString() {
        boolean indexed = kind == Kind.CUDA || kind == Kind.TENSORRT || kind == Kind.DIRECTML;
        return kind.label + (indexed && index != 0 ? ":" + index : "");
    }
}
