package dev.hush.cli;

import dev.hush.runtime.RunContext;
import dev.hush.audio.AudioFiles;
import dev.hush.audio.FileDenoiser;
import dev.hush.runtime.CancelledException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioDenoiser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"Denoise audio files (speech): WAV, AIFF, AU; FLAC, MP3, Ogg and more through ffmpeg.",
                "WAV (8/16/24/32-bit, float), AIFF and AU are streamed (any length in little memory); other formats are"
                        + " decoded by ffmpeg when it is on the PATH (written as 32-bit float WAV).",
                "IN may be files, folders (searched recursively) or globs ('rec/*.wav'). With several inputs, -o names a"
                        + " folder (relative paths are kept) or --suffix names outputs beside the inputs.",
                "The output keeps the input's format, bit depth, channels, rate and length; other rates are resampled to"
                        + " the model's and back. Inputs are never overwritten, outputs appear only when complete, and a"
                        + " bad file is reported at the end (exit 1) without stopping the others."})
final class AudioCommand implements Callable<Integer> {
    /** The shipped audio model used when --model is not given. */
    static final String DEFAULT_MODEL = "audio-speech-small";

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IN", description = "Input audio files, folders or globs.")
    List<String> inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output file, or a folder when there are several inputs (it is created if needed).")
    Path output;

    @Option(names = "--suffix", paramLabel = "TEXT",
            description = "Name outputs after their inputs with TEXT before the extension (e.g. _clean: a.wav → a_clean.wav);"
                    + " beside the inputs unless -o names a folder.")
    String suffix;

    @Option(names = "--skip-existing", description = "Leave inputs whose output already exists (to resume a batch).")
    boolean skipExisting;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME|PATH",
            description = "Shipped audio model name ('hush models' lists them) or a .onnx file. Default: " + DEFAULT_MODEL + ".")
    String model;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
            description = "cpu (default), cuda[:N], tensorrt[:N], directml[:N], coreml, openvino, or auto.")
    String device;

    @Option(names = "--atten-lim", paramLabel = "DB", defaultValue = "0",
            description = "Remove at most DB dB from any frequency (keeps some background, sounds more natural); 0 (default):"
                    + " no limit.")
    double attenLim;

    @Option(names = "--mix", paramLabel = "WET", defaultValue = "1",
            description = "Dry/wet mix in [0, 1]: 1 (default) fully denoised, 0 the input unchanged.")
    double mix;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Files denoised at once (default 0: one per core, at most one per file); ONNX Runtime gets the"
                    + " cores left to each.")
    int threads;

    @Option(names = "--spectrogram", description = "Also write NAME.spectrogram.png beside each output: the first channel's"
            + " log spectrogram before (top) and after (bottom).")
    boolean spectrogram;

    /** One input, where it goes, and what happened. */
    private static final class Job {
        final Path in;
        final Path out;
        final double seconds;
        FileDenoiser.Result result;
        String failure;
        boolean skipped;

        Job(Path in, Path out, double seconds) {
            this.in = in;
            this.out = out;
            this.seconds = seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        checkOptions();
        List<InputFiles.Found> found = InputFiles.expandRelative(inputs, AudioFiles::isAudioName);
        String first = inputs.get(0);
        boolean batch = found.size() > 1 || inputs.size() > 1 || Files.isDirectory(Path.of(first)) || InputFiles.isGlob(first);
        if (batch && output != null) {
            found = InputFiles.outside(found, output);
        }
        if (found.isEmpty()) {
            throw new HushException("no audio files found in " + String.join(" ", inputs));
        }
        if (batch && output != null && Files.exists(output) && !Files.isDirectory(output)) {
            throw usage("with several inputs -o must name a folder, but " + output + " is a file; or use --suffix");
        }
        if (!batch && output != null && suffix != null && !Files.isDirectory(output)) {
            throw usage("--suffix names outputs after their inputs; with -o naming the output file, leave --suffix out");
        }
        List<Job> jobs = new ArrayList<>();
        InputFiles.Claims claims = new InputFiles.Claims();
        for (InputFiles.Found f : found) {
            Path out = target(f, batch);
            Job job = new Job(f.file(), out, Files.isRegularFile(f.file()) ? AudioFiles.probeSeconds(f.file()) : Double.NaN);
            String clash = claims.claim(f.file(), out);
            String refused = refusal(f.file(), out);
            if (refused != null) {
                job.failure = refused;
            } else if (clash != null) {
                job.failure = clash;
            } else if (skipExisting && Files.exists(out)) {
                job.skipped = true;
            }
            jobs.add(job);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        long toRun = jobs.stream().filter(j -> !j.skipped && j.failure == null).count();
        int workers = (int) Math.max(1, threads > 0 ? Math.min(threads, Math.max(1, toRun)) : Math.min(cores, Math.max(1, toRun)));
        int intraOp = Math.max(1, cores / workers);
        try (DenoiserModel m = ModelOptions.open(model, new SessionConfig(ModelOptions.device(device, spec), intraOp), Domain.AUDIO)) {
            AudioDenoiser denoiser = new AudioDenoiser(m).withAttenuationLimit(attenLim).withMix(mix);
            FileDenoiser files = new FileDenoiser(denoiser).spectrograms(spectrogram);
            return run(jobs, files, m, workers, batch);
        }
    }

    private int run(List<Job> jobs, FileDenoiser files, DenoiserModel m, int workers, boolean batch) throws Exception {
        double total = 0;
        for (Job j : jobs) {
            if (!j.skipped && j.failure == null && Double.isFinite(j.seconds)) {
                total += j.seconds;
            }
        }
        ProgressBar bar = new ProgressBar(System.err, "audio", "s");
        long totalSeconds = Math.round(total);
        AtomicLong doneMicros = new AtomicLong();
        RunContext run = new RunContext();
        Thread hook = new Thread(run::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "hush-audio");
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
                    long[] last = {0};
                    try {
                        j.result = files.denoise(j.in, j.out, (frames, rate) -> {
                            // The bar counts seconds of audio over all files.
                            long micros = rate > 0 ? frames * 1_000_000L / rate : 0;
                            synchronized (bar) {
                                long sum = doneMicros.addAndGet(micros - last[0]);
                                last[0] = micros;
                                bar.update(sum / 1_000_000L, Math.max(totalSeconds, sum / 1_000_000L));
                            }
                        }, run);
                        for (String w : j.result.warnings()) {
                            System.err.println("warning: " + j.in + ": " + w);
                        }
                    } catch (HushException e) {
                        j.failure = e.getMessage();
                    } catch (RuntimeException e) {
                        if (e instanceof CancelledException) {
                            throw e;
                        }
                        j.failure = e.toString();
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
        if (jobs.stream().anyMatch(j -> j.result != null)) {
            long end = Math.max(totalSeconds, doneMicros.get() / 1_000_000L);
            bar.update(end, end);
        }
        return summary(jobs, m, (System.nanoTime() - start) / 1e9, batch);
    }

    private int summary(List<Job> jobs, DenoiserModel m, double wall, boolean batch) throws HushException {
        List<Job> failed = jobs.stream().filter(j -> j.failure != null).toList();
        long skipped = jobs.stream().filter(j -> j.skipped).count();
        double audio = jobs.stream().filter(j -> j.result != null).mapToDouble(j -> j.result.seconds()).sum();
        long ffmpeg = jobs.stream().filter(j -> j.result != null && j.result.notes().stream().anyMatch(n -> n.contains("ffmpeg")))
                .count();
        if (!batch && !failed.isEmpty()) {
            throw new HushException(failed.get(0).failure);
        }
        if (!batch) {
            for (Job j : jobs) {
                if (j.result != null) {
                    String notes = j.result.notes().isEmpty() ? "" : "; " + String.join("; ", j.result.notes());
                    System.err.printf(Locale.ROOT, "wrote %s (%s%s)%n", j.out, j.result.format(), notes);
                    if (j.result.spectrogram() != null) {
                        System.err.println("wrote " + j.result.spectrogram());
                    }
                }
            }
        }
        int done = (int) jobs.stream().filter(j -> j.result != null).count();
        System.err.printf(Locale.ROOT, "%d of %d file(s) denoised%s, %s of audio in %s (%.1f× real time) with %s on %s%n",
                done, jobs.size(), skipped > 0 ? " (" + skipped + " skipped: output exists)" : "", duration(audio),
                ProgressBar.time(wall), audio / Math.max(wall, 1e-9), m.contract().name(), m.device());
        if (ffmpeg > 0) {
            System.err.println(ffmpeg + " file(s) decoded by ffmpeg were written as 32-bit float WAV");
        }
        if (!failed.isEmpty()) {
            System.err.println(failed.size() + " failed:");
            failed.forEach(j -> System.err.println("  " + j.in + ": " + j.failure));
            return Hush.EXIT_FAILED;
        }
        return 0;
    }

    /** Why an output may not be written before any work is done (it is the input), or null. */
    private static String refusal(Path in, Path out) {
        try {
            FileDenoiser.refuseOverwrite(in, out);
            return null;
        } catch (HushException e) {
            return e.getMessage();
        }
    }

    static String duration(double seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%.2f h", seconds / 3600);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private void checkOptions() {
        if (output == null && suffix == null) {
            throw usage("say where the output goes: -o OUT (a file, or a folder for several inputs) or --suffix _clean");
        }
        if (suffix != null && (suffix.isEmpty() || suffix.contains("/") || suffix.contains("\\\\"))) {
            throw usage("--suffix must be a non-empty piece of a file name, e.g. _clean");
        }
        if (Double.isNaN(attenLim) || attenLim < 0) {
            throw usage("--atten-lim is a positive number of dB (0 for no limit), got " + attenLim);
        }
        if (!(mix >= 0 && mix <= 1)) {
            throw usage("--mix is a share in [0, 1] (1 = fully denoised), got " + mix);
        }
        ModelOptions.checkThreads(threads, spec);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Where one input's output goes. */
    private Path target(InputFiles.Found f, boolean batch) {
        String name = AudioFiles.outputName(f.file().getFileName().toString(), suffix);
        if (!batch && output != null && !Files.isDirectory(output)) {
            return output;
        }
        if (output == null) {
            return f.file().resolveSibling(name);
        }
        Path rel = batch ? f.relative() : f.file().getFileName();
        Path parent = rel.getParent();
        return parent == null ? output.resolve(name) : output.resolve(parent).resolve(name);
    }
}
