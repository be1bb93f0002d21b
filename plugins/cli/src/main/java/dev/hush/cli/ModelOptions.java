package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Device;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every command that runs a model shares: which model, where, with how many threads. */
final class ModelOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME|PATH",
            description = "Shipped model name ('hush models' lists them) or a .onnx file. Default: the first shipped model"
                    + " of the right kind.")
    String model;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
            description = "cpu (default), cuda[:N], tensorrt[:N], directml[:N], coreml, openvino, or auto (GPU if one"
                    + " works, else CPU).")
    String device;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Cores to use (default 0: all). Commands that take several files run up to one file per"
                    + " core at once and give each file's ONNX Runtime calls the cores left to it.")
    int threads;

    DenoiserModel open(Domain domain) throws HushException {
        return open(domain, threads);
    }

    /** Opens the model with {@code intraOpThreads} ONNX Runtime threads per call (0: all cores). */
    DenoiserModel open(Domain domain, int intraOpThreads) throws HushException {
        checkThreads(threads, mixee);
        return open(model, new SessionConfig(device(device, mixee), intraOpThreads), domain);
    }

    /** Parses --device; an unknown name is a usage error (exit 2) that lists the known ones. */
    static Device device(String name, CommandSpec spec) {
        try {
            return Device.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Refuses --threads outside 0 (automatic) … {@link SessionConfig#maxThreads()} as a usage error (exit 2): far
     * more threads than cores only thrash, and ONNX Runtime hangs starting 100000 of them.
     */
    static void checkThreads(int threads, CommandSpec spec) {
        if (threads < 0 || threads > SessionConfig.maxThreads()) {
            throw new ParameterException(spec.commandLine(), "--threads must be 0 (automatic) or 1–"
                    + SessionConfig.maxThreads() + " (up to four per core on this machine's "
                    + Runtime.getRuntime().availableProcessors() + "), got " + threads);
        }
    }

    /**
     * Opens {@code nameOrPath} (null: the first shipped model of {@code domain}) and refuses a model of another
     * domain, naming it; prints the device note when a provider fell back. Every command that runs a model opens it
     * here.
     */
    static DenoiserModel open(String nameOrPath, SessionConfig config, Domain domain) throws HushException {
        DenoiserModel m = DenoiserModel.openNamed(nameOrPath, config, domain);
        if (m.deviceNote() != null) {
            System.err.println(m.deviceNote());
        }
        return m;
    }
}
