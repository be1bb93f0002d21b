package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.SessionConfig;
import dev.hush.trainer.arch.Architectures;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.onnx.OnnxExport;
import dev.hush.trainer.onnx.OnnxProto.GraphProto;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import dev.hush.trainer.onnx.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights point at a file outside it (ONNX external data) is refused before ONNX Runtime sees it:
 * otherwise '/etc/passwd' or '../../secret' would be read into the network and end up in the output.
 */
class ExternalDataModelTest {
    @TempDir
    Path dir;

    private static ModelProto model() {
        Network net = Architectures.create("residual", 1, 2, 4);
        try (Model m = Model.newInstance("ext", "PyTorch")) {
            m.setBlock(net.block());
            net.block().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 16, 16));
            return OnnxExport.imageModel(net, 1, TestNetworks.meta(net));
        }
    }

    /** The first initializer's data moved "outside": data_location = EXTERNAL (14), and optionally a location entry (13). */
    private static byte[] withExternal(ModelProto m, String location) {
        TensorProto t = m.getGraph().getInitializer(0);
        UnknownFieldSet.Builder u = UnknownFieldSet.newBuilder()
                .addField(14, UnknownFieldSet.Field.newBuilder().addVarint(1).build());
        if (location != null) {
            ByteString entry = StringStringEntryProto.newBuilder().setKey("location").setValue(location).build().toByteString();
            u.addField(13, UnknownFieldSet.Field.newBuilder().addLengthDelimited(entry).build());
        }
        TensorProto ext = t.toBuilder().clearRawData().clearFloatData().setUnknownFields(u.build()).build();
        GraphProto g = m.getGraph().toBuilder().setInitializer(0, ext).build();
        return m.toBuilder().setGraph(g).build().toByteArray();
    }

    @Test
    void externalDataIsRefusedWhereverItPoints() throws Exception {
        ModelProto m = model();
        try (DenoiserModel ok = DenoiserModel.fromBytes(m.toByteArray(), "plain", SessionConfig.defaults().withThreads(1))) {
            assertEquals(1, ok.contract().channels());
        }
        for (String location : new String[] {"/etc/passwd", "../../../../etc/passwd", "weights.bin"}) {
            Path file = dir.resolve("evil.onnx");
            Files.write(file, withExternal(m, location));
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> DenoiserModel.open(file, SessionConfig.defaults().withThreads(1)));
            assertTrue(e.getMessage().contains("outside the model file") && e.getMessage().contains(location),
                    e.getMessage());
        }
        ModelFormatException bare = assertThrows(ModelFormatException.class,
                () -> DenoiserModel.fromBytes(withExternal(m, null), "bytes", SessionConfig.defaults()));
        assertTrue(bare.getMessage().contains("external data"), bare.getMessage());
    }

    @Test
    void devicesAreNotReadAsModels() {
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            Exception e = assertThrows(Exception.class, () -> DenoiserModel.open(zero, SessionConfig.defaults()));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }
}
