package dev.hush.audio;

import dev.hush.runtime.HushException;
import dev.hush.runtime.io.AtomicFile;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reading and writing audio files as streams. WAV (8/16/24/32-bit integer, 32/64-bit float), AIFF and AU are
 * read and written by javax.sound; anything else (FLAC, MP3, Ogg, …) is decoded by piping it through
 * {@code ffmpeg} when that is on the PATH, and its output is written as 32-bit float WAV. Outputs are written
 * atomically (a temporary file beside the target, then renamed).
 */
public final class AudioFiles {
    /** Frames per read when streaming a file. */
    static final int CHUNK = 8192;
    /** The most channels a file may have: each gets its own denoising pipeline and buffers. */
    public static final int MAX_CHANNELS = 64;
    /** The lowest and highest sample rates read: every other rate is resampled to the model's and back. */
    public static final int MIN_RATE = dev.hush.runtime.audio.Resampler.MIN_RATE;
    public static final int MAX_RATE = dev.hush.runtime.audio.Resampler.MAX_RATE;

    private AudioFiles() {
    }

    /** Whether the name ends in an extension javax.sound writes (wav, wave, aif, aiff, aifc, au, snd). */
    public static boolean isJavaSoundName(Path p) {
        return typeForName(p) != null;
    }

    /** The extensions of audio files (what a folder is searched for): javax.sound's, then ffmpeg's. */
    public static final List<String> EXTENSIONS = List.of("wav", "wave", "aif", "aiff", "aifc", "au", "snd",
            "flac", "mp3", "ogg", "oga", "opus", "m4a", "aac", "wma", "mka", "webm", "caf", "w64", "ac3", "amr",
            "mp2", "ape", "wv", "tta");

    /** Whether a file looks like audio by its extension (what a folder is searched for). */
    public static boolean isAudioName(Path p) {
        return EXTENSIONS.contains(extension(p));
    }

    /**
     * The output's file name for an input named {@code name}: {@code suffix} (may be null) before the extension, and
     * .wav for formats only ffmpeg reads (those are written as 32-bit float WAV).
     */
    public static String outputName(String name, String suffix) {
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        if (!isJavaSoundName(Path.of(name))) {
            ext = ".wav";
        }
        return base + (suffix == null ? "" : suffix) + ext;
    }

    /** The javax.sound file type a name asks for, or null when javax.sound does not write that extension. */
    public static AudioFileFormat.Type typeForName(Path p) {
        return switch (extension(p)) {
            case "wav", "wave" -> AudioFileFormat.Type.WAVE;
            case "aif", "aiff" -> AudioFileFormat.Type.AIFF;
            case "aifc" -> AudioFileFormat.Type.AIFC;
            case "au", "snd" -> AudioFileFormat.Type.AU;
            default -> null;
        };
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Opens a file for streaming; the caller closes it. */
    public static AudioInput open(Path file) throws HushException {
        if (!Files.exists(file)) {
            throw new HushException("no such file: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new HushException(file + " is a folder, not an audio file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new HushException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new HushException(file + " is empty (0 bytes): there is no audio in it");
        }
        AudioFileFormat aff;
        try {
            aff = AudioSystem.getAudioFileFormat(file.toFile());
        } catch (UnsupportedAudioFileException | IOException e) {
            return openWithFfmpeg(file, e.getMessage());
        }
        AudioFormat header = aff.getFormat();
        if (header.getChannels() >= 1 && header.getSampleRate() > 0) {
            checkLayout(file, header.getChannels(), header.getSampleRate());
        }
        try {
            return openJavaSound(file, aff);
        } catch (UnsupportedAudioFileException e) {
            return openWithFfmpeg(file, e.getMessage());
        } catch (IOException e) {
            throw new HushException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a file whose header gives more than {@value #MAX_CHANNELS} channels or a rate outside
     * {@value #MIN_RATE}–{@value #MAX_RATE} Hz before any buffer is sized by them: such headers are damaged or made to
     * exhaust memory (4096 channels) or time (1 Hz, resampled to the model's rate).
     */
    static void checkLayout(Path file, int channels, float rate) throws HushException {
        if (channels > MAX_CHANNELS) {
            throw new HushException(String.format(Locale.ROOT, "%s has %d channels; hush audio denoises at most %d (each"
                    + " gets its own pipeline). If the header is right, split the channels first (e.g. ffmpeg -i IN"
                    + " -filter_complex channelsplit ...) and denoise them in groups", file, channels, MAX_CHANNELS));
        }
        if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
            throw new HushException(String.format(Locale.ROOT, "%s is at %s Hz; hush audio reads %d–%d Hz, since every"
                    + " other rate is resampled to the model's and back. The header is probably damaged; if the rate is"
                    + " real, resample the file first (e.g. sox IN -r 16000 OUT)", file, new java.math.BigDecimal(rate)
                    .stripTrailingZeros().toPlainString(), MIN_RATE, MAX_RATE));
        }
    }

    private static AudioInput openJavaSound(Path file, AudioFileFormat aff) throws IOException, UnsupportedAudioFileException {
        AudioFormat f = aff.getFormat();
        if (f.getChannels() < 1 || f.getSampleRate() <= 0 || f.getFrameSize() <= 0) {
            throw new UnsupportedAudioFileException("the header gives " + f);
        }
        if (aff.getType().equals(AudioFileFormat.Type.WAVE) && PcmCodec.supports(f)) {
            WavHeader h = WavHeader.read(file);
            if (h != null) {
                long usable = h.usable();
                int fs = f.getFrameSize();
                long declared = h.lengthMissing() ? -1 : h.declared() / fs;
                InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                in.skipNBytes(h.dataOffset());
                AudioInput ai = new AudioInput(file, in, f, f, aff.getType(), declared, usable, null, null);
                if (h.lengthMissing()) {
                    ai.warn(String.format(Locale.ROOT, "the header gives no length for the samples (%s; a WAV written as a"
                            + " stream?); read them to the end of the file", h.declared() == 0 ? "0" : "0xFFFFFFFF"));
                }
                if (usable % fs != 0 && usable == h.declared()) {
                    ai.warn("the data chunk's length is not a whole number of frames; the last partial frame is dropped");
                }
                return ai;
            }
        }
        AudioInputStream ais = AudioSystem.getAudioInputStream(file.toFile());
        long declared = ais.getFrameLength() == AudioSystem.NOT_SPECIFIED ? -1 : ais.getFrameLength();
        if (PcmCodec.supports(f)) {
            return new AudioInput(file, ais, f, f, aff.getType(), declared, -1, null, null);
        }
        // µ-law, A-law and other encodings: javax.sound decodes them to 16-bit PCM.
        AudioFormat pcm = new AudioFormat(f.getSampleRate(), 16, f.getChannels(), true, false);
        if (!AudioSystem.isConversionSupported(pcm, f)) {
            ais.close();
            throw new UnsupportedAudioFileException("javax.sound cannot decode " + f.getEncoding() + " samples");
        }
        return new AudioInput(file, AudioSystem.getAudioInputStream(pcm, ais), pcm, f, aff.getType(), declared, -1, null, null);
    }

    private static AudioInput openWithFfmpeg(Path file, String javaSoundSaid) throws HushException {
        Optional<Path> ffmpeg = Ffmpeg.ffmpeg();
        String why = javaSoundSaid == null || javaSoundSaid.isBlank() ? "" : " (javax.sound: " + javaSoundSaid + ")";
        if (ffmpeg.isEmpty()) {
            throw new HushException("cannot read " + file + ": it is not a WAV, AIFF or AU file that Java can read" + why
                    + ", and other formats (FLAC, MP3, Ogg, …) are decoded with ffmpeg, which is not on the PATH; "
                    + Ffmpeg.installHint());
        }
        Ffmpeg.Decode d = new Ffmpeg.Decode(ffmpeg.get(), file);
        try {
            InputStream in = new BufferedInputStream(d.stdout(), 1 << 16);
            AudioFormat f = readPipeHeader(in);
            if (f == null) {
                d.destroy();
                throw new HushException("cannot read " + file + ": it is not a WAV, AIFF or AU file that Java can read" + why
                        + ", and ffmpeg could not decode it either: " + d.said());
            }
            try {
                checkLayout(file, f.getChannels(), f.getSampleRate());
            } catch (HushException e) {
                d.destroy();
                throw e;
            }
            return new AudioInput(file, in, f, f, null, -1, -1, d, "decoded by ffmpeg");
        } catch (IOException e) {
            d.destroy();
            throw new HushException("cannot read " + file + " through ffmpeg: " + e.getMessage() + "; ffmpeg said: " + d.said(), e);
        }
    }

    /** Reads the WAV header ffmpeg writes on a pipe, up to the first sample; null if there is none. */
    private static AudioFormat readPipeHeader(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] id = new byte[4];
        if (raw.readNBytes(id, 0, 4) < 4 || !new String(id, java.nio.charset.StandardCharsets.US_ASCII).equals("RIFF")) {
            return null;
        }
        in.readInt();
        in.readFully(id);
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (true) {
            in.readFully(id);
            long len = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            String name = new String(id, java.nio.charset.StandardCharsets.US_ASCII);
            if (name.equals("data")) {
                break;
            }
            if (name.equals("fmt ")) {
                byte[] fmt = in.readNBytes((int) len);
                channels = (fmt[2] & 0xff) | (fmt[3] & 0xff) << 8;
                rate = (fmt[4] & 0xff) | (fmt[5] & 0xff) << 8 | (fmt[6] & 0xff) << 16 | (fmt[7] & 0xff) << 24;
                bits = (fmt[14] & 0xff) | (fmt[15] & 0xff) << 8;
                if ((len & 1) == 1) {
                    in.skipNBytes(1);
                }
            } else {
                in.skipNBytes(len + (len & 1));
            }
        }
        if (channels < 1 || rate < 1 || bits != 32) {
            throw new IOException("unexpected format from ffmpeg: " + channels + " channels, " + rate + " Hz, " + bits + " bits");
        }
        return new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, rate, 32, channels, 4 * channels, rate, false);
    }

    /**
     * Seconds of audio in a file from its header, without reading the samples (ffprobe for formats javax.sound
     * does not read); NaN when that cannot be told.
     */
    public static double probeSeconds(Path file) {
        try {
            AudioFileFormat aff = AudioSystem.getAudioFileFormat(file.toFile());
            AudioFormat f = aff.getFormat();
            if (aff.getType().equals(AudioFileFormat.Type.WAVE) && f.getFrameSize() > 0) {
                WavHeader h = WavHeader.read(file);
                if (h != null) {
                    return (double) (h.usable() / f.getFrameSize()) / f.getSampleRate();
                }
            }
            long frames = aff.getFrameLength();
            return frames == AudioSystem.NOT_SPECIFIED ? Double.NaN : frames / (double) f.getSampleRate();
        } catch (UnsupportedAudioFileException | IOException e) {
            return probeWithFfprobe(file);
        }
    }

    private static double probeWithFfprobe(Path file) {
        Optional<Path> probe = Ffmpeg.ffprobe();
        if (probe.isEmpty()) {
            return Double.NaN;
        }
        try {
            Process p = new ProcessBuilder(probe.get().toString(), "-v", "error", "-show_entries", "format=duration",
                    "-of", "default=noprint_wrappers=1:nokey=1", file.toAbsolutePath().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroy();
                return Double.NaN;
            }
            return p.exitValue() == 0 ? Double.parseDouble(out) : Double.NaN;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * Writes the frames of {@code source} to {@code target} in {@code format} (sample encoding, bits, channels and
     * rate) as a file of {@code type}, streaming, atomically. Returns a note when the samples had to be stored
     * differently than asked (e.g. µ-law written as 16-bit PCM), else null.
     */
    public static String write(Path target, AudioFormat format, AudioFileFormat.Type type, FrameSource source)
            throws HushException {
        String note = null;
        AudioFormat encoded = null; // a non-linear encoding javax.sound converts 16-bit PCM to
        AudioFormat layout = format;
        if (!PcmCodec.supports(format)) {
            layout = new AudioFormat(format.getSampleRate(), 16, format.getChannels(), true, false);
            if (AudioSystem.isConversionSupported(format, layout)) {
                encoded = format;
            } else {
                note = "the input's " + format.getEncoding() + " samples are written as 16-bit PCM";
            }
        }
        AudioFormat streamFormat = new AudioFormat(layout.getEncoding(), source.sampleRate(), layout.getSampleSizeInBits(),
                source.channels(), layout.getSampleSizeInBits() / 8 * source.channels(), source.sampleRate(),
                layout.isBigEndian());
        AudioInputStream probe = new AudioInputStream(InputStream.nullInputStream(),
                encoded != null ? encoded : streamFormat, AudioSystem.NOT_SPECIFIED);
        if (!AudioSystem.isFileTypeSupported(type, probe)) {
            throw new HushException("cannot write " + target + ": a " + type + " file cannot hold " + describe(streamFormat)
                    + " samples; name the output .wav (WAV holds every sample format)");
        }
        FrameStream bytes = new FrameStream(source, new PcmCodec(streamFormat));
        AudioFormat convertTo = encoded;
        try {
            AtomicFile.write(target, tmp -> {
                AudioInputStream ais = new AudioInputStream(bytes, streamFormat, AudioSystem.NOT_SPECIFIED);
                if (convertTo != null) {
                    ais = AudioSystem.getAudioInputStream(convertTo, ais);
                }
                AudioSystem.write(ais, type, tmp.toFile());
            });
        } catch (FrameStream.Failure f) {
            throw f.cause;
        } catch (java.nio.file.AccessDeniedException e) {
            throw new HushException("cannot write " + target + ": permission denied (" + e.getFile() + "); choose an"
                    + " output folder you can write to", e);
        } catch (IOException | IllegalArgumentException e) {
            if (e.getCause() instanceof HushException h) {
                throw h;
            }
            throw new HushException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return note;
    }

    /** The samples of a whole file's first channel, for short clips (benchmarks, demos); not for long recordings. */
    public static float[] readMono(Path file) throws HushException {
        try (AudioInput in = open(file)) {
            float[][] block = new float[in.channels()][8192];
            float[] out = new float[8192];
            int n = 0;
            int got;
            while ((got = in.read(block, 8192)) > 0) {
                if (n + got > out.length) {
                    out = java.util.Arrays.copyOf(out, Math.max(2 * out.length, n + got));
                }
                System.arraycopy(block[0], 0, out, n, got);
                n += got;
            }
            return java.util.Arrays.copyOf(out, n);
        }
    }

    /** Writes mono samples as a WAV file, 32-bit float or 16-bit PCM, atomically. */
    public static void writeMonoWav(Path file, float[] samples, int rate, boolean floats) throws HushException {
        AudioFormat f = floats ? new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, rate, 32, 1, 4, rate, false)
                : new AudioFormat(rate, 16, 1, true, false);
        write(file, f, AudioFileFormat.Type.WAVE, new FrameSource() {
            private int pos;

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public int sampleRate() {
                return rate;
            }

            @Override
            public int read(float[][] dst, int max) {
                if (pos >= samples.length) {
                    return -1;
                }
                int n = Math.min(max, samples.length - pos);
                System.arraycopy(samples, pos, dst[0], 0, n);
                pos += n;
                return n;
            }

            @Override
            public void close() {
            }
        });
    }

    /** Fails early when the folder an output would go to exists but cannot be written. */
    public static void requireWritableFolder(Path target) throws HushException {
        Path dir = target.toAbsolutePath().getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new HushException("cannot write " + target + ": " + dir + " is a file, not a folder");
        }
        if (!Files.isWritable(dir)) {
            throw new HushException("cannot write " + target + ": the folder " + dir + " is not writable; choose an"
                    + " output folder you can write to (or fix its permissions)");
        }
    }

    static String describe(AudioFormat f) {
        return f.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT) ? f.getSampleSizeInBits() + "-bit float"
                : f.getSampleSizeInBits() + "-bit " + f.getEncoding();
    }

    /** Frames from a source as the bytes of an audio stream; a HushException from the source travels as a Failure. */
    static final class FrameStream extends InputStream {
        static final class Failure extends IOException {
            final HushException cause;

            Failure(HushException cause) {
                super(cause.getMessage(), cause);
                this.cause = cause;
            }
        }

        private final FrameSource source;
        private final PcmCodec codec;
        private final float[][] frames;
        private byte[] buf = new byte[0];
        private int pos;
        private int len;
        private boolean ended;

        FrameStream(FrameSource source, PcmCodec codec) {
            this.source = source;
            this.codec = codec;
            this.frames = new float[source.channels()][CHUNK];
        }

        private boolean fill() throws IOException {
            if (ended) {
                return false;
            }
            int n;
            try {
                n = source.read(frames, CHUNK);
            } catch (HushException e) {
                throw new Failure(e);
            }
            if (n < 0) {
                ended = true;
                return false;
            }
            int bytes = n * codec.frameSize();
            if (buf.length < bytes) {
                buf = new byte[CHUNK * codec.frameSize()];
            }
            codec.encode(frames, 0, n, buf, 0);
            pos = 0;
            len = bytes;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            if (n == 0) {
                return 0;
            }
            while (pos >= len) {
                if (!fill()) {
                    return -1;
                }
            }
            int k = Math.min(n, len - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            return k;
        }
    }
}
