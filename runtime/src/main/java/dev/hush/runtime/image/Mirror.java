package dev.hush.runtime.image;

/**
 * Mirror out-of-bounds strategy: a coordinate outside [0, size) reflects about the edge pixels
 * without repeating them (…2 1 | 0 1 2 … n-1 | n-2 …), as often as needed, so halos wider
 * than the image still get real image content.
 */
public final class Mirror {
    private Mirror() {
    }

    public static int index(int i, int size) {
        if (size == 1) {
            return 0;
        }
        int period = 2 * (size - 1);
        int r = Math.floorMod(i, period);
        return r < size ? r : period - r;
    }
}
