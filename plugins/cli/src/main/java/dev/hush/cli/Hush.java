package dev.hush.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hush} command. Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage, 130 cancelled. */
@Command(name = "hush", mixinStandardHelpOptions = true, version = "hush 0.1.0",
        description = "Denoising autoencoders for images and audio.",
        subcommands = {DemoCommand.class, ImageCommand.class, AudioCommand.class, LiveCommand.class, AnomalyCommand.class,
                LatentCommands.Encode.class, LatentCommands.Decode.class,
                ModelsCommand.class, TrainCommand.class, BenchCommand.class, SparkCommand.class,
                ExportCommand.class, CommandLine.HelpCommand.class})
public final class Hush extends CommandGroup {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_CANCELLED = 130;

    /** The end of a batch that goes on past bad files: lists them on stderr; exit 1 if there were any, else 0. */
    static int reportFailures(java.util.List<String> failures) {
        if (failures.isEmpty()) {
            return 0;
        }
        System.err.println(failures.size() + " file(s) failed:");
        failures.forEach(f -> System.err.println("  " + f));
        return EXIT_FAILED;
    }


    /** Whether the run was reported as cancelled already (by the handler below or the shutdown hook). */
    private static final java.util.concurrent.atomic.AtomicBoolean CANCEL_REPORTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        // Ctrl-C or SIGTERM: the commands' own hooks stop the model and AtomicFile's removes unfinished outputs;
        // this one says so, since the JVM may stop before the command gets to.
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!done.get() && CANCEL_REPORTED.compareAndSet(false, true)) {
                System.err.println();
                System.err.println("hush: cancelled; unfinished outputs were removed (finished ones are kept)");
            }
        }, "hush-cancelled"));
        int code = execute(args);
        done.set(true);
        System.exit(code);
    }

    /** What the command line adds to the runtime's message, by the kind of failure. */
    static String hint(dev.hush.runtime.HushException.Code code) {
        return switch (code) {
            case MODEL_NOT_FOUND, INVALID_MODEL -> " ('hush models' lists the models)";
            case DEVICE_UNAVAILABLE -> " (--device auto runs on the CPU when no GPU works)";
            case OUT_OF_MEMORY -> " (try --tile 256 or --device cpu)";
            default -> "";
        };
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CANCEL_REPORTED.set(false);
        CommandLine cl = new CommandLine(new Hush());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof dev.hush.runtime.CancelledException) {
                if (CANCEL_REPORTED.compareAndSet(false, true)) {
                    line.getErr().println("hush: cancelled; unfinished outputs were removed (finished ones are kept)");
                }
                return EXIT_CANCELLED;
            }
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("hush: " + msg + (ex instanceof dev.hush.runtime.HushException h ? hint(h.code()) : ""));
            if (System.getenv("HUSH_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }
}
