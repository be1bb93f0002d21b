package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens the real shipped model and real bad files in ONNX Runtime. */
class DenoiserModelTest {
    @TempDir
    Path dir;

    @Test
    void opensTheShippedModelAndValidatesItsContract() throws Exception {
        assertFalse(ShippedModels.names().isEmpty(), "hush-models must be on the test classpath");
        String name = ShippedModels.defaultFor(Domain.IMAGE);
        try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults())) {
            assertEquals(Domain.IMAGE, m.contract().domain());
            assertEquals(1, m.contract().channels());
            assertTrue(m.contract().halo() > 0);
            assertEquals(Device.CPU, m.device());
        }
        assertTrue(ShippedModels.card(name).startsWith("# "));
    }

    @Test
    void aTextFileIsNotAModel() throws Exception {
        Path f = dir.resolve("model.onnx");
        Files.writeString(f, "this is not a model\n", StandardCharsets.UTF_8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> DenoiserModel.open(f, SessionConfig.defaults()));
        assertTrue(e.getMessage().contains("not a readable ONNX model"), e.getMessage());
    }

    @Test
    void emptyAndMissingFilesSaySo() throws Exception {
        Path empty = dir.resolve("empty.onnx");
        Files.createFile(empty);
        assertTrue(assertThrows(ModelFormatException.class, () -> DenoiserModel.open(empty, SessionConfig.defaults()))
                .getMessage().contains("empty"));
        HushException e = assertThrows(HushException.class,
                () -> DenoiserModel.open(dir.resolve("nope.onnx"), SessionConfig.defaults()));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        HushException n = assertThrows(HushException.class, () -> DenoiserModel.openShipped("nope", SessionConfig.defaults()));
        assertTrue(n.getMessage().contains("shipped models:"), n.getMessage());
    }

    @Test
    void anUnavailableProviderIsAClearErrorAndAutoFallsBack() throws Exception {
        String name = ShippedModels.defaultFor(Domain.IMAGE);
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            HushException e = assertThrows(HushException.class,
                    () -> DenoiserModel.openShipped(name, SessionConfig.defaults().withDevice(Device.parse("cuda"))));
            assertTrue(e.getMessage().contains("not available"), e.getMessage());
            assertTrue(e.getMessage().contains("--device auto"), e.getMessage());
        }
        try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults().withDevice(Device.AUTO))) {
            assertTrue(m.deviceNote().startsWith("auto: running on " + m.device()), m.deviceNote());
        }
    }
}
