package dev.hush.trainer;

import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine offline: the native library comes from the pytorch-native-cpu jar on
 * the classpath (extracted once to DJL's cache folder), nothing is downloaded at run time.
 */
public final class Djl {
    private Djl() {
    }

    /**
     * oneDNN's AVX2/AVX-512 convolution backward in PyTorch 2.5–2.7 produced NaN gradients within a few
     * steps on the project's AMD EPYC machines; limiting oneDNN to SSE4.1 fixed it. The variable must
     * be set before the native library loads, so the launcher and the build set it; this says so when
     * it is missing.
     */
    public static final String ONEDNN_ISA = "ONEDNN_MAX_CPU_ISA";

    public static boolean safeIsa() {
        return "SSE41".equalsIgnoreCase(System.getenv(ONEDNN_ISA));
    }

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
}
