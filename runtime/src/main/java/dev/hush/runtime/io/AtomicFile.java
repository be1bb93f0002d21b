package dev.hush.runtime.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a part:
 * the content goes to a hidden temporary file in the same folder, which is then renamed over the
 * target. If writing fails, the temporary file is removed and the target is untouched; if the JVM is stopped
 * while writing (Ctrl-C, SIGTERM), a shutdown hook removes the temporary files still being written. Only a hard
 * kill (SIGKILL, power loss) can leave one behind: a hidden {@code .NAME-<random>.part.EXT} beside the target.
 */
public final class AtomicFile {
    /** Writes the content of one file at the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path tmp) throws IOException;
    }

    /** Temporary files being written now: what the shutdown hook removes. */
    private static final java.util.Set<Path> PENDING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(AtomicFile::removePending, "hush-remove-partial-outputs"));
        } catch (IllegalStateException alreadyShuttingDown) {
            // Loaded during shutdown: nothing is being written that a hook could still remove.
        }
    }

    private AtomicFile() {
    }

    /** Removes the temporary files of writes still under way (the JVM is stopping); their targets stay untouched. */
    private static void removePending() {
        for (Path tmp : PENDING) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Best effort while the JVM stops: nothing else can be done about it now.
            }
        }
    }

    /**
     * Refuses an output that is the input itself (by path, through {@code ..} or a link): Hush never overwrites
     * its input. The message suggests {@code NAME<suffix>.EXT} instead.
     */
    public static void refuseInput(Path in, Path out, String suffix) throws dev.hush.runtime.HushException {
        Path a = in.toAbsolutePath().normalize();
        Path b = out.toAbsolutePath().normalize();
        boolean same = a.equals(b);
        if (!same && Files.exists(a) && Files.exists(b)) {
            try {
                same = Files.isSameFile(a, b);
            } catch (IOException ignored) {
                // Cannot tell: the paths differ, so treat them as different files.
            }
        }
        if (same) {
            String n = in.getFileName().toString();
            int dot = n.lastIndexOf('.');
            String suggestion = dot > 0 ? n.substring(0, dot) + suffix + n.substring(dot) : n + suffix;
            throw new dev.hush.runtime.HushException("the output " + out + " is the input file; hush never overwrites"
                    + " its input. Choose another output name, e.g. " + suggestion);
        }
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // Keep the extension last: some writers pick the format from it.
        String suffix = dot > 0 ? name.substring(dot) : ".tmp";
        Path tmp = Files.createTempFile(dir, "." + (dot > 0 ? name.substring(0, dot) : name) + "-", ".part" + suffix);
        PENDING.add(tmp);
        try {
            writer.writeTo(tmp);
            // createTempFile makes the file private (0600); give it the permissions a plainly created
            // file gets, or keep those of the file it replaces.
            permissions(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } finally {
                PENDING.remove(tmp);
            }
        }
    }

    private static void permissions(Path tmp, Path target) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** Writes bytes atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> Files.write(tmp, bytes));
    }
}
