package dev.hush.cli;

import picocli.CommandLine.Command;

/** {@code hush export}: groups the formats a Hush model can be exported to. */
@Command(name = "export", description = "Export a Hush model for other software.",
        subcommands = {ExportBioImageIoCommand.class}, mixinStandardHelpOptions = true)
final class ExportCommand extends CommandGroup {
}
