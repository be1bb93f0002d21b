package dev.hush.trainer;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;

/**
 * Starts DJL's PyTorch engine offline: the native library comes from the pytorch-native-cpu jar on
 * the classpath (extracted once to DJL's cache folder), nothing is downloaded at run time.
 */
public final class Djl {
    private Djl() {
    }

    /**
     * The environment variable that limits oneDNN's instruction set. Early trainings here gave NaN gradients with
     * AVX-512 (the cause was most likely gradient buffers starting with NaN bit patterns, now zeroed); the messages
     * of a diverged training name it as the thing to try (docs/training.md). It must be set before the native
     * library loads, so only the environment can set it.
     */
    public static final String ONEDNN_ISA = "ONEDNN_MAX_CPU_ISA";

    /** Sets the offline switches (before the engine loads) and returns the PyTorch engine. */
    public static synchronized Engine pytorch(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException e) {
            throw new IllegalStateException("DJL's PyTorch engine did not start (" + e.getMessage() + "). The trainer needs"
                    + " the pytorch-native-cpu jar for this platform on the classpath; rebuild with ./mvnw install", e);
        }
    }

    /**
     * DJL allocates the gradient buffers without clearing them and "zeroes" them later by subtracting
     * each from itself, which leaves NaN wherever the fresh memory held NaN or infinity bit patterns.
     * Writing real zeros once, before the first step, avoids that.
     */
    public static void zeroGradients(Model model) {
        model.getBlock().getParameters().forEach(p -> {
            NDArray g = p.getValue().getArray().getGradient();
            g.set(new float[Math.toIntExact(g.size())]);
        });
    }
}
