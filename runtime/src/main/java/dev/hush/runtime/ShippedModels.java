package dev.hush.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The models shipped in the {@code hush-models} jar. They live on the classpath under
 * {@code hush/models/}: {@code models.list} names them, one per line, and each has
 * {@code NAME.onnx} and a model card {@code NAME.md}. Without that jar the list is empty.
 */
public final class ShippedModels {
    private static final String ROOT = "hush/models/";

    private ShippedModels() {
    }

    /** Names of the shipped models, in the order of {@code models.list}. */
    public static List<String> names() {
        try (InputStream in = resource(ROOT + "models.list")) {
            if (in == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        names.add(line);
                    }
                }
            }
            return Collections.unmodifiableList(names);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The shipped denoisers of a domain ({@code image-…}, {@code audio-…}), in list order: every model of that
     * domain except anomaly models (those whose contract has {@link ModelContract#ANOMALY_SCALE}).
     */
    public static List<String> denoisers(Domain domain) {
        List<String> out = new ArrayList<>();
        for (String n : names()) {
            if (n.startsWith(domain.key() + "-") && !isAnomalyModel(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** The shipped anomaly models (a calibrated {@link ModelContract#ANOMALY_SCALE}), in list order. */
    public static List<String> anomalyModels() {
        List<String> out = new ArrayList<>();
        for (String n : names()) {
            if (isAnomalyModel(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private static boolean isAnomalyModel(String name) {
        try {
            return ModelContract.read(bytes(name), name).get(ModelContract.ANOMALY_SCALE, null) != null;
        } catch (HushException e) {
            return false;
        }
    }

    /** The first shipped denoiser of a domain: the default when the user names none. */
    public static String defaultFor(Domain domain) throws HushException {
        for (String n : denoisers(domain)) {
            return n;
        }
        throw new HushException("no shipped " + domain.key() + " model is on the classpath (is the hush-models jar"
                + " missing?); give a model file with --model");
    }

    /** The ONNX bytes of a shipped model. */
    public static byte[] bytes(String name) throws HushException {
        return read(name, ".onnx");
    }

    /** The markdown model card of a shipped model. */
    public static String card(String name) throws HushException {
        return new String(read(name, ".md"), StandardCharsets.UTF_8);
    }

    /** Any other file shipped beside the models (e.g. {@code samples/x.png}). */
    public static byte[] file(String relative) throws HushException {
        try (InputStream in = resource(ROOT + relative)) {
            if (in == null) {
                throw new HushException("'" + relative + "' is not in the hush-models jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new HushException("cannot read shipped file " + relative + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(String name, String suffix) throws HushException {
        if (!names().contains(name)) {
            throw new HushException("no shipped model named '" + name + "'; shipped models: "
                    + (names().isEmpty() ? "none (is the hush-models jar on the classpath?)" : String.join(", ", names())));
        }
        return file(name + suffix);
    }

    private static InputStream resource(String path) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        InputStream in = cl == null ? null : cl.getResourceAsStream(path);
        return in != null ? in : ShippedModels.class.getClassLoader().getResourceAsStream(path);
    }
}
