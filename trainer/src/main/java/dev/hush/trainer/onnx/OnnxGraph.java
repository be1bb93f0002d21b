package dev.hush.trainer.onnx;

import com.google.protobuf.ByteString;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.onnx.OnnxProto.AttributeProto;
import dev.hush.trainer.onnx.OnnxProto.GraphProto;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.NodeProto;
import dev.hush.trainer.onnx.OnnxProto.OperatorSetIdProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;
import dev.hush.trainer.onnx.OnnxProto.TensorProto;
import dev.hush.trainer.onnx.OnnxProto.TensorShapeProto;
import dev.hush.trainer.onnx.OnnxProto.TypeProto;
import dev.hush.trainer.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A small builder for ONNX graphs of float32 tensors: initializers, nodes with attributes, graph
 * inputs and outputs with symbolic dimensions, and the model's {@code metadata_props}. Writes
 * opset {@value #OPSET} (IR version {@value #IR_VERSION}) so that older runtimes load the files.
 */
public final class OnnxGraph {
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    public OnnxGraph(String name) {
        graph.setName(name);
    }

    /** A fresh, unique value name with the given prefix. */
    public String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /** Adds a float32 constant (weights, biases, shapes) and returns its name. */
    public String initializer(String name, float[] values, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("initializer " + name + ": " + values.length + " values for dims of size " + n);
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds an int64 constant (e.g. shapes for Reshape, axes) and returns its name. */
    public String initializerInt64(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long v : values) {
            t.addInt64Data(v);
        }
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node with one output named after the op; returns the output name. */
    public String node(String opType, String[] inputs, Map<String, Object> attributes) {
        String out = fresh(opType.toLowerCase());
        node(opType, inputs, new String[] {out}, attributes);
        return out;
    }

    /** Adds a node with explicit outputs. Attribute values: Long/Integer, Float/Double, String, long[] or float[]. */
    public void node(String opType, String[] inputs, String[] outputs, Map<String, Object> attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(fresh("n_" + opType));
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            n.addAttribute(attribute(e.getKey(), e.getValue()));
        }
        graph.addNode(n);
    }

    private static AttributeProto attribute(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Integer || v instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
        } else if (v instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else if (v instanceof int[] is) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int l : is) {
                a.addInts(l);
            }
        } else if (v instanceof float[] fs) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : fs) {
                a.addFloats(f);
            }
        } else {
            throw new IllegalArgumentException("unsupported attribute type for " + name + ": " + v.getClass());
        }
        return a.build();
    }

    /** Declares a float32 graph input; a dimension is a Long (fixed) or a String (symbolic, dynamic). */
    public void input(String name, Object... dims) {
        graph.addInput(valueInfo(name, dims));
    }

    /** Declares a float32 graph output. */
    public void output(String name, Object... dims) {
        graph.addOutput(valueInfo(name, dims));
    }

    private static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /** The finished model with the given metadata. */
    public ModelProto build(Map<String, String> metadata, String producerVersion) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("hush")
                .setProducerVersion(producerVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return m.build();
    }

    /** Writes a model atomically: to a temporary file beside the target, then renamed over it. */
    public static void write(ModelProto model, Path file) throws IOException {
        AtomicFile.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
        });
    }
}
