package dev.hush.runtime.image;

/**
 * The eight flips and quarter turns of an image (the dihedral group of the square), for a self-ensemble: a denoiser
 * run on each turned copy and the results turned back and averaged (Timofte et al. 2016's "x8" for restoration) lowers
 * the error the network makes in one orientation, at n times the work.
 *
 * <p>A transform is three bits: transpose (x ↔ y), then flip x, then flip y, applied in that order to the planes
 * (channels) of a planar image. {@link #ORDER} lists them so that the first n make a good ensemble for n = 2, 4, 8.
 */
final class Dihedral {
    /** Transforms in ensemble order: identity, transpose, half turn, anti-transpose, then the rest. */
    static final int[] ORDER = {0b000, 0b001, 0b110, 0b111, 0b010, 0b100, 0b011, 0b101};

    private Dihedral() {
    }

    static boolean transposes(int t) {
        return (t & 1) != 0;
    }

    /** {@code data} (c planes of w × h) turned by {@code t}: c planes of h × w when it transposes, else w × h. */
    static float[] apply(float[] data, int c, int w, int h, int t) {
        float[] out = new float[data.length];
        walk(c, w, h, t, (dst, src) -> out[dst] = data[src]);
        return out;
    }

    /** The inverse of {@link #apply}: {@code turned} (as apply gave it for a w × h image) back to c planes of w × h. */
    static float[] invert(float[] turned, int c, int w, int h, int t) {
        float[] out = new float[turned.length];
        walk(c, w, h, t, (dst, src) -> out[src] = turned[dst]);
        return out;
    }

    private interface Pair {
        void at(int turnedIndex, int originalIndex);
    }

    /** Visits every pixel: its index in the turned image and in the original (w × h) one. */
    private static void walk(int c, int w, int h, int t, Pair pair) {
        boolean tr = transposes(t);
        boolean fx = (t & 2) != 0;
        boolean fy = (t & 4) != 0;
        int ow = tr ? h : w;
        int oh = tr ? w : h;
        int area = w * h;
        for (int ch = 0; ch < c; ch++) {
            int base = ch * area;
            for (int yo = 0; yo < oh; yo++) {
                int ya = fy ? oh - 1 - yo : yo;
                for (int xo = 0; xo < ow; xo++) {
                    int xa = fx ? ow - 1 - xo : xo;
                    int sx = tr ? ya : xa;
                    int sy = tr ? xa : ya;
                    pair.at(base + yo * ow + xo, base + sy * w + sx);
                }
            }
        }
    }
}
