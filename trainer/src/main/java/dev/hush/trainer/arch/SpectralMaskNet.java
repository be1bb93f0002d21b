package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The speech denoiser: a convolutional encoder/decoder over the short-time spectrum (frequency × time) with
 * U-Net skips, which turns noisy log-magnitude frames (N×1×F×T, F = {@code bins}) into a gain in (0, 1) per
 * bin. Along frequency the encoder halves the bins three times (strided convolutions) and the decoder
 * doubles them back; a bottleneck of dilated convolutions along time (dilations 1, 2, 4, 8, residual) gives
 * the network about 0.7 s of past at little cost, which is what it needs to tell stationary noise from speech.
 *
 * <p>Along time every convolution is causal except the first, which sees {@link #LOOKAHEAD} frame ahead:
 * output frame t depends on input frames t − {@link #context()} … t + 1. A causal convolution is a
 * convolution padded by 2·d frames on both sides whose last 2·d output frames are dropped; in ONNX it is one
 * Conv with pads (2·d before, 0 after). The features are scaled by (x + 4)/4 inside the graph so that
 * log(|X| + 1e-5) of float audio lands near [−2, 2].
 */
public final class SpectralMaskNet extends AbstractBlock implements MaskNetwork {
    private static final byte VERSION = 1;
    public static final int LOOKAHEAD = 1;
    private static final int LEVELS = 3;
    private static final int[] DILATIONS = {1, 2, 4, 8};
    private static final float SHIFT = 4f;
    private static final float SCALE = 0.25f;

    private final int bins;
    private final int width;
    private final Conv2d first;
    private final List<Conv2d> down = new ArrayList<>();
    private final List<Conv2d> bottleneck = new ArrayList<>();
    private final List<Conv2d> upChannels = new ArrayList<>();
    private final List<Conv2d> merge = new ArrayList<>();
    private final Conv2d last;

    /** {@code bins}: a multiple of 8 (the model drops the Nyquist bin: 256 for n_fft 512); {@code width}: channels. */
    public SpectralMaskNet(int bins, int width) {
        super(VERSION);
        if (bins < 8 || bins % (1 << LEVELS) != 0) {
            throw new IllegalArgumentException("spectral: bins must be a multiple of " + (1 << LEVELS) + ", got " + bins);
        }
        if (width < 2) {
            throw new IllegalArgumentException("spectral: width must be at least 2, got " + width);
        }
        this.bins = bins;
        this.width = width;
        first = addChildBlock("first", conv(width, 1, 1, 1));
        for (int l = 0; l < LEVELS; l++) {
            down.add(addChildBlock("down" + l, conv(channelsAt(l + 1), 2, 1, 2)));
        }
        for (int i = 0; i < DILATIONS.length; i++) {
            bottleneck.add(addChildBlock("bottleneck" + i, conv(channelsAt(LEVELS), 1, DILATIONS[i], 2 * DILATIONS[i])));
        }
        for (int l = LEVELS; l >= 1; l--) {
            int inner = l == LEVELS ? channelsAt(LEVELS) : width;
            upChannels.add(addChildBlock("up" + l, Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(2 * inner)
                    .build()));
            merge.add(addChildBlock("merge" + l, conv(width, 1, 1, 2)));
        }
        last = addChildBlock("last", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
    }

    /** Channels at level l (0 = full resolution): width, width, 2·width, 2·width. */
    private int channelsAt(int l) {
        return l >= 2 ? 2 * width : width;
    }

    /** A 3×3 convolution, stride {@code fs} along frequency, dilation {@code d} along time, {@code tp} frames of padding on both time sides. */
    private static Conv2d conv(int filters, int fs, int d, int tp) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(fs, 1)).optPadding(new Shape(1, tp))
                .optDilation(new Shape(1, d)).setFilters(filters).build();
    }

    @Override
    public int bins() {
        return bins;
    }

    @Override
    public int context() {
        int c = 1; // the first convolution
        c += 2 * LEVELS; // causal 3-frame convolutions in the encoder
        for (int d : DILATIONS) {
            c += 2 * d;
        }
        c += 2 * LEVELS; // and in the decoder
        return c;
    }

    @Override
    public int lookahead() {
        return LOOKAHEAD;
    }

    @Override
    public String kind() {
        return "spectral";
    }

    @Override
    public String describe() {
        return "spectral(bins=" + bins + ",width=" + width + ",levels=" + LEVELS + ",dilations=1-2-4-8)";
    }

    @Override
    public ai.djl.nn.Block block() {
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow().add(SHIFT).mul(SCALE);
        long t = x.getShape().get(3);
        x = Activation.relu(run(first, store, x, training, 0));
        List<NDArray> skips = new ArrayList<>();
        for (Conv2d c : down) {
            skips.add(x);
            x = Activation.relu(run(c, store, x, training, t));
        }
        for (Conv2d c : bottleneck) {
            x = x.add(Activation.relu(run(c, store, x, training, t)));
        }
        for (int i = 0; i < LEVELS; i++) {
            x = upFrequency(run(upChannels.get(i), store, x, training, 0));
            x = skips.get(LEVELS - 1 - i).concat(x, 1);
            x = Activation.relu(run(merge.get(i), store, x, training, t));
        }
        return new NDList(Activation.sigmoid(run(last, store, x, training, 0)));
    }

    /** Runs a convolution; with {@code keep} > 0 drops its output frames past the first {@code keep} (causal). */
    private static NDArray run(Conv2d c, ParameterStore store, NDArray x, boolean training, long keep) {
        NDArray y = c.forward(store, new NDList(x), training).singletonOrThrow();
        return keep > 0 ? y.get(new NDIndex(":, :, :, 0:{}", keep)) : y;
    }

    /** (N, 2C, F, T) → (N, C, 2F, T): channel 2c + k becomes bin 2f + k. */
    static NDArray upFrequency(NDArray y) {
        Shape s = y.getShape();
        long n = s.get(0);
        long c = s.get(1) / 2;
        long f = s.get(2);
        long t = s.get(3);
        return y.reshape(n, c, 2, f, t).transpose(0, 1, 3, 2, 4).reshape(n, c, 2 * f, t);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), 1, s.get(2), s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long n = in.get(0);
        long t = in.get(3);
        first.initialize(manager, dataType, in);
        List<Shape> skipShapes = new ArrayList<>();
        Shape s = new Shape(n, width, bins, t);
        for (int l = 0; l < LEVELS; l++) {
            down.get(l).initialize(manager, dataType, s);
            skipShapes.add(s);
            s = new Shape(n, channelsAt(l + 1), s.get(2) / 2, t);
        }
        for (Conv2d c : bottleneck) {
            c.initialize(manager, dataType, s);
        }
        for (int i = 0; i < LEVELS; i++) {
            upChannels.get(i).initialize(manager, dataType, s);
            Shape skip = skipShapes.get(LEVELS - 1 - i);
            long upC = s.get(1);
            merge.get(i).initialize(manager, dataType, new Shape(n, skip.get(1) + upC, skip.get(2), t));
            s = new Shape(n, width, skip.get(2), t);
        }
        last.initialize(manager, dataType, s);
    }

    @Override
    public String export(OnnxGraph g, String input) {
        String x = ConvExport.shiftScale(g, input, SHIFT, SCALE);
        x = relu(g, conv(g, x, first, "first", 1, 1, 1, 1));
        List<String> skips = new ArrayList<>();
        long f = bins;
        List<Long> skipBins = new ArrayList<>();
        for (int l = 0; l < LEVELS; l++) {
            skips.add(x);
            skipBins.add(f);
            x = relu(g, conv(g, x, down.get(l), "down" + l, 2, 1, 2, 0));
            f /= 2;
        }
        for (int i = 0; i < DILATIONS.length; i++) {
            int d = DILATIONS[i];
            String y = relu(g, conv(g, x, bottleneck.get(i), "bottleneck" + i, 1, d, 2 * d, 0));
            x = g.node("Add", new String[] {x, y}, Map.of());
        }
        for (int i = 0; i < LEVELS; i++) {
            Conv2d up = upChannels.get(i);
            long c = up.getParameters().get("weight").getArray().getShape().get(0) / 2;
            String y = ConvExport.frequencyUp(g, ConvExport.conv1x1(g, x, up, "up" + i), c, f);
            f *= 2;
            x = g.node("Concat", new String[] {skips.get(LEVELS - 1 - i), y}, Map.of("axis", 1L));
            x = relu(g, conv(g, x, merge.get(i), "merge" + i, 1, 1, 2, 0));
        }
        return g.node("Sigmoid", new String[] {ConvExport.conv1x1(g, x, last, "last")}, Map.of());
    }

    private static String relu(OnnxGraph g, String x) {
        return ConvExport.relu(g, x);
    }

    /** A 3×3 Conv with frequency stride fs, time dilation d and time pads (before, after); frequency pads 1. */
    private static String conv(OnnxGraph g, String x, Conv2d c, String name, int fs, int d, int before, int after) {
        return ConvExport.conv(g, x, c, name, new long[] {3, 3}, new long[] {1, before, 1, after}, new long[] {fs, 1},
                new long[] {1, d});
    }

    @Override
    public long macsPerFrame() {
        long m = (long) bins * width * 9;
        long f = bins;
        int cin = width;
        for (int l = 0; l < LEVELS; l++) {
            f /= 2;
            m += f * cin * channelsAt(l + 1) * 9L;
            cin = channelsAt(l + 1);
        }
        m += DILATIONS.length * f * cin * cin * 9L;
        int c = cin;
        for (int l = LEVELS; l >= 1; l--) {
            m += f * c * 2L * c;
            f *= 2;
            int skip = channelsAt(l - 1);
            m += f * (skip + c) * width * 9L;
            c = width;
        }
        return m + f * width;
    }
}
