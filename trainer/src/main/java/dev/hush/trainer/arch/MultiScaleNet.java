package dev.hush.trainer.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.Map;

/**
 * A multi-scale residual U-Net with a noise-level input, after DRUNet (Zhang et al. 2021) and FFDNet
 * (Zhang et al. 2018), sized for CPUs: it buys a wide receptive field (flat areas need it: low-frequency
 * noise is invisible to a 17-pixel window) at little cost per pixel by working at coarser scales.
 *
 * <p>The input has the image's C channels and one more: the noise level (standard deviation of the noise in
 * normalised units) as a constant plane, so one network covers every level and a user can turn it up or down.
 * <ol>
 * <li>pixel-unshuffle by 2 (ONNX SpaceToDepth): H×W×(C+1) → H/2×W/2×4(C+1), as FFDNet does;</li>
 * <li>a 3×3 head convolution to {@code width} channels;</li>
 * <li>{@code levels} encoder levels: {@code blocks} residual blocks (x + conv(relu(conv(x))), 3×3) at
 *     width·2^l channels, then a 2×2 stride-2 convolution to the next level;</li>
 * <li>{@code blocks} residual blocks at the bottom;</li>
 * <li>the decoder: a 2×2 stride-2 transposed convolution ({@link UpConv}), plus the encoder's output of the
 *     same level (an additive skip), then {@code blocks} residual blocks;</li>
 * <li>a 3×3 tail convolution to 4C channels and pixel-shuffle (ONNX DepthToSpace, DCR) back to H×W×C: the
 *     noise estimate, subtracted from the image channels of the input.</li>
 * </ol>
 * H and W must be multiples of 2^(levels+1).
 */
public final class MultiScaleNet implements Network {
    public static final int MAX_LEVELS = 4;
    private static final int KERNEL = 3;

    private final int channels;
    private final int levels;
    private final int width;
    private final int blocks;
    private final Conv2d head;
    private final Conv2d[][][] enc;
    private final Conv2d[] down;
    private final Conv2d[][] bottom;
    private final UpConv[] up;
    private final Conv2d[][][] dec;
    private final Conv2d tail;
    private final Body body;

    public MultiScaleNet(int channels, int levels, int width, int blocks) {
        if (levels < 1 || levels > MAX_LEVELS) {
            throw new IllegalArgumentException("multiscale: depth is the number of levels below the first and must be"
                    + " 1 to " + MAX_LEVELS + ", got " + levels);
        }
        if (width < 1 || blocks < 1 || channels < 1) {
            throw new IllegalArgumentException("multiscale: width, blocks and channels must be at least 1, got width="
                    + width + ", blocks=" + blocks + ", channels=" + channels);
        }
        this.channels = channels;
        this.levels = levels;
        this.width = width;
        this.blocks = blocks;
        head = conv(KERNEL, 1, width);
        enc = new Conv2d[levels][blocks][2];
        dec = new Conv2d[levels][blocks][2];
        down = new Conv2d[levels];
        up = new UpConv[levels];
        for (int l = 0; l < levels; l++) {
            for (int b = 0; b < blocks; b++) {
                for (int k = 0; k < 2; k++) {
                    enc[l][b][k] = conv(KERNEL, 1, levelWidth(l));
                    dec[l][b][k] = conv(KERNEL, 1, levelWidth(l));
                }
            }
            down[l] = conv(2, 2, levelWidth(l + 1));
            up[l] = new UpConv(levelWidth(l));
        }
        bottom = new Conv2d[blocks][2];
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < 2; k++) {
                bottom[b][k] = conv(KERNEL, 1, levelWidth(levels));
            }
        }
        tail = conv(KERNEL, 1, 4 * channels);
        body = new Body();
    }

    private int levelWidth(int l) {
        return width << l;
    }

    private static Conv2d conv(int kernel, int stride, int filters) {
        int pad = stride == 1 ? kernel / 2 : 0;
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad)).setFilters(filters).build();
    }

    @Override
    public String kind() {
        return "multiscale";
    }

    @Override
    public String describe() {
        return "multiscale(depth=" + levels + ",width=" + width + ",blocks=" + blocks + ",channels=" + channels
                + ",noise_level_input=true)";
    }

    @Override
    public Block block() {
        return body;
    }

    @Override
    public boolean noiseLevelInput() {
        return true;
    }

    /**
     * In input pixels, a k×k convolution at a scale where one position stands for s pixels reaches (k/2)·s
     * further; level l sits at scale 2^(l+1) (the unshuffle halves first). Head and tail: 2 each; each residual
     * block 2 convolutions; strided and transposed 2×2 convolutions map blocks onto blocks and reach nothing. Where
     * a pixel sits inside its coarsest block shifts the field by up to 2^(levels+1) − 1 pixels.
     */
    @Override
    public int halo() {
        int r = 2 * 2; // head and tail at scale 2
        for (int l = 0; l < levels; l++) {
            r += 2 * blocks * 2 * (2 << l); // encoder and decoder blocks, 2 convolutions each
        }
        r += blocks * 2 * (2 << levels); // bottom
        r += (2 << levels) - 1;
        return r;
    }

    @Override
    public int sizeMultiple() {
        return 2 << levels;
    }

    @Override
    public long macsPerPixel() {
        double macs = 9.0 * 4 * (channels + 1) * width / 4; // head at 1/4 of the positions
        macs += 9.0 * width * 4 * channels / 4; // tail
        for (int l = 0; l < levels; l++) {
            double positions = 1.0 / (4L << 2 * l); // 4^-(l+1)
            long c = levelWidth(l);
            long next = levelWidth(l + 1);
            macs += positions * 2 * blocks * 2 * 9 * c * c; // encoder and decoder blocks
            macs += positions / 4 * 4 * c * next; // down: 2×2 taps per next-level position
            macs += positions / 4 * next * 4 * c; // up: a 1×1 conv to 4c per next-level position
        }
        long b = levelWidth(levels);
        macs += 1.0 / (4L << 2 * levels) * blocks * 2 * 9 * b * b;
        return Math.round(macs);
    }

    // ---- ONNX ----

    @Override
    public String export(OnnxGraph g, String input) {
        String x = g.node("SpaceToDepth", new String[] {input}, Map.of("blocksize", 2L));
        x = ConvExport.conv(g, x, head, KERNEL, "head");
        String[] skips = new String[levels];
        for (int l = 0; l < levels; l++) {
            for (int b = 0; b < blocks; b++) {
                x = exportResBlock(g, x, enc[l][b], "enc" + l + "_" + b);
            }
            skips[l] = x;
            x = ConvExport.conv(g, x, down[l], 2, 2, 0, "down" + l);
        }
        for (int b = 0; b < blocks; b++) {
            x = exportResBlock(g, x, bottom[b], "bottom_" + b);
        }
        for (int l = levels - 1; l >= 0; l--) {
            x = ConvExport.upConv(g, x, up[l], "up" + l);
            x = g.node("Add", new String[] {x, skips[l]}, Map.of());
            for (int b = 0; b < blocks; b++) {
                x = exportResBlock(g, x, dec[l][b], "dec" + l + "_" + b);
            }
        }
        x = ConvExport.conv(g, x, tail, KERNEL, "tail");
        String noise = g.node("DepthToSpace", new String[] {x}, Map.of("blocksize", 2L, "mode", "DCR"));
        String starts = g.initializerInt64("image_channels.starts", new long[] {0}, 1);
        String ends = g.initializerInt64("image_channels.ends", new long[] {channels}, 1);
        String axes = g.initializerInt64("image_channels.axes", new long[] {1}, 1);
        String image = g.node("Slice", new String[] {input, starts, ends, axes}, Map.of());
        return g.node("Sub", new String[] {image, noise}, Map.of());
    }

    private static String exportResBlock(OnnxGraph g, String x, Conv2d[] c, String name) {
        String y = ConvExport.relu(g, ConvExport.conv(g, x, c[0], KERNEL, name + "a"));
        y = ConvExport.conv(g, y, c[1], KERNEL, name + "b");
        return g.node("Add", new String[] {x, y}, Map.of());
    }

    // ---- DJL ----

    /** x: N×(C+1)×H×W → N×4(C+1)×H/2×W/2, channel (dy·2 + dx)·C + c, as ONNX SpaceToDepth. */
    static NDArray spaceToDepth(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2) / 2;
        long w = s.get(3) / 2;
        return x.reshape(n, c, h, 2, w, 2).transpose(0, 3, 5, 1, 2, 4).reshape(n, 4 * c, h, w);
    }

    /** x: N×4C×h×w → N×C×2h×2w, ONNX DepthToSpace in DCR mode. */
    static NDArray depthToSpace(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1) / 4;
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, 2, 2, c, h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c, 2 * h, 2 * w);
    }

    private final class Body extends AbstractBlock {
        Body() {
            super((byte) 1);
            addChildBlock("head", head);
            for (int l = 0; l < levels; l++) {
                for (int b = 0; b < blocks; b++) {
                    addChildBlock("enc" + l + "_" + b + "a", enc[l][b][0]);
                    addChildBlock("enc" + l + "_" + b + "b", enc[l][b][1]);
                }
                addChildBlock("down" + l, down[l]);
            }
            for (int b = 0; b < blocks; b++) {
                addChildBlock("bottom" + b + "a", bottom[b][0]);
                addChildBlock("bottom" + b + "b", bottom[b][1]);
            }
            for (int l = levels - 1; l >= 0; l--) {
                addChildBlock("up" + l, up[l]);
                for (int b = 0; b < blocks; b++) {
                    addChildBlock("dec" + l + "_" + b + "a", dec[l][b][0]);
                    addChildBlock("dec" + l + "_" + b + "b", dec[l][b][1]);
                }
            }
            addChildBlock("tail", tail);
        }

        private NDArray run(Block b, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> p) {
            return b.forward(ps, new NDList(x), training, p).singletonOrThrow();
        }

        private NDArray resBlock(Conv2d[] c, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> p) {
            NDArray y = ai.djl.nn.Activation.relu(run(c[0], ps, x, training, p));
            return x.add(run(c[1], ps, y, training, p));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray in = inputs.singletonOrThrow();
            NDArray x = run(head, ps, spaceToDepth(in), training, p);
            NDArray[] skips = new NDArray[levels];
            for (int l = 0; l < levels; l++) {
                for (int b = 0; b < blocks; b++) {
                    x = resBlock(enc[l][b], ps, x, training, p);
                }
                skips[l] = x;
                x = run(down[l], ps, x, training, p);
            }
            for (int b = 0; b < blocks; b++) {
                x = resBlock(bottom[b], ps, x, training, p);
            }
            for (int l = levels - 1; l >= 0; l--) {
                x = run(up[l], ps, x, training, p).add(skips[l]);
                for (int b = 0; b < blocks; b++) {
                    x = resBlock(dec[l][b], ps, x, training, p);
                }
            }
            NDArray noise = depthToSpace(run(tail, ps, x, training, p));
            return new NDList(in.get(":, 0:" + channels).sub(noise));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape s = inputShapes[0];
            return new Shape[] {new Shape(s.get(0), channels, s.get(2), s.get(3))};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape s = inputShapes[0];
            long n = s.get(0);
            long h = s.get(2) / 2;
            long w = s.get(3) / 2;
            // DJL initialises a block again whenever a trainer is made for it (the parameters it has keep their values);
            // only weights drawn in this call may be shrunk below, never ones already trained or loaded.
            boolean fresh = !tail.isInitialized();
            head.initialize(manager, dataType, new Shape(n, 4 * s.get(1), h, w));
            for (int l = 0; l < levels; l++) {
                Shape at = new Shape(n, levelWidth(l), h >> l, w >> l);
                for (int b = 0; b < blocks; b++) {
                    enc[l][b][0].initialize(manager, dataType, at);
                    enc[l][b][1].initialize(manager, dataType, at);
                    dec[l][b][0].initialize(manager, dataType, at);
                    dec[l][b][1].initialize(manager, dataType, at);
                }
                down[l].initialize(manager, dataType, at);
                up[l].initialize(manager, dataType, new Shape(n, levelWidth(l + 1), h >> (l + 1), w >> (l + 1)));
            }
            Shape bot = new Shape(n, levelWidth(levels), h >> levels, w >> levels);
            for (int b = 0; b < blocks; b++) {
                bottom[b][0].initialize(manager, dataType, bot);
                bottom[b][1].initialize(manager, dataType, bot);
            }
            tail.initialize(manager, dataType, new Shape(n, width, h, w));
            // Start every residual branch and the noise estimate small, so the fresh network is close to the
            // identity and deep sums do not blow up the first steps (the idea of Fixup / SkipInit).
            if (!fresh) {
                return;
            }
            for (Conv2d[][] level : enc) {
                shrink(level);
            }
            for (Conv2d[][] level : dec) {
                shrink(level);
            }
            shrink(bottom);
            tail.getParameters().get("weight").getArray().muli(0.1f);
        }

        private void shrink(Conv2d[][] blocksOfLevel) {
            for (Conv2d[] b : blocksOfLevel) {
                b[1].getParameters().get("weight").getArray().muli(0.1f);
            }
        }
    }
}
