package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recurrent speech denoiser, shaped like a convolutional recurrent network: each frame's noisy log-magnitudes
 * (N×1×F×T) pass an encoder of convolutions along frequency only (halving the bins three times), a dense layer
 * into a stack of GRUs that run along time, a dense layer back, and a decoder with U-Net skips to a gain in (0, 1)
 * per bin. Nothing but the GRUs looks across frames, so the network has no convolutional context and no
 * look-ahead: its whole memory is the GRU state, which the ONNX export takes and gives as an input and an output
 * (N × layers·hidden). A stream that carries the state from one call to the next therefore computes exactly what
 * one call over the whole signal computes, whatever the block size, and each frame is processed once.
 */
public final class RecurrentMaskNet extends AbstractBlock implements MaskNetwork {
    private static final byte VERSION = 1;
    private static final int LEVELS = FrequencyUNet.LEVELS;

    private final int bins;
    private final int width;
    private final int hidden;
    private final int layers;
    private final FrequencyUNet unet;
    private final Linear into;
    private final GRU gru;
    private final Linear outOf;

    /** {@code bins}: a multiple of 8; {@code width}: encoder channels; {@code hidden}, {@code layers}: the GRU stack. */
    public RecurrentMaskNet(int bins, int width, int hidden, int layers) {
        super(VERSION);
        if (width < 2 || hidden < 2 || layers < 1 || layers > 4) {
            throw new IllegalArgumentException("recurrent: width and hidden must be at least 2 and layers 1–4, got width "
                    + width + ", hidden " + hidden + ", layers " + layers);
        }
        this.bins = bins;
        this.width = width;
        this.hidden = hidden;
        this.layers = layers;
        unet = new FrequencyUNet("recurrent", bins, width);
        FrequencyUNet.Maker maker = (role, filters, fs) -> conv(filters, fs);
        unet.buildEncoder(this::addChildBlock, maker);
        into = addChildBlock("into", Linear.builder().setUnits(hidden).build());
        gru = addChildBlock("gru", GRU.builder().setStateSize(hidden).setNumLayers(layers).optBatchFirst(true)
                .optReturnState(false).build());
        outOf = addChildBlock("outOf", Linear.builder().setUnits(bottleneckFeatures()).build());
        unet.buildDecoder(this::addChildBlock, maker);
    }

    /** Features per frame at the bottom of the encoder: channels × bins/8. */
    private int bottleneckFeatures() {
        return unet.bottomChannels() * unet.bottomBins();
    }

    /** A convolution of 3 bins along frequency (stride {@code fs}) and 1 frame along time. */
    private static Conv2d conv(int filters, int fs) {
        return Conv2d.builder().setKernelShape(new Shape(3, 1)).optStride(new Shape(fs, 1)).optPadding(new Shape(1, 0))
                .setFilters(filters).build();
    }

    @Override
    public int bins() {
        return bins;
    }

    @Override
    public int context() {
        return 0;
    }

    @Override
    public int lookahead() {
        return 0;
    }

    @Override
    public int stateSize() {
        return layers * hidden;
    }

    @Override
    public String kind() {
        return "recurrent";
    }

    @Override
    public String describe() {
        return "recurrent(bins=" + bins + ",width=" + width + ",hidden=" + hidden + ",layers=" + layers + ",levels="
                + LEVELS + ")";
    }

    @Override
    public ai.djl.nn.Block block() {
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long n = x.getShape().get(0);
        long t = x.getShape().get(3);
        FrequencyUNet.Runner runner = (role, c, in) -> c.forward(store, new NDList(in), training).singletonOrThrow();
        List<NDArray> skips = new ArrayList<>();
        x = unet.encode(x, skips, runner);
        long c = x.getShape().get(1);
        long f = x.getShape().get(2);
        NDArray seq = x.transpose(0, 3, 1, 2).reshape(n, t, c * f);
        seq = Activation.relu(into.forward(store, new NDList(seq), training).singletonOrThrow());
        seq = gru.forward(store, new NDList(seq), training).head();
        seq = Activation.relu(outOf.forward(store, new NDList(seq), training).singletonOrThrow());
        x = seq.reshape(n, t, c, f).transpose(0, 2, 3, 1);
        return new NDList(unet.decode(x, skips, runner, store, training));
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
        Shape s = unet.initEncoder(manager, dataType, in);
        into.initialize(manager, dataType, new Shape(n * t, bottleneckFeatures()));
        gru.initialize(manager, dataType, new Shape(n, t, hidden));
        outOf.initialize(manager, dataType, new Shape(n * t, hidden));
        unet.initDecoder(manager, dataType, s);
    }

    @Override
    public String export(OnnxGraph g, String input) {
        throw new UnsupportedOperationException("the recurrent network is exported with its state: exportWithState");
    }

    @Override
    public String[] exportWithState(OnnxGraph g, String input, String stateIn) {
        FrequencyUNet.Writer writer = (role, conv, in, name, fs) -> conv(g, in, conv, name, fs);
        List<String> skips = new ArrayList<>();
        String x = unet.exportEncoder(g, input, skips, writer);
        long c = unet.bottomChannels();
        long f = unet.bottomBins();
        // N×C×F×T → T×N×(C·F), the GRU's sequence-first layout.
        String seq = g.node("Transpose", new String[] {x}, Map.of("perm", new long[] {3, 0, 1, 2}));
        seq = g.node("Reshape", new String[] {seq, g.initializerInt64(g.fresh("shape"), new long[] {0, 0, c * f}, 3)},
                Map.of());
        seq = relu(g, ConvExport.denseLastAxis(g, seq, into, "into"));
        // State N×(L·H) → L×N×H, one 1×N×H initial state per layer.
        String st = g.node("Reshape", new String[] {stateIn, g.initializerInt64(g.fresh("shape"),
                new long[] {0, layers, hidden}, 3)}, Map.of());
        st = g.node("Transpose", new String[] {st}, Map.of("perm", new long[] {1, 0, 2}));
        String[] finals = new String[layers];
        for (int l = 0; l < layers; l++) {
            String h0 = layers == 1 ? st : g.node("Slice", new String[] {st,
                    g.initializerInt64(g.fresh("start"), new long[] {l}, 1),
                    g.initializerInt64(g.fresh("end"), new long[] {l + 1}, 1),
                    g.initializerInt64(g.fresh("axes"), new long[] {0}, 1)}, Map.of());
            String[] w = gruWeights(g, l);
            String y = g.fresh("gru" + l + "_y");
            String yh = g.fresh("gru" + l + "_h");
            g.node("GRU", new String[] {seq, w[0], w[1], w[2], "", h0}, new String[] {y, yh}, Map.of("hidden_size",
                    (long) hidden, "linear_before_reset", 1L));
            // Y is T×1×N×H (one direction).
            seq = g.node("Squeeze", new String[] {y, g.initializerInt64(g.fresh("axes"), new long[] {1}, 1)}, Map.of());
            finals[l] = yh;
        }
        String stOut = layers == 1 ? finals[0] : g.node("Concat", finals, Map.of("axis", 0L));
        stOut = g.node("Transpose", new String[] {stOut}, Map.of("perm", new long[] {1, 0, 2}));
        stOut = g.node("Reshape", new String[] {stOut, g.initializerInt64(g.fresh("shape"),
                new long[] {0, (long) layers * hidden}, 2)}, Map.of());
        seq = relu(g, ConvExport.denseLastAxis(g, seq, outOf, "outOf"));
        x = g.node("Reshape", new String[] {seq, g.initializerInt64(g.fresh("shape"), new long[] {0, 0, c, f}, 4)},
                Map.of());
        x = g.node("Transpose", new String[] {x}, Map.of("perm", new long[] {1, 2, 3, 0}));
        return new String[] {unet.exportDecoder(g, x, skips, writer), stOut};
    }

    /**
     * Layer {@code l}'s weights as ONNX GRU wants them: W (1×3H×I), R (1×3H×H), B (1×6H). DJL (PyTorch) stacks the
     * gates reset, update, new; ONNX stacks update (z), reset (r), hidden (h); with linear_before_reset the
     * arithmetic is the same.
     */
    private String[] gruWeights(OnnxGraph g, int l) {
        NDArray wi = gruParameter(l, "i2h", "weight");
        NDArray wh = gruParameter(l, "h2h", "weight");
        NDArray bi = gruParameter(l, "i2h", "bias");
        NDArray bh = gruParameter(l, "h2h", "bias");
        long in = wi.getShape().get(1);
        String w = g.initializer("gru" + l + ".W", reorder(wi.toFloatArray(), (int) in), 1, 3L * hidden, in);
        String r = g.initializer("gru" + l + ".R", reorder(wh.toFloatArray(), hidden), 1, 3L * hidden, hidden);
        float[] b = new float[6 * hidden];
        System.arraycopy(reorder(bi.toFloatArray(), 1), 0, b, 0, 3 * hidden);
        System.arraycopy(reorder(bh.toFloatArray(), 1), 0, b, 3 * hidden, 3 * hidden);
        return new String[] {w, r, g.initializer("gru" + l + ".B", b, 1, 6L * hidden)};
    }

    /** Rows (r, z, n) → (z, r, n); each gate is hidden rows of {@code cols} values. */
    private float[] reorder(float[] v, int cols) {
        int gate = hidden * cols;
        float[] o = new float[v.length];
        System.arraycopy(v, gate, o, 0, gate);
        System.arraycopy(v, 0, o, gate, gate);
        System.arraycopy(v, 2 * gate, o, 2 * gate, gate);
        return o;
    }

    private NDArray gruParameter(int layer, String kind, String type) {
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : gru.getParameters()) {
            String name = p.getKey().toLowerCase(Locale.ROOT);
            names.add(p.getKey());
            if (name.startsWith("l_" + layer + "_") && name.contains(kind) && name.contains(type)) {
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException("no GRU parameter " + kind + " " + type + " of layer " + layer + " among " + names);
    }

    private static String relu(OnnxGraph g, String x) {
        return ConvExport.relu(g, x);
    }

    /** A convolution of 3 bins × 1 frame with frequency stride fs, frequency pads 1. */
    private static String conv(OnnxGraph g, String x, Conv2d c, String name, int fs) {
        return ConvExport.conv(g, x, c, name, new long[] {3, 1}, new long[] {1, 0, 1, 0}, new long[] {fs, 1},
                new long[] {1, 1});
    }

    @Override
    public long macsPerFrame() {
        long flat = bottleneckFeatures();
        return unet.macsPerFrame(1) + 2 * flat * hidden + (long) layers * 3 * hidden * 2L * hidden;
    }
}
