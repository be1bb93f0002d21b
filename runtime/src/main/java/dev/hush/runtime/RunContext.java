package dev.hush.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One call's cancel switch, progress listener and measurements. Make one per call (per image, per file, per
 * stream) and pass it to {@code denoise}: {@link #cancel()} from any thread then stops that call alone, while
 * other calls on the same model and denoiser go on. A context stays cancelled; the next call gets a new one.
 *
 * <p>Several threads may work under one context (a caller that splits one job over threads): cancel stops them all.
 */
public final class RunContext {
    private final ProgressListener progress;
    private final Shared shared;

    /** What every view of one context ({@link #withProgress}) shares: the switch and the measurements. */
    private static final class Shared {
        volatile boolean cancelled;
        final Set<ActiveRun> active = ConcurrentHashMap.newKeySet();
        final LongAdder networkNanos = new LongAdder();
        volatile double noiseSigma = Double.NaN;
        volatile boolean noiseMapped;
    }

    /** A context with no progress listener. */
    public RunContext() {
        this(ProgressListener.NONE);
    }

    /** A context that reports progress to {@code progress} (called from the working thread). */
    public RunContext(ProgressListener progress) {
        this(progress, new Shared());
    }

    private RunContext(ProgressListener progress, Shared shared) {
        this.progress = progress == null ? ProgressListener.NONE : progress;
        this.shared = shared;
    }

    /**
     * A view of this context that reports progress to {@code listener} instead (for one part of a job: a plane of
     * a stack, a file of a batch). It shares this context's cancel switch and measurements: cancelling either
     * cancels both.
     */
    public RunContext withProgress(ProgressListener listener) {
        return new RunContext(listener, shared);
    }

    public ProgressListener progress() {
        return progress;
    }

    /**
     * Stops the call as soon as it can: between tiles or blocks, and inside a running ONNX Runtime call (which is
     * terminated). The call then throws {@link CancelledException}. Safe from any thread, any number of times.
     */
    public void cancel() {
        shared.cancelled = true;
        for (ActiveRun r : shared.active) {
            r.terminate();
        }
    }

    public boolean isCancelled() {
        return shared.cancelled;
    }

    /** Throws {@link CancelledException} when {@link #cancel()} was called. */
    public void throwIfCancelled() {
        if (shared.cancelled) {
            throw new CancelledException();
        }
    }

    /**
     * Nanoseconds this call spent inside ONNX Runtime so far, summed over threads: what is left of its time is the
     * pre- and post-processing around the network (benchmarks report that share).
     */
    public long networkNanos() {
        return shared.networkNanos.sum();
    }

    /**
     * For a model with a noise-level input: the noise level (standard deviation, in the image's units) it was fed,
     * the one set, the estimate, or the mean of the estimated map ({@link #noiseMapped()}); NaN otherwise.
     */
    public double noiseSigma() {
        return shared.noiseSigma;
    }

    /** True when the noise level was estimated as a brightness-dependent map rather than one value. */
    public boolean noiseMapped() {
        return shared.noiseMapped;
    }

    /** Recorded by the image denoiser: the noise level it fed the model (see {@link #noiseSigma()}). */
    public void recordNoiseLevel(double sigma, boolean mapped) {
        shared.noiseSigma = sigma;
        shared.noiseMapped = mapped;
    }

    /** Registers a running ONNX Runtime call, terminating it at once if the context is already cancelled. */
    void begin(ActiveRun run) {
        shared.active.add(run);
        if (shared.cancelled) {
            run.terminate();
        }
    }

    void end(ActiveRun run, long nanos) {
        shared.active.remove(run);
        shared.networkNanos.add(nanos);
    }
}
