package dev.hush.runtime;

/**
 * Finds tensors that keep their data outside the ONNX file (TensorProto {@code data_location = EXTERNAL} or
 * {@code external_data}). ONNX Runtime would read such data from any path the model names ({@code /etc/passwd},
 * {@code ../../secret}), and a model loaded from bytes resolves a bare name against the current folder, so Hush
 * refuses every model with external data: a model is one self-contained file.
 *
 * <p>A small walk over the protobuf wire format of the messages that can hold tensors (graph initializers and sparse
 * initializers, node attributes with tensors and subgraphs, functions), so that the runtime needs no protobuf library.
 * Bytes that do not parse are left to ONNX Runtime, which reports them.
 */
public final class ExternalData {
    private static final int MAX_DEPTH = 64;

    private ExternalData() {
    }

    /** What a tensor's external data names (its location, or "external data" if none is given); null if there is none. */
    public static String find(byte[] model) {
        try {
            return message(model, 0, model.length, Kind.MODEL, 0);
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE, FUNCTION, ENTRY }

    /** The child message kind of field {@code f} in a message of kind {@code k}, or null for other fields. */
    private static Kind child(Kind k, int f) {
        return switch (k) {
            case MODEL -> f == 7 ? Kind.GRAPH : f == 25 ? Kind.FUNCTION : null;
            case GRAPH -> f == 1 ? Kind.NODE : f == 5 ? Kind.TENSOR : f == 15 ? Kind.SPARSE : null;
            case NODE -> f == 5 ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> f == 5 || f == 10 ? Kind.TENSOR : f == 6 || f == 11 ? Kind.GRAPH
                    : f == 22 || f == 23 ? Kind.SPARSE : null;
            case SPARSE -> f == 1 || f == 2 ? Kind.TENSOR : null;
            case FUNCTION -> f == 7 ? Kind.NODE : null;
            case TENSOR -> f == 13 ? Kind.ENTRY : null;
            case ENTRY -> null;
        };
    }

    private static String message(byte[] b, int from, int to, Kind kind, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        int[] pos = {from};
        String location = null;
        boolean external = false;
        while (pos[0] < to) {
            long key = ProtoWire.varint(b, pos, to);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> {
                    long v = ProtoWire.varint(b, pos, to);
                    if (kind == Kind.TENSOR && field == 14 && v == 1) {
                        external = true;
                    }
                }
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    int end = ProtoWire.end(b, pos, to);
                    int start = pos[0];
                    Kind c = child(kind, field);
                    if (kind == Kind.ENTRY && field == 2) {
                        return new String(b, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
                    }
                    if (c == Kind.ENTRY) {
                        external = true;
                        String v = message(b, start, end, c, depth + 1);
                        if (v != null && location == null) {
                            location = v;
                        }
                    } else if (c != null) {
                        String found = message(b, start, end, c, depth + 1);
                        if (found != null) {
                            return found;
                        }
                    }
                    pos[0] = end;
                }
                default -> throw new IllegalArgumentException("wire type " + wire);
            }
        }
        if (kind == Kind.ENTRY) {
            return null;
        }
        return external ? (location != null ? location : "external data") : null;
    }
}
