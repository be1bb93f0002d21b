package dev.hush.cli;

import dev.hush.imagej.ImageFiles;
import dev.hush.runtime.HushException;
import dev.hush.runtime.image.FloatImage;
import dev.hush.trainer.image.ImageEvaluation.BenchImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real benchmark sets (images here; the audio clips are found the same way). Images: 8-bit PNG crops under {@code models/bench/images} ({@code grey/} and
 * {@code rgb/}), taken by {@code scripts/data/images.sh --bench} from packages never used in training. A
 * file's group is its name up to the first {@code __} ({@code photo__…}, {@code microscopy__…}).
 */
final class BenchSets {
    /** Where the crops are, relative to the repository root. */
    static final String RELATIVE = "models/bench/images";

    private BenchSets() {
    }

    /**
     * The default folder: under {@code -Dhush.home} (the launcher sets it to the repository), else the first
     * {@code models/bench/images} found from the working folder upwards.
     */
    static Path defaultFolder() throws HushException {
        return defaultFolder(RELATIVE);
    }

    /** As {@link #defaultFolder()} for another folder of the repository (e.g. models/bench/audio). */
    static Path defaultFolder(String relative) throws HushException {
        String home = System.getProperty("hush.home");
        if (home != null && Files.isDirectory(Path.of(home, relative))) {
            return Path.of(home, relative);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new HushException("cannot find the real benchmark data (" + relative + " in the Hush repository); run"
                + " from the repository, pass --bench-dir DIR, or use the synthetic set (--set)");
    }

    /**
     * A model's row label in a bench table: its name in bold, and where another model of the run has the same name
     * (two trainings of one recipe, say), the file it came from in brackets, so that the rows can be told apart.
     */
    static String label(dev.hush.runtime.DenoiserModel m, List<dev.hush.runtime.DenoiserModel> all) {
        String name = m.contract().name();
        long same = all.stream().filter(o -> o.contract().name().equals(name)).count();
        if (same < 2) {
            return "**" + name + "**";
        }
        String src = m.source().startsWith("shipped:") ? "shipped" : m.source();
        try {
            Path file = Path.of(src).getFileName();
            src = file != null ? file.toString() : src;
        } catch (java.nio.file.InvalidPathException e) {
            // not a path: keep the source as it is
        }
        return "**" + name + "** [" + src + "]";
    }

    /** The crops in {@code folder/sub} ({@code grey} or {@code rgb}), sorted by name; one channel or three. */
    static List<BenchImage> load(Path folder, String sub, int channels) throws HushException {
        Path dir = folder.resolve(sub);
        if (!Files.isDirectory(dir)) {
            throw new HushException("benchmark folder " + dir + " does not exist (expected " + RELATIVE + "/" + sub
                    + "/*.png)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new HushException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new HushException("no PNG files in " + dir);
        }
        List<BenchImage> out = new ArrayList<>();
        for (Path f : files) {
            FloatImage img = ImageFiles.read(f).planes().get(0);
            if (img.channels() != channels) {
                throw new HushException(f + " has " + img.channels() + " channel(s); the " + sub + " set takes " + channels);
            }
            String name = f.getFileName().toString().replaceFirst("\\.png$", "");
            int cut = name.indexOf("__");
            out.add(new BenchImage(name, cut > 0 ? name.substring(0, cut) : "images", img));
        }
        return out;
    }
}
