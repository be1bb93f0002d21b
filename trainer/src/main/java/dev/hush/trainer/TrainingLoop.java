package dev.hush.trainer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.hush.runtime.CancelledException;
import dev.hush.trainer.arch.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * The one training loop that the image and the audio trainers run; each brings a {@link Task} with what differs (how a
 * batch is made and scored, how an epoch is validated). The loop owns the rest, the same for every domain:
 * <ul>
 * <li>a warm start (weights trained before, a new schedule; from a narrower network of the same shape through
 *     {@link Checkpoint#loadWidened}) or a resume (weights, epoch, wall time and steps of the runs before), both loaded
 *     before the trainer is made, and the learning rate's warm-up after either ({@link LearningRate});</li>
 * <li>epochs of steps with cancel (at once) and stop (after validating the steps done so far), a refusal of NaN
 *     losses with what to do, progress after every step;</li>
 * <li>validation after every epoch, the best epoch's weights kept and restored at the end, a checkpoint after every
 *     epoch, and early stopping after {@code patience} epochs without a better score.</li>
 * </ul>
 */
public final class TrainingLoop {
    /** What one domain brings to the loop. */
    public interface Task {
        /**
         * Makes one batch and returns its loss (a scalar) computed from {@code trainer.forward} under the loop's
         * gradient collector; arrays go to {@code batch}, which is closed after the step.
         */
        NDArray loss(Trainer trainer, NDManager batch);

        /**
         * Validates the network after {@code epoch} (its mean training loss given) and reports it to the progress;
         * returns the score that picks the best epoch (higher is better; NaN when there is nothing to validate on).
         */
        double validate(Trainer trainer, int epoch, double trainLoss, double seconds);

    }

    /**
     * How long to train and where the weights come from and go (blank paths: none); {@code scoreName} names the
     * validation score in messages ("validation PSNR"; scores are in dB).
     */
    public record Settings(int epochs, int stepsPerEpoch, int patience, String checkpoint, String resume,
                           String warmStart, Shape input, String scoreName) {
        public long totalSteps() {
            return (long) epochs * stepsPerEpoch;
        }
    }

    /**
     * How the run went: steps and wall seconds of this process, the best epoch (0 when none was validated) and its
     * score, and the wall seconds and steps of the runs a resumed checkpoint came from.
     */
    public record Outcome(long steps, double seconds, int bestEpoch, double best, double priorSeconds, long priorSteps) {
    }

    /** Given the trainer after the loop (best weights restored) to export and check the network. */
    @FunctionalInterface
    public interface Finisher<R> {
        R finish(Trainer trainer, Outcome outcome);
    }

    private volatile boolean cancelled;
    private volatile boolean stopping;

    /** Stops at the next step; the run throws {@link CancelledException} and writes nothing. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Ends the run after the current step: what was trained is validated, checkpointed and returned as a model (the
     * best epoch's weights). Before the first step this is a cancel.
     */
    public void stop() {
        stopping = true;
    }

    /**
     * Trains {@code net} (the block of {@code model}) with {@code djl}, whose optimiser follows {@code schedule};
     * {@code atWidth} builds the same network at another width (for a widened warm start; null: none).
     */
    public <R> R run(Model model, Network net, IntFunction<Network> atWidth, DefaultTrainingConfig djl,
                     LearningRate schedule, Settings s, Task task, TrainingProgress progress, Finisher<R> finish) {
        model.setBlock(net.block());
        int firstEpoch = 1;
        double priorSeconds = 0;
        long priorSteps = 0;
        boolean resumed = !s.resume().isBlank();
        boolean warm = !s.warmStart().isBlank();
        if (resumed && warm) {
            throw new IllegalArgumentException("give resume (continue a run) or warm_start (a new run on trained"
                    + " weights), not both");
        }
        // Checkpoints load before the trainer exists (Checkpoint.loadForTraining says why).
        try {
            if (warm) {
                Path dir = Path.of(s.warmStart());
                OptionalInt narrower = atWidth == null ? OptionalInt.empty() : Checkpoint.narrowerWidth(dir, net);
                if (narrower.isPresent()) {
                    Network narrow = atWidth.apply(narrower.getAsInt());
                    int was = Checkpoint.loadWidened(dir, model, net, narrow, s.input());
                    progress.message("warm start from " + dir + " (weights after epoch " + was + " of that run), widened"
                            + " from " + narrow.describe() + ": the new channels start with no say in the output, so"
                            + " the run begins where that network ended");
                } else {
                    int was = Checkpoint.loadForTraining(dir, model, net, s.input());
                    progress.message("warm start from " + dir + " (weights after epoch " + was + " of that run)");
                }
            }
            if (resumed) {
                Path dir = Path.of(s.resume());
                firstEpoch = Checkpoint.loadForTraining(dir, model, net, s.input()) + 1;
                double[] t = Checkpoint.totals(dir, s.stepsPerEpoch());
                priorSeconds = t[0];
                priorSteps = (long) t[1];
                progress.message("resumed from " + dir + " after epoch " + (firstEpoch - 1));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // A resumed run goes on along the same schedule: its first update is the one after the checkpoint's epoch.
        schedule.startAt((long) (firstEpoch - 1) * s.stepsPerEpoch(), resumed || warm ? LearningRate.RESUME_WARMUP : 0);
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(djl)) {
            trainer.initialize(s.input());
            Djl.zeroGradients(model);
            double best = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            Map<String, float[]> bestWeights = null;
            long step = 0;
            for (int epoch = firstEpoch; epoch <= s.epochs(); epoch++) {
                double lossSum = 0;
                int stepsDone = 0;
                for (int k = 0; k < s.stepsPerEpoch(); k++) {
                    if (cancelled || stopping && step == 0) {
                        throw new CancelledException();
                    }
                    if (stopping) {
                        break;
                    }
                    float lossValue;
                    try (NDManager batch = trainer.getManager().newSubManager()) {
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray loss = task.loss(trainer, batch);
                            gc.backward(loss);
                            lossValue = loss.getFloat();
                        }
                        trainer.step();
                    }
                    step++;
                    if (!Float.isFinite(lossValue)) {
                        throw new IllegalStateException("training diverged at step " + step + " (loss " + lossValue
                                + "). If ONEDNN_MAX_CPU_ISA is not set to SSE41, set it (oneDNN's AVX2/AVX-512"
                                + " convolution backward gives NaN on some CPUs, see docs/training.md); otherwise lower"
                                + " the learning rate (lr)");
                    }
                    lossSum += lossValue;
                    stepsDone++;
                    double secs = (System.nanoTime() - start) / 1e9;
                    progress.step((int) step, (int) s.totalSteps(), lossValue, step * s.input().get(0) / secs);
                }
                if (stepsDone == 0) {
                    // Stopped right after an epoch ended: that epoch is validated and saved already.
                    progress.message("stopped by request after step " + step);
                    break;
                }
                double score = task.validate(trainer, epoch, lossSum / stepsDone, (System.nanoTime() - start) / 1e9);
                if (!Double.isNaN(score) && score > best) {
                    best = score;
                    bestEpoch = epoch;
                    bestWeights = snapshot(model);
                }
                if (!s.checkpoint().isBlank()) {
                    try {
                        Checkpoint.save(Path.of(s.checkpoint()), model, net, epoch, best,
                                priorSeconds + (System.nanoTime() - start) / 1e9, priorSteps + step);
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot write the checkpoint to " + s.checkpoint() + ": "
                                + e.getMessage(), e);
                    }
                }
                if (stopping) {
                    progress.message("stopped by request after step " + step + (stepsDone < s.stepsPerEpoch()
                            ? " (epoch " + epoch + " validated after " + stepsDone + " of its steps)" : ""));
                    break;
                }
                if (s.patience() > 0 && bestEpoch > 0 && epoch - bestEpoch >= s.patience()) {
                    progress.message("early stop: no better " + s.scoreName() + " for " + s.patience() + " epochs");
                    break;
                }
            }
            if (bestWeights != null) {
                restore(model, bestWeights);
                progress.message(String.format(Locale.ROOT, "kept the weights of epoch %d (%s %.2f dB)", bestEpoch,
                        s.scoreName(), best));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return finish.finish(trainer, new Outcome(step, seconds, bestEpoch, bestEpoch > 0 ? best : Double.NaN,
                    priorSeconds, priorSteps));
        }
    }

    /** A copy of every parameter, to keep the best epoch. */
    public static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> w = new LinkedHashMap<>();
        model.getBlock().getParameters().forEach(p -> w.put(p.getKey(), p.getValue().getArray().toFloatArray()));
        return w;
    }

    /** Puts a {@link #snapshot} back. */
    public static void restore(Model model, Map<String, float[]> weights) {
        model.getBlock().getParameters().forEach(p -> p.getValue().getArray().set(weights.get(p.getKey())));
    }

    /**
     * The model card's line for a run resumed from a checkpoint ({@code totalSteps} beyond this run's {@code steps}):
     * the steps and wall hours of all runs; empty for a run from scratch.
     */
    public static String resumedNote(long steps, long totalSteps, double totalSeconds) {
        if (totalSteps <= steps) {
            return "";
        }
        return Double.isNaN(totalSeconds)
                ? String.format(Locale.ROOT, "- Resumed from a checkpoint: %d steps in all; the earlier runs' time was not"
                        + " recorded.%n", totalSteps)
                : String.format(Locale.ROOT, "- Resumed from a checkpoint: %d steps and %.2f wall hours in all runs.%n",
                        totalSteps, totalSeconds / 3600);
    }
}
