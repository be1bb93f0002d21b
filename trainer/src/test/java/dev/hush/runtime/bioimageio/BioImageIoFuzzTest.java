package dev.hush.runtime.bioimageio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.Mutations;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.trainer.bioimageio.BioImageIoPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bioimage.io package reader on damaged and hostile packages: the zip, the description (YAML, both formats) and
 * the test tensors (.npy) are each damaged inside an otherwise valid package. Every mutant is read (and, where it
 * reads, its contract mapped and its test case run) or refused with a {@link HushException}; never another exception,
 * never a hang. {@code JAZZER_FUZZ=1} runs the description target under Jazzer (docs/security.md). It lives in the
 * reader's package, in the trainer's tests (which can make valid packages), because Jazzer instruments the package of
 * the test class.
 */
class BioImageIoFuzzTest {
    private static Map<String, byte[]> v04;
    private static Map<String, byte[]> v05;

    @BeforeAll
    static void packages() throws Exception {
        Path dir = Files.createTempDirectory("hush-bioimageio-fuzz");
        Instant when = Instant.parse("2026-12-04T00:00:00Z");
        Path a = dir.resolve("a.zip");
        Path b = dir.resolve("b.zip");
        BioImageIoPackage.open("image-gray-fast").timestamp(when).write(a);
        BioImageIoPackage.open("image-gray-fast").format("0.5").timestamp(when).write(b);
        v04 = entries(Files.readAllBytes(a));
        v05 = entries(Files.readAllBytes(b));
    }

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> files, String replaced, byte[] with) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getKey().equals(replaced) ? with : e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a package as {@code hush image --model pkg.zip} and {@code hush models --check} would; a refusal is a
     * {@link HushException}, which the caller judges.
     */
    static void read(byte[] zip, boolean runTest) throws Exception {
        Path dir = Files.createTempDirectory("hush-fuzz");
        Path file = dir.resolve("pkg.zip");
        try {
            Files.write(file, zip);
            BioImageIoModel pkg = BioImageIoModel.read(file);
            pkg.contract();
            if (runTest) {
                try (DenoiserModel m = pkg.openAsPackaged(SessionConfig.defaults().withThreads(1))) {
                    pkg.check(m, new RunContext());
                }
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void description(byte[] data) throws Exception {
        try {
            read(zip(v05, "rdf.yaml", data), false);
        } catch (HushException refused) {
            // a message that says what is wrong: fine
        }
    }

    @Test
    void damagedPackagesAreReadOrRefusedCleanly() throws Exception {
        int refused = 0;
        for (Map<String, byte[]> files : List.of(v04, v05)) {
            refused += Mutations.sweep(List.of(files.get("rdf.yaml")), 150, HushException.class,
                    Duration.ofSeconds(60), rdf -> read(zip(files, "rdf.yaml", rdf), false));
            refused += Mutations.sweep(List.of(zip(files, null, null)), 60, HushException.class, Duration.ofSeconds(60),
                    whole -> read(whole, false));
        }
        // The test tensors' headers and data, checked by running the package's test (opens ONNX Runtime each time).
        refused += Mutations.sweep(List.of(v05.get("test_input.npy")), 30, HushException.class, Duration.ofSeconds(90),
                npy -> read(zip(v05, "test_input.npy", npy), true));
        assertTrue(refused > 100, "most mutants of a description or a zip are refused: " + refused);
    }
}
