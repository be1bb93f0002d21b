package dev.hush.cli;

import dev.hush.runtime.CancelledException;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.io.AtomicFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleConsumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The batch front end that {@code hush image} and {@code hush audio} share, so that both take their inputs, name their
 * outputs, use the cores, report progress, refuse and report bad files, and exit the same way:
 * <ul>
 * <li>IN: files, folders (searched recursively) and globs; with more than one input, -o names a folder (relative paths
 *     are kept) or --suffix names outputs beside the inputs; two inputs for one output, and an output that is its
 *     input, are refused for that file before any work;</li>
 * <li>--threads N: the cores to use: up to one file per core at once, and each file's ONNX Runtime gets the cores
 *     left to it; 0 (automatic): every core, as files at once for recordings and inside one file for images
 *     ({@link #workers}, {@link #intraOpThreads});</li>
 * <li>one progress bar over the whole batch with ETA, in the kind's unit (files, seconds of audio);</li>
 * <li>a bad file does not stop the others: it is listed at the end and the exit is 1; with one input its error is the
 *     command's error; usage errors exit 2; Ctrl-C cancels every file (exit 130) and removes unfinished outputs.</li>
 * </ul>
 */
final class FileBatch {
    /** The inputs and outputs options both commands take. */
    static final class Options {
        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        @Parameters(arity = "1..*", paramLabel = "IN", description = "Input files, folders (searched recursively) or"
                + " globs ('raw/*.tif', quoted).")
        List<String> inputs;

        @Option(names = {"-o", "--output"}, paramLabel = "OUT",
                description = "Output file, or a folder when there are several inputs (created if needed).")
        Path output;

        @Option(names = "--suffix", paramLabel = "TEXT",
                description = "Name outputs after their inputs with TEXT before the extension (e.g. _clean: a.wav →"
                        + " a_clean.wav); beside the inputs unless -o names a folder.")
        String suffix;

        @Option(names = "--skip-existing", description = "Leave inputs whose output already exists (to resume a batch).")
        boolean skipExisting;

        ParameterException usage(String message) {
            return new ParameterException(mixee.commandLine(), message);
        }
    }

    /**
     * What differs between the kinds of file: which files of a folder or glob are this kind ({@code accepts}), an
     * output's name for an input's name and --suffix (may be null), the suggestion in the message that refuses to write
     * over an input (e.g. "_clean"), the plural noun for messages, how much work a file is before it is read
     * ({@code weight}, in {@code unit}s: 1 per file unless known), and the progress bar's unit ("files", "s").
     */
    record Kind(java.util.function.Predicate<Path> accepts,
                java.util.function.BinaryOperator<String> outputName, String suffixHint, String noun,
                java.util.function.ToDoubleFunction<Path> weight, String unit) {
    }

    /** One file's work: denoise {@code in} into {@code out}, telling {@code done} the share finished (0–1). */
    @FunctionalInterface
    interface Worker {
        Done denoise(Path in, Path out, DoubleConsumer done, RunContext run) throws HushException;
    }

    /**
     * What one file gave: the amount processed for the summary (pixels, seconds of audio), warnings (printed as the
     * file ends) and lines to print for a single input (what was written).
     */
    record Done(double amount, List<String> warnings, List<String> report) {
    }

    /** One input, where it goes, and what happened to it. */
    static final class Job {
        final Path in;
        final Path out;
        final double weight;
        Done done;
        String failure;
        Exception error;
        boolean skipped;

        Job(Path in, Path out, double weight) {
            this.in = in;
            this.out = out;
            this.weight = weight;
        }
    }

    private final Options options;
    private final Kind kind;
    final List<Job> jobs = new ArrayList<>();
    final boolean batch;

    /**
     * Plans the batch before any work: expands the inputs, decides where each output goes and refuses, file by file,
     * outputs that are inputs or that two inputs would write. Usage errors are thrown as such (exit 2).
     */
    FileBatch(Options options, Kind kind) throws HushException {
        this.options = options;
        this.kind = kind;
        if (options.output == null && options.suffix == null) {
            throw options.usage("say where the output goes: -o OUT (a file, or a folder for several inputs) or"
                    + " --suffix _clean (beside each input)");
        }
        if (options.suffix != null && (options.suffix.isEmpty() || options.suffix.contains("/")
                || options.suffix.contains("\\"))) {
            throw options.usage("--suffix must be a non-empty piece of a file name, e.g. _clean");
        }
        List<InputFiles.Found> found = InputFiles.expandRelative(options.inputs, kind.accepts());
        String first = options.inputs.get(0);
        batch = found.size() > 1 || options.inputs.size() > 1 || Files.isDirectory(Path.of(first))
                || InputFiles.isGlob(first);
        Path output = options.output;
        if (batch && output != null && Files.exists(output) && !Files.isDirectory(output)) {
            throw options.usage("with several inputs -o must name a folder, but " + output + " is a file; or use"
                    + " --suffix");
        }
        if (!batch && output != null && options.suffix != null && !Files.isDirectory(output)) {
            throw options.usage("--suffix names outputs after their inputs; with -o naming the output file, leave"
                    + " --suffix out");
        }
        if (batch && output != null) {
            found = InputFiles.outside(found, output);
        }
        if (found.isEmpty()) {
            throw new HushException("no " + kind.noun() + " found in " + String.join(" ", options.inputs));
        }
        // An input that is another input's output (a re-run with --suffix, or -o naming the input folder) is an
        // earlier result, not an input: it is left out, so a re-run neither denoises its own outputs nor reads a file
        // that another worker is writing.
        java.util.Set<Path> planned = new java.util.HashSet<>();
        for (InputFiles.Found f : found) {
            planned.add(target(f).toAbsolutePath().normalize());
        }
        found = found.stream().filter(f -> !planned.contains(f.file().toAbsolutePath().normalize())
                || target(f).toAbsolutePath().normalize().equals(f.file().toAbsolutePath().normalize())).toList();
        InputFiles.Claims claims = new InputFiles.Claims();
        for (InputFiles.Found f : found) {
            Path out = target(f);
            Job job = new Job(f.file(), out, Files.isRegularFile(f.file()) ? kind.weight().applyAsDouble(f.file()) : Double.NaN);
            String clash = claims.claim(f.file(), out);
            try {
                AtomicFile.refuseInput(f.file(), out, kind.suffixHint());
                if (clash != null) {
                    job.failure = clash;
                } else if (options.skipExisting && Files.exists(out)) {
                    job.skipped = true;
                }
            } catch (HushException e) {
                job.failure = e.getMessage();
                job.error = e;
            }
            jobs.add(job);
        }
    }

    /** Where one input's output goes. */
    private Path target(InputFiles.Found f) {
        Path output = options.output;
        if (!batch && output != null && !Files.isDirectory(output)) {
            return output;
        }
        String name = kind.outputName().apply(f.file().getFileName().toString(), options.suffix);
        if (output == null) {
            return f.file().resolveSibling(name);
        }
        Path rel = batch ? f.relative() : f.file().getFileName();
        Path parent = rel.getParent();
        return parent == null ? output.resolve(name) : output.resolve(parent).resolve(name);
    }

    /** The files that will be worked on (not skipped, not refused). */
    long toRun() {
        return jobs.stream().filter(j -> !j.skipped && j.failure == null).count();
    }

    /**
     * Files worked on at once for {@code --threads threads}: one per core, at most one per file. With 0 (automatic)
     * that is every core when {@code filesAtOnce} (recordings: small in memory, streamed), else one file with every
     * core inside it (images: a file may take gigabytes, and tiles keep the cores busy); always one file at a time on
     * a GPU, which the files would share.
     */
    int workers(int threads, boolean filesAtOnce, boolean cpu) {
        if (!cpu || threads == 0 && !filesAtOnce) {
            return 1;
        }
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return (int) Math.max(1, Math.min(cores, Math.max(1, toRun())));
    }

    /** ONNX Runtime threads per call when {@code workers} files run at once within {@code threads} cores. */
    static int intraOpThreads(int threads, int workers) {
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return Math.max(1, cores / workers);
    }

    /**
     * Runs {@code worker} on every planned file with {@code workers} at once, with one progress bar (shown for a
     * batch, or for a single file when {@code barForOne}); returns the wall seconds. A single input's failure is
     * thrown; a batch's are kept for {@link #report}. Ctrl-C (the JVM's shutdown) cancels every file.
     */
    double run(int workers, boolean barForOne, Worker worker) throws Exception {
        if (!batch) {
            for (Job j : jobs) {
                if (j.error != null) {
                    throw j.error;
                }
                if (j.failure != null) {
                    throw new HushException(j.failure);
                }
            }
        }
        double total = 0;
        for (Job j : jobs) {
            if (!j.skipped && j.failure == null && Double.isFinite(j.weight)) {
                total += j.weight;
            }
        }
        ProgressBar bar = batch || barForOne ? new ProgressBar(System.err, label(), kind.unit())
                : null;
        long barTotal = Math.max(1, Math.round(total));
        double[] doneUnits = {0};
        RunContext run = new RunContext();
        Thread hook = new Thread(run::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "hush-batch");
            t.setDaemon(true);
            return t;
        });
        boolean cancelled = false;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job j : jobs) {
                if (j.skipped || j.failure != null) {
                    continue;
                }
                futures.add(pool.submit(() -> {
                    double weight = Double.isFinite(j.weight) ? j.weight : 0;
                    double[] last = {0};
                    DoubleConsumer share = fraction -> {
                        if (bar == null) {
                            return;
                        }
                        synchronized (bar) {
                            double now = Math.max(0, Math.min(1, fraction)) * weight;
                            doneUnits[0] += now - last[0];
                            last[0] = now;
                            long d = Math.round(doneUnits[0]);
                            bar.update(d, Math.max(barTotal, d));
                        }
                    };
                    try {
                        j.done = worker.denoise(j.in, j.out, share, run);
                        share.accept(1);
                        for (String w : j.done.warnings()) {
                            System.err.println("warning: " + j.in + ": " + w);
                        }
                    } catch (HushException e) {
                        j.failure = e.getMessage();
                        j.error = e;
                    } catch (OutOfMemoryError e) {
                        // One file too large for the heap must not end the batch: its arrays are garbage now.
                        j.failure = "ran out of Java memory (" + e.getMessage() + "); give Java more"
                                + " (HUSH_JAVA_OPTS=-Xmx16g ./hush …), use fewer --threads, or split the file";
                        j.error = new HushException(j.in + " " + j.failure, e);
                    } catch (RuntimeException e) {
                        if (e instanceof CancelledException) {
                            throw e;
                        }
                        j.failure = e.toString();
                        j.error = e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CancelledException) {
                        cancelled = true;
                    } else {
                        throw e;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is already shutting down (Ctrl-C).
            }
        }
        if (cancelled) {
            throw new CancelledException();
        }
        if (!batch) {
            Job j = jobs.get(0);
            if (j.error != null) {
                throw j.error;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private String label() {
        return kind.unit().equals("s") ? "audio" : "files";
    }

    /** The total amount processed (pixels, seconds of audio) by the files that were done. */
    double amount() {
        return jobs.stream().filter(j -> j.done != null).mapToDouble(j -> j.done.amount()).sum();
    }

    /**
     * Ends the run: a single input's report lines, then {@code summary} (the kind's line: what, how fast, with what),
     * then the failed files; returns the exit code (1 if any file failed).
     */
    int report(String summary) {
        if (!batch) {
            jobs.stream().filter(j -> j.done != null).forEach(j -> j.done.report().forEach(System.err::println));
        }
        System.err.println(summary);
        List<String> failures = jobs.stream().filter(j -> j.failure != null).map(j -> j.in + ": " + j.failure).toList();
        return Hush.reportFailures(failures);
    }

    /** "N of M file(s) denoised" with the skipped ones, for the kinds' summaries. */
    String counts(String what) {
        long done = jobs.stream().filter(j -> j.done != null).count();
        long skipped = jobs.stream().filter(j -> j.skipped).count();
        return String.format(Locale.ROOT, "%d of %d %s denoised%s", done, jobs.size(), what,
                skipped > 0 ? " (" + skipped + " skipped: output exists)" : "");
    }
}
