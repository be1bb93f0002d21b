package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.SessionConfig;
import dev.hush.trainer.arch.ResidualNet;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX export computes what DJL trained: same input, DJL vs ONNX Runtime, max |diff| ≤ 1e-4. */
class ExportEquivalenceTest {
    @TempDir
    Path dir;

    private static Map<String, String> meta(int halo) {
        Map<String, String> m = new LinkedHashMap<>(ModelContract.imageDefaults(1, halo, 1, 0.1, 99.9));
        m.put(ModelContract.NAME, "test");
        return m;
    }

    @Test
    void freshlyInitialisedResidualNetExportsExactly() {
        Djl.pytorch(0);
        ResidualNet net = new ResidualNet(1, 4, 8);
        try (Model model = Model.newInstance("eq", "PyTorch")) {
            model.setBlock(net.block());
            NDManager manager = model.getNDManager();
            net.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            ModelProto onnx = OnnxExport.imageModel(net, 1, meta(net.halo()));
            for (long[] shape : new long[][] {{1, 1, 37, 41}, {3, 1, 16, 9}, {1, 1, 1, 1}}) {
                double diff = ExportCheck.maxAbsDifference(net, manager, onnx, shape, 11);
                assertTrue(diff <= ExportCheck.TOLERANCE, "max |DJL - ORT| = " + diff + " for " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void trainedModelExportsExactlyAndLoadsWithItsContract() throws Exception {
        ImageTrainingConfig config = ImageTrainingConfig.defaults()
                .with("name", "tiny").with("depth", "3").with("width", "8").with("patch", "32").with("batch", "4")
                .with("epochs", "2").with("steps", "5").with("val_images", "1").with("val_size", "48").with("seed", "3");
        double[] lastLoss = {Double.NaN};
        ImageTrainer.Result r = new ImageTrainer(config).train(new TrainingProgress() {
            @Override
            public void step(int step, int totalSteps, double loss, double pps) {
                lastLoss[0] = loss;
            }
        });
        assertEquals(10, r.steps());
        assertTrue(Double.isFinite(lastLoss[0]), "loss stays finite");
        assertTrue(r.exportMaxDiff() <= ExportCheck.TOLERANCE, "export diff " + r.exportMaxDiff());
        assertTrue(r.patchesPerSecond() > 0);
        Path file = dir.resolve("tiny.onnx");
        OnnxExport.write(r.model(), file);
        try (DenoiserModel m = DenoiserModel.open(file, SessionConfig.defaults())) {
            assertEquals(Domain.IMAGE, m.contract().domain());
            assertEquals(3, m.contract().halo());
            assertEquals("tiny", m.contract().name());
            assertTrue(m.contract().get(ModelContract.ARCHITECTURE, "").startsWith("residual(depth=3"));
            assertTrue(m.contract().get(ModelContract.DATA, "").contains("dead-leaves"));
        }
    }

    @Test
    void modelsWithoutAContractAreRefused() throws Exception {
        Djl.pytorch(0);
        ResidualNet net = new ResidualNet(1, 2, 2);
        try (Model model = Model.newInstance("nc", "PyTorch")) {
            model.setBlock(net.block());
            net.block().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 8, 8));
            Map<String, String> m = meta(2);
            m.remove(ModelContract.NORM);
            byte[] bytes = OnnxExport.imageModel(net, 1, m).toByteArray();
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> DenoiserModel.fromBytes(bytes, "x.onnx", SessionConfig.defaults()));
            assertTrue(e.getMessage().contains("hush.norm"), e.getMessage());
            byte[] plain = OnnxExport.imageModel(net, 1, Map.of()).toByteArray();
            assertTrue(assertThrows(ModelFormatException.class,
                    () -> DenoiserModel.fromBytes(plain, "plain.onnx", SessionConfig.defaults())).getMessage()
                    .contains("not a Hush model"));
        }
    }

    @Test
    void badTrainingOptionsAreRefusedBeforeAnyWork() {
        ImageTrainingConfig c = ImageTrainingConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.with("epochz", "3"));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.with("epochs", "three"));
        assertTrue(e.getMessage().contains("'epochs' must be a whole number, got 'three'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.with("global_residual", "yes"));
        assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.with("epochs", 2.5));
        assertTrue(e.getMessage().contains("'epochs' takes int values"), e.getMessage());
        assertEquals(192, c.with("val_size", 192).valSize());
        assertEquals(10, c.with("epochs", null).epochs(), "a null value leaves the key as it is");
        assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(c.with("patch", "8")));
    }

}
