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
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            return Optional.empty();
        }
        Path f = folder().resolve(name + ".onnx");
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** The card beside a user model ({@code NAME.md}), if any. */
    public static Optional<String> card(String name) {
        Path md = folder().resolve(name + ".md");
        try {
            return Files.isRegularFile(md) ? Optional.of(Files.readString(md)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
