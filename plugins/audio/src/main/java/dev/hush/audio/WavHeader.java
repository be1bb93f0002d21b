package dev.hush.audio;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a RIFF WAVE file's {@code data} chunk starts and how long it really is. javax.sound trusts the
 * header's length; this walks the chunk headers so that a truncated file, or one whose header gives no length
 * (0 or 0xFFFFFFFF, as streaming writers leave it), is read as far as its samples go.
 *
 * @param dataOffset byte offset of the first sample
 * @param declared   the data chunk's length as the header gives it
 * @param available  bytes from {@code dataOffset} to the end of the file
 */
record WavHeader(long dataOffset, long declared, long available) {
    static final long UNKNOWN = 0xFFFFFFFFL;

    /** The chunk layout, or null when the file is not RIFF WAVE or has no data chunk. */
    static WavHeader read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 8192))) {
            byte[] id = new byte[4];
            in.readFully(id);
            if (!"RIFF".equals(new String(id, java.nio.charset.StandardCharsets.US_ASCII))) {
                return null;
            }
            in.readInt();
            in.readFully(id);
            if (!"WAVE".equals(new String(id, java.nio.charset.StandardCharsets.US_ASCII))) {
                return null;
            }
            long pos = 12;
            while (pos + 8 <= size) {
                in.readFully(id);
                long len = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
                pos += 8;
                if ("data".equals(new String(id, java.nio.charset.StandardCharsets.US_ASCII))) {
                    return new WavHeader(pos, len, size - pos);
                }
                long skip = len + (len & 1);
                if (pos + skip > size) {
                    return null;
                }
                in.skipNBytes(skip);
                pos += skip;
            }
            return null;
        } catch (EOFException e) {
            return null;
        }
    }

    /** Whether the header gives no usable length (0 or the streaming placeholder) while samples follow. */
    boolean lengthMissing() {
        return (declared == 0 || declared == UNKNOWN) && available > 0;
    }

    /** The bytes of samples to read: the declared length, or what there is when the header lies or gives none. */
    long usable() {
        return lengthMissing() ? available : Math.min(declared, available);
    }
}
