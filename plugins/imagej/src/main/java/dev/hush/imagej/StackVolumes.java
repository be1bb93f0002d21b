package dev.hush.imagej;

import ij.ImagePlus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a 3-D model sees an ImageJ stack: which planes form each volume. A hyperstack gives one volume per channel and
 * time point (its z planes in order); a hyperstack with one z plane and several time points gives one volume per
 * channel along time (the frames stand in for z, as the Noise2Void and CARE plugins allow); a plain stack is one
 * volume.
 */
final class StackVolumes {
    private StackVolumes() {
    }

    /** 0-based plane indices of each volume of a one-channel image of {@code planes} planes. */
    static List<int[]> ofSingleChannel(ImagePlus imp, int planes) {
        return of(imp, allChannels(imp), planes);
    }

    private static boolean[] allChannels(ImagePlus imp) {
        boolean[] all = new boolean[Math.max(1, imp.getNChannels()) + 1];
        Arrays.fill(all, true);
        return all;
    }

    /**
     * 0-based plane indices of each volume of {@code imp} ({@code planes} planes in all), for the channels whose
     * 1-based number is true in {@code channels}; the planes of each volume in z (or time) order.
     */
    static List<int[]> of(ImagePlus imp, boolean[] channels, int planes) {
        int nc = imp.getNChannels();
        int nz = imp.getNSlices();
        int nt = imp.getNFrames();
        List<int[]> out = new ArrayList<>();
        if ((long) nc * nz * nt != planes) {
            int[] all = new int[planes];
            for (int i = 0; i < planes; i++) {
                all[i] = i;
            }
            out.add(all);
            return out;
        }
        boolean alongTime = nz == 1 && nt > 1;
        int outer = alongTime ? 1 : nt;
        int depth = alongTime ? nt : nz;
        for (int t = 1; t <= outer; t++) {
            for (int c = 1; c <= nc; c++) {
                if (c >= channels.length || !channels[c]) {
                    continue;
                }
                int[] v = new int[depth];
                for (int k = 1; k <= depth; k++) {
                    v[k - 1] = alongTime ? imp.getStackIndex(c, 1, k) - 1 : imp.getStackIndex(c, k, t) - 1;
                }
                out.add(v);
            }
        }
        return out;
    }
}
