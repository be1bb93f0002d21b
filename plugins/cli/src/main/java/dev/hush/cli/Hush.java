package dev.hush.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hush} command. Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage, 130 cancelled. */
@Command(name = "hush", mixinStandardHelpOptions = true, version = "hush 0.1.0",
        description = "Denoising autoencoders for images and audio.",
        subcommands = {DemoCommand.class, ImageCommand.class, AudioCommand.class, LiveCommand.class, ModelsCommand.class,
                TrainCommand.class, BenchCommand.class, SparkCommand.class,
                ExportCommand.class, CommandLine.HelpCommand.class})
public final class Hush extends CommandGroup {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_CANCELLED = 130;


    public static void main(String[] args) {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Hush());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof dev.hush.runtime.CancelledException) {
                line.getErr().println("hush: cancelled; nothing was written");
                return EXIT_CANCELLED;
            }
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("hush: " + msg);
            if (System.getenv("HUSH_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }
}
