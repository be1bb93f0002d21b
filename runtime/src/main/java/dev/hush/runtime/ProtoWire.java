package dev.hush.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few pieces of the protobuf wire format Hush reads from an ONNX file without a protobuf library or an ONNX
 * Runtime session: varints, and the model's {@code metadata_props} (ModelProto field 14, entries of key 1 and
 * value 2), where the Hush contract lives.
 */
final class ProtoWire {
    /** ModelProto.metadata_props. */
    private static final int METADATA_PROPS = 14;

    private ProtoWire() {
    }

    /** Reads a varint at {@code pos[0]} (advanced past it); refuses one that runs past {@code to} or 10 bytes. */
    static long varint(byte[] b, int[] pos, int to) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= to) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    /**
     * Reads a length-delimited field's length at {@code pos[0]} (advanced past it) and returns where the field ends;
     * refuses a length that runs past {@code to} (compared without overflow: a length near 2^63 once slipped
     * through {@code pos + len > to}).
     */
    static int end(byte[] b, int[] pos, int to) {
        long len = varint(b, pos, to);
        if (len < 0 || len > to - pos[0]) {
            throw new IllegalArgumentException("a field runs past the end of its message");
        }
        return (int) (pos[0] + len);
    }

    /**
     * The top-level metadata of a serialised ModelProto, key to value (a later duplicate key wins, as in ONNX
     * Runtime). Other fields are skipped by their lengths, so a large model costs one pass over its bytes.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed protobuf message
     */
    static Map<String, String> metadata(byte[] model) {
        Map<String, String> out = new TreeMap<>();
        int[] pos = {0};
        int to = model.length;
        while (pos[0] < to) {
            long key = varint(model, pos, to);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> varint(model, pos, to);
                case 1 -> skip(pos, 8, to);
                case 5 -> skip(pos, 4, to);
                case 2 -> {
                    int end = end(model, pos, to);
                    if (field == METADATA_PROPS) {
                        entry(model, pos[0], end, out);
                    }
                    pos[0] = end;
                }
                default -> throw new IllegalArgumentException("wire type " + wire + " is not protobuf");
            }
        }
        return out;
    }

    private static void entry(byte[] b, int from, int to, Map<String, String> out) {
        int[] pos = {from};
        String k = null;
        String v = "";
        while (pos[0] < to) {
            long key = varint(b, pos, to);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire != 2) {
                throw new IllegalArgumentException("a metadata entry holds a field of wire type " + wire);
            }
            int end = end(b, pos, to);
            String s = new String(b, pos[0], end - pos[0], StandardCharsets.UTF_8);
            pos[0] = end;
            if (field == 1) {
                k = s;
            } else if (field == 2) {
                v = s;
            }
        }
        if (k != null) {
            out.put(k, v);
        }
    }

    private static void skip(int[] pos, int n, int to) {
        if (pos[0] + n > to) {
            throw new IllegalArgumentException("a fixed-size field runs past the end of the file");
        }
        pos[0] += n;
    }
}
