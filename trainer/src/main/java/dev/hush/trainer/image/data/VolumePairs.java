package dev.hush.trainer.image.data;

import dev.hush.runtime.image.Normalization;
import dev.hush.trainer.image.noise.NoiseModel;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Noisy/clean pairs of 3-D patches ({@code patchZ} planes of P×P) for volumetric networks: clean volumes are
 * generated ({@link Volumes#fluorescence}) or taken from the user's clean stacks, the noise model is applied to the
 * whole volume, and both are normalised as the runtime normalises a volume (percentiles of the noisy voxels → 0 and
 * 1). Patches are cut at random places under random flips and turns.
 */
public final class VolumePairs implements PatchSource {
    private final List<Volumes.Volume> clean;
    private final NoiseModel noise;
    private final double normLow;
    private final double normHigh;
    private final int patchZ;
    private final int size;
    private final String origin;

    /**
     * @param clean  the user's clean volumes, or null to generate fluorescence-like ones of {@code size}×{@code size}
     *               and 2·patchZ planes
     */
    public VolumePairs(List<Volumes.Volume> clean, NoiseModel noise, double normLow, double normHigh, int patchZ,
                       int size, String origin) {
        this.clean = clean;
        this.noise = noise;
        this.normLow = normLow;
        this.normHigh = normHigh;
        this.patchZ = patchZ;
        this.size = size;
        this.origin = origin;
    }

    /** One clean volume: the next generated one, or one of the user's chosen at random. */
    public Volumes.Volume cleanVolume(SplittableRandom rnd) {
        return clean == null ? Volumes.fluorescence(size, size, 2 * patchZ, rnd) : clean.get(rnd.nextInt(clean.size()));
    }

    @Override
    public void fill(float[] input, float[] target, float[] mask, int offset, int count, int patch,
                     SplittableRandom rnd) {
        int per = patchZ * patch * patch;
        int written = 0;
        while (written < count) {
            Volumes.Volume c = cleanVolume(rnd);
            if (c.width() < patch || c.height() < patch || c.depth() < patchZ) {
                throw new IllegalArgumentException(c.name() + " is " + c.width() + "×" + c.height() + "×" + c.depth()
                        + ", smaller than the " + patch + "×" + patch + "×" + patchZ + " patch");
            }
            if (clean != null) {
                // A box of the size of a generated volume, at a random place: noise and normalisation then cost what
                // they cost for generated volumes, however large the user's stack.
                c = box(c, Math.max(patch, size), 2 * patchZ, rnd);
            }
            float[] n = noise.apply(c.voxels(), rnd);
            float[] t = c.voxels().clone();
            Normalization norm = Normalization.percentile(n, normLow, normHigh);
            norm.applyInPlace(n);
            norm.applyInPlace(t);
            Volumes.Volume noisyV = new Volumes.Volume(c.name(), c.width(), c.height(), c.depth(), n);
            Volumes.Volume cleanV = new Volumes.Volume(c.name(), c.width(), c.height(), c.depth(), t);
            long cells = (long) (c.width() / patch) * (c.height() / patch) * (c.depth() / patchZ);
            int perVolume = (int) Math.max(2, Math.min(16, cells * 2));
            for (int k = 0; k < perVolume && written < count; k++, written++) {
                int x0 = rnd.nextInt(c.width() - patch + 1);
                int y0 = rnd.nextInt(c.height() - patch + 1);
                int z0 = rnd.nextInt(c.depth() - patchZ + 1);
                int sym = rnd.nextInt(16);
                Volumes.crop(noisyV, x0, y0, z0, patch, patchZ, sym, input, offset + written * per);
                Volumes.crop(cleanV, x0, y0, z0, patch, patchZ, sym, target, offset + written * per);
            }
        }
    }

    /** A random box of at most side×side×depth voxels of {@code v}. */
    static Volumes.Volume box(Volumes.Volume v, int side, int depth, SplittableRandom rnd) {
        int w = Math.min(side, v.width());
        int h = Math.min(side, v.height());
        int d = Math.min(depth, v.depth());
        return Volumes.box(v, rnd.nextInt(v.width() - w + 1), rnd.nextInt(v.height() - h + 1),
                rnd.nextInt(v.depth() - d + 1), w, h, d);
    }

    @Override
    public String describe() {
        return origin + ", noise " + noise.describe();
    }
}
