package dev.hush.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.image.FloatImage;
import dev.hush.trainer.arch.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Fixtures the architecture tests share: a contract for a bare network, random biases, a test scene. */
final class TestNetworks {
    private TestNetworks() {
    }

    static Map<String, String> meta(Network net) {
        Map<String, String> m = new LinkedHashMap<>(ModelContract.imageDefaults(1, net.halo(), net.sizeMultiple(),
                0.1, 99.9));
        if (net.fixedSize() > 0) {
            m.put(ModelContract.FIXED_SIZE, Integer.toString(net.fixedSize()));
        }
        m.put(ModelContract.NAME, "test");
        return m;
    }

    /** Sets every bias to a small random value, so exports are checked with non-zero biases. */
    static void randomiseBiases(Network net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        net.block().getParameters().forEach(p -> {
            if (p.getValue().getType() == Parameter.Type.BIAS) {
                NDArray a = p.getValue().getArray();
                float[] v = new float[Math.toIntExact(a.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextDouble() * 0.2 - 0.1);
                }
                a.set(v);
            }
        });
    }

    /** Smooth structure, edges and noise, values roughly 40–240. */
    static FloatImage scene(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 100 + 50 * Math.sin(x / 13.0) * Math.cos(y / 9.0) + ((x / 30 + y / 30) % 2 == 0 ? 40 : 0);
                px[y * w + x] = (float) (v + 15 * (rnd.nextDouble() - 0.5) * 2);
            }
        }
        return FloatImage.gray(w, h, px);
    }

    /** Sets every weight to a random value in [-0.5, 0.5), so that every path through the network is live. */
    static void randomiseWeights(Network net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        net.block().getParameters().forEach(p -> {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                NDArray a = p.getValue().getArray();
                float[] v = new float[Math.toIntExact(a.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextDouble() - 0.5);
                }
                a.set(v);
            }
        });
    }

    /**
     * Probes the receptive field along x (the layers are square, so y behaves the same): for every position of an
     * output column p0 + ph within the size multiple, one input with every image column farther than the halo
     * changed, and one with only the columns at exactly ±halo changed. Returns {the largest change of the output
     * column from the first kind, the largest from the second}. Input channels after the first hold 0.1 (a
     * noise-level plane); {@code prepare} sets the initialised network's parameters.
     */
    static double[] haloResponse(Network net, int inChannels, int h, int w, int p0, long seed,
                                 java.util.function.Consumer<Network> prepare) {
        int halo = net.halo();
        int m = net.sizeMultiple();
        SplittableRandom rnd = new SplittableRandom(seed);
        int plane = h * w;
        int per = inChannels * plane;
        float[] base = new float[per];
        for (int i = 0; i < plane; i++) {
            base[i] = (float) rnd.nextDouble();
        }
        java.util.Arrays.fill(base, plane, per, 0.1f);
        int n = 1 + 2 * m;
        float[] batch = new float[n * per];
        for (int b = 0; b < n; b++) {
            System.arraycopy(base, 0, batch, b * per, per);
        }
        for (int ph = 0; ph < m; ph++) {
            int p = p0 + ph;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int d = Math.abs(x - p);
                    if (d > halo) {
                        batch[(1 + ph) * per + y * w + x] = (float) rnd.nextDouble();
                    }
                    if (d == halo) {
                        batch[(1 + m + ph) * per + y * w + x] += 1f;
                    }
                }
            }
        }
        float[] out;
        try (ai.djl.Model model = ai.djl.Model.newInstance("halo-" + net.kind(), "PyTorch")) {
            model.setBlock(net.block());
            ai.djl.ndarray.NDManager manager = model.getNDManager();
            net.block().initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, inChannels, h, w));
            prepare.accept(net);
            NDArray x = manager.create(batch, new ai.djl.ndarray.types.Shape(n, inChannels, h, w));
            out = net.block().forward(new ai.djl.training.ParameterStore(manager, false), new ai.djl.ndarray.NDList(x),
                    false).singletonOrThrow().toFloatArray();
        }
        int outPer = out.length / n;
        double beyond = 0;
        double atHalo = 0;
        for (int ph = 0; ph < m; ph++) {
            int p = p0 + ph;
            for (int y = 0; y < h; y++) {
                float ref = out[y * w + p];
                beyond = Math.max(beyond, Math.abs(out[(1 + ph) * outPer + y * w + p] - ref));
                atHalo = Math.max(atHalo, Math.abs(out[(1 + m + ph) * outPer + y * w + p] - ref));
            }
        }
        return new double[] {beyond, atHalo};
    }
}
