package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.Normalization;
import dev.hush.runtime.latent.LatentCode;
import dev.hush.runtime.latent.LatentCodec;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.onnx.ExportCheck;
import dev.hush.trainer.onnx.OnnxExport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The latent codec on a real (tiny, quickly trained) conv autoencoder with a narrow code: the runtime's tiled
 * encode → decode equals the full exported model, tiles do not show, quantisation stays within half a step, the
 * file round-trips, and a code from another codec or a damaged file is refused with a reason.
 */
class LatentCodecTest {
    static ImageTrainer.Result result;
    static ImageTrainer.Result other;

    static ImageTrainingConfig codec(String seed) {
        return ImageTrainingConfig.defaults().with("name", "codec-test").with("architecture", "conv").with("depth", "2")
                .with("width", "4").with("code", "3").with("global_residual", "false").with("noise", "none")
                .with("patch", "32").with("batch", "4").with("epochs", "1").with("steps", "4").with("val_images", "1")
                .with("val_size", "32").with("seed", seed).with("threads", "1");
    }

    @BeforeAll
    static void train() {
        result = new ImageTrainer(codec("6")).train(TrainingProgress.NONE);
        other = new ImageTrainer(codec("7")).train(TrainingProgress.NONE);
    }

    static LatentCodec open(ImageTrainer.Result r, int tile) throws HushException {
        return LatentCodec.fromBytes(r.encoder().toByteArray(), r.decoder().toByteArray(), "test codec",
                SessionConfig.defaults().withThreads(1), tile);
    }

    static FloatImage image(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] d = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = (float) (100 + 60 * Math.sin(x / 5.0) * Math.cos(y / 7.0) + 10 * rnd.nextDouble());
            }
        }
        return FloatImage.gray(w, h, d);
    }

    @Test
    void theCodeIsNarrowAndItsMetadataSaysHowToTile() throws Exception {
        try (LatentCodec c = open(result, 512)) {
            assertEquals(3, c.codeChannels());
            assertEquals(4, c.scale());
            assertEquals(1, c.channels());
            assertEquals("codec-test", c.name());
            assertEquals(64, c.hash().length());
        }
        assertTrue(result.network().describe().contains(",code=3"), result.network().describe());
    }

    @Test
    void unquantisedRoundTripEqualsTheFullModel() throws Exception {
        FloatImage x = image(48, 40, 1); // a multiple of the scale, one tile: exactly the full model's input
        try (LatentCodec c = open(result, 512)) {
            LatentCode code = c.encode(List.of(x), 8, 0, new RunContext());
            assertEquals(12 * 10 * 3, code.values().length);
            FloatImage y = c.decode(code, new RunContext()).get(0);
            Normalization n = new Normalization(code.normLow(), code.normHigh());
            float[] in = x.data().clone();
            n.applyInPlace(in);
            float[] full = ExportCheck.runOrt(result.model(), in, new long[] {1, 1, 40, 48});
            n.invertInPlace(full);
            double max = 0;
            for (int i = 0; i < full.length; i++) {
                max = Math.max(max, Math.abs(full[i] - y.data()[i]) / (code.normHigh() - code.normLow()));
            }
            assertTrue(max <= 1e-4, "decode(encode(x)) differs from the full model by " + max + " (normalised units)");
        }
    }

    @Test
    void tilesDoNotShow() throws Exception {
        FloatImage x = image(70, 45, 2); // not a multiple of the scale: padded and cropped
        try (LatentCodec whole = open(result, 512); LatentCodec tiled = open(result, 16)) {
            LatentCode a = whole.encode(List.of(x), 8, 0, new RunContext());
            LatentCode b = tiled.encode(List.of(x), 8, 0, new RunContext());
            assertArrayEquals(a.values(), b.values(), 1e-4f, "tiled encoding");
            FloatImage ya = whole.decode(a, new RunContext()).get(0);
            FloatImage yb = tiled.decode(a, new RunContext()).get(0);
            assertEquals(70, yb.width());
            assertEquals(45, yb.height());
            assertArrayEquals(ya.data(), yb.data(), 1e-3f, "tiled decoding");
        }
    }

    @Test
    void quantisedCodesRoundTripThroughTheFileWithinHalfAStep() throws Exception {
        FloatImage x = image(37, 29, 3);
        try (LatentCodec c = open(result, 512)) {
            LatentCode raw = c.encode(List.of(x, image(37, 29, 4)), 16, 6, new RunContext());
            byte[] file = raw.toBytes();
            LatentCode back = LatentCode.read(file, "the file");
            assertEquals(raw.width(), back.width());
            assertEquals(2, back.planes());
            assertEquals(16, back.bitDepth());
            assertEquals(6, back.bits());
            int area = raw.codeWidth() * raw.codeHeight();
            for (int k = 0; k < raw.planes() * raw.codeChannels(); k++) {
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int i = k * area; i < (k + 1) * area; i++) {
                    min = Math.min(min, raw.values()[i]);
                    max = Math.max(max, raw.values()[i]);
                }
                float half = (max - min) / 63 / 2 + 1e-6f;
                for (int i = k * area; i < (k + 1) * area; i++) {
                    assertEquals(raw.values()[i], back.values()[i], half, "code value " + i);
                }
            }
            assertEquals(2, c.decode(back, new RunContext()).size());
            // bits 0 keeps the floats exactly.
            LatentCode exact = LatentCode.read(c.encode(List.of(x), 8, 0, new RunContext()).toBytes(), "f");
            assertArrayEquals(c.encode(List.of(x), 8, 0, new RunContext()).values(), exact.values(), 0f);
        }
    }

    @Test
    void anotherCodecsCodeIsRefused() throws Exception {
        try (LatentCodec a = open(result, 512); LatentCodec b = open(other, 512)) {
            LatentCode code = a.encode(List.of(image(16, 16, 5)), 8, 8, new RunContext());
            HushException e = assertThrows(HushException.class, () -> b.decode(code, new RunContext()));
            assertTrue(e.getMessage().contains("made by the codec"), e.getMessage());
            assertEquals(HushException.Code.INVALID_INPUT, e.code());
        }
    }

    @Test
    void damagedFilesAreRefusedWithoutHugeAllocations() throws Exception {
        byte[] good;
        try (LatentCodec c = open(result, 512)) {
            good = c.encode(List.of(image(24, 24, 6)), 8, 8, new RunContext()).toBytes();
        }
        HushException e = assertThrows(HushException.class, () -> LatentCode.read(new byte[] {1, 2, 3}, "x.hlc"));
        assertTrue(e.getMessage().contains("not a Hush latent code") || e.getMessage().contains("cut short"),
                e.getMessage());
        e = assertThrows(HushException.class, () -> LatentCode.read(java.util.Arrays.copyOf(good, good.length - 5),
                "cut.hlc"));
        assertTrue(e.getMessage().contains("cut short") || e.getMessage().contains("damaged"), e.getMessage());
        // A header that claims a 200 000 × 200 000 image over a payload of a few bytes.
        int nameLen = ((good[9] & 0xff) << 8) | (good[10] & 0xff);
        int at = 8 + 1 + 2 + nameLen + 32;
        byte[] lying = good.clone();
        ByteBuffer b = ByteBuffer.wrap(lying);
        b.putInt(at, 200_000);
        b.putInt(at + 4, 200_000);
        b.putInt(at + 4 + 4 + 1 + 2 + 2, 50_000);
        b.putInt(at + 4 + 4 + 1 + 2 + 2 + 4, 50_000);
        e = assertThrows(HushException.class, () -> LatentCode.read(lying, "lying.hlc"));
        assertTrue(e.getMessage().contains("more than a code may") || e.getMessage().contains("claims"),
                e.getMessage());
        assertEquals(HushException.Code.INVALID_INPUT, e.code());
    }

    @Test
    void theHalvesNameHowToTile() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (var p : result.encoder().getMetadataPropsList()) {
            m.put(p.getKey(), p.getValue());
        }
        assertEquals("4", m.get(ModelContract.SIZE_MULTIPLE));
        assertTrue(Integer.parseInt(m.get(ModelContract.HALO)) > 0);
        assertEquals("encoder", m.get(OnnxExport.PART));
    }
}
