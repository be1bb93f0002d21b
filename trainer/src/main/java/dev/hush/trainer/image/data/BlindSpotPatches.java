package dev.hush.trainer.image.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Noise2Void (Krull et al. 2019): training from noisy images alone. In each patch a small fraction of
 * pixels is replaced by the value of a random neighbour (the blind spots); the target is the
 * untouched noisy patch and the loss counts only the blind spots. A network that cannot see a
 * pixel's own value can only predict it from its surroundings, which carry the signal but not that
 * pixel's independent noise, so it learns to denoise.
 */
public final class BlindSpotPatches implements PatchSource {
    /** Neighbourhood radius the replacement value is drawn from (N2V's default 5×5 window). */
    private static final int RADIUS = 2;
    private final List<float[]> images;
    private final List<int[]> sizes;
    private final double fraction;
    private final String origin;

    /**
     * @param images   normalised noisy planes
     * @param sizes    {width, height} of each plane
     * @param fraction share of pixels masked per patch (N2V uses about 0.2 %; more trains faster per patch)
     */
    public BlindSpotPatches(List<float[]> images, List<int[]> sizes, double fraction, String origin) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("Noise2Void needs at least one noisy image");
        }
        if (!(fraction > 0 && fraction < 0.5)) {
            throw new IllegalArgumentException("blind-spot fraction must lie in (0, 0.5), got " + fraction);
        }
        this.images = images;
        this.sizes = sizes;
        this.fraction = fraction;
        this.origin = origin;
    }

    @Override
    public void fill(float[] input, float[] target, float[] mask, int offset, int count, int patch, SplittableRandom rnd) {
        int area = patch * patch;
        int spots = Math.max(1, (int) Math.round(area * fraction));
        for (int k = 0; k < count; k++) {
            int which = rnd.nextInt(images.size());
            float[] img = images.get(which);
            int w = sizes.get(which)[0];
            int h = sizes.get(which)[1];
            if (w < patch || h < patch) {
                throw new IllegalArgumentException("image " + which + " is " + w + "×" + h + ", smaller than the "
                        + patch + "-pixel patch; use a smaller --patch");
            }
            int x0 = rnd.nextInt(w - patch + 1);
            int y0 = rnd.nextInt(h - patch + 1);
            int at = offset + k * area;
            SyntheticPairs.crop(img, w, x0, y0, patch, rnd.nextInt(8), target, at);
            System.arraycopy(target, at, input, at, area);
            java.util.Arrays.fill(mask, at, at + area, 0f);
            for (int s = 0; s < spots; s++) {
                int x = rnd.nextInt(patch);
                int y = rnd.nextInt(patch);
                int dx;
                int dy;
                do {
                    dx = rnd.nextInt(2 * RADIUS + 1) - RADIUS;
                    dy = rnd.nextInt(2 * RADIUS + 1) - RADIUS;
                } while (dx == 0 && dy == 0);
                int nx = Math.max(0, Math.min(patch - 1, x + dx));
                int ny = Math.max(0, Math.min(patch - 1, y + dy));
                if (nx == x && ny == y) {
                    nx = x == 0 ? 1 : x - 1; // clamped onto itself at the border: take the other side
                }
                input[at + y * patch + x] = target[at + ny * patch + nx];
                mask[at + y * patch + x] = 1f;
            }
        }
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
