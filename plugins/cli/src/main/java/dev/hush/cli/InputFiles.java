package dev.hush.cli;

import dev.hush.runtime.HushException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        Set<Path> out = new LinkedHashSet<>();
        for (String arg : args) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(wanted).filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new HushException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (!Files.exists(p) && isGlob(arg)) {
                List<Path> matched = glob(arg);
                if (matched.isEmpty()) {
                    throw new HushException("no file matches " + arg);
                }
                out.addAll(matched);
            } else {
                out.add(p); // a missing file is reported when it is read, with the others going on
            }
        }
        return new ArrayList<>(out);
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
                out.putIfAbsent(p, new Found(p, p.getFileName()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The folder a glob searches: the part before the first segment with a wildcard. */
    private static Path globRoot(String pattern) {
        Path full = Path.of(pattern);
        Path base = full.isAbsolute() ? full.getRoot() : Path.of("");
        for (Path part : full) {
            if (isGlob(part.toString())) {
                break;
            }
            base = base.resolve(part);
        }
        return base.toString().isEmpty() ? Path.of(".") : base;
    }

    private static List<Path> glob(String pattern) throws HushException {
        // The folder is the part before the first segment with a wildcard.
        Path full = Path.of(pattern);
        Path base = full.isAbsolute() ? full.getRoot() : Path.of("");
        int firstWild = 0;
        for (Path part : full) {
            if (isGlob(part.toString())) {
                break;
            }
            base = base.resolve(part);
            firstWild++;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + full.subpath(firstWild, full.getNameCount()));
        Path root = base.toString().isEmpty() ? Path.of(".") : base;
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
