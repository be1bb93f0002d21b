package dev.hush.trainer.image;

/** Told how training goes; called on the training thread. */
public interface TrainingProgress {
    TrainingProgress NONE = new TrainingProgress() {
    };

    /** After each optimiser step. */
    default void step(int step, int totalSteps, double loss, double patchesPerSecond) {
    }

    /** After each epoch's validation; PSNR in dB on the validation set at the validation sigma. */
    default void epoch(int epoch, int epochs, double trainLoss, double valPsnr) {
    }

    /** A line worth showing (export, evaluation). */
    default void message(String line) {
    }
}
