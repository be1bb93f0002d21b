package dev.hush.trainer.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Lossy codecs for augmentation, run through FFmpeg where it is installed: what voice messages, phone calls and
 * compressed recordings do to a signal (Opus, MP3 and AAC at low bit rates; GSM at 8 kHz, which also band-limits).
 * Each is a round trip: the signal is encoded to a temporary file and decoded back at its own rate, the same length and time-aligned (these four come back without delay through FFmpeg's decoders: the encoder's
 * priming samples are trimmed; LossyCodecsTest checks it for each. G.726 came back a sample late and Speex 223
 * samples late, so they are not used).
 */
public final class LossyCodecs {
    /** One codec: FFmpeg encoder and container, the rate it runs at (0: the signal's own) and its bit rates. */
    public record Codec(String name, String encoder, String extension, int codecRate, int[] kbps) {
        List<String> encodeArgs(int kbit) {
            List<String> args = new ArrayList<>();
            if (codecRate > 0) {
                args.addAll(List.of("-ar", Integer.toString(codecRate)));
            }
            args.addAll(List.of("-c:a", encoder));
            if (kbit > 0) {
                args.addAll(List.of("-b:a", kbit + "k"));
            }
            return args;
        }
    }

    /** Every codec used, whether or not this machine's FFmpeg has it. */
    public static final List<Codec> ALL = List.of(
            new Codec("opus", "libopus", "ogg", 0, new int[] {6, 8, 12, 16, 24}),
            new Codec("mp3", "libmp3lame", "mp3", 0, new int[] {24, 32, 48, 64}),
            new Codec("aac", "aac", "m4a", 0, new int[] {16, 24, 32, 48}),
            new Codec("gsm", "libgsm", "gsm", 8000, new int[] {0}));

    private final String ffmpeg;
    private final List<Codec> codecs;

    private LossyCodecs(String ffmpeg, List<Codec> codecs) {
        this.ffmpeg = ffmpeg;
        this.codecs = codecs;
    }

    /**
     * The codecs of {@link #ALL} that the {@code ffmpeg} on the PATH can encode; an empty set (no codec, no error)
     * where FFmpeg is missing.
     */
    public static LossyCodecs available() {
        return available("ffmpeg");
    }

    static LossyCodecs available(String ffmpeg) {
        String encoders;
        try {
            Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-encoders").redirectErrorStream(true).start();
            encoders = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return new LossyCodecs(ffmpeg, List.of());
            }
        } catch (IOException e) {
            return new LossyCodecs(ffmpeg, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LossyCodecs(ffmpeg, List.of());
        }
        // "-encoders" lists one encoder a line: flags, name, description.
        Set<String> names = encoders.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length > 1)
                .map(f -> f[1]).collect(Collectors.toSet());
        return new LossyCodecs(ffmpeg, ALL.stream().filter(c -> names.contains(c.encoder())).toList());
    }

    /**
     * The recipe value {@code codecs}: "none", "auto" (every codec of {@link #ALL} this machine's FFmpeg has) or names
     * from {@link #ALL} joined by ',' (each must be available). Checks the spelling only; {@link #select} looks for FFmpeg.
     */
    static List<String> parse(String spec) {
        String s = spec.trim();
        if (s.equals("none") || s.equals("auto")) {
            return List.of(s);
        }
        List<String> names = new ArrayList<>();
        for (String n : s.split(",")) {
            String name = n.trim();
            if (ALL.stream().noneMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("codecs must be none, auto or names from "
                        + String.join(", ", ALL.stream().map(Codec::name).toList()) + " joined by ',', got '" + spec + "'");
            }
            names.add(name);
        }
        return names;
    }

    /** The codecs a recipe's {@code codecs} value asks for; a named codec this machine lacks is an error that says so. */
    public static LossyCodecs select(String spec) {
        List<String> names = parse(spec);
        if (names.equals(List.of("none"))) {
            return new LossyCodecs("ffmpeg", List.of());
        }
        LossyCodecs here = available();
        if (names.equals(List.of("auto"))) {
            return here;
        }
        List<Codec> chosen = ALL.stream().filter(c -> names.contains(c.name())).toList();
        for (Codec c : chosen) {
            if (!here.codecs.contains(c)) {
                throw new IllegalArgumentException("codec '" + c.name() + "' needs FFmpeg with the " + c.encoder()
                        + " encoder, which " + (here.isEmpty() ? "is not installed (e.g. apt-get install ffmpeg)"
                        : "this FFmpeg lacks (it has: " + here.names() + ")") + "; or use codecs=auto or none");
            }
        }
        return new LossyCodecs(here.ffmpeg, chosen);
    }

    public List<Codec> codecs() {
        return codecs;
    }

    public boolean isEmpty() {
        return codecs.isEmpty();
    }

    /** The codec names, e.g. "opus, mp3, aac, gsm", or "none". */
    public String names() {
        return codecs.isEmpty() ? "none" : String.join(", ", codecs.stream().map(Codec::name).toList());
    }

    /** A random codec at a random bit rate over {@code x}; the result has {@code x}'s length. */
    public float[] random(float[] x, int rate, SplittableRandom rnd) throws IOException {
        if (codecs.isEmpty()) {
            throw new IllegalStateException("no lossy codec available (FFmpeg missing)");
        }
        Codec c = codecs.get(rnd.nextInt(codecs.size()));
        return roundTrip(x, rate, c, c.kbps()[rnd.nextInt(c.kbps().length)]);
    }

    /** Encodes {@code x} (mono, {@code rate} Hz) with {@code codec} at {@code kbit} kbit/s and decodes it back. */
    public float[] roundTrip(float[] x, int rate, Codec codec, int kbit) throws IOException {
        Path file = Files.createTempFile("hush-codec-", "." + codec.extension());
        try {
            List<String> enc = new ArrayList<>(List.of(ffmpeg, "-v", "error", "-nostdin", "-y", "-f", "f32le", "-ar",
                    Integer.toString(rate), "-ac", "1", "-i", "pipe:0"));
            enc.addAll(codec.encodeArgs(kbit));
            enc.add(file.toString());
            Process p = new ProcessBuilder(enc).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ByteBuffer bytes = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(x);
            try (OutputStream in = p.getOutputStream()) {
                in.write(bytes.array());
            }
            finish(p, codec, "encoding");
            Process d = new ProcessBuilder(ffmpeg, "-v", "error", "-nostdin", "-i", file.toString(), "-f", "f32le", "-ar",
                    Integer.toString(rate), "-ac", "1", "pipe:1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out;
            try (InputStream o = d.getInputStream()) {
                out = o.readAllBytes();
            }
            finish(d, codec, "decoding");
            float[] y = new float[x.length];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(y, 0, Math.min(y.length, out.length / 4));
            return y;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void finish(Process p, Codec codec, String what) throws IOException {
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ffmpeg " + what + " " + codec.name() + " took over a minute");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ffmpeg was " + what + " " + codec.name(), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("ffmpeg failed " + what + " " + codec.name() + " (exit " + p.exitValue() + ")");
        }
    }
}
