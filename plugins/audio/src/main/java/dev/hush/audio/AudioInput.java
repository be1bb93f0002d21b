package dev.hush.audio;

import dev.hush.runtime.HushException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;

/**
 * An open audio file, read as a stream of float frames (never all in memory). Made by {@link AudioFiles#open}.
 * Besides the samples it knows how the file stored them ({@link #format()}, {@link #type()}), so the output can
 * be written the same way, and it collects warnings about the file (a truncated or lying header).
 */
public final class AudioInput implements FrameSource {
    private final Path path;
    private final InputStream in;
    private final PcmCodec codec;
    private final AudioFormat format;
    private final AudioFileFormat.Type type;
    private final long declaredFrames;
    private final long limitBytes;
    private final Ffmpeg.Decode ffmpeg;
    private final String decoder;
    private final List<String> warnings = new ArrayList<>();
    private final int channels;
    private final int rate;
    private byte[] bytes = new byte[0];
    private int carry;
    private long bytesRead;
    private long frames;
    private boolean ended;

    /**
     * @param in             the sample bytes, starting at the first frame
     * @param decoded        the layout of those bytes (linear PCM or float)
     * @param format         how the file stores its samples (what an output in the same format is written as)
     * @param type           the file type, or null when it was decoded by ffmpeg
     * @param declaredFrames frames the header announces, or -1 if it does not say
     * @param limitBytes     bytes to read at most, or -1 for all there are
     */
    AudioInput(Path path, InputStream in, AudioFormat decoded, AudioFormat format, AudioFileFormat.Type type,
               long declaredFrames, long limitBytes, Ffmpeg.Decode ffmpeg, String decoder) {
        this.path = path;
        this.in = in;
        this.codec = new PcmCodec(decoded);
        this.format = format;
        this.type = type;
        this.declaredFrames = declaredFrames;
        this.limitBytes = limitBytes;
        this.ffmpeg = ffmpeg;
        this.decoder = decoder;
        this.channels = decoded.getChannels();
        this.rate = Math.round(decoded.getSampleRate());
    }

    public Path path() {
        return path;
    }

    /** The file's own sample format (encoding, bits, channels, rate). */
    public AudioFormat format() {
        return format;
    }

    /** The file type javax.sound read it as, or null when ffmpeg decoded it. */
    public AudioFileFormat.Type type() {
        return type;
    }

    public boolean viaFfmpeg() {
        return ffmpeg != null;
    }

    /** Frames the header announces, or -1 when it does not say. */
    public long declaredFrames() {
        return declaredFrames;
    }

    /** Frames read so far. */
    public long framesRead() {
        return frames;
    }

    void warn(String w) {
        warnings.add(w);
    }

    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** The format in words, e.g. "WAVE, 24-bit PCM, 2 channels, 44100 Hz". */
    public String describe() {
        String enc = format.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT) ? format.getSampleSizeInBits() + "-bit float"
                : format.getEncoding().equals(AudioFormat.Encoding.PCM_SIGNED)
                || format.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED)
                ? format.getSampleSizeInBits() + "-bit PCM" : format.getEncoding().toString();
        return String.format(Locale.ROOT, "%s, %s, %d channel%s, %d Hz", type == null ? decoder : type.toString(), enc,
                channels, channels == 1 ? "" : "s", rate);
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    @Override
    public int read(float[][] dst, int max) throws HushException {
        if (ended) {
            return -1;
        }
        int frameSize = codec.frameSize();
        int want = max * frameSize;
        if (bytes.length < want) {
            byte[] b = new byte[want];
            System.arraycopy(bytes, 0, b, 0, carry);
            bytes = b;
        }
        int have = carry;
        try {
            while (have < frameSize) {
                int ask = want - have;
                if (limitBytes >= 0) {
                    ask = (int) Math.min(ask, limitBytes - bytesRead);
                }
                int n = ask <= 0 ? -1 : in.read(bytes, have, ask);
                if (n < 0) {
                    return end(have);
                }
                have += n;
                bytesRead += n;
            }
        } catch (IOException e) {
            throw new HushException("cannot read " + path + " after " + seconds(frames) + ": " + e.getMessage(), e);
        }
        int got = have / frameSize;
        codec.decode(bytes, 0, got, dst, 0);
        carry = have - got * frameSize;
        System.arraycopy(bytes, got * frameSize, bytes, 0, carry);
        if (codec.isFloat()) {
            checkFinite(dst, got);
        }
        frames += got;
        return got;
    }

    private int end(int leftover) throws HushException {
        ended = true;
        if (leftover > 0) {
            warn(String.format(Locale.ROOT, "the file ends in the middle of a frame (%d stray byte%s dropped)", leftover,
                    leftover == 1 ? "" : "s"));
        }
        if (declaredFrames >= 0 && frames < declaredFrames) {
            warn(String.format(Locale.ROOT, "the header announces %d samples per channel (%s) but the file holds only %d"
                    + " (%s): it is truncated; denoised the samples that are there", declaredFrames,
                    seconds(declaredFrames), frames, seconds(frames)));
        }
        if (ffmpeg != null) {
            ffmpeg.finish();
        }
        return -1;
    }

    private void checkFinite(float[][] dst, int got) throws HushException {
        for (int c = 0; c < channels; c++) {
            float[] x = dst[c];
            for (int i = 0; i < got; i++) {
                if (!Float.isFinite(x[i])) {
                    long at = frames + i;
                    throw new HushException(String.format(Locale.ROOT, "%s holds %s at sample %d of channel %d (%s);"
                            + " hush refuses float audio with NaN or infinite samples, since they would spread over the"
                            + " whole spectrum frame. Fix the program that wrote the file, or replace them (e.g. with sox"
                            + " or ffmpeg) and run again", path, Float.isNaN(x[i]) ? "NaN" : "an infinite value", at,
                            c + 1, seconds(at)));
                }
            }
        }
    }

    String seconds(long n) {
        return String.format(Locale.ROOT, "%.3f s", (double) n / rate);
    }

    @Override
    public void close() throws HushException {
        try {
            in.close();
        } catch (IOException ignored) {
            // Nothing was written; a failed close of a read stream loses nothing.
        }
        if (ffmpeg != null) {
            ffmpeg.destroy();
        }
    }
}
