package dev.hush.imagej;

import java.util.ArrayList;
import java.util.List;

/**
 * The jars Train Denoiser needs and the other commands do not: the Hush trainer, DJL and PyTorch (hundreds of MB,
 * so a Fiji may well go without them). They are looked up as resources, which loads none of their classes, so this
 * works, and says what is missing, when they are absent.
 */
final class TrainerJars {
    /** A jar, named as in Fiji's jars folder, and a resource only it holds. */
    record Part(String jar, String resource) {
    }

    static final List<Part> PARTS = List.of(
            new Part("hush-trainer-*.jar", "dev/hush/trainer/image/ImageTrainer.class"),
            new Part("api-*.jar (DJL)", "ai/djl/engine/Engine.class"),
            new Part("pytorch-engine-*.jar", "ai/djl/pytorch/engine/PtEngine.class"),
            new Part("pytorch-jni-*.jar", "jnilib/pytorch.properties"),
            new Part("pytorch-native-cpu-*.jar (for this platform)", "native/lib/pytorch.properties"),
            new Part("protobuf-java-*.jar", "com/google/protobuf/Message.class"),
            new Part("gson-*.jar", "com/google/gson/Gson.class"),
            new Part("jna-*.jar", "com/sun/jna/Native.class"),
            new Part("commons-compress-*.jar", "org/apache/commons/compress/archivers/ArchiveEntry.class"));

    private TrainerJars() {
    }

    /** The parts {@code loader} cannot find; empty when training can start. */
    static List<String> missing(ClassLoader loader) {
        List<String> missing = new ArrayList<>();
        for (Part p : PARTS) {
            if (loader.getResource(p.resource()) == null) {
                missing.add(p.jar());
            }
        }
        return missing;
    }

    /** What to do when jars are missing; the command name leads, as in every message of the plugin. */
    static String message(List<String> missing) {
        return "training needs the Hush trainer and DJL/PyTorch jars in Fiji's jars folder (plain ImageJ: plugins/jars),"
                + " and these are missing: " + String.join(", ", missing) + ". Copy them from the plugin's build"
                + " (plugins/imagej/target/fiji/jars/, see docs/imagej.md) and restart; Hush Denoise Image... works without them";
    }

    /** A class or native library of the trainer failed to load although the jars were found. */
    static String message(LinkageError e) {
        return "the trainer could not be loaded (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "). Train"
                + " Denoiser needs hush-trainer, DJL's api, pytorch-engine, pytorch-jni, protobuf-java and the"
                + " pytorch-native-cpu jar for this platform (Linux x86-64, macOS arm64 or Windows x86-64) in Fiji's jars"
                + " folder, one version of each (docs/imagej.md); Hush Denoise Image... works without them";
    }
}
