package dev.hush.cli;

import dev.hush.runtime.HushException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns what the user typed into input files: plain files as they are, folders as the matching
 * files inside them (recursively, sorted), and globs such as {@code raw/*.tif} (for shells that do not
 * expand them, e.g. Windows, or quoted ones). A name that matches nothing is an error that says so.
 */
final class InputFiles {
    private InputFiles() {
    }

    static boolean isGlob(String arg) {
        return arg.contains("*") || arg.contains("?") || arg.contains("[");
    }

    static List<Path> expand(List<String> args, Predicate<Path> wanted) throws HushException {
        return expandRelative(args, wanted).stream().map(Found::file).toList();
    }

    /** An input file and its path relative to the folder or glob base it was found under (its name, for a file). */
    record Found(Path file, Path relative) {
    }

    /** As {@link #expand}, keeping each file's path relative to the folder or glob base it came from. */
    static List<Found> expandRelative(List<String> args, Predicate<Path> wanted) throws HushException {
        java.util.Map<Path, Found> out = new java.util.LinkedHashMap<>();
        for (String arg : args) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(wanted).filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().forEach(f -> out.putIfAbsent(f, new Found(f, p.relativize(f))));
                } catch (IOException e) {
                    throw new HushException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (!Files.exists(p) && isGlob(arg)) {
                Path root = globRoot(arg);
                List<Path> matched = glob(arg);
                if (matched.isEmpty()) {
                    throw new HushException("no file matches " + arg);
                }
                matched.forEach(f -> out.putIfAbsent(f, new Found(f, root.relativize(f))));
            } else {
                out.putIfAbsent(p, new Found(p, p.getFileName())); // a missing file is reported when it is read
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * Drops the files found under {@code outputFolder} when it lies inside the folder (or glob base) they were found
     * in: a re-run must not take earlier outputs for inputs. Files named one by one, and those of an input folder that
     * is the output folder itself, stay (writing over them is refused for each).
     */
    static List<Found> outside(List<Found> found, Path outputFolder) {
        Path outDir = outputFolder.toAbsolutePath().normalize();
        return found.stream().filter(f -> {
            Path file = f.file().toAbsolutePath().normalize();
            Path base = file;
            for (int i = 0; i < f.relative().getNameCount() && base != null; i++) {
                base = base.getParent();
            }
            boolean outputInsideInput = base != null && outDir.startsWith(base) && !outDir.equals(base);
            return !(outputInsideInput && file.startsWith(outDir));
        }).toList();
    }

    /** Which input writes each output, so that no two inputs ever write the same file. */
    static final class Claims {
        private final java.util.Map<Path, Path> claimed = new java.util.HashMap<>();

        /**
         * Takes {@code out} for {@code in} and returns null, or returns why {@code in} may not write it: an earlier
         * input writes it already.
         */
        String claim(Path in, Path out) {
            Path other = claimed.putIfAbsent(out.toAbsolutePath().normalize(), in);
            return other == null ? null : "would write " + out + ", which " + other + " writes too; use -o with a folder"
                    + " to keep the inputs' relative paths apart, or rename one";
        }
    }

    /** The folder a glob searches (the part before the first segment with a wildcard) and that segment's index. */
    private record GlobBase(Path root, int firstWild) {
        static GlobBase of(Path full) {
            Path base = full.isAbsolute() ? full.getRoot() : Path.of("");
            int firstWild = 0;
            for (Path part : full) {
                if (isGlob(part.toString())) {
                    break;
                }
                base = base.resolve(part);
                firstWild++;
            }
            return new GlobBase(base.toString().isEmpty() ? Path.of(".") : base, firstWild);
        }
    }

    private static Path globRoot(String pattern) {
        return GlobBase.of(Path.of(pattern)).root();
    }

    private static List<Path> glob(String pattern) throws HushException {
        Path full = Path.of(pattern);
        GlobBase g = GlobBase.of(full);
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + full.subpath(g.firstWild(), full.getNameCount()));
        Path root = g.root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(f -> m.matches(root.relativize(f))).sorted().toList();
        } catch (IOException e) {
            throw new HushException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }
}
