package dev.hush.trainer;

import ai.djl.training.tracker.Tracker;

/**
 * The learning-rate schedule both trainers use: a cosine decay from {@code lr} to {@code lr}/50 over the planned
 * updates of the whole run, entered at an offset (a resumed run goes on where its checkpoint left off), with a
 * linear warm-up over the first updates of this process.
 *
 * <p>The optimiser takes the schedule when the training is configured, before a checkpoint tells where the run
 * stands, so it is made first and placed with {@link #startAt} once the checkpoint is loaded.
 *
 * <p>The warm-up matters for resumed and warm-started runs: checkpoints keep the weights but not Adam's moment
 * estimates, and a fresh Adam's first steps move every weight by about the learning rate whatever its gradient,
 * which knocked a converged grey model from 26.3 to 24.7 dB validation PSNR in one epoch (it took five epochs to
 * climb back). Ramping the rate up while the moments fill avoids that.
 */
public final class LearningRate implements Tracker {
    /** Warm-up updates after a resume or warm start. */
    public static final int RESUME_WARMUP = 200;

    private final Tracker cosine;
    private long offset;
    private int warmup;

    /** A schedule over {@code totalUpdates} that starts at update 0 without warm-up until {@link #startAt} says otherwise. */
    public LearningRate(float lr, long totalUpdates) {
        this.cosine = Tracker.cosine().setBaseValue(lr).optFinalValue(lr / 50)
                .setMaxUpdates((int) Math.max(1, Math.min(Integer.MAX_VALUE, totalUpdates))).build();
    }

    /** This process's first update is the schedule's update {@code offset}, after {@code warmup} warm-up updates. */
    public LearningRate startAt(long offset, int warmup) {
        this.offset = offset;
        this.warmup = warmup;
        return this;
    }

    public static Tracker schedule(float lr, long totalUpdates, long offset, int warmup) {
        return new LearningRate(lr, totalUpdates).startAt(offset, warmup);
    }

    @Override
    public float getNewValue(int update) {
        float base = cosine.getNewValue((int) Math.min(Integer.MAX_VALUE, update + offset));
        return warmup > 0 && update < warmup ? base * (update + 1) / (warmup + 1f) : base;
    }
}
