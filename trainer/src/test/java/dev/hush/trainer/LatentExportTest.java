package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * encoder.onnx and decoder.onnx: exported for the networks whose code is the only path from input to output,
 * and decoder(encoder(x)) in ONNX Runtime equals the full exported model.
 */
class LatentExportTest {
    private static ImageTrainingConfig tiny(String arch) {
        ImageTrainingConfig c = ImageTrainingConfig.defaults().with("name", "latent-" + arch).with("architecture", arch)
                .with("patch", "16").with("batch", "4").with("epochs", "1").with("steps", "3")
                .with("val_images", "1").with("val_size", "32").with("seed", "4").with("threads", "1");
        return arch.equals("conv") ? c.with("depth", "2").with("width", "2").with("global_residual", "false")
                : c.with("width", "12");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv", "vanilla", "multilayer"})
    void halvesComposeToTheWholeModel(String arch) throws Exception {
        ImageTrainer.Result r = new ImageTrainer(tiny(arch)).train(TrainingProgress.NONE);
        assertTrue(r.hasLatent(), arch + " should export its halves");
        double ssim = r.history().get(0).valSsim();
        assertTrue(ssim >= -1 && ssim <= 1, "validation SSIM per epoch in [-1, 1], got " + ssim);
        assertEquals("encoder", meta(r.encoder()).get(OnnxExport.PART));
        assertEquals("decoder", meta(r.decoder()).get(OnnxExport.PART));
        assertFalse(meta(r.encoder()).containsKey("hush.domain"), "a half is not a denoiser model");
        int n = 2 * 16 * 16;
        float[] x = new float[n];
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        long[] shape = {2, 1, 16, 16};
        float[] whole = ExportCheck.runOrt(r.model(), x, shape);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession enc = env.createSession(r.encoder().toByteArray(), new OrtSession.SessionOptions());
             OrtSession dec = env.createSession(r.decoder().toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result code = enc.run(Map.of("input", t));
             OrtSession.Result out = dec.run(Map.of("code", (OnnxTensor) code.get(0)))) {
            long[] codeShape = ((OnnxTensor) code.get(0)).getInfo().getShape();
            assertEquals(2, codeShape[0]);
            long codeSize = 1;
            for (long d : codeShape) {
                codeSize *= d;
            }
            assertTrue(codeSize < n, "the code (" + codeSize + " values) must be smaller than the input (" + n + ")");
            FloatBuffer fb = ((OnnxTensor) out.get(0)).getFloatBuffer();
            double max = 0;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.abs(fb.get(i) - whole[i]));
            }
            assertTrue(max <= 1e-5, arch + ": decoder(encoder(x)) differs from the model by " + max);
        }
    }

    @Test
    void networksWithoutASeparableCodeExportNoHalves() {
        ImageTrainingConfig c = tiny("conv").with("global_residual", "true");
        ImageTrainer.Result r = new ImageTrainer(c).train(TrainingProgress.NONE);
        assertFalse(r.hasLatent());
        assertNull(r.decoder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(tiny("vanilla").with("global_residual", "false")));
        assertTrue(e.getMessage().contains("conv and unet only"), e.getMessage());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> r.network().exportDecoder(new dev.hush.trainer.onnx.OnnxGraph("x"), "code"));
        assertTrue(u.getMessage().contains("global residual"), u.getMessage());
    }

    private static Map<String, String> meta(dev.hush.trainer.onnx.OnnxProto.ModelProto m) {
        Map<String, String> out = new java.util.HashMap<>();
        m.getMetadataPropsList().forEach(p -> out.put(p.getKey(), p.getValue()));
        return out;
    }

    @Test
    void quantisationAwareTrainingNoisesTheCodeInTrainingOnly() throws Exception {
        // Trains and exports as usual (the export check compares DJL inference with ONNX Runtime, so no noise there).
        ImageTrainer.Result r = new ImageTrainer(tiny("conv").with("quant_bits", "3")).train(TrainingProgress.NONE);
        assertTrue(r.hasLatent());
        assertTrue(r.exportMaxDiff() <= ExportCheck.TOLERANCE, "inference is unchanged: " + r.exportMaxDiff());
        // In training mode the decoder sees noise of one 3-bit step: two passes over the same input differ, and by
        // about what a step of the code's range gives; without quant_bits they are equal.
        for (int bits : new int[] {0, 3}) {
            dev.hush.trainer.arch.EncoderDecoderNet net = (dev.hush.trainer.arch.EncoderDecoderNet)
                    dev.hush.trainer.arch.Architectures.create("conv", 1, 2, 2, 16, 0f, false, 0, 0);
            if (bits > 0) {
                net.quantisationAware(bits);
            }
            try (ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager()) {
                net.block().initialize(nd, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(2, 1, 16, 16));
                ai.djl.ndarray.NDArray x = nd.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(2, 1, 16, 16));
                ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(nd, false);
                float[] a = net.block().forward(ps, new ai.djl.ndarray.NDList(x), true).head().toFloatArray();
                float[] b = net.block().forward(ps, new ai.djl.ndarray.NDList(x), true).head().toFloatArray();
                float[] inf1 = net.block().forward(ps, new ai.djl.ndarray.NDList(x), false).head().toFloatArray();
                float[] inf2 = net.block().forward(ps, new ai.djl.ndarray.NDList(x), false).head().toFloatArray();
                assertTrue(java.util.Arrays.equals(inf1, inf2), "inference is deterministic");
                double diff = 0;
                for (int i = 0; i < a.length; i++) {
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                if (bits == 0) {
                    assertEquals(0, diff, 0, "no noise without quant_bits");
                } else {
                    assertTrue(diff > 0, "training passes differ with quant_bits");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(tiny("conv").with("quant_bits", "3")
                .with("global_residual", "true")).train(TrainingProgress.NONE));
        assertThrows(IllegalArgumentException.class, () -> tiny("conv").with("quant_bits", "9").validate());
    }
}
