package dev.hush.tarsos;

import dev.hush.audio.AudioFiles;
import dev.hush.audio.FrameSource;
import be.tarsos.dsp.AudioEvent;
import be.tarsos.dsp.AudioProcessor;
import dev.hush.runtime.HushException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;

/**
 * A TarsosDSP {@link AudioProcessor} that writes the mono audio passing through it to a WAV file of the given
 * bit depth (16 or 24-bit PCM, or 32-bit float). The samples go to a temporary file as they come (memory stays
 * flat however long it runs); {@link #processingFinished()} (when the dispatcher stops) writes the WAV
 * atomically and removes the temporary file. Safe to stop from another thread (e.g. a Ctrl-C hook).
 */
public final class WavRecorder implements AudioProcessor {
    private final Path target;
    private final AudioFormat format;
    private final Path raw;
    private DataOutputStream out;
    private long samples;
    private boolean done;
    private HushException failure;

    public WavRecorder(Path target, int sampleRate, int bits) throws HushException {
        this.target = target;
        this.format = bits == 32 ? new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, sampleRate, 32, 1, 4, sampleRate, false)
                : new AudioFormat(sampleRate, bits, 1, true, false);
        if (bits != 16 && bits != 24 && bits != 32) {
            throw new IllegalArgumentException("a recording is 16, 24 or 32 (float) bits, not " + bits);
        }
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            this.raw = Files.createTempFile(dir, "." + target.getFileName() + "-", ".raw");
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(raw), 1 << 16));
        } catch (IOException e) {
            throw new HushException("cannot record to " + target + ": " + e.getMessage()
                    + "; choose an output folder you can write to", e);
        }
    }

    /** Samples recorded so far. */
    public synchronized long samples() {
        return samples;
    }

    @Override
    public synchronized boolean process(AudioEvent event) {
        if (done || failure != null) {
            return true;
        }
        float[] b = event.getFloatBuffer();
        try {
            for (int i = event.getOverlap(); i < b.length; i++) {
                out.writeFloat(b[i]);
            }
            samples += b.length - event.getOverlap();
        } catch (IOException e) {
            failure = new HushException("cannot record to " + target + ": " + e.getMessage(), e);
        }
        return true;
    }

    @Override
    public synchronized void processingFinished() {
        if (done) {
            return;
        }
        done = true;
        try {
            out.close();
            if (failure == null) {
                try (RawSource src = new RawSource()) {
                    AudioFiles.write(target, format, AudioFileFormat.Type.WAVE, src);
                }
            }
        } catch (IOException e) {
            failure = new HushException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (HushException e) {
            failure = e;
        } finally {
            try {
                Files.deleteIfExists(raw);
            } catch (IOException ignored) {
                // A stray hidden temporary file is all that is left.
            }
        }
    }

    /** The failure of the recording, if there was one (after {@link #processingFinished()}). */
    public synchronized HushException failure() {
        return failure;
    }

    /** The recorded samples read back from the temporary file. */
    private final class RawSource implements FrameSource {
        private final DataInputStream in;

        RawSource() throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(raw), 1 << 16));
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int sampleRate() {
            return Math.round(format.getSampleRate());
        }

        @Override
        public int read(float[][] dst, int max) throws HushException {
            int n = 0;
            try {
                while (n < max) {
                    dst[0][n] = in.readFloat();
                    n++;
                }
            } catch (EOFException e) {
                return n == 0 ? -1 : n;
            } catch (IOException e) {
                throw new HushException("cannot read back the recording: " + e.getMessage(), e);
            }
            return n;
        }

        @Override
        public void close() throws HushException {
            try {
                in.close();
            } catch (IOException ignored) {
                // Read only.
            }
        }
    }
}
