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
            assertTrue(e.getMessage().contains("auto falls back"), e.getMessage());
            assertEquals(HushException.Code.DEVICE_UNAVAILABLE, e.code());
        }
        try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults().withDevice(Device.AUTO))) {
            assertTrue(m.deviceNote().startsWith("auto: running on " + m.device()), m.deviceNote());
        }
    }

    @Test
    void theContractIsReadWithoutASessionAndMatchesTheOpenedModels() throws Exception {
        for (String name : ShippedModels.names()) {
            ModelContract read = DenoiserModel.readContract(name);
            try (DenoiserModel m = DenoiserModel.openShipped(name, SessionConfig.defaults().withThreads(1))) {
                assertEquals(m.contract().asMap(), read.asMap(), name);
                assertEquals(m.contract().summary(), read.summary(), name);
            }
        }
        byte[] onnx = ShippedModels.bytes(ShippedModels.defaultFor(Domain.IMAGE));
        ModelFormatException cut = assertThrows(ModelFormatException.class,
                () -> ModelContract.read(java.util.Arrays.copyOf(onnx, onnx.length / 2), "half.onnx"));
        assertTrue(cut.getMessage().startsWith("half.onnx is not a readable ONNX model"), cut.getMessage());
        assertEquals(HushException.Code.INVALID_MODEL, cut.code());
        ModelFormatException text = assertThrows(ModelFormatException.class,
                () -> ModelContract.read("hello, not a model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.onnx"));
        assertEquals(HushException.Code.INVALID_MODEL, text.code());
        HushException missing = assertThrows(HushException.class, () -> DenoiserModel.readContract("no-such-model"));
        assertEquals(HushException.Code.MODEL_NOT_FOUND, missing.code());
    }
}
