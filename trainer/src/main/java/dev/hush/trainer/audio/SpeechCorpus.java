package dev.hush.trainer.audio;

import dev.hush.runtime.audio.Resampler;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Clean speech for training: either made here with the espeak-ng text-to-speech program (sentences built
 * from a word list of this project's own, many voices, speeds and pitches; nobody's recordings), or read
 * from a folder of WAV/AIFF/AU files. Utterances are mono floats at the model's rate.
 *
 * <p>The voice variants are split in two: training uses {@link #TRAIN_VARIANTS}, validation and the bench
 * use {@link #HELD_OUT_VARIANTS} and sentences from another seed, so the figures are on voices the model
 * never heard.
 */
public final class SpeechCorpus {
    /** espeak-ng base voices (languages); English text read with other languages' phonetics adds variety. */
    static final List<String> LANGUAGES = List.of("en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "de", "nl",
            "sv", "fr", "es", "it", "pt");
    public static final List<String> TRAIN_VARIANTS = List.of("m1", "m2", "m3", "m4", "m5", "m6", "f1", "f2", "f3",
            "f4", "klatt", "klatt2");
    public static final List<String> HELD_OUT_VARIANTS = List.of("m7", "f5", "klatt3");

    private static final String[] SUBJECTS = {"the old man", "a small girl", "my brother", "the teacher", "our neighbour",
            "the doctor", "a tired driver", "the farmer", "her friend", "the baker", "a young student", "the captain",
            "nobody", "everyone here", "the music", "a yellow bird", "the wind", "this machine", "the river", "the market"};
    private static final String[] VERBS = {"carried", "painted", "found", "opened", "followed", "watched", "counted",
            "cleaned", "sold", "fixed", "remembered", "forgot", "wanted", "measured", "lifted", "covered", "described",
            "answered", "ordered", "borrowed"};
    private static final String[] OBJECTS = {"the heavy box", "a bright lamp", "seven letters", "the broken chair",
            "a cup of tea", "the last train", "an empty bottle", "the silver key", "two warm coats", "the garden gate",
            "a long story", "the morning paper", "fresh bread", "the blue door", "a quiet song", "three green apples",
            "the wooden bridge", "a paper map", "the north window", "some cold water"};
    private static final String[] ENDINGS = {"before noon", "after the storm", "near the station", "in the kitchen",
            "every Sunday", "without a word", "at the corner", "by the sea", "late last night", "on the top shelf",
            "for the third time", "under the table", "with great care", "across the field", "in a hurry", "at half past six",
            "during the winter", "behind the school", "on a rainy day", "just in time"};

    private SpeechCorpus() {
    }

    /** A sentence from the project's word lists. */
    static String sentence(SplittableRandom rnd) {
        String s = pick(SUBJECTS, rnd) + " " + pick(VERBS, rnd) + " " + pick(OBJECTS, rnd) + " " + pick(ENDINGS, rnd);
        if (rnd.nextInt(3) == 0) {
            s += ", and " + pick(SUBJECTS, rnd) + " " + pick(VERBS, rnd) + " " + pick(OBJECTS, rnd);
        }
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + (rnd.nextInt(5) == 0 ? "?" : ".");
    }

    private static String pick(String[] words, SplittableRandom rnd) {
        return words[rnd.nextInt(words.length)];
    }

    /** True when the espeak-ng program can be run. */
    public static boolean espeakAvailable() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code count} utterances spoken by espeak-ng, at {@code rate} Hz, cached as WAV files under {@code cache}
     * (the same seed gives the same files, so a second run reads them back).
     */
    public static List<float[]> espeak(int count, long seed, boolean heldOut, int rate, Path cache) throws IOException {
        if (!espeakAvailable()) {
            throw new IOException("the speech generator needs the espeak-ng program (Debian/Ubuntu: apt-get install"
                    + " espeak-ng), or set speech=<folder of clean speech WAV files>");
        }
        Path dir = cache.resolve(String.format(Locale.ROOT, "espeak-%s-%d", heldOut ? "heldout" : "train", seed));
        Files.createDirectories(dir);
        List<String> variants = heldOut ? HELD_OUT_VARIANTS : TRAIN_VARIANTS;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = sentence(rnd);
            String voice = LANGUAGES.get(rnd.nextInt(LANGUAGES.size())) + "+" + variants.get(rnd.nextInt(variants.size()));
            int speed = 120 + rnd.nextInt(80);
            int pitch = 20 + rnd.nextInt(60);
            Path wav = dir.resolve(String.format(Locale.ROOT, "%05d.wav", i));
            if (!Files.exists(wav)) {
                Path tmp = dir.resolve(String.format(Locale.ROOT, "%05d.tmp.wav", i));
                runEspeak(voice, speed, pitch, text, tmp);
                Files.move(tmp, wav, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            float[] samples = read(wav, rate);
            if (samples.length > rate / 4) {
                out.add(samples);
            }
        }
        return out;
    }

    private static void runEspeak(String voice, int speed, int pitch, String text, Path wav) throws IOException {
        Process p = new ProcessBuilder("espeak-ng", "-v", voice, "-s", Integer.toString(speed), "-p",
                Integer.toString(pitch), "-w", wav.toString(), text).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("espeak-ng failed for voice " + voice + ": " + said.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while espeak-ng ran", e);
        }
    }

    /** Every WAV/AIFF/AU file under {@code dir} (recursively), mono (channels averaged), at {@code rate} Hz. */
    public static List<float[]> folder(Path dir, int rate) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("speech folder " + dir + " does not exist or is not a folder");
        }
        List<float[]> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(wav|aif|aiff|au)")).sorted().toList();
        }
        for (Path f : files) {
            try {
                out.add(read(f, rate));
            } catch (IOException e) {
                System.err.println("skipped " + f + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no readable WAV, AIFF or AU files in " + dir);
        }
        return out;
    }

    /** Reads a PCM file as mono floats in [−1, 1], resampled to {@code rate}. */
    public static float[] read(Path file, int rate) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             AudioInputStream in = AudioSystem.getAudioInputStream(raw)) {
            AudioFormat f = in.getFormat();
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, f.getSampleRate(), 16, f.getChannels(),
                    2 * f.getChannels(), f.getSampleRate(), false);
            byte[] bytes;
            try (AudioInputStream conv = AudioSystem.getAudioInputStream(pcm, in)) {
                bytes = conv.readAllBytes();
            }
            int ch = f.getChannels();
            int n = bytes.length / (2 * ch);
            float[] mono = new float[n];
            for (int i = 0; i < n; i++) {
                float sum = 0;
                for (int c = 0; c < ch; c++) {
                    int k = 2 * (i * ch + c);
                    sum += (short) ((bytes[k] & 0xff) | (bytes[k + 1] << 8)) / 32768f;
                }
                mono[i] = sum / ch;
            }
            int from = Math.round(f.getSampleRate());
            return from == rate ? mono : new Resampler(from, rate).resample(mono);
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new IOException(file + " is not a PCM WAV, AIFF or AU file this reader understands: " + e.getMessage(), e);
        }
    }
}
