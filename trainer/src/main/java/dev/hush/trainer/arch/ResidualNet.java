package dev.hush.trainer.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import dev.hush.trainer.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DnCNN-style residual denoiser (Zhang et al. 2017, without batch normalisation): {@code depth}
 * 3×3 convolutions with ReLU between them estimate the noise, which the graph subtracts from
 * the input. Fully convolutional, any image size; receptive-field radius = depth. Optional dropout
 * after every hidden ReLU acts in training only. With {@code dims} = 3 the convolutions are 3×3×3 and the
 * network denoises volumes (N×C×D×H×W), seeing {@code depth} planes up and down as well.
 */
public final class ResidualNet implements Network {
    private static final int KERNEL = 3;
    private final int channels;
    private final int depth;
    private final int width;
    private final float dropout;
    private final int dims;
    private final List<Convolution> convs = new ArrayList<>();
    private final Block block;

    public ResidualNet(int channels, int depth, int width) {
        this(channels, depth, width, 0f);
    }

    /** As {@link #ResidualNet(int, int, int)}, with dropout at {@code dropout} after each hidden ReLU in training. */
    public ResidualNet(int channels, int depth, int width, float dropout) {
        this(channels, depth, width, dropout, 2);
    }

    /** As above, with {@code dims} spatial axes: 2 (planes) or 3 (volumes, 3×3×3 convolutions). */
    public ResidualNet(int channels, int depth, int width, float dropout, int dims) {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("residual: dims must be 2 or 3, got " + dims);
        }
        if (depth < 2) {
            throw new IllegalArgumentException("residual: depth must be at least 2, got " + depth);
        }
        if (width < 1) {
            throw new IllegalArgumentException("residual: width must be at least 1, got " + width);
        }
        this.channels = channels;
        this.depth = depth;
        this.width = width;
        this.dropout = dropout;
        this.dims = dims;
        SequentialBlock body = new SequentialBlock();
        for (int i = 0; i < depth; i++) {
            boolean last = i == depth - 1;
            Convolution conv = dims == 2 ? Conv2d.builder()
                    .setKernelShape(new Shape(KERNEL, KERNEL))
                    .optPadding(new Shape(KERNEL / 2, KERNEL / 2))
                    .setFilters(last ? channels : width)
                    .build()
                    : Conv3d.builder()
                    .setKernelShape(new Shape(KERNEL, KERNEL, KERNEL))
                    .optPadding(new Shape(KERNEL / 2, KERNEL / 2, KERNEL / 2))
                    .setFilters(last ? channels : width)
                    .build();
            convs.add(conv);
            body.add(conv);
            if (!last) {
                Architectures.relu(body, dropout);
            }
        }
        this.block = new NoiseSubtraction(body);
    }

    @Override
    public String kind() {
        return dims == 3 ? "residual3d" : "residual";
    }

    @Override
    public String describe() {
        return kind() + "(depth=" + depth + ",width=" + width + ",channels=" + channels
                + (dropout > 0 ? ",dropout=" + dropout : "") + ")";
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public int halo() {
        return depth * (KERNEL / 2);
    }

    @Override
    public int sizeMultiple() {
        return 1;
    }

    @Override
    public int spatialDims() {
        return dims;
    }

    @Override
    public int haloZ() {
        return dims == 3 ? halo() : 0;
    }

    @Override
    public String export(OnnxGraph g, String input) {
        String x = input;
        for (int i = 0; i < depth; i++) {
            x = ConvExport.conv(g, x, convs.get(i), KERNEL, dims, "conv" + i);
            if (i < depth - 1) {
                x = ConvExport.relu(g, x);
            }
        }
        return g.node("Sub", new String[] {input, x}, Map.of());
    }

    @Override
    /** Per output pixel, or per voxel for a 3-D network. */
    public long macsPerPixel() {
        long macs = 0;
        for (int i = 0; i < depth; i++) {
            long in = i == 0 ? channels : width;
            long out = i == depth - 1 ? channels : width;
            macs += in * out * (dims == 3 ? KERNEL * KERNEL * KERNEL : KERNEL * KERNEL);
        }
        return macs;
    }
}
