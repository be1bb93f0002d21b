package dev.hush.trainer.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hush.trainer.arch.Network;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one input through the DJL network and through its ONNX export in ONNX Runtime and reports
 * the largest absolute difference: the proof that the export computes what was trained.
 */
public final class ExportCheck {
    /** The tolerance the project promises. */
    public static final double TOLERANCE = 1e-4;

    private ExportCheck() {
    }

    /** Max |DJL − ORT| on a random input of the given shape (values in [0, 1]). */
    public static double maxAbsDifference(Network net, NDManager manager, ModelProto model, long[] shape, long seed) {
        float[] input = randomInput(shape, seed);
        float[] djl = djl(net, manager, input, shape);
        float[] ort = runOrt(model, input, shape);
        if (ort.length != djl.length) {
            throw new IllegalStateException("DJL gave " + djl.length + " values, ONNX Runtime " + ort.length);
        }
        double max = 0;
        for (int i = 0; i < ort.length; i++) {
            max = Math.max(max, Math.abs(ort[i] - djl[i]));
        }
        return max;
    }

    /**
     * For a network with a recurrent state: max |DJL − ONNX Runtime| when ONNX Runtime runs the input (N×1×F×T) in
     * two calls, frames 0 … split − 1 from a zero state and the rest from the state the first call gave back, while
     * DJL runs all frames at once: the proof that the export computes what was trained and that the state carries
     * a stream across calls exactly.
     */
    public static double maxStreamingDifference(Network net, NDManager manager, ModelProto model, long[] shape,
                                                int split, int stateSize, long seed) {
        float[] input = randomInput(shape, seed);
        float[] djl = djl(net, manager, input, shape);
        int n = (int) shape[0];
        int f = (int) shape[2];
        int t = (int) shape[3];
        float[] state = new float[n * stateSize];
        float[] ort = new float[djl.length];
        OrtEnvironment env = dev.hush.runtime.OrtNatives.environment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toByteArray(), o)) {
            for (int[] part : new int[][] {{0, split}, {split, t}}) {
                int len = part[1] - part[0];
                float[] piece = new float[n * f * len];
                for (int row = 0; row < n * f; row++) {
                    System.arraycopy(input, row * t + part[0], piece, row * len, len);
                }
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(piece), new long[] {n, 1, f, len});
                     OnnxTensor h = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {n, stateSize});
                     OrtSession.Result r = s.run(Map.of("input", x, "state_in", h))) {
                    FloatBuffer out = ((OnnxTensor) r.get("output").orElseThrow()).getFloatBuffer();
                    for (int row = 0; row < n * f; row++) {
                        out.position(row * len);
                        out.get(ort, row * t + part[0], len);
                    }
                    ((OnnxTensor) r.get("state_out").orElseThrow()).getFloatBuffer().get(state);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the exported model: " + e.getMessage(), e);
        }
        double max = 0;
        for (int i = 0; i < ort.length; i++) {
            max = Math.max(max, Math.abs(ort[i] - djl[i]));
        }
        return max;
    }

    /** Max |DJL − decoder(encoder(x))| in ONNX Runtime on a random input of the given shape: the halves compose to the whole. */
    public static double maxChainDifference(Network net, NDManager manager, ModelProto encoder, ModelProto decoder,
                                            long[] shape, long seed) {
        float[] input = randomInput(shape, seed);
        float[] djl = djl(net, manager, input, shape);
        OrtEnvironment env = dev.hush.runtime.OrtNatives.environment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession enc = env.createSession(encoder.toByteArray(), o);
             OrtSession dec = env.createSession(decoder.toByteArray(), o);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result code = enc.run(Map.of("input", t));
             OrtSession.Result out = dec.run(Map.of("code", (OnnxTensor) code.get(0)))) {
            FloatBuffer fb = ((OnnxTensor) out.get(0)).getFloatBuffer();
            double max = 0;
            for (int i = 0; i < djl.length; i++) {
                max = Math.max(max, Math.abs(fb.get(i) - djl[i]));
            }
            return max;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the exported encoder or decoder: " + e.getMessage(), e);
        }
    }

    /** Values in [0, 1], seeded. */
    private static float[] randomInput(long[] shape, long seed) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] input = new float[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            input[i] = (float) rnd.nextDouble();
        }
        return input;
    }

    /** The trained network's inference output in DJL. */
    private static float[] djl(Network net, NDManager manager, float[] input, long[] shape) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(input, new Shape(shape));
            return net.block().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        }
    }

    /** Runs an ONNX model's first input → first output in ONNX Runtime on the CPU. */
    public static float[] runOrt(ModelProto model, float[] input, long[] shape) {
        OrtEnvironment env = dev.hush.runtime.OrtNatives.environment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toByteArray(), o);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the exported model: " + e.getMessage(), e);
        }
    }
}
