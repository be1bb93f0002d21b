package dev.hush.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import dev.hush.trainer.image.data.BlindSpotVolumes;
import dev.hush.trainer.image.data.Volumes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 3-D networks: trained on volumes, exported with a 5-D input and the z keys of the contract, checked against DJL by
 * the trainer, and run by the runtime as a volume whose result does not depend on the tiling.
 */
class VolumetricTrainingTest {
    private static ImageTrainingConfig small(String arch) {
        return ImageTrainingConfig.defaults().with("dims", "3").with("architecture", arch).with("depth", arch.equals("unet")
                        ? "1" : "3").with("width", "4").with("patch", "16").with("patch_z", "8").with("batch", "2")
                .with("epochs", "1").with("steps", "3").with("val_images", "1").with("val_size", "32")
                .with("data", "fluorescence").with("noise", "gaussian:10:30").with("seed", "3").with("threads", "1");
    }

    private static List<FloatImage> volume(int w, int h, int d, long seed) {
        Volumes.Volume v = Volumes.fluorescence(w, h, d, new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 1);
        List<FloatImage> planes = new ArrayList<>();
        for (int z = 0; z < d; z++) {
            float[] p = new float[w * h];
            for (int i = 0; i < p.length; i++) {
                p[i] = 1000 * v.voxels()[z * w * h + i] + (float) (50 * r.nextGaussian());
            }
            planes.add(FloatImage.gray(w, h, p));
        }
        return planes;
    }

    @Test
    void residual3dTrainsExportsAndDenoisesAVolumeWhateverTheTiling() throws Exception {
        ImageTrainer.Result r = new ImageTrainer(small("residual")).train(new TrainingProgress() {
        });
        assertTrue(r.exportMaxDiff() <= 1e-4, "DJL vs ONNX Runtime on a 5-D input: " + r.exportMaxDiff());
        try (DenoiserModel m = DenoiserModel.fromBytes(r.model().toByteArray(), "r3d", SessionConfig.defaults())) {
            ModelContract c = m.contract();
            assertTrue(c.volumetric());
            assertEquals(3, c.haloZ(), "three 3×3×3 convolutions see three planes up and down");
            assertEquals(3, c.halo());
            assertTrue(c.summary().contains("3-D"), c.summary());
            List<FloatImage> in = volume(45, 38, 13, 9);
            List<FloatImage> whole = new ImageDenoiser(m).withTileSize(64).denoiseVolume(in, new RunContext());
            // 16-pixel cores across and 32 deep (the z default) on 13 planes: several tiles in x and y.
            List<FloatImage> tiled = new ImageDenoiser(m).withTileSize(16).denoiseVolume(in, new RunContext());
            assertEquals(13, whole.size());
            double maxDiff = 0;
            double changed = 0;
            for (int z = 0; z < 13; z++) {
                for (int i = 0; i < whole.get(z).data().length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(whole.get(z).data()[i] - tiled.get(z).data()[i]));
                    changed = Math.max(changed, Math.abs(whole.get(z).data()[i] - in.get(z).data()[i]));
                }
            }
            assertTrue(maxDiff < 2e-3, "tiling changed the result by " + maxDiff);
            assertTrue(changed > 1, "the network did something: " + changed);
            // A 3-D model refuses a single plane, and a 2-D path refuses nothing silently.
            HushException e = assertThrows(HushException.class,
                    () -> new ImageDenoiser(m).denoise(in.get(0), new RunContext()));
            assertTrue(e.getMessage().contains("3-D"), e.getMessage());
            List<FloatImage> mixed = new ArrayList<>(in);
            mixed.set(4, FloatImage.gray(10, 10, new float[100]));
            e = assertThrows(HushException.class, () -> new ImageDenoiser(m).denoiseVolume(mixed, new RunContext()));
            assertTrue(e.getMessage().contains("plane 5"), e.getMessage());
        }
    }

    @Test
    void unet3dHalvesAcrossAndKeepsDepthExportsExactly() throws Exception {
        ImageTrainer.Result r = new ImageTrainer(small("unet")).train(new TrainingProgress() {
        });
        assertTrue(r.exportMaxDiff() <= 1e-4, "DJL vs ONNX Runtime: " + r.exportMaxDiff());
        try (DenoiserModel m = DenoiserModel.fromBytes(r.model().toByteArray(), "u3d", SessionConfig.defaults())) {
            assertEquals(2, m.contract().sizeMultiple());
            assertEquals(1, m.contract().sizeMultipleZ());
            assertEquals(5, m.contract().haloZ());
            List<FloatImage> in = volume(37, 29, 7, 4);
            List<FloatImage> a = new ImageDenoiser(m).withTileSize(64).denoiseVolume(in, new RunContext());
            List<FloatImage> b = new ImageDenoiser(m).withTileSize(16).denoiseVolume(in, new RunContext());
            double maxDiff = 0;
            for (int z = 0; z < 7; z++) {
                for (int i = 0; i < a.get(z).data().length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a.get(z).data()[i] - b.get(z).data()[i]));
                }
            }
            assertTrue(maxDiff < 2e-3, "tiling changed the result by " + maxDiff);
        }
    }

    @Test
    void noise2voidIn3dMasksVoxelsFromTheirThreeDimensionalNeighbourhood() {
        Volumes.Volume v = Volumes.fluorescence(24, 24, 10, new SplittableRandom(1)).normalised(0.1, 99.9);
        BlindSpotVolumes b = new BlindSpotVolumes(List.of(v), 0.05, 8, "test");
        int per = 8 * 16 * 16;
        float[] in = new float[2 * per];
        float[] target = new float[2 * per];
        float[] mask = new float[2 * per];
        b.fill(in, target, mask, 0, 2, 16, new SplittableRandom(2));
        int masked = 0;
        for (int i = 0; i < in.length; i++) {
            if (mask[i] == 1f) {
                masked++;
            } else {
                assertEquals(target[i], in[i], "unmasked voxels are the noisy patch itself");
            }
        }
        // Two draws may pick the same voxel, so a few fewer than drawn.
        long drawn = 2 * Math.round(per * 0.05);
        assertTrue(masked <= drawn && masked >= 0.9 * drawn, "about 5 % of the voxels are blind spots: " + masked);
    }

    @Test
    void volumetricOptionsAreCheckedBeforeAnyWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(small("multiscale")));
        assertTrue(e.getMessage().contains("2-D only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(small("residual").with("data",
                "deadleaves")));
        assertTrue(e.getMessage().contains("2-D generator"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(small("residual").with("mode", "pairs")));
        assertTrue(e.getMessage().contains("synthetic"), e.getMessage());
    }

    @Test
    void cleanEightBitStacksGetTheNoiseLevelsOnTheirOwnScale(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // One 8-bit stack (0-255) in a folder, read as the trainer reads clean stacks, then Gaussian σ 30 of 255 as
        // the training pairs get it: the noise is about 30/255 of the stack's range (taken as 0-255 values, the
        // stack would get 1/255 of that).
        ij.ImageStack stack = new ij.ImageStack(64, 64);
        for (int z = 0; z < 16; z++) {
            byte[] px = new byte[64 * 64];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (20 + 100 * (1 + Math.sin((i % 64) / 6.0 + z / 4.0)));
            }
            stack.addSlice(new ij.process.ByteProcessor(64, 64, px));
        }
        assertTrue(new ij.io.FileSaver(new ij.ImagePlus("s", stack)).saveAsTiffStack(dir.resolve("s.tif").toString()));
        List<Volumes.Volume> clean = Volumes.readCleanFolder(dir, 8, 16, s -> { });
        float[] v = clean.get(0).voxels();
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        assertEquals(0, lo, 1e-6);
        assertEquals(1, hi, 1e-6);
        dev.hush.trainer.image.data.VolumePairs pairs = new dev.hush.trainer.image.data.VolumePairs(clean,
                dev.hush.trainer.image.noise.NoiseModel.parse("gaussian:30:30"), 0, 100, 8, 96, "test");
        int per = 8 * 16 * 16;
        float[] in = new float[4 * per];
        float[] target = new float[4 * per];
        pairs.fill(in, target, null, 0, 4, 16, new SplittableRandom(1));
        double sq = 0;
        for (int i = 0; i < in.length; i++) {
            sq += (in[i] - target[i]) * (in[i] - target[i]);
        }
        double sigma = Math.sqrt(sq / in.length); // in normalised units: noisy min..max over a box is about 1.5 wide
        assertTrue(sigma > 0.04 && sigma < 0.15, "noise of " + sigma + " in model units; 30/255 = 0.118 before"
                + " normalisation");
    }
}
