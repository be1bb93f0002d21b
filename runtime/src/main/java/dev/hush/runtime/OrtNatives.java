package dev.hush.runtime;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ONNX Runtime's environment, with its temporary folder removed when the JVM exits.
 *
 * <p>ONNX Runtime's Java binding copies its native libraries into a new {@code onnxruntime-java*} folder under
 * {@code java.io.tmpdir} and marks the folder and the files for deletion at exit, the folder first, while it is
 * still full, so an empty folder is left behind by every JVM that used it (hundreds after a day of batch jobs). On
 * Linux the folder this JVM loaded from is found in {@code /proc/self/maps} and removed by a shutdown hook (a
 * loaded library may be unlinked there). Elsewhere the folder is left as ONNX Runtime leaves it. A JVM killed
 * outright (SIGKILL) runs no hooks at all.
 */
public final class OrtNatives {
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static final String PREFIX = "onnxruntime-java";

    private OrtNatives() {
    }

    /** The ONNX Runtime environment (loading the native libraries on first use), with the clean-up registered. */
    public static OrtEnvironment environment() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (HOOKED.compareAndSet(false, true)) {
            Path dir = loadedFrom();
            if (dir != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> removeQuietly(dir), "hush-ort-cleanup"));
            }
        }
        return env;
    }

    /**
     * The temporary folder this JVM loaded ONNX Runtime's library from, when it is one ONNX Runtime made (named
     * {@code onnxruntime-java*}, directly in {@code java.io.tmpdir}); null otherwise or where /proc is not there.
     */
    static Path loadedFrom() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return null;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0 || !line.contains("libonnxruntime")) {
                continue;
            }
            Path lib = Path.of(line.substring(slash).replace(" (deleted)", "").trim());
            Path dir = lib.getParent();
            if (dir != null && dir.getFileName().toString().startsWith(PREFIX) && tmp.equals(dir.getParent())) {
                return dir;
            }
        }
        return null;
    }

    /** Removes the files directly in {@code dir} and then {@code dir}; anything that will not go stays. */
    static void removeQuietly(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException ignored) {
            // At exit there is nobody left to tell; the folder stays as ONNX Runtime would have left it.
        }
    }
}
