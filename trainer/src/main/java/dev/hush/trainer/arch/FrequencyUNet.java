package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frequency U-Net both spectral networks share: an encoder that halves the bins {@link #LEVELS} times (width,
 * width, 2·width, 2·width channels) and a decoder that doubles them back (a 1×1 convolution to 2·C channels and a
 * rearrangement, exactly a 2×1 transposed convolution of stride 2), concatenating the encoder's features of each
 * resolution, to a gain in (0, 1) per bin. What runs at the bottom (dilated time convolutions, GRUs) and how far the
 * convolutions reach along time are the owning network's: it makes, runs and exports each convolution by its
 * {@link Role}.
 */
final class FrequencyUNet {
    static final int LEVELS = 3;
    /** The features log(|X| + 1e-5) of float audio, scaled by (x + 4)/4 inside the graph, land near [−2, 2]. */
    private static final float SHIFT = 4f;
    private static final float SCALE = 0.25f;

    /** Which convolution: the first (full resolution), one of the encoder's strided ones, or a decoder merge. */
    enum Role { FIRST, DOWN, MERGE }

    /** The owner's {@code addChildBlock}, so the blocks are its children under their names. */
    interface Children {
        <B extends Block> B add(String name, B block);
    }

    /** Makes a convolution of {@code filters} channels with frequency stride {@code fs}. */
    interface Maker {
        Conv2d make(Role role, int filters, int fs);
    }

    /** Runs a convolution the owner made (cropping it to be causal along time if it reaches the future). */
    interface Runner {
        NDArray run(Role role, Conv2d conv, NDArray x);
    }

    /** Writes a convolution the owner made as an ONNX node. */
    interface Writer {
        String write(Role role, Conv2d conv, String x, String name, int fs);
    }

    private final int bins;
    private final int width;
    private Conv2d first;
    private final List<Conv2d> down = new ArrayList<>();
    private final List<Conv2d> upChannels = new ArrayList<>();
    private final List<Conv2d> merge = new ArrayList<>();
    private Conv2d last;
    private List<Shape> skipShapes;

    /** {@code kind} names the owning network in messages; {@code bins} must be a multiple of 2^{@link #LEVELS}. */
    FrequencyUNet(String kind, int bins, int width) {
        if (bins < 8 || bins % (1 << LEVELS) != 0) {
            throw new IllegalArgumentException(kind + ": bins must be a multiple of " + (1 << LEVELS) + ", got " + bins);
        }
        this.bins = bins;
        this.width = width;
    }

    /** Channels at level l (0 = full resolution): width, width, 2·width, 2·width. */
    int channelsAt(int l) {
        return l >= 2 ? 2 * width : width;
    }

    int bottomChannels() {
        return channelsAt(LEVELS);
    }

    int bottomBins() {
        return bins >> LEVELS;
    }

    /** Adds the encoder's blocks ({@code first}, {@code down0..2}); call before the owner's bottom blocks. */
    void buildEncoder(Children children, Maker maker) {
        first = children.add("first", maker.make(Role.FIRST, width, 1));
        for (int l = 0; l < LEVELS; l++) {
            down.add(children.add("down" + l, maker.make(Role.DOWN, channelsAt(l + 1), 2)));
        }
    }

    /** Adds the decoder's blocks ({@code up3, merge3, …, last}); call after the owner's bottom blocks. */
    void buildDecoder(Children children, Maker maker) {
        for (int l = LEVELS; l >= 1; l--) {
            int inner = l == LEVELS ? channelsAt(LEVELS) : width;
            upChannels.add(children.add("up" + l, Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(2 * inner)
                    .build()));
            merge.add(children.add("merge" + l, maker.make(Role.MERGE, width, 1)));
        }
        last = children.add("last", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
    }

    /** Initialises the encoder for input {@code in} (N×1×bins×T); returns the bottom's shape. */
    Shape initEncoder(NDManager manager, DataType dataType, Shape in) {
        long n = in.get(0);
        long t = in.get(3);
        first.initialize(manager, dataType, in);
        skipShapes = new ArrayList<>();
        Shape s = new Shape(n, width, bins, t);
        for (int l = 0; l < LEVELS; l++) {
            down.get(l).initialize(manager, dataType, s);
            skipShapes.add(s);
            s = new Shape(n, channelsAt(l + 1), s.get(2) / 2, t);
        }
        return s;
    }

    /** Initialises the decoder from the bottom's shape (as the owner's bottom leaves it). */
    void initDecoder(NDManager manager, DataType dataType, Shape bottom) {
        Shape s = bottom;
        long n = s.get(0);
        long t = s.get(3);
        for (int i = 0; i < LEVELS; i++) {
            upChannels.get(i).initialize(manager, dataType, s);
            Shape skip = skipShapes.get(LEVELS - 1 - i);
            merge.get(i).initialize(manager, dataType, new Shape(n, skip.get(1) + s.get(1), skip.get(2), t));
            s = new Shape(n, width, skip.get(2), t);
        }
        last.initialize(manager, dataType, s);
    }

    /**
     * The encoder on the noisy log-magnitudes (scaled here): returns the bottom's features and fills {@code skips}
     * (full resolution first).
     */
    NDArray encode(NDArray features, List<NDArray> skips, Runner run) {
        NDArray x = Activation.relu(run.run(Role.FIRST, first, features.add(SHIFT).mul(SCALE)));
        for (Conv2d c : down) {
            skips.add(x);
            x = Activation.relu(run.run(Role.DOWN, c, x));
        }
        return x;
    }

    /** The decoder: the gains (N×1×bins×T) from the bottom's features and the encoder's skips. */
    NDArray decode(NDArray x, List<NDArray> skips, Runner run, ai.djl.training.ParameterStore store,
                   boolean training) {
        for (int i = 0; i < LEVELS; i++) {
            x = SpectralMaskNet.upFrequency(upChannels.get(i).forward(store, new ai.djl.ndarray.NDList(x), training)
                    .singletonOrThrow());
            x = skips.get(LEVELS - 1 - i).concat(x, 1);
            x = Activation.relu(run.run(Role.MERGE, merge.get(i), x));
        }
        return Activation.sigmoid(last.forward(store, new ai.djl.ndarray.NDList(x), training).singletonOrThrow());
    }

    /** The encoder in ONNX: returns the bottom's value and fills {@code skips}. */
    String exportEncoder(OnnxGraph g, String features, List<String> skips, Writer w) {
        String x = ConvExport.relu(g, w.write(Role.FIRST, first, ConvExport.shiftScale(g, features, SHIFT, SCALE),
                "first", 1));
        for (int l = 0; l < LEVELS; l++) {
            skips.add(x);
            x = ConvExport.relu(g, w.write(Role.DOWN, down.get(l), x, "down" + l, 2));
        }
        return x;
    }

    /** The decoder in ONNX: returns the gains' value. */
    String exportDecoder(OnnxGraph g, String x, List<String> skips, Writer w) {
        long f = bottomBins();
        for (int i = 0; i < LEVELS; i++) {
            Conv2d up = upChannels.get(i);
            long c = up.getParameters().get("weight").getArray().getShape().get(0) / 2;
            String y = ConvExport.frequencyUp(g, ConvExport.conv1x1(g, x, up, "up" + i), c, f);
            f *= 2;
            x = g.node("Concat", new String[] {skips.get(LEVELS - 1 - i), y}, Map.of("axis", 1L));
            x = ConvExport.relu(g, w.write(Role.MERGE, merge.get(i), x, "merge" + i, 1));
        }
        return g.node("Sigmoid", new String[] {ConvExport.conv1x1(g, x, last, "last")}, Map.of());
    }

    /**
     * Multiply-accumulates per frame of the encoder and decoder, each of their 3-bin convolutions reaching
     * {@code taps} frames along time; the bottom's are the owner's.
     */
    long macsPerFrame(int taps) {
        long k = 3L * taps;
        long m = (long) bins * width * k;
        long f = bins;
        int cin = width;
        for (int l = 0; l < LEVELS; l++) {
            f /= 2;
            m += f * cin * channelsAt(l + 1) * k;
            cin = channelsAt(l + 1);
        }
        int c = cin;
        for (int l = LEVELS; l >= 1; l--) {
            m += f * c * 2L * c;
            f *= 2;
            int skip = channelsAt(l - 1);
            m += f * (skip + c) * width * k;
            c = width;
        }
        return m + f * width;
    }
}
