package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that opened a model leaves no onnxruntime-java* folder in its temporary folder. */
class OrtNativesTest {

    /** Run in a child JVM: opens the default image model and exits normally. */
    public static void main(String[] args) throws Exception {
        try (DenoiserModel m = DenoiserModel.openShipped(ShippedModels.defaultFor(Domain.IMAGE),
                SessionConfig.defaults().withThreads(1))) {
            System.out.println("loaded from " + OrtNatives.loadedFrom());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theNativeLibraryFolderIsRemovedAtExit(@TempDir Path tmp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), OrtNativesTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("loaded from " + tmp.toAbsolutePath().normalize().resolve("onnxruntime-java")), out);
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-java"))
                    .toList();
            assertEquals(List.of(), names, "ONNX Runtime's temporary folder is gone");
        }
    }
}
