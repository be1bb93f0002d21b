package dev.hush.runtime.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the tiles go along one axis. Each tile has a core (the pixels it writes) and a halo on
 * both sides (context it reads, mirrored past the image edge); the window (core + 2·halo) is a
 * multiple of the model's size multiple. Neighbouring cores overlap by {@code overlap} pixels and are
 * blended with linear ramps, so no seam shows even where a network sees further than its halo.
 *
 * @param starts  core start of each tile, in image coordinates
 * @param core    core length
 * @param halo    context on each side
 * @param overlap pixels shared by neighbouring cores (at least; the last tile may share more)
 */
public record TileGrid(int[] starts, int core, int halo, int overlap) {

    /**
     * Lays out tiles of about {@code tile} core pixels over {@code size} pixels: ⌈size / tile⌉ of them along the side,
     * each core grown a little (by its share of the blending overlap, rounded to the size multiple) so that they
     * meet.
     */
    public static TileGrid along(int size, int tile, int halo, int multiple) {
        if (tile < 1) {
            throw new IllegalArgumentException("tile size must be positive, got " + tile);
        }
        int window = roundUp(Math.min(tile, size) + 2 * halo, multiple);
        int core = window - 2 * halo;
        if (core < multiple) {
            window = roundUp(2 * halo + multiple, multiple);
            core = window - 2 * halo;
        }
        return layout(size, core, halo, multiple, true);
    }

    /**
     * Lays out tiles whose window is exactly {@code window} pixels (a model that takes one input size only,
     * {@code hush.fixed_size}): cores of {@code window − 2·halo}. A size below the window gets one tile, its
     * window filled by mirroring.
     */
    public static TileGrid exact(int size, int window, int halo) {
        int core = window - 2 * halo;
        if (core < 1) {
            throw new IllegalArgumentException("a " + window + "-pixel window leaves no core inside a halo of " + halo);
        }
        return layout(size, core, halo, 1, false);
    }

    /**
     * Cores of about {@code core} pixels overlapping by up to 32 px for blending. The count is what the requested
     * core needs without overlap (⌈size / core⌉), and each core grows by the share of the overlap that needs, so
     * that an image of exactly two cores is two tiles, not three (a 2048-pixel side at 1024: two cores of about 1040).
     * A network that downsamples (size multiple &gt; 1) computes differently at positions of different phase modulo
     * the multiple, so every tile starts on the whole image's grid (starts are multiples of it) and every window is a
     * multiple of it. A fixed window ({@code grow} false) keeps its core, and the overlap then adds a tile where
     * needed.
     */
    private static TileGrid layout(int size, int core, int halo, int multiple, boolean grow) {
        int n = (size + core - 1) / core;
        if (n <= 1) {
            return new TileGrid(new int[] {0}, core, halo, 0);
        }
        int overlap = Math.min(32, core / 8);
        // The window (core + 2·halo) must stay a multiple of the size multiple, as along() made it.
        int grown = grow ? roundUp((size + (n - 1) * overlap + n - 1) / n + 2 * halo, multiple) - 2 * halo : core;
        int step = Math.max(multiple, (grown - overlap) / multiple * multiple);
        // Steps are rounded down to the multiple; grow by whole multiples until n tiles reach the end.
        while (grow && (long) (n - 1) * step + grown < size) {
            grown += multiple;
            step = Math.max(multiple, (grown - overlap) / multiple * multiple);
        }
        List<Integer> starts = new ArrayList<>();
        int s = 0;
        while (true) {
            if (s + grown >= size) {
                starts.add(roundUp(Math.max(0, size - grown), multiple));
                break;
            }
            starts.add(s);
            s += step;
        }
        return new TileGrid(starts.stream().mapToInt(Integer::intValue).toArray(), grown, halo, overlap);
    }

    public int window() {
        return core + 2 * halo;
    }

    /** Blending weight of core position {@code i}: a ramp over the overlap, 1 in the middle, never 0. */
    public float weight(int i) {
        if (overlap == 0) {
            return 1f;
        }
        int d = Math.min(i + 1, core - i);
        return Math.min(1f, d / (float) (overlap + 1));
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
