package dev.hush.audio;

import dev.hush.runtime.HushException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the {@code ffmpeg} (and {@code ffprobe}) executables that decode what javax.sound cannot (FLAC, MP3,
 * Ogg, …). The system property {@code hush.ffmpeg} overrides the search: a path to the executable, or
 * {@code none} to behave as if there were no ffmpeg.
 */
public final class Ffmpeg {
    public static final String PROPERTY = "hush.ffmpeg";

    private Ffmpeg() {
    }

    /** The ffmpeg executable, if there is one. */
    public static Optional<Path> ffmpeg() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            if (prop.trim().equalsIgnoreCase("none")) {
                return Optional.empty();
            }
            Path p = Path.of(prop.trim());
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath("ffmpeg");
    }

    /** ffprobe beside ffmpeg, or on the PATH. */
    public static Optional<Path> ffprobe() {
        Optional<Path> f = ffmpeg();
        if (f.isEmpty()) {
            return Optional.empty();
        }
        Path parent = f.get().toAbsolutePath().getParent();
        for (String name : names("ffprobe")) {
            Path p = parent == null ? null : parent.resolve(name);
            if (p != null && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return onPath("ffprobe");
    }

    static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            for (String name : names(tool)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static String[] names(String tool) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        return windows ? new String[] {tool + ".exe", tool} : new String[] {tool};
    }

    /** What to tell a user who gave a file only ffmpeg could read. */
    static String installHint() {
        return "install ffmpeg (e.g. 'apt install ffmpeg', 'brew install ffmpeg', or from ffmpeg.org) and make sure it"
                + " is on the PATH, or convert the file to WAV first";
    }

    /** A running ffmpeg that decodes one file to 32-bit float WAV on its standard output. */
    static final class Decode {
        private final Process process;
        private final Path file;
        private final StringBuilder stderr = new StringBuilder();
        private final Thread drain;

        Decode(Path ffmpeg, Path file) throws HushException {
            this.file = file;
            ProcessBuilder pb = new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-hide_banner", "-v", "error", "-i",
                    file.toAbsolutePath().toString(), "-vn", "-map", "0:a:0", "-f", "wav", "-c:a", "pcm_f32le", "-");
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new HushException("cannot start " + ffmpeg + " to decode " + file + ": " + e.getMessage(), e);
            }
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // ffmpeg reads nothing from us (-nostdin).
            }
            drain = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (stderr) {
                            if (stderr.length() < 4000) {
                                stderr.append(line).append('\n');
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // The process went away; what was read is kept.
                }
            }, "ffmpeg-stderr");
            drain.setDaemon(true);
            drain.start();
        }

        InputStream stdout() {
            return process.getInputStream();
        }

        /** What ffmpeg said on its error stream so far, trimmed. */
        String said() {
            try {
                drain.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (stderr) {
                String s = stderr.toString().strip();
                return s.isEmpty() ? "no message" : s.replace('\n', ';');
            }
        }

        /** Waits for ffmpeg to end and fails if it did not decode the whole file. */
        void finish() throws HushException {
            try {
                int rc = process.waitFor();
                if (rc != 0) {
                    throw new HushException("ffmpeg could not decode " + file + " (exit " + rc + "): " + said());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
                throw new HushException("interrupted while ffmpeg decoded " + file, e);
            }
        }

        void destroy() {
            process.destroy();
        }
    }
}
