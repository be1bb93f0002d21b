package dev.hush.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The user's own models: every {@code NAME.onnx} in one folder, opened by NAME like a shipped model (a shipped
 * model of the same name wins). The folder is the system property {@value #PROPERTY}, else the environment
 * variable {@value #ENV}, else {@code ~/.hush/models}. A model trained with {@code hush train} or the ImageJ
 * trainer can be copied there (with its card, {@code NAME.md}) to appear in every menu.
 */
public final class UserModels {
    public static final String PROPERTY = "hush.models";
    public static final String ENV = "HUSH_MODELS";

    private UserModels() {
    }

    public static Path folder() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".hush", "models");
        }
        return Path.of(p);
    }

    /** Names of the models in the folder (file names without {@code .onnx}), sorted; empty when there is no folder. */
    public static List<String> names() {
        Path dir = folder();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".onnx") && !n.endsWith(".encoder.onnx") && !n.endsWith(".decoder.onnx"))
                    .map(n -> n.substring(0, n.length() - ".onnx".length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The file of a user model, if there is one by that name. */
    public static Optional<Path> find(String name) {
        if (!isName(name)) {
            return Optional.empty();
        }
        Path f = folder().resolve(name + ".onnx");
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /**
     * Whether {@code name} can name a model in the folder: not blank, no folder separators or NUL (which no file name
     * holds), not {@code .} or {@code ..}.
     */
    private static boolean isName(String name) {
        return name != null && !name.isBlank() && !name.contains("/") && !name.contains("\\") && !name.equals(".")
                && !name.equals("..") && name.indexOf('\0') < 0;
    }

    /** The card of a user model ({@code NAME.md} beside {@code NAME.onnx}), if there are both. */
    public static Optional<String> card(String name) {
        Optional<Path> model = find(name);
        return model.isPresent() ? cardBeside(model.get()) : Optional.empty();
    }

    /**
     * The card of a model file: {@code NAME.md} in the same folder as {@code NAME.onnx}, if the model is a regular
     * {@code .onnx} file and the card a regular file there (not a link, which could point anywhere). Nothing else is
     * ever read, so a name or path given for a card cannot make Hush print some other file.
     */
    public static Optional<String> cardBeside(Path onnx) {
        String n = onnx.getFileName() == null ? "" : onnx.getFileName().toString();
        if (!n.endsWith(".onnx") || n.length() == ".onnx".length() || !Files.isRegularFile(onnx)) {
            return Optional.empty();
        }
        Path md = onnx.resolveSibling(n.substring(0, n.length() - ".onnx".length()) + ".md");
        try {
            return Files.isRegularFile(md, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readString(md))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
