package dev.hush.trainer.image.data;

import dev.hush.runtime.image.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Volumes (z-stacks) for training 3-D networks: read from a folder of TIFF stacks, or generated like fluorescence
 * microscopy in 3-D ({@link #fluorescence}). A volume is one channel, z planes of y rows of x values
 * ({@code voxels[(z·height + y)·width + x]}), and patches are cut from it with one of the 8 symmetries of the square
 * across and an optional flip along z.
 */
public final class Volumes {
    /**
     * Depth of the volumes whose middle plane the 2-D source {@code fluorescence-planes} takes: deep enough that
     * structures centred off the plane reach into it as they would in a real stack.
     */
    public static final int PLANES_DEPTH = 33;

    private Volumes() {
    }

    /** One channel of {@code depth} planes of {@code width}×{@code height}. */
    public record Volume(String name, int width, int height, int depth, float[] voxels) {
        public Volume {
            if ((long) width * height * depth != voxels.length) {
                throw new IllegalArgumentException(name + ": " + voxels.length + " voxels for " + width + "×" + height
                        + "×" + depth);
            }
        }

        /** Plane {@code z}, a copy. */
        public float[] plane(int z) {
            return java.util.Arrays.copyOfRange(voxels, z * width * height, (z + 1) * width * height);
        }

        /** This volume mapped to [0, 1] by its smallest and largest voxel. */
        public Volume unitRange() {
            return normalised(0, 100);
        }

        /** This volume normalised as the runtime normalises a volume (percentiles of all voxels → 0 and 1). */
        public Volume normalised(double low, double high) {
            float[] v = voxels.clone();
            Normalization.percentile(v, low, high).applyInPlace(v);
            return new Volume(name, width, height, depth, v);
        }
    }

    /**
     * {@link #readFolder} for clean stacks that noise will be added to: each mapped to [0, 1] by its smallest and
     * largest voxel, the scale the noise models' levels are given in (σ of 0–255 is σ/255 there), whatever the
     * stacks' bit depth.
     */
    public static List<Volume> readCleanFolder(Path dir, int minDepth, int minSide, Consumer<String> skipped)
            throws IOException {
        return readFolder(dir, minDepth, minSide, skipped).stream().map(Volume::unitRange).toList();
    }

    /** The box of {@code w}×{@code h}×{@code d} voxels of {@code v} from corner (x0, y0, z0), as a volume. */
    public static Volume box(Volume v, int x0, int y0, int z0, int w, int h, int d) {
        float[] out = new float[w * h * d];
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(v.voxels(), ((z0 + z) * v.height() + y0 + y) * v.width() + x0, out, (z * h + y) * w, w);
            }
        }
        return new Volume(v.name(), w, h, d, out);
    }

    /**
     * Every stack under {@code dir} with at least {@code minDepth} planes of at least {@code minSide}×{@code minSide}
     * pixels, as one volume each (grey; colour becomes luminance): each multi-plane file (a TIFF stack), and each
     * subfolder whose image files, in name order, are the planes of one stack (z000.png, z001.png, ...). Files that
     * cannot be used are reported to {@code skipped} with the reason; none usable is an error that says what is
     * needed.
     */
    public static List<Volume> readFolder(Path dir, int minDepth, int minSide, Consumer<String> skipped)
            throws IOException {
        List<Volume> out = new ArrayList<>();
        List<Path> sources = new ArrayList<>(ImageFolder.list(dir));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted().forEach(sources::add);
        }
        for (Path f : sources) {
            List<ImageFolder.Plane> planes;
            try {
                if (Files.isDirectory(f)) {
                    planes = new ArrayList<>();
                    for (Path plane : ImageFolder.list(f)) {
                        planes.addAll(ImageFolder.readFile(plane));
                    }
                } else {
                    planes = ImageFolder.readFile(f);
                }
            } catch (IOException | RuntimeException e) {
                skipped.accept(f + ": " + e.getMessage());
                continue;
            }
            if (planes.isEmpty()) {
                continue; // a subfolder without images: not a stack
            }
            if (planes.size() < minDepth) {
                skipped.accept(f + ": " + planes.size() + " plane(s), fewer than the " + minDepth + " of a 3-D patch"
                        + " (patch_z)");
                continue;
            }
            ImageFolder.Plane first = planes.get(0);
            if (first.width() < minSide || first.height() < minSide) {
                skipped.accept(f + ": " + first.width() + "×" + first.height() + ", smaller than the " + minSide
                        + "-pixel patch");
                continue;
            }
            int area = first.width() * first.height();
            float[] v = new float[Math.multiplyExact(area, planes.size())];
            boolean same = true;
            for (int z = 0; z < planes.size(); z++) {
                ImageFolder.Plane p = planes.get(z);
                if (p.width() != first.width() || p.height() != first.height() || p.pixels().length != area) {
                    same = false;
                    break;
                }
                System.arraycopy(p.pixels(), 0, v, z * area, area);
            }
            if (!same) {
                skipped.accept(f + ": its planes differ in size or channels, so it is not one volume");
                continue;
            }
            out.add(new Volume(f.toString(), first.width(), first.height(), planes.size(), v));
        }
        if (out.isEmpty()) {
            throw new IOException("no usable z-stack under " + dir + ": a 3-D model trains on TIFF stacks (or subfolders"
                    + " of plane images, one stack each) of at least " + minDepth + " planes (patch_z) of at least " + minSide + "×" + minSide + " pixels");
        }
        return out;
    }

    /**
     * A fluorescence-microscopy-like volume in [0, 1]: a dark, slightly uneven background, blobs (nuclei, vesicles,
     * spots; some hollow) and thin filaments that wander through z, all blurred by a point-spread function that is
     * longer along z than across (by a factor 1–2, as a widefield or confocal PSF is), so that neighbouring planes
     * share structure the way real stacks do.
     */
    public static Volume fluorescence(int w, int h, int d, SplittableRandom rnd) {
        float[] v = new float[w * h * d];
        double base = rnd.nextDouble(0.02, 0.12);
        double gx = rnd.nextDouble(-0.04, 0.04) / w;
        double gz = rnd.nextDouble(-0.04, 0.04) / d;
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[(z * h + y) * w + x] = (float) (base + gx * x + gz * z);
                }
            }
        }
        double elongation = rnd.nextDouble(1.0, 2.0);
        double volume = (double) w * h * d;
        int blobs = (int) Math.max(1, volume / rnd.nextDouble(1500, 9000));
        for (int i = 0; i < blobs; i++) {
            double s = Math.exp(rnd.nextDouble(Math.log(0.8), Math.log(5)));
            double sx = s * Math.exp(rnd.nextDouble(-0.3, 0.3));
            double sy = s * Math.exp(rnd.nextDouble(-0.3, 0.3));
            boolean hollow = s > 2.5 && rnd.nextDouble() < 0.15;
            blob(v, w, h, d, rnd.nextDouble(w), rnd.nextDouble(h), rnd.nextDouble(d), sx, sy, s * elongation,
                    rnd.nextDouble(0.1, 0.8), hollow);
        }
        int filaments = (int) Math.max(0, volume / rnd.nextDouble(8000, 40000));
        for (int i = 0; i < filaments; i++) {
            filament(v, w, h, d, elongation, rnd);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, Math.min(1f, v[i]));
        }
        return new Volume("fluorescence-3d", w, h, d, v);
    }

    private static void blob(float[] v, int w, int h, int d, double cx, double cy, double cz, double sx, double sy,
                             double sz, double amp, boolean hollow) {
        int x0 = Math.max(0, (int) (cx - 3.5 * sx - 1));
        int x1 = Math.min(w - 1, (int) (cx + 3.5 * sx + 1));
        int y0 = Math.max(0, (int) (cy - 3.5 * sy - 1));
        int y1 = Math.min(h - 1, (int) (cy + 3.5 * sy + 1));
        int z0 = Math.max(0, (int) (cz - 3.5 * sz - 1));
        int z1 = Math.min(d - 1, (int) (cz + 3.5 * sz + 1));
        for (int z = z0; z <= z1; z++) {
            double dz = (z - cz) / sz;
            for (int y = y0; y <= y1; y++) {
                double dy = (y - cy) / sy;
                int row = (z * h + y) * w;
                for (int x = x0; x <= x1; x++) {
                    double dx = (x - cx) / sx;
                    double r2 = dx * dx + dy * dy + dz * dz;
                    double val = hollow ? 0.6 * Math.exp(-Math.pow(Math.sqrt(r2) - 1.5, 2) * 2) : Math.exp(-r2 / 2);
                    v[row + x] += (float) (amp * val);
                }
            }
        }
    }

    /** A smooth random curve, drawn as a tube: Gaussian cross-section of radius r across and r·elongation along z. */
    private static void filament(float[] v, int w, int h, int d, double elongation, SplittableRandom rnd) {
        double px = rnd.nextDouble(w);
        double py = rnd.nextDouble(h);
        double pz = rnd.nextDouble(d);
        double[] dir = unit(rnd.nextGaussian(), rnd.nextGaussian(), 0.4 * rnd.nextGaussian());
        double r = rnd.nextDouble(0.6, 1.3);
        double rz = r * elongation;
        double amp = rnd.nextDouble(0.2, 0.7);
        double step = 0.5;
        // Each step adds a Gaussian; scaled so that a straight tube's centre reaches about amp.
        double perStep = amp * step / (Math.sqrt(2 * Math.PI) * r);
        int steps = (int) (rnd.nextDouble(20, 90) / step);
        int reach = (int) Math.ceil(3 * r);
        int reachZ = (int) Math.ceil(3 * rz);
        for (int s = 0; s < steps; s++) {
            dir = unit(dir[0] + 0.15 * rnd.nextGaussian(), dir[1] + 0.15 * rnd.nextGaussian(),
                    dir[2] + 0.06 * rnd.nextGaussian());
            px += step * dir[0];
            py += step * dir[1];
            pz += step * dir[2];
            int cx = (int) Math.round(px);
            int cy = (int) Math.round(py);
            int cz = (int) Math.round(pz);
            for (int z = Math.max(0, cz - reachZ); z <= Math.min(d - 1, cz + reachZ); z++) {
                double dz = (z - pz) / rz;
                for (int y = Math.max(0, cy - reach); y <= Math.min(h - 1, cy + reach); y++) {
                    double dy = (y - py) / r;
                    for (int x = Math.max(0, cx - reach); x <= Math.min(w - 1, cx + reach); x++) {
                        double dx = (x - px) / r;
                        v[(z * h + y) * w + x] += (float) (perStep * Math.exp(-(dx * dx + dy * dy + dz * dz) / 2));
                    }
                }
            }
        }
    }

    private static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return n == 0 ? new double[] {1, 0, 0} : new double[] {x / n, y / n, z / n};
    }

    /**
     * Copies the patch of {@code pz} planes of {@code p}×{@code p} at (x0, y0, z0) under symmetry {@code t} (bits 0–2
     * as {@link SyntheticPairs#crop}, bit 3 flips z) to {@code dst} at {@code at}.
     */
    public static void crop(Volume v, int x0, int y0, int z0, int p, int pz, int t, float[] dst, int at) {
        int area = v.width() * v.height();
        for (int k = 0; k < pz; k++) {
            int z = (t & 8) != 0 ? z0 + pz - 1 - k : z0 + k;
            SyntheticPairs.cropPlane(v.voxels(), z * area, v.width(), x0, y0, p, t & 7, dst, at + k * p * p);
        }
    }
}
