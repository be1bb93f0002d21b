package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The classic dense denoising autoencoders: a P×P patch (C channels) is flattened to C·P² values, passed
 * through fully connected layers with ReLU down to a bottleneck (the code) and back up, and reshaped to
 * C×P×P. {@code vanilla} has one hidden layer, which is the code; {@code multilayer} has {@code depth}
 * hidden layers, ⌈depth/2⌉ encoding (the last of them the code, {@code width} units) and ⌊depth/2⌋
 * decoding, their sizes stepping geometrically between C·P² and {@code width}, e.g. for P = 32, depth 3,
 * width 64: 1024 → 256 → 64 → 256 → 1024.
 *
 * <p>The layers work on centred values: 0.5, the middle of the normalised range, is subtracted from the
 * flattened patch and added back to the output. With inputs that are all positive every hidden unit's
 * pre-activation follows the patch's mean, the first updates push them all the same way, and in a small
 * layer all of them can die at once (seen with 16 units); and an output bias that had to climb to the
 * mean grey level at Adam's pace of about lr per step would take hundreds of steps. The output layer is linear (no sigmoid: normalised pixels may leave [0, 1]) and returns the clean
 * patch itself: there is no global residual, since a bottleneck that must carry the noise estimate would
 * have to encode noise, which does not compress. Every weight sees the whole patch, so the network takes
 * P×P inputs only ({@link #fixedSize()}); the halo, P/4, only makes the runtime's tiles overlap so that
 * each output pixel comes from the middle half of a window, where the patch gives context on every side.
 */
public final class DenseAutoencoder implements Network {
    /** Hidden layers of {@code multilayer} at most. */
    public static final int MAX_DEPTH = 8;

    /** Subtracted from the normalised input (whose range is about [0, 1]) and added to the output. */
    private static final float CENTRE = 0.5f;

    private final String kind;
    private final int channels;
    private final int patch;
    private final int depth;
    private final int width;
    private final float dropout;
    private final int[] units;
    private final List<Linear> layers = new ArrayList<>();
    private final Block block;

    /** One hidden layer of {@code width} units. */
    public static DenseAutoencoder vanilla(int channels, int patch, int width, float dropout) {
        return new DenseAutoencoder("vanilla", channels, patch, 1, width, dropout);
    }

    /** {@code depth} (at least 2) hidden layers with a bottleneck of {@code width} units. */
    public static DenseAutoencoder multilayer(int channels, int patch, int depth, int width, float dropout) {
        if (depth < 2 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("multilayer: depth is the number of hidden layers and must be 2 to "
                    + MAX_DEPTH + " (1 is vanilla), got " + depth);
        }
        return new DenseAutoencoder("multilayer", channels, patch, depth, width, dropout);
    }

    private DenseAutoencoder(String kind, int channels, int patch, int depth, int width, float dropout) {
        if (channels < 1) {
            throw new IllegalArgumentException(kind + ": channels must be at least 1, got " + channels);
        }
        if (patch < 4) {
            throw new IllegalArgumentException(kind + ": the patch must be at least 4 pixels, got " + patch);
        }
        if (width < 1) {
            throw new IllegalArgumentException(kind + ": width (units of the bottleneck) must be at least 1, got " + width);
        }
        this.kind = kind;
        this.channels = channels;
        this.patch = patch;
        this.depth = depth;
        this.width = width;
        this.dropout = dropout;
        int in = channels * patch * patch;
        int enc = (depth + 1) / 2;
        int dec = depth - enc;
        units = new int[depth];
        for (int i = 1; i <= enc; i++) {
            units[i - 1] = geometric(in, width, i / (double) enc);
        }
        for (int j = 1; j <= dec; j++) {
            units[enc + j - 1] = geometric(width, in, j / (double) (dec + 1));
        }
        SequentialBlock encoder = new SequentialBlock().add(LambdaBlock.singleton(this::flatten, "flatten"));
        for (int i = 0; i < enc; i++) {
            encoder.add(linear(units[i])).add(Activation.reluBlock());
            if (i < enc - 1) {
                Architectures.dropout(encoder, dropout);
            }
        }
        // The code leaves the encoder before dropout, so the sparsity penalty sees the whole activation.
        SequentialBlock decoder = Architectures.dropout(new SequentialBlock(), dropout);
        for (int i = enc; i < depth; i++) {
            Architectures.relu(decoder.add(linear(units[i])), dropout);
        }
        decoder.add(linear(in)).add(LambdaBlock.singleton(y -> y.add(CENTRE).reshape(-1, channels, patch, patch), "unflatten"));
        this.block = new Autoencoder(encoder, decoder);
    }

    /** a^(1−t)·b^t, rounded: t = 0 gives a, t = 1 gives b. */
    private static int geometric(int a, int b, double t) {
        return Math.max(1, (int) Math.round(Math.exp((1 - t) * Math.log(a) + t * Math.log(b))));
    }

    private Linear linear(int out) {
        Linear l = Linear.builder().setUnits(out).build();
        layers.add(l);
        return l;
    }

    private NDArray flatten(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != patch || s.get(3) != patch) {
            throw new IllegalArgumentException(kind + " takes N×" + channels + "×" + patch + "×" + patch
                    + " inputs only (its patch size), got " + s);
        }
        return x.reshape(s.get(0), (long) channels * patch * patch).sub(CENTRE);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(kind).append('(');
        if (depth > 1) {
            sb.append("depth=").append(depth).append(',');
        }
        sb.append("width=").append(width).append(",patch=").append(patch).append(",channels=").append(channels);
        if (depth > 1) {
            sb.append(",units=");
            for (int i = 0; i < units.length; i++) {
                sb.append(i == 0 ? "" : "-").append(units[i]);
            }
        }
        return sb.append(dropout > 0 ? ",dropout=" + dropout : "").append(')').toString();
    }

    @Override
    public Block block() {
        return block;
    }

    /** Not a receptive field (every output sees the whole patch): the overlap that keeps tile cores in the middle. */
    @Override
    public int halo() {
        return patch / 4;
    }

    @Override
    public int sizeMultiple() {
        return 1;
    }

    @Override
    public int fixedSize() {
        return patch;
    }

    @Override
    public boolean exposesBottleneck() {
        return true;
    }

    /** The hidden layers' sizes, encoder then decoder; the code is the ⌈depth/2⌉-th. */
    public int[] units() {
        return units.clone();
    }

    /** The encoder and the decoder, one after the other: the layers in order, ReLU after all but the last. */
    @Override
    public String export(OnnxGraph g, String input) {
        return exportDecoder(g, exportEncoder(g, input));
    }

    @Override
    public boolean separableCode() {
        return true;
    }

    @Override
    public Object[] codeDims() {
        return new Object[] {"N", (long) units[(depth + 1) / 2 - 1]};
    }

    @Override
    public String exportEncoder(OnnxGraph g, String input) {
        String x = g.node("Flatten", new String[] {input}, Map.of("axis", 1L));
        x = g.node("Sub", new String[] {x, g.initializer(g.fresh("centre"), new float[] {CENTRE})}, Map.of());
        for (int i = 0; i < (depth + 1) / 2; i++) {
            x = ConvExport.relu(g, ConvExport.dense(g, x, layers.get(i), "dense" + i));
        }
        return x;
    }

    @Override
    public String exportDecoder(OnnxGraph g, String code) {
        String x = code;
        for (int i = (depth + 1) / 2; i < layers.size(); i++) {
            x = ConvExport.dense(g, x, layers.get(i), "dense" + i);
            if (i < layers.size() - 1) {
                x = ConvExport.relu(g, x);
            }
        }
        x = g.node("Add", new String[] {x, g.initializer(g.fresh("centre"), new float[] {CENTRE})}, Map.of());
        String shape = g.initializerInt64(g.fresh("shape"), new long[] {-1, channels, patch, patch}, 4);
        return g.node("Reshape", new String[] {x, shape}, Map.of());
    }

    /** Every layer's in·out multiply-accumulates, shared among the patch's P² output pixels. */
    @Override
    public long macsPerPixel() {
        long in = (long) channels * patch * patch;
        long macs = 0;
        long prev = in;
        for (int u : units) {
            macs += prev * u;
            prev = u;
        }
        macs += prev * in;
        return Math.max(1, Math.round(macs / (double) (patch * patch)));
    }
}
