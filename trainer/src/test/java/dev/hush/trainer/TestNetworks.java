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
}
