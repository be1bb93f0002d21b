package dev.hush.trainer;

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

    /** As the four-argument form, with the validation SSIM (NaN without a clean reference); by default calls that. */
    default void epoch(int epoch, int epochs, double trainLoss, double valPsnr, double valSsim) {
        epoch(epoch, epochs, trainLoss, valPsnr);
    }

    /** A line worth showing (export, evaluation). */
    default void message(String line) {
    }
}
