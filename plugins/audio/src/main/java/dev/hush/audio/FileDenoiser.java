package dev.hush.audio;

import dev.hush.runtime.RunContext;
import dev.hush.runtime.HushException;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.runtime.audio.AudioDenoiser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;

/**
 * Denoises one audio file into another, streaming: the input is read a block at a time, each channel goes
 * through its own resample → denoise → resample pipeline, and the output is written as it comes, so memory
 * does not grow with the file. The output has the input's sample format, channels, rate and length; its file
 * type is the one its name asks for (.wav, .aif/.aiff, .aifc, .au/.snd), or the input's. Files that only ffmpeg
 * decodes are written as 32-bit float WAV. The output appears only when complete, and never replaces the input.
 * Thread-safe: one FileDenoiser may denoise several files at once (the model is shared).
 */
public final class FileDenoiser {
    private final AudioDenoiser denoiser;
    private AudioDenoiser fullBand;
    private boolean spectrograms;

    public FileDenoiser(AudioDenoiser denoiser) {
        this.denoiser = denoiser;
    }

    /**
     * A second model for files recorded above the first one's rate (e.g. a 48 kHz model beside a 16 kHz one): such a
     * file goes through {@code model} instead, so its whole band is denoised rather than resampled down and back.
     * Must run at a higher rate than the first; null for none.
     */
    public FileDenoiser fullBand(AudioDenoiser model) {
        if (model != null && model.sampleRate() <= denoiser.sampleRate()) {
            throw new IllegalArgumentException("the full-band model runs at " + model.sampleRate() + " Hz, not above the"
                    + " main model's " + denoiser.sampleRate() + " Hz");
        }
        this.fullBand = model;
        return this;
    }

    /** The model a file at {@code fileRate} goes through: the full-band one for rates above the main model's. */
    public AudioDenoiser modelFor(int fileRate) {
        return fullBand != null && fileRate > denoiser.sampleRate() ? fullBand : denoiser;
    }

    /** Also write a PNG with the first channel's spectrogram before and after, beside each output. */
    public FileDenoiser spectrograms(boolean on) {
        this.spectrograms = on;
        return this;
    }

    /** What one file gave. */
    public record Result(Path input, Path output, long frames, int sampleRate, int channels, String format,
                         List<String> warnings, List<String> notes, Path spectrogram) {
        public double seconds() {
            return (double) frames / sampleRate;
        }
    }

    /** The PNG written beside an output with {@link #spectrograms(boolean)}: {@code name.spectrogram.png}. */
    public static Path spectrogramPath(Path output) {
        String n = output.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String base = dot > 0 ? n.substring(0, dot) : n;
        return output.resolveSibling(base + ".spectrogram.png");
    }

    /** Told how far a file has got. */
    @FunctionalInterface
    public interface Progress {
        /** {@code frames} input frames (samples per channel) at {@code sampleRate} read so far. */
        void update(long frames, int sampleRate);
    }

    /**
     * Denoises {@code in} into {@code out}.
     *
     * @param progress told the input frames read so far; may be null
     */
    public Result denoise(Path in, Path out, Progress progress) throws HushException {
        return denoise(in, out, progress, new RunContext());
    }

    /** As {@link #denoise(Path, Path, Progress)}, under {@code context}: cancelling it stops this file. */
    public Result denoise(Path in, Path out, Progress progress, RunContext context) throws HushException {
        refuseOverwrite(in, out);
        AudioFileFormat.Type wanted = AudioFiles.typeForName(out);
        Path png = spectrograms ? spectrogramPath(out) : null;
        if (png != null) {
            refuseOverwrite(in, png);
        }
        AudioFiles.requireWritableFolder(out);
        try (AudioInput input = AudioFiles.open(in)) {
            List<String> notes = new ArrayList<>();
            AudioFileFormat.Type type;
            AudioFormat format;
            if (input.viaFfmpeg()) {
                if (wanted != null && !wanted.equals(AudioFileFormat.Type.WAVE)) {
                    throw new HushException("cannot write " + out + ": " + in.getFileName() + " was decoded by ffmpeg, and"
                            + " hush writes such files as 32-bit float WAV; name the output .wav");
                }
                if (wanted == null) {
                    throw new HushException("cannot write " + out + ": hush writes audio decoded by ffmpeg (here "
                            + in.getFileName() + ") as 32-bit float WAV; name the output .wav");
                }
                type = AudioFileFormat.Type.WAVE;
                format = input.format();
                notes.add("decoded by ffmpeg, written as 32-bit float WAV");
            } else {
                type = wanted != null ? wanted : input.type();
                format = input.format();
            }
            AudioDenoiser chosen = modelFor(input.sampleRate());
            if (chosen == fullBand) {
                notes.add("full band: " + chosen.model().contract().name() + " (" + chosen.sampleRate() + " Hz)");
            }
            if (input.sampleRate() != chosen.sampleRate()) {
                notes.add(String.format(Locale.ROOT, "resampled %d → %d → %d Hz%s", input.sampleRate(),
                        chosen.sampleRate(), input.sampleRate(), input.sampleRate() > chosen.sampleRate()
                                ? String.format(Locale.ROOT, "; the band above %.1f kHz kept, scaled by the model's gain",
                                0.46 * chosen.sampleRate() / 1000.0) : ""));
            }
            FrameSource first = new NonEmpty(input);
            SpectrogramImage.Pair spec = png == null ? null : SpectrogramImage.Pair.of(input.sampleRate());
            int rate = input.sampleRate();
            DenoisingSource ds = new DenoisingSource(first, chosen,
                    progress == null ? null : frames -> progress.update(frames, rate), spec, context);
            String note = AudioFiles.write(out, format, type, ds);
            if (note != null) {
                notes.add(note);
            }
            if (spec != null) {
                try {
                    spec.write(png, in.getFileName().toString());
                } catch (IOException e) {
                    throw new HushException("wrote " + out + " but not its spectrogram " + png + ": " + e.getMessage(), e);
                }
            }
            return new Result(in, out, ds.consumed(), input.sampleRate(), input.channels(), input.describe(),
                    List.copyOf(input.warnings()), notes, png);
        }
    }

    /** Refuses an output that is the input itself (by path or through a link). */
    public static void refuseOverwrite(Path in, Path out) throws HushException {
        AtomicFile.refuseInput(in, out, "_clean");
    }

    /** Fails with a clear message when a file holds no samples at all. */
    private static final class NonEmpty implements FrameSource {
        private final AudioInput in;
        private boolean checked;

        NonEmpty(AudioInput in) {
            this.in = in;
        }

        @Override
        public int channels() {
            return in.channels();
        }

        @Override
        public int sampleRate() {
            return in.sampleRate();
        }

        @Override
        public int read(float[][] dst, int max) throws HushException {
            int n = in.read(dst, max);
            if (!checked) {
                checked = true;
                if (n < 0) {
                    throw new HushException(in.path() + " holds no audio samples (" + in.describe() + ", 0 frames);"
                            + " there is nothing to denoise");
                }
            }
            return n;
        }

        @Override
        public void close() throws HushException {
            in.close();
        }
    }
}
