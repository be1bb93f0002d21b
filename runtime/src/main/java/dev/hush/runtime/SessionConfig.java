package dev.hush.runtime;

/**
 * How to open a model: the device and how many threads ONNX Runtime may use inside one operator.
 *
 * @param device     where to run; {@link Device#CPU} by default
 * @param intraOpThreads threads per operator; 0 lets ONNX Runtime choose (all cores)
 */
public record SessionConfig(Device device, int intraOpThreads) {

    /**
     * The most threads worth asking for: four per core. More only thrash (ONNX Runtime starts them all, and
     * 100000 of them never finish starting); the command line refuses them as a usage error.
     */
    public static int maxThreads() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    public static SessionConfig defaults() {
        return new SessionConfig(Device.CPU, 0);
    }

    public SessionConfig withDevice(Device d) {
        return new SessionConfig(d, intraOpThreads);
    }

    public SessionConfig withThreads(int threads) {
        return new SessionConfig(device, threads);
    }
}
