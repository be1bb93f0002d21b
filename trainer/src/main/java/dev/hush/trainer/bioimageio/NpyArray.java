package dev.hush.trainer.bioimageio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A float32 array in NumPy's {@code .npy} format, version 1.0: the magic {@code \x93NUMPY}, the
 * version, a little-endian header length, a Python dict literal naming dtype, order and shape,
 * padded with spaces and a newline so that the data start at a multiple of 64 bytes, then the
 * values in C order, little-endian.
 */
record NpyArray(int[] shape, float[] data) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    NpyArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(data.length + " values do not fill the shape " + Arrays.toString(shape));
        }
        shape = shape.clone();
    }

    /** The file's bytes. */
    byte[] toBytes() {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(','); // a one-element Python tuple
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int preamble = MAGIC.length + 2 + 2;
        int unpadded = preamble + dict.length() + 1;
        int headerLength = dict.length() + 1 + (ALIGN - unpadded % ALIGN) % ALIGN;
        ByteBuffer out = ByteBuffer.allocate(preamble + headerLength + data.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
        for (int i = dict.length() + 1; i < headerLength; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        out.asFloatBuffer().put(data);
        return out.array();
    }
}
