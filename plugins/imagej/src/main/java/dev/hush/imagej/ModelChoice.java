package dev.hush.imagej;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The model a user picked: a shipped model by name, or an ONNX file. */
record ModelChoice(String shippedName, Path file) {
    /** The dialog's last model choice: the model is in the file field. */
    static final String FILE = "File...";

    /**
     * Reads {@code model} as a shipped model's name, {@value #FILE} (then {@code file} holds the path), or a path
     * to a .onnx file.
     */
    static ModelChoice of(String model, String file) throws HushException {
        String m = model == null ? "" : model.strip();
        if (m.equals(FILE)) {
            if ((file == null || file.isBlank()) && shippedImageModels().isEmpty()) {
                throw new HushException("no Hush image model is installed (is hush-models-*.jar missing from Fiji's jars"
                        + " folder?); give a model file: model=[/path/to/model.onnx]");
            }
            if (file == null || file.isBlank()) {
                throw new HushException("no model file given: with Model " + FILE + ", choose the .onnx file in 'Model"
                        + " file' (in a macro: model=[/path/to/model.onnx], or file=[/path/to/model.onnx])");
            }
            return new ModelChoice(null, path(file.strip()));
        }
        if (m.isEmpty()) {
            return of(DenoiseOptions.defaults().model(), file);
        }
        if (ShippedModels.names().contains(m)) {
            return new ModelChoice(m, null);
        }
        java.util.Optional<Path> user = UserModels.find(m);
        if (user.isPresent()) {
            return new ModelChoice(null, user.get());
        }
        return new ModelChoice(null, path(m));
    }

    private static Path path(String text) throws HushException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new HushException("'" + text + "' is neither a shipped model (" + String.join(", ", ShippedModels.names())
                    + ") nor a file path: " + e.getReason());
        }
    }

    /** Shipped image denoisers (not anomaly models), for the dialog's list. */
    static List<String> shippedImageModels() {
        return ShippedModels.denoisers(Domain.IMAGE);
    }

    /**
     * The dialog's list: shipped image models, then the user's models ({@link UserModels}: every .onnx in the
     * folder; one of another domain is refused with a message when chosen).
     */
    static List<String> listedModels() {
        List<String> names = new ArrayList<>(shippedImageModels());
        for (String n : UserModels.names()) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names;
    }

    /** The value a macro writes for this choice: the name, or the file's path. */
    String macroValue() {
        return shippedName != null ? shippedName : file.toString();
    }

    /** Opens the model and refuses one that does not denoise images, before any pixel is touched. */
    DenoiserModel open(SessionConfig config) throws HushException {
        if (file != null && !Files.exists(file)) {
            throw new HushException("the model file " + file.toAbsolutePath() + " does not exist (was it moved or"
                    + " deleted?); choose it again with Model: " + FILE + ", or pick a shipped model ("
                    + String.join(", ", shippedImageModels()) + ")");
        }
        DenoiserModel model = shippedName != null ? DenoiserModel.openShipped(shippedName, config)
                : DenoiserModel.open(file, config);
        Domain domain = model.contract().domain();
        if (domain != Domain.IMAGE) {
            String name = shippedName != null ? shippedName : file.getFileName().toString();
            model.close();
            throw new HushException("'" + name + "' is an " + domain.key() + " model, but Denoise Image needs an image"
                    + " model; pick one of " + String.join(", ", shippedImageModels())
                    + " (Plugins › Hush › Hush Models... describes them) or an image model file");
        }
        return model;
    }
}
