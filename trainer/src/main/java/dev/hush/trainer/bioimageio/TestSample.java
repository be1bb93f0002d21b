package dev.hush.trainer.bioimageio;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.image.Normalization;
import dev.hush.trainer.image.data.DeadLeaves;
import dev.hush.trainer.image.data.Volumes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The test case of a bioimage.io package: a noisy synthetic image as a consumer feeds it
 * ({@code test_input.npy}) and what the package's pipeline must give back ({@code test_output.npy}),
 * the network's part computed by the real model in ONNX Runtime.
 *
 * <p>The image is already in model units and clipped just inside the contract's percentiles, so a
 * few percent of its pixels are exactly 0 and exactly 1. Any percentile estimator (Hush's linear
 * interpolation, NumPy's, JDLL's nearest rank) then finds 0 and 1, and a consumer's
 * {@code scale_range} leaves the input as it is (up to its eps): everyone runs the network on the
 * same numbers.
 *
 * @param consumerInput  what a consumer reads from {@code test_input.npy} (before preprocessing)
 * @param consumerOutput what a consumer must get after postprocessing ({@code test_output.npy})
 * @param modelInput     the network's input (model units)
 * @param modelOutput    the network's output (model units)
 */
record TestSample(int[] shape, float[] consumerInput, float[] consumerOutput, float[] modelInput, float[] modelOutput) {
    /** Smallest side: large enough to show something on the cover, small enough to run anywhere. */
    static final int MIN_SIZE = 128;
    /** A volume's smallest side and depth: 16 planes of 64 × 64 run in a moment on any CPU. */
    static final int MIN_SIZE_3D = 64;
    static final int MIN_DEPTH = 16;
    private static final long SEED = 20240601L;
    private static final double SIGMA = 25 / 255.0;
    /** How far inside the percentiles to clip, in percent: the plateau's margin around them. */
    private static final double MARGIN_PCT = 2;
    private static final int COVER_ZOOM = 2;

    /** Side of the test image: a multiple of the size multiple with at least 16 px besides the halo on each side. */
    static int side(ModelContract c) {
        int need = Math.max(c.volumetric() ? MIN_SIZE_3D : MIN_SIZE, 2 * c.halo() + 16);
        int m = c.sizeMultiple();
        return (need + m - 1) / m * m;
    }

    /** Planes of a volumetric model's test volume: as {@link #side}, along z. */
    static int depth(ModelContract c) {
        int need = Math.max(MIN_DEPTH, 2 * c.haloZ() + 8);
        int m = c.sizeMultipleZ();
        return (need + m - 1) / m * m;
    }

    /** The test tensor's shape: 1 × C × H × W, or 1 × C × D × H × W for a volumetric model. */
    static long[] shape(ModelContract c) {
        int side = side(c);
        return c.volumetric() ? new long[] {1, c.channels(), depth(c), side, side}
                : new long[] {1, c.channels(), side, side};
    }

    static TestSample run(DenoiserModel model) throws HushException {
        ModelContract c = model.contract();
        long[] shape = shape(c);
        float[] x = scene(c, shape);
        float[] consumerIn;
        float[] modelIn;
        if (c.norm() == ModelContract.Norm.FIXED) {
            // The consumer holds raw values and its scale_linear maps them exactly as Hush does.
            Normalization n = new Normalization(c.normLow(), c.normHigh());
            consumerIn = x.clone();
            n.invertInPlace(consumerIn);
            modelIn = consumerIn.clone();
            n.applyInPlace(modelIn);
        } else {
            consumerIn = x;
            modelIn = x;
        }
        FloatBuffer buf = DenoiserModel.directBuffer(modelIn.length);
        buf.put(modelIn).rewind();
        float[] y = model.run(buf, shape);
        float[] consumerOut = y;
        if (c.norm() == ModelContract.Norm.FIXED) {
            consumerOut = y.clone();
            new Normalization(c.normLow(), c.normHigh()).invertInPlace(consumerOut);
        }
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = (int) shape[i];
        }
        return new TestSample(dims, consumerIn, consumerOut, modelIn, y);
    }

    /**
     * Noisy dead leaves (a 2-D model) or generated fluorescence volumes (a 3-D one) in model units, clipped so that 0
     * and 1 are plateaus around the contract's percentiles.
     */
    private static float[] scene(ModelContract c, long[] shape) {
        int side = (int) shape[shape.length - 1];
        int depth = c.volumetric() ? (int) shape[2] : 1;
        int size = side * side * depth;
        float[] clean = c.volumetric()
                ? Volumes.fluorescence(side, side, depth, new SplittableRandom(SEED)).voxels()
                : DeadLeaves.standard().generate(side, side, new SplittableRandom(SEED));
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int channels = c.channels();
        float[] v = new float[channels * size];
        for (int ch = 0; ch < channels; ch++) {
            float tint = 1 - 0.2f * ch / Math.max(1, channels - 1); // channels alike but not equal
            for (int i = 0; i < size; i++) {
                v[ch * size + i] = (float) (clean[i] * tint + SIGMA * rnd.nextGaussian());
            }
        }
        double low = c.norm() == ModelContract.Norm.PERCENTILE ? c.normLow() : 0.1;
        double high = c.norm() == ModelContract.Norm.PERCENTILE ? c.normHigh() : 99.9;
        double margin = Math.min(MARGIN_PCT, (high - low) / 4);
        Normalization clip = Normalization.percentile(v, low + margin, high - margin);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, Math.min(1f, clip.apply(v[i])));
        }
        return v;
    }

    /**
     * The cover: input | output side by side in model units (0 black, 1 white), twice enlarged; RGB for 3 channels; a
     * volume's middle plane.
     */
    byte[] coverPng() {
        int side = shape[shape.length - 1];
        int channels = shape[1];
        int depth = shape.length == 5 ? shape[2] : 1;
        int first = depth / 2 * side * side; // offset of the shown plane within a channel
        int channelSize = depth * side * side;
        int w = side * COVER_ZOOM;
        BufferedImage img = new BufferedImage(2 * w, w, channels == 3 ? BufferedImage.TYPE_INT_RGB
                : BufferedImage.TYPE_BYTE_GRAY);
        float[][] panels = {modelInput, modelOutput};
        for (int p = 0; p < 2; p++) {
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < w; x++) {
                    int i = first + (y / COVER_ZOOM) * side + x / COVER_ZOOM;
                    int px = p * w + x;
                    if (channels == 3) {
                        int rgb = gray(panels[p][i]) << 16 | gray(panels[p][channelSize + i]) << 8
                                | gray(panels[p][2 * channelSize + i]);
                        img.setRGB(px, y, rgb);
                    } else {
                        img.getRaster().setSample(px, y, 0, gray(panels[p][i]));
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("this Java has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static int gray(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }
}
