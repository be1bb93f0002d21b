package dev.hush.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the runtime reads from a model file before ONNX Runtime sees it (the contract's metadata, the external-data
 * check) on damaged and hostile bytes: a {@link ModelFormatException} or a contract, nothing else.
 */
class ModelBytesFuzzTest {

    static void readModel(byte[] data) throws ModelFormatException {
        ExternalData.find(data);
        ModelContract.read(data, "fuzz.onnx");
    }

    @FuzzTest(maxDuration = "60s")
    void modelBytes(byte[] data) {
        try {
            readModel(data);
        } catch (ModelFormatException expected) {
            // refused with a message: fine
        }
    }

    @Test
    void damagedShippedModelsAreRefusedCleanly() throws Exception {
        List<byte[]> seeds = List.of(ShippedModels.bytes(ShippedModels.defaultFor(Domain.IMAGE)),
                ShippedModels.bytes(ShippedModels.defaultFor(Domain.AUDIO)));
        int refused = Mutations.sweep(seeds, 300, ModelFormatException.class, Duration.ofSeconds(120),
                ModelBytesFuzzTest::readModel);
        assertTrue(refused > 0, "some mutants are refused");
    }
}
