package dev.hush.trainer.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.Map;

/**
 * Fully convolutional denoising autoencoder: an encoder that halves the resolution {@code depth}
 * times, a bottleneck, and a decoder that doubles it back. Without skips ({@code conv}) everything
 * the decoder knows has passed through the bottleneck; with skips ({@code unet}, after Ronneberger
 * et al. 2015) each decoder level also gets the encoder's features of its resolution, concatenated
 * along the channel axis, so fine detail need not squeeze through the bottom.
 *
 * <p>Level l (0 = full resolution) has {@code width·2^l} channels:
 * <ul>
 * <li>encoder: two 3×3 'same' convolutions + ReLU, then a 2×2 stride-2 convolution to the next
 *     level's channels + ReLU (kernel = stride: no overlap, even sizes halve exactly);</li>
 * <li>bottom (level {@code depth}): one 3×3 convolution + ReLU;</li>
 * <li>decoder: a 2×2 stride-2 transposed convolution to level l's channels ({@link UpConv}),
 *     for {@code unet} concatenated after the encoder's level-l features, then two 3×3
 *     convolutions + ReLU;</li>
 * <li>head: a 1×1 convolution to {@code channels}.</li>
 * </ul>
 * With the global residual (the default) the head estimates the noise and the network returns
 * input − noise, as {@link ResidualNet} does; without it the head returns the clean image.
 * H and W must be multiples of 2^depth. Optional dropout after every ReLU acts in training only.
 *
 * <p>Without skips the block is an {@link Autoencoder}: the encoder ends at the bottom's ReLU, whose
 * activation is the code that a sparsity penalty acts on. The U-Net has no such single code (its skips
 * bypass the bottom), so it exposes none.
 */
public final class EncoderDecoderNet implements Network {
    /** 2^6 = 64-pixel size multiple and width·64 channels at the bottom: deeper makes no sense for denoising. */
    public static final int MAX_DEPTH = 6;
    private static final int KERNEL = 3;
    private static final int CONVS_PER_LEVEL = 2;

    private final boolean skips;
    private final boolean globalResidual;
    private final int channels;
    private final int depth;
    private final int width;
    private final float dropout;
    /** Channels of the code (the bottom's output); by default the bottom level's width. */
    private final int codeChannels;
    private final Conv2d[][] encoder;
    private final Conv2d[] down;
    private final Conv2d bottom;
    private final UpConv[] up;
    private final Conv2d[][] decoder;
    private final Conv2d head;
    private final Block block;

    /** The plain encoder/decoder ({@code conv}). */
    public static EncoderDecoderNet conv(int channels, int depth, int width, boolean globalResidual) {
        return conv(channels, depth, width, globalResidual, 0f);
    }

    /** The plain encoder/decoder with dropout at {@code dropout} after every ReLU in training. */
    public static EncoderDecoderNet conv(int channels, int depth, int width, boolean globalResidual, float dropout) {
        return new EncoderDecoderNet(false, channels, depth, width, globalResidual, dropout, 0);
    }

    /**
     * The plain encoder/decoder with a code of {@code code} channels at 1/2^depth of the resolution (0: the bottom
     * level's width, width·2^depth): the rate knob of an image codec ({@code code}·bits / 4^depth bits per pixel
     * before entropy coding).
     */
    public static EncoderDecoderNet conv(int channels, int depth, int width, boolean globalResidual, float dropout,
                                         int code) {
        return new EncoderDecoderNet(false, channels, depth, width, globalResidual, dropout, code);
    }

    /** The U-Net ({@code unet}). */
    public static EncoderDecoderNet unet(int channels, int depth, int width, boolean globalResidual) {
        return unet(channels, depth, width, globalResidual, 0f);
    }

    /** The U-Net with dropout at {@code dropout} after every ReLU in training. */
    public static EncoderDecoderNet unet(int channels, int depth, int width, boolean globalResidual, float dropout) {
        return new EncoderDecoderNet(true, channels, depth, width, globalResidual, dropout, 0);
    }

    private EncoderDecoderNet(boolean skips, int channels, int depth, int width, boolean globalResidual,
                              float dropout, int code) {
        String kind = skips ? "unet" : "conv";
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException(kind + ": depth is the number of resolution levels and must be 1 to "
                    + MAX_DEPTH + ", got " + depth);
        }
        if (width < 1) {
            throw new IllegalArgumentException(kind + ": width must be at least 1, got " + width);
        }
        if (channels < 1) {
            throw new IllegalArgumentException(kind + ": channels must be at least 1, got " + channels);
        }
        if (code < 0 || code > 4096 || code > 0 && skips) {
            throw new IllegalArgumentException(skips ? "unet has no single code (its skips bypass the bottom), so code"
                    + " applies to conv only" : kind + ": code (channels of the code) must lie in 0–4096, got " + code);
        }
        this.codeChannels = code > 0 ? code : width << depth;
        this.skips = skips;
        this.globalResidual = globalResidual;
        this.channels = channels;
        this.depth = depth;
        this.width = width;
        this.dropout = dropout;
        encoder = new Conv2d[depth][CONVS_PER_LEVEL];
        decoder = new Conv2d[depth][CONVS_PER_LEVEL];
        down = new Conv2d[depth];
        up = new UpConv[depth];
        for (int l = 0; l < depth; l++) {
            for (int i = 0; i < CONVS_PER_LEVEL; i++) {
                encoder[l][i] = conv(KERNEL, 1, levelWidth(l));
                decoder[l][i] = conv(KERNEL, 1, levelWidth(l));
            }
            down[l] = conv(2, 2, levelWidth(l + 1));
            up[l] = new UpConv(levelWidth(l));
        }
        bottom = conv(KERNEL, 1, codeChannels);
        head = conv(1, 1, channels);
        Block body = skips ? new SequentialBlock().add(level(0)).add(head) : autoencoder();
        this.block = globalResidual ? new NoiseSubtraction(body) : body;
    }

    private int levelWidth(int level) {
        return width << level;
    }

    /** A square convolution; stride 1 pads to keep the size ('same'), stride 2 with kernel 2 needs no padding. */
    private static Conv2d conv(int kernel, int stride, int filters) {
        int pad = stride == 1 ? kernel / 2 : 0;
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .setFilters(filters)
                .build();
    }

    /** Level l and everything below it, with U-Net skips: H×W in, H×W out. */
    private Block level(int l) {
        SequentialBlock inner = Architectures.relu(new SequentialBlock().add(down[l]), dropout);
        if (l + 1 < depth) {
            inner.add(level(l + 1));
        } else {
            Architectures.relu(inner.add(bottom), dropout);
        }
        inner.add(up[l]);
        SequentialBlock s = new SequentialBlock();
        for (Conv2d c : encoder[l]) {
            Architectures.relu(s.add(c), dropout);
        }
        s.add(new SkipConcat(inner));
        for (Conv2d c : decoder[l]) {
            Architectures.relu(s.add(c), dropout);
        }
        return s;
    }

    /**
     * Without skips the levels nest into one chain: encoder (levels down to the bottom's ReLU, the code),
     * then decoder (up through the levels to the head). The same layers in the same order as the nested form.
     */
    private Block autoencoder() {
        SequentialBlock enc = new SequentialBlock();
        for (int l = 0; l < depth; l++) {
            for (Conv2d c : encoder[l]) {
                Architectures.relu(enc.add(c), dropout);
            }
            Architectures.relu(enc.add(down[l]), dropout);
        }
        enc.add(bottom).add(Activation.reluBlock());
        // The code leaves the encoder before dropout, so the sparsity penalty sees the whole activation.
        SequentialBlock dec = Architectures.dropout(new SequentialBlock(), dropout);
        for (int l = depth - 1; l >= 0; l--) {
            dec.add(up[l]);
            for (Conv2d c : decoder[l]) {
                Architectures.relu(dec.add(c), dropout);
            }
        }
        dec.add(head);
        return new Autoencoder(enc, dec);
    }

    @Override
    public boolean exposesBottleneck() {
        return !skips;
    }

    @Override
    public String kind() {
        return skips ? "unet" : "conv";
    }

    @Override
    public String describe() {
        return kind() + "(depth=" + depth + ",width=" + width + ",channels=" + channels
                + ",global_residual=" + globalResidual + (dropout > 0 ? ",dropout=" + dropout : "")
                + (codeChannels != levelWidth(depth) ? ",code=" + codeChannels : "") + ")";
    }

    @Override
    public Block block() {
        return block;
    }

    /**
     * Every position at level l stands for a block of 2^l input pixels. A k×k 'same' convolution at
     * level l widens the field by (k/2)·2^l pixels on each side; the 2×2 stride-2 down and up
     * convolutions map blocks onto blocks and widen nothing, and neither does the 1×1 head. Where an
     * output pixel sits inside its bottom-level block shifts the field by up to 2^depth − 1 pixels to
     * one side. With the layers above this is 6·2^depth − 5 (19 for depth 2); the skips of the U-Net
     * reach less far than the path through the bottom, so the bound holds for both.
     */
    @Override
    public int halo() {
        int r = 0;
        for (int l = 0; l < depth; l++) {
            r += 2 * CONVS_PER_LEVEL * (KERNEL / 2) << l; // encoder and decoder convolutions
        }
        r += (KERNEL / 2) << depth; // bottom
        r += (1 << depth) - 1; // alignment within the bottom-level block
        return r;
    }

    /** Tiles are cut on the grid of the coarsest level. */
    @Override
    public int sizeMultiple() {
        return 1 << depth;
    }

    @Override
    public String export(OnnxGraph g, String input) {
        String out = ConvExport.conv(g, exportLevel(g, input, 0), head, 1, "head");
        return globalResidual ? g.node("Sub", new String[] {input, out}, Map.of()) : out;
    }

    private String exportLevel(OnnxGraph g, String x, int l) {
        String e = x;
        for (int i = 0; i < CONVS_PER_LEVEL; i++) {
            e = ConvExport.relu(g, ConvExport.conv(g, e, encoder[l][i], KERNEL, "enc" + l + "_" + i));
        }
        String d = ConvExport.relu(g, ConvExport.conv(g, e, down[l], 2, 2, 0, "down" + l));
        d = l + 1 < depth ? exportLevel(g, d, l + 1)
                : ConvExport.relu(g, ConvExport.conv(g, d, bottom, KERNEL, "bottom"));
        String y = ConvExport.upConv(g, d, up[l], "up" + l);
        if (skips) {
            y = g.node("Concat", new String[] {e, y}, Map.of("axis", 1L));
        }
        for (int i = 0; i < CONVS_PER_LEVEL; i++) {
            y = ConvExport.relu(g, ConvExport.conv(g, y, decoder[l][i], KERNEL, "dec" + l + "_" + i));
        }
        return y;
    }

    /** Without skips and without the global residual, the decoder alone rebuilds the image from the code. */
    /**
     * Trains the code for the codec's {@code bits}-bit quantisation (uniform noise of one step before the decoder, in
     * training only; see {@link Autoencoder}). Plain autoencoders only: the code must be the decoder's only input.
     */
    public EncoderDecoderNet quantisationAware(int bits) {
        if (!separableCode()) {
            throw new IllegalArgumentException("quant_bits trains a codec's code, which needs a plain autoencoder"
                    + " (architecture=conv, global_residual=false); " + describe() + " is not one");
        }
        Block body = block;
        ((Autoencoder) body).quantisationNoise(bits);
        return this;
    }

    @Override
    public boolean separableCode() {
        return !skips && !globalResidual;
    }

    @Override
    public Object[] codeDims() {
        return new Object[] {"N", (long) codeChannels, "h", "w"};
    }

    /** The encoder half of the chain {@link #exportLevel} writes when there are no skips: down to the bottom's ReLU. */
    @Override
    public String exportEncoder(OnnxGraph g, String input) {
        requireSeparable();
        String x = input;
        for (int l = 0; l < depth; l++) {
            for (int i = 0; i < CONVS_PER_LEVEL; i++) {
                x = ConvExport.relu(g, ConvExport.conv(g, x, encoder[l][i], KERNEL, "enc" + l + "_" + i));
            }
            x = ConvExport.relu(g, ConvExport.conv(g, x, down[l], 2, 2, 0, "down" + l));
        }
        return ConvExport.relu(g, ConvExport.conv(g, x, bottom, KERNEL, "bottom"));
    }

    @Override
    public String exportDecoder(OnnxGraph g, String code) {
        requireSeparable();
        String y = code;
        for (int l = depth - 1; l >= 0; l--) {
            y = ConvExport.upConv(g, y, up[l], "up" + l);
            for (int i = 0; i < CONVS_PER_LEVEL; i++) {
                y = ConvExport.relu(g, ConvExport.conv(g, y, decoder[l][i], KERNEL, "dec" + l + "_" + i));
            }
        }
        return ConvExport.conv(g, y, head, 1, "head");
    }

    private void requireSeparable() {
        if (!separableCode()) {
            throw new UnsupportedOperationException(describe() + " has " + (skips ? "skips around its code"
                    : "a global residual (the decoder gives the noise, not the image)") + ", so its halves are not an"
                    + " encoder and a decoder; train conv with global_residual=false for that");
        }
    }

    /** A layer at level l computes at one position per 4^l input pixels. */
    @Override
    public long macsPerPixel() {
        long k2 = KERNEL * KERNEL;
        double macs = 0;
        for (int l = 0; l < depth; l++) {
            long c = levelWidth(l);
            long next = levelWidth(l + 1);
            long upIn = l == depth - 1 ? codeChannels : next;
            double positions = 1.0 / (1L << 2 * l);
            long in = l == 0 ? channels : c;
            macs += positions * k2 * (in * c + (CONVS_PER_LEVEL - 1) * c * c); // encoder
            macs += positions / 4 * (2 * 2) * c * next; // down: 2×2 taps at each level-(l+1) position
            macs += positions * upIn * c; // up: one tap per output position
            long decIn = skips ? 2 * c : c;
            macs += positions * k2 * (decIn * c + (CONVS_PER_LEVEL - 1) * c * c); // decoder
        }
        long b = levelWidth(depth);
        macs += k2 * b * codeChannels / (double) (1L << 2 * depth);
        macs += (double) width * channels; // head
        return Math.round(macs);
    }
}
