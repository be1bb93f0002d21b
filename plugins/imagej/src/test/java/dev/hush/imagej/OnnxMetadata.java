package dev.hush.imagej;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Rewrites the {@code metadata_props} (field 14 of ONNX's ModelProto) of a serialised model, so that tests can
 * make a model with another contract (say, an audio model) from the shipped one without a protobuf library.
 */
final class OnnxMetadata {
    private static final int METADATA_PROPS = 14;

    private OnnxMetadata() {
    }

    /** The model with each key of {@code changes} set to its value (replacing any entry with that key). */
    static byte[] with(byte[] model, Map<String, String> changes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
        int[] pos = {0};
        while (pos[0] < model.length) {
            int start = pos[0];
            long tag = varint(model, pos);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            int valueStart;
            switch (wire) {
                case 0 -> varint(model, pos);
                case 1 -> pos[0] += 8;
                case 2 -> {
                    int len = (int) varint(model, pos);
                    valueStart = pos[0];
                    pos[0] += len;
                    if (field == METADATA_PROPS && changes.containsKey(entryKey(model, valueStart, pos[0]))) {
                        continue;
                    }
                }
                case 5 -> pos[0] += 4;
                default -> throw new IllegalArgumentException("not a protobuf message: wire type " + wire);
            }
            out.write(model, start, pos[0] - start);
        }
        for (Map.Entry<String, String> e : changes.entrySet()) {
            byte[] entry = concat(string(1, e.getKey()), string(2, e.getValue()));
            out.writeBytes(header(METADATA_PROPS, entry.length));
            out.writeBytes(entry);
        }
        return out.toByteArray();
    }

    private static String entryKey(byte[] b, int from, int to) {
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = varint(b, pos);
            if ((tag & 7) != 2) {
                return null;
            }
            int len = (int) varint(b, pos);
            if (tag >>> 3 == 1) {
                return new String(b, pos[0], len, StandardCharsets.UTF_8);
            }
            pos[0] += len;
        }
        return null;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    private static byte[] string(int field, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return concat(header(field, bytes.length), bytes);
    }

    private static byte[] header(int field, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long v : new long[] {(long) field << 3 | 2, length}) {
            while (v >= 0x80) {
                out.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
