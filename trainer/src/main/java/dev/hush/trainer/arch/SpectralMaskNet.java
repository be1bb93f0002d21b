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
    private static final int LEVELS = FrequencyUNet.LEVELS;
    private static final int[] DILATIONS = {1, 2, 4, 8};

    private final int bins;
    private final int width;
    private final FrequencyUNet unet;
    private final List<Conv2d> bottleneck = new ArrayList<>();

    /** {@code bins}: a multiple of 8 (the model drops the Nyquist bin: 256 for n_fft 512); {@code width}: channels. */
    public SpectralMaskNet(int bins, int width) {
        super(VERSION);
        if (width < 2) {
            throw new IllegalArgumentException("spectral: width must be at least 2, got " + width);
        }
        this.bins = bins;
        this.width = width;
        unet = new FrequencyUNet("spectral", bins, width);
        // The first convolution sees one frame on each side (the look-ahead); the others are causal: padded by two
        // frames on both sides, their last two output frames dropped.
        FrequencyUNet.Maker maker = (role, filters, fs) -> conv(filters, fs, 1, role == FrequencyUNet.Role.FIRST ? 1 : 2);
        unet.buildEncoder(this::addChildBlock, maker);
        for (int i = 0; i < DILATIONS.length; i++) {
            bottleneck.add(addChildBlock("bottleneck" + i, conv(unet.bottomChannels(), 1, DILATIONS[i],
                    2 * DILATIONS[i])));
        }
        unet.buildDecoder(this::addChildBlock, maker);
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
        NDArray x = inputs.singletonOrThrow();
        long t = x.getShape().get(3);
        FrequencyUNet.Runner runner = (role, c, in) -> run(c, store, in, training,
                role == FrequencyUNet.Role.FIRST ? 0 : t);
        List<NDArray> skips = new ArrayList<>();
        x = unet.encode(x, skips, runner);
        for (Conv2d c : bottleneck) {
            x = x.add(Activation.relu(run(c, store, x, training, t)));
        }
        return new NDList(unet.decode(x, skips, runner, store, training));
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
        Shape s = unet.initEncoder(manager, dataType, inputShapes[0]);
        for (Conv2d c : bottleneck) {
            c.initialize(manager, dataType, s);
        }
        unet.initDecoder(manager, dataType, s);
    }

    @Override
    public String export(OnnxGraph g, String input) {
        FrequencyUNet.Writer writer = (role, c, in, name, fs) -> role == FrequencyUNet.Role.FIRST
                ? conv(g, in, c, name, fs, 1, 1, 1) : conv(g, in, c, name, fs, 1, 2, 0);
        List<String> skips = new ArrayList<>();
        String x = unet.exportEncoder(g, input, skips, writer);
        for (int i = 0; i < DILATIONS.length; i++) {
            int d = DILATIONS[i];
            String y = relu(g, conv(g, x, bottleneck.get(i), "bottleneck" + i, 1, d, 2 * d, 0));
            x = g.node("Add", new String[] {x, y}, Map.of());
        }
        return unet.exportDecoder(g, x, skips, writer);
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
        long f = unet.bottomBins();
        long c = unet.bottomChannels();
        return unet.macsPerFrame(3) + DILATIONS.length * f * c * c * 9L;
    }
}
