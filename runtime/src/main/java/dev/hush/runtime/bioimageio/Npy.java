package dev.hush.runtime.bioimageio;

import dev.hush.runtime.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array (format 1.0 to 3.0, C order, numeric dtypes) read as floats: a bioimage.io package's
 * test tensors. The shape in the header is checked against the bytes that follow before anything is allocated.
 *
 * @param shape the array's shape, as the header gives it
 * @param data  the values in C order
 */
public record Npy(long[] shape, float[] data) {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiub])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([0-9,\\s]*)\\)");

    public static Npy parse(byte[] b, String name) throws ModelFormatException {
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new ModelFormatException(name + " is not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int offset;
        if (major == 1) {
            headerLength = buf.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new ModelFormatException(name + ": truncated .npy header");
            }
            headerLength = buf.getInt(8) & 0xffffffffL;
            offset = 12;
        } else {
            throw new ModelFormatException(name + ": .npy format version " + major + " is not one Hush reads (1-3)");
        }
        if (offset + headerLength > b.length) {
            throw new ModelFormatException(name + ": the .npy header claims " + headerLength + " bytes, the file has "
                    + b.length);
        }
        String header = new String(b, offset, (int) headerLength, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new ModelFormatException(name + ": cannot read the .npy header " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new ModelFormatException(name + " is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        boolean ok = kind == 'f' ? size == 4 || size == 8 : size == 1 || size == 2 || size == 4 || size == 8;
        if (!ok) {
            throw new ModelFormatException(name + ": dtype " + d.group(0) + " is not one Hush reads");
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long[] shape;
        try {
            shape = Arrays.stream(s.group(1).split(",")).map(String::strip).filter(x -> !x.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new ModelFormatException(name + ": the .npy header's shape (" + s.group(1) + ") is not a shape");
        }
        long count = 1;
        long start = offset + headerLength;
        try {
            for (long n : shape) {
                count = Math.multiplyExact(count, n);
            }
            Math.multiplyExact(count, size);
        } catch (ArithmeticException e) {
            throw new ModelFormatException(name + ": the header's shape " + Arrays.toString(shape) + " is impossibly large");
        }
        if (count * size != b.length - start) {
            throw new ModelFormatException(name + ": the header's shape " + Arrays.toString(shape) + " needs "
                    + count * size + " bytes of data, the file holds " + (b.length - start));
        }
        float[] out = new float[(int) count];
        ByteBuffer data = ByteBuffer.wrap(b, (int) start, (int) (count * size)).slice().order(order);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (kind) {
                case 'f' -> size == 4 ? data.getFloat() : (float) data.getDouble();
                case 'u' -> switch (size) {
                    case 1 -> data.get() & 0xff;
                    case 2 -> data.getShort() & 0xffff;
                    case 4 -> data.getInt() & 0xffffffffL;
                    default -> (float) data.getLong();
                };
                case 'b' -> data.get() != 0 ? 1 : 0;
                default -> switch (size) {
                    case 1 -> data.get();
                    case 2 -> data.getShort();
                    case 4 -> data.getInt();
                    default -> (float) data.getLong();
                };
            };
        }
        return new Npy(shape, out);
    }
}
