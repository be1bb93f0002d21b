package dev.hush.trainer.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv3d;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.Map;

/**
 * A 3-D U-Net for volumes (N×C×D×H×W), shaped for microscopy stacks, whose planes are usually fewer and farther apart
 * than pixels across: every level has two 3×3×3 convolutions + ReLU, the levels halve y and x (a 1×2×2 stride-2
 * convolution down, a 1×2×2 transposed one up, as CARE's 3-D networks pool 1×2×2) and keep z, and each decoder level
 * gets the encoder's features of its resolution concatenated. A 1×1×1 head estimates the noise, which is subtracted
 * from the input. H and W must be multiples of 2^depth; any D.
 */
public final class UNet3d implements Network {
    public static final int MAX_DEPTH = 4;
    private static final int CONVS_PER_LEVEL = 2;
    private final int channels;
    private final int depth;
    private final int width;
    private final Conv3d[][] encoder;
    private final Conv3d[][] decoder;
    private final Conv3d[] down;
    private final UpConv[] up;
    private final Conv3d bottom;
    private final Conv3d head;
    private final Block block;

    public UNet3d(int channels, int depth, int width) {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("unet (3-D): depth is the number of levels below the first and must be 1"
                    + " to " + MAX_DEPTH + ", got " + depth);
        }
        if (width < 1) {
            throw new IllegalArgumentException("unet (3-D): width must be at least 1, got " + width);
        }
        this.channels = channels;
        this.depth = depth;
        this.width = width;
        encoder = new Conv3d[depth][CONVS_PER_LEVEL];
        decoder = new Conv3d[depth][CONVS_PER_LEVEL];
        down = new Conv3d[depth];
        up = new UpConv[depth];
        for (int l = 0; l < depth; l++) {
            for (int i = 0; i < CONVS_PER_LEVEL; i++) {
                encoder[l][i] = same(levelWidth(l));
                decoder[l][i] = same(levelWidth(l));
            }
            down[l] = Conv3d.builder().setKernelShape(new Shape(1, 2, 2)).optStride(new Shape(1, 2, 2))
                    .setFilters(levelWidth(l + 1)).build();
            up[l] = new UpConv(levelWidth(l), true);
        }
        bottom = same(levelWidth(depth));
        head = Conv3d.builder().setKernelShape(new Shape(1, 1, 1)).setFilters(channels).build();
        this.block = new NoiseSubtraction(new SequentialBlock().add(level(0)).add(head));
    }

    private static Conv3d same(int filters) {
        return Conv3d.builder().setKernelShape(new Shape(3, 3, 3)).optPadding(new Shape(1, 1, 1)).setFilters(filters)
                .build();
    }

    private int levelWidth(int level) {
        return width << level;
    }

    private Block level(int l) {
        SequentialBlock inner = Architectures.relu(new SequentialBlock().add(down[l]), 0f);
        if (l + 1 < depth) {
            inner.add(level(l + 1));
        } else {
            Architectures.relu(inner.add(bottom), 0f);
        }
        inner.add(up[l]);
        SequentialBlock s = new SequentialBlock();
        for (Conv3d c : encoder[l]) {
            Architectures.relu(s.add(c), 0f);
        }
        s.add(new SkipConcat(inner));
        for (Conv3d c : decoder[l]) {
            Architectures.relu(s.add(c), 0f);
        }
        return s;
    }

    @Override
    public String kind() {
        return "unet3d";
    }

    @Override
    public String describe() {
        return "unet3d(depth=" + depth + ",width=" + width + ",channels=" + channels + ")";
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public int spatialDims() {
        return 3;
    }

    /** Across, as the 2-D U-Net ({@link EncoderDecoderNet#halo()}): 6·2^depth − 5. */
    @Override
    public int halo() {
        int r = 0;
        for (int l = 0; l < depth; l++) {
            r += 2 * CONVS_PER_LEVEL << l;
        }
        r += 1 << depth;
        r += (1 << depth) - 1;
        return r;
    }

    /** Along z every 3×3×3 convolution on the path through the bottom adds one plane, at any level. */
    @Override
    public int haloZ() {
        return 2 * CONVS_PER_LEVEL * depth + 1;
    }

    @Override
    public int sizeMultiple() {
        return 1 << depth;
    }

    @Override
    public String export(OnnxGraph g, String input) {
        String y = exportLevel(g, input, 0);
        String out = ConvExport.conv3d(g, y, head, "head", new long[] {1, 1, 1}, new long[6], new long[] {1, 1, 1});
        return g.node("Sub", new String[] {input, out}, Map.of());
    }

    private String exportLevel(OnnxGraph g, String x, int l) {
        String e = x;
        for (int i = 0; i < CONVS_PER_LEVEL; i++) {
            e = ConvExport.relu(g, ConvExport.conv(g, e, encoder[l][i], 3, 3, "enc" + l + "_" + i));
        }
        String d = ConvExport.relu(g, ConvExport.conv3d(g, e, down[l], "down" + l, new long[] {1, 2, 2}, new long[6],
                new long[] {1, 2, 2}));
        d = l + 1 < depth ? exportLevel(g, d, l + 1)
                : ConvExport.relu(g, ConvExport.conv(g, d, bottom, 3, 3, "bottom"));
        String y = g.node("Concat", new String[] {e, ConvExport.upConv3d(g, d, up[l], "up" + l)}, Map.of("axis", 1L));
        for (int i = 0; i < CONVS_PER_LEVEL; i++) {
            y = ConvExport.relu(g, ConvExport.conv(g, y, decoder[l][i], 3, 3, "dec" + l + "_" + i));
        }
        return y;
    }

    /** Per output voxel; a layer at level l computes at one position per 4^l voxels. */
    @Override
    public long macsPerPixel() {
        double macs = 0;
        for (int l = 0; l < depth; l++) {
            long c = levelWidth(l);
            long next = levelWidth(l + 1);
            double positions = 1.0 / (1L << 2 * l);
            long in = l == 0 ? channels : c;
            macs += positions * 27 * (in * c + c * c);
            macs += positions / 4 * 4 * c * next;
            macs += positions * next * c;
            macs += positions * 27 * (2 * c * c + c * c);
        }
        long b = levelWidth(depth);
        macs += 27.0 * b * b / (1L << 2 * depth);
        macs += (double) width * channels;
        return Math.round(macs);
    }
}
