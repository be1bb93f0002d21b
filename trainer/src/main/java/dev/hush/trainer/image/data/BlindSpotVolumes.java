package dev.hush.trainer.image.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Noise2Void in 3-D: training a volumetric network from noisy stacks alone. As {@link BlindSpotPatches} does in a
 * plane, a small fraction of voxels in each patch is replaced by a random neighbour's value from the 5×5×5
 * neighbourhood around it, and only those voxels count in the loss.
 */
public final class BlindSpotVolumes implements PatchSource {
    private static final int RADIUS = 2;
    private final List<Volumes.Volume> volumes;
    private final double fraction;
    private final int patchZ;
    private final String origin;

    /** @param volumes normalised noisy volumes */
    public BlindSpotVolumes(List<Volumes.Volume> volumes, double fraction, int patchZ, String origin) {
        if (volumes.isEmpty()) {
            throw new IllegalArgumentException("3-D Noise2Void needs at least one noisy stack");
        }
        if (!(fraction > 0 && fraction < 0.5)) {
            throw new IllegalArgumentException("blind-spot fraction must lie in (0, 0.5), got " + fraction);
        }
        this.volumes = volumes;
        this.fraction = fraction;
        this.patchZ = patchZ;
        this.origin = origin;
    }

    @Override
    public void fill(float[] input, float[] target, float[] mask, int offset, int count, int patch,
                     SplittableRandom rnd) {
        int area = patch * patch;
        int per = patchZ * area;
        int spots = Math.max(1, (int) Math.round(per * fraction));
        for (int k = 0; k < count; k++) {
            Volumes.Volume v = volumes.get(rnd.nextInt(volumes.size()));
            if (v.width() < patch || v.height() < patch || v.depth() < patchZ) {
                throw new IllegalArgumentException(v.name() + " is " + v.width() + "×" + v.height() + "×" + v.depth()
                        + ", smaller than the " + patch + "×" + patch + "×" + patchZ + " patch; use a smaller --patch or"
                        + " patch_z");
            }
            int at = offset + k * per;
            Volumes.crop(v, rnd.nextInt(v.width() - patch + 1), rnd.nextInt(v.height() - patch + 1),
                    rnd.nextInt(v.depth() - patchZ + 1), patch, patchZ, rnd.nextInt(16), target, at);
            System.arraycopy(target, at, input, at, per);
            Arrays.fill(mask, at, at + per, 0f);
            for (int s = 0; s < spots; s++) {
                int x = rnd.nextInt(patch);
                int y = rnd.nextInt(patch);
                int z = rnd.nextInt(patchZ);
                int nx;
                int ny;
                int nz;
                do {
                    nx = clamp(x + rnd.nextInt(2 * RADIUS + 1) - RADIUS, patch);
                    ny = clamp(y + rnd.nextInt(2 * RADIUS + 1) - RADIUS, patch);
                    nz = clamp(z + rnd.nextInt(2 * RADIUS + 1) - RADIUS, patchZ);
                } while (nx == x && ny == y && nz == z);
                input[at + (z * patch + y) * patch + x] = target[at + (nz * patch + ny) * patch + nx];
                mask[at + (z * patch + y) * patch + x] = 1f;
            }
        }
    }

    private static int clamp(int v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }

    @Override
    public boolean masked() {
        return true;
    }

    @Override
    public String describe() {
        return origin;
    }
}
