package dev.hush.cli;

import picocli.CommandLine.Command;

/** {@code hush train}: groups the trainers by domain. */
@Command(name = "train", description = "Train a denoiser and export it to ONNX.",
        subcommands = {TrainImageCommand.class, TrainAudioCommand.class}, mixinStandardHelpOptions = true)
final class TrainCommand extends CommandGroup {
}
