package dev.hush.trainer.audio;

import dev.hush.runtime.audio.AudioAnomaly;
import dev.hush.runtime.audio.Stft;
import dev.hush.runtime.image.FloatImage;
import dev.hush.trainer.image.data.CleanImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Normal sounds as images for anomaly autoencoders: the log-magnitude spectrograms of recordings
 * ({@link AudioAnomaly#spectrogramImage}, the runtime's own), from which the trainer cuts random crops as it does from
 * photographs. The recordings are generated machines ({@code data=machines}, {@link MachineSounds}) or the WAV files
 * of a folder ({@code data=sounds:DIR}), mixed to mono and resampled to {@link #RATE} Hz. The STFT is fixed
 * ({@link #N_FFT}, {@link #HOP}) and is written into the model's contract.
 */
public final class SpectrogramImages implements CleanImages {
    public static final int RATE = 16_000;
    public static final int N_FFT = 256;
    public static final int HOP = 128;
    /** Seed of the generated machines' training pool (evaluation uses other seeds). */
    static final long POOL_SEED = 4_242;

    private final List<FloatImage> images;
    private final String origin;

    private SpectrogramImages(List<FloatImage> images, String origin) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no recordings to train on in " + origin);
        }
        this.images = List.copyOf(images);
        this.origin = origin;
    }

    /** True for the data names this class reads: {@code machines} and {@code sounds:DIR}. */
    public static boolean handles(String name) {
        return name.equals("machines") || name.startsWith("sounds:");
    }

    /**
     * {@code machines} (40 generated recordings of the demonstration machine, 8 s each) or {@code sounds:DIR} (every
     * .wav under DIR).
     */
    public static SpectrogramImages named(String name) {
        Stft stft = new Stft(N_FFT, HOP);
        List<FloatImage> out = new ArrayList<>();
        if (name.equals("machines")) {
            SplittableRandom rnd = new SplittableRandom(POOL_SEED);
            for (int i = 0; i < 40; i++) {
                out.add(AudioAnomaly.spectrogramImage(stft, MachineSounds.normal(8, rnd).samples()));
            }
            return new SpectrogramImages(out, "spectrograms of 40 generated normal recordings of one machine (8 s"
                    + " each: a hum with harmonics and a fan, each recording varied a little; MachineSounds)");
        }
        Path dir = Path.of(name.substring("sounds:".length()));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data '" + name + "': " + dir + " is not a folder of WAV recordings");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            float[] x;
            try {
                x = SpeechCorpus.read(f, RATE);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read " + f + " as a WAV recording: " + e.getMessage(), e);
            }
            if (x.length >= RATE) {
                out.add(AudioAnomaly.spectrogramImage(stft, x));
            }
        }
        return new SpectrogramImages(out, "spectrograms of " + out.size() + " recording(s) of at least 1 s from "
                + dir.toAbsolutePath());
    }

    /** The spectrograms (width = frames, height = bins), for calibration over whole recordings. */
    public List<FloatImage> images() {
        return images;
    }

    @Override
    public float[] generate(int width, int height, SplittableRandom rnd) {
        FloatImage img = images.get(rnd.nextInt(images.size()));
        if (width > img.width() || height > img.height()) {
            throw new IllegalArgumentException("a " + width + "×" + height + " crop does not fit in a spectrogram of "
                    + img.width() + " frames × " + img.height() + " bins; use patch and val_size of at most "
                    + img.height() + " (and recordings of at least " + (width * HOP / RATE + 1) + " s)");
        }
        int x0 = rnd.nextInt(img.width() - width + 1);
        int y0 = rnd.nextInt(img.height() - height + 1);
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(img.data(), (y0 + y) * img.width() + x0, out, y * width, width);
        }
        return out;
    }

    @Override
    public String describe() {
        return origin + ", STFT " + N_FFT + "/" + HOP + " at " + RATE + " Hz";
    }
}
