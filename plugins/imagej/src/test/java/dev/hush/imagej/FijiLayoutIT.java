package dev.hush.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Fiji layout (target/fiji, made by 'package') holds no second copy of a library Fiji already ships, and keeps
 * PyTorch's natives in the platform folder rather than the shared jars/.
 */
class FijiLayoutIT {
    /** Artifacts Fiji ships itself (the pom's fiji.shipped): a copy in jars/ would shadow or clash with Fiji's. */
    static final List<String> FIJI_SHIPPED = List.of("gson", "jna", "commons-io", "commons-compress", "commons-codec",
            "commons-math3", "error_prone_annotations", "protobuf-java", "slf4j-api", "ij", "imagej", "log4j");
    private static final Path JARS = Path.of("target", "fiji", "jars");

    @Test
    void jarsHoldsNothingFijiShipsAndNativesLiePerPlatform() throws Exception {
        List<String> names;
        try (Stream<Path> s = Files.list(JARS)) {
            names = s.filter(p -> p.toString().endsWith(".jar")).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(names.contains("onnxruntime-1.23.2.jar") || names.stream().anyMatch(n -> n.startsWith("onnxruntime")),
                "ONNX Runtime is in the layout: " + names);
        List<String> clashes = names.stream().filter(n -> FIJI_SHIPPED.contains(artifact(n))).toList();
        assertEquals(List.of(), clashes, "jars Fiji already ships, in " + JARS);
        assertTrue(names.stream().noneMatch(n -> n.startsWith("pytorch-native")), "no natives in the shared jars/");
        try (Stream<Path> s = Files.list(JARS.resolve("linux64"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("pytorch-native-cpu")),
                    "PyTorch's natives in jars/linux64");
        }
    }

    /** "commons-io-2.16.1.jar" → "commons-io": the name before the first "-digit". */
    static String artifact(String jar) {
        String base = jar.substring(0, jar.length() - ".jar".length());
        for (int i = 0; i + 1 < base.length(); i++) {
            if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
                return base.substring(0, i);
            }
        }
        return base;
    }
}
