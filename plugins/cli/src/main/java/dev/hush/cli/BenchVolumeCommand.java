package dev.hush.cli;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.image.data.Volumes;
import dev.hush.trainer.image.noise.NoiseModel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "volume", mixinStandardHelpOptions = true,
        description = {"PSNR/SSIM of image models on z-stacks: 3-D models denoise each stack as a volume, 2-D models",
                "plane by plane, beside a 3-D Gaussian filter and OpenCV non-local means per plane, in one run.",
                "First on real stacks (default: models/bench/volumes, MR and CT volumes no model trains on), then on",
                "generated 3-D fluorescence (blobs and filaments, a PSF longer along z) from a seed no training uses;",
                "Gaussian sigma 15 and 30 and Poisson-Gaussian noise, rounded and clipped to 8 bit.",
                "Writes bench-volume.md to the output folder."})
final class BenchVolumeCommand implements Callable<Integer> {
    /** The stacks' seed: the trainer's volumes come from the training seed, +7 and +1000003. */
    static final long SEED = 424_242L;
    private static final String[] CONDITIONS = {"gaussian:15:15,q8=1", "gaussian:30:30,q8=1",
            "poisson-gaussian:20:20:3:3,q8=1"};
    private static final String[] CONDITION_NAMES = {"Gaussian σ=15", "Gaussian σ=30", "Poisson 20 photons + σ=3"};

    @Option(names = {"-m", "--model"}, split = ",", description = "Models: names or .onnx files (default: every shipped"
            + " 1-channel image model).")
    List<String> models;

    @Option(names = "--data", paramLabel = "DIR", description = "Real clean stacks: TIFF stacks, or subfolders of plane"
            + " images (one stack each, planes in name order); 8-bit, or scaled by their maximum (default:"
            + " models/bench/volumes of this repository).")
    Path data;

    @Option(names = "--no-real", description = "Leave out the real stacks (only the generated ones).")
    boolean noReal;

    @Option(names = "--volumes", defaultValue = "3", description = "Generated stacks (default ${DEFAULT-VALUE}; 0: none).")
    int volumes;

    @Option(names = "--size", defaultValue = "128", description = "Width and height of each stack (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--depth", defaultValue = "32", description = "Planes per stack (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--no-nlm", description = "Leave out OpenCV NLM (e.g. where its natives do not load).")
    boolean noNlm;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default 0: all cores).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (volumes < 0 || size < 16 || depth < 4 || (long) size * size * depth * volumes > 64L << 20) {
            throw new HushException("--volumes must be at least 0, --size at least 16, --depth at least 4, and all the"
                    + " stacks together at most 64 M voxels");
        }
        List<CleanSet> sets = new ArrayList<>();
        if (!noReal) {
            sets.add(real(data != null ? data : BenchSets.defaultFolder(REAL_FOLDER)));
        }
        if (volumes > 0) {
            sets.add(generated(volumes, size, depth));
        }
        if (sets.isEmpty()) {
            throw new HushException("nothing to measure: --no-real and --volumes 0 leave no stacks");
        }
        List<String> names = new ArrayList<>();
        if (models != null) {
            names.addAll(models);
        } else {
            names.addAll(ShippedModels.denoisers(Domain.IMAGE));
        }
        List<DenoiserModel> opened = new ArrayList<>();
        try {
            for (String n : names) {
                DenoiserModel m = DenoiserModel.openNamed(n, SessionConfig.defaults().withThreads(threads));
                opened.add(m);
                m.contract().requireDomain(Domain.IMAGE);
                if (m.contract().channels() != 1) {
                    m.close();
                    opened.remove(m);
                    if (models != null) {
                        throw new HushException("'" + n + "' takes " + m.contract().channels() + " channels; the stacks"
                                + " here are grey");
                    }
                }
            }
            String md = "# hush bench volume\n\n" + table(opened, sets, !noNlm, System.out);
            AtomicFile.write(out.resolve("bench-volume.md"), md.getBytes(StandardCharsets.UTF_8));
            System.err.println("wrote " + out.resolve("bench-volume.md"));
        } finally {
            for (DenoiserModel m : opened) {
                m.close();
            }
        }
        return 0;
    }

    /** A noisy stack and its clean reference, 0–255, plane by plane. */
    record Stack(List<float[]> clean, List<float[]> noisy, int width, int height) {
    }

    /** Clean stacks in [0, 1] to add noise to, a heading and the sentence that says what they are. */
    record CleanSet(String title, String description, List<Volumes.Volume> volumes) {
    }

    /** The real stacks of the repository, relative to its root. */
    static final String REAL_FOLDER = "models/bench/volumes";
    /** At most this many voxels per real stack are used (the first planes): the bench stays minutes, not hours. */
    private static final long MAX_REAL_VOXELS = 4L << 20;

    /** {@code count} generated 3-D fluorescence stacks (the bench's seed). */
    static CleanSet generated(int count, int size, int depth) {
        List<Volumes.Volume> v = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            v.add(Volumes.fluorescence(size, size, depth, new SplittableRandom(SEED + i)));
        }
        return new CleanSet("Generated 3-D fluorescence", String.format(Locale.ROOT, "%d generated 3-D fluorescence"
                + " stacks of %d×%d×%d (seed %d)", count, size, size, depth, SEED), v);
    }

    /** The real clean stacks under {@code folder}, scaled to [0, 1] (8-bit by 255, deeper ones by their maximum). */
    static CleanSet real(Path folder) throws HushException {
        List<Volumes.Volume> read;
        List<String> skipped = new ArrayList<>();
        try {
            read = Volumes.readFolder(folder, 4, 16, skipped::add);
        } catch (java.io.IOException e) {
            throw new HushException(e.getMessage() + " (or leave the real stacks out with --no-real)", e);
        }
        for (String s : skipped) {
            System.err.println("skipped " + s);
        }
        List<Volumes.Volume> v = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (Volumes.Volume r : read) {
            int area = r.width() * r.height();
            int depth = (int) Math.max(4, Math.min(r.depth(), MAX_REAL_VOXELS / area));
            float max = 0;
            for (float x : r.voxels()) {
                max = Math.max(max, x);
            }
            float scale = 1f / Math.max(255f, max);
            float[] voxels = new float[depth * area];
            for (int i = 0; i < voxels.length; i++) {
                voxels[i] = r.voxels()[i] * scale;
            }
            String name = Path.of(r.name()).getFileName().toString();
            v.add(new Volumes.Volume(name, r.width(), r.height(), depth, voxels));
            names.append(names.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "`%s` (%d×%d×%d)", name,
                    r.width(), r.height(), depth));
        }
        // The repository's own folder by its relative name, so that a card says the same on every machine.
        String where = folder.toAbsolutePath().normalize().endsWith(REAL_FOLDER) ? REAL_FOLDER : folder.toString();
        return new CleanSet("Real stacks", read.size() + " real stacks from " + where + ": " + names, v);
    }

    /** The stacks of {@code set} under noise condition {@code c}, 0–255: the same clean stacks for every condition. */
    static List<Stack> stacks(CleanSet set, int c) {
        List<Stack> out = new ArrayList<>();
        NoiseModel noise = NoiseModel.parse(CONDITIONS[c]);
        for (int i = 0; i < set.volumes().size(); i++) {
            Volumes.Volume v = set.volumes().get(i);
            float[] noisy = noise.apply(v.voxels(), new SplittableRandom(SEED * 31 + i * 7L + c));
            List<float[]> cp = new ArrayList<>();
            List<float[]> np = new ArrayList<>();
            int area = v.width() * v.height();
            for (int z = 0; z < v.depth(); z++) {
                float[] a = new float[area];
                float[] b = new float[area];
                for (int k = 0; k < area; k++) {
                    a[k] = 255f * v.voxels()[z * area + k];
                    b[k] = 255f * noisy[z * area + k];
                }
                cp.add(a);
                np.add(b);
            }
            out.add(new Stack(cp, np, v.width(), v.height()));
        }
        return out;
    }

    /** A way to denoise a stack; {@code setting} picks a classical filter's parameter (NaN for a model). */
    private interface Method {
        String name();

        double[] settings();

        List<float[]> denoise(Stack s, double setting) throws HushException;
    }

    /** Runs every method on every condition of every set, printing rows as they are done; returns the markdown. */
    static String table(List<DenoiserModel> models, List<CleanSet> sets, boolean withNlm, PrintStream echo)
            throws HushException {
        List<Method> methods = new ArrayList<>();
        methods.add(new Method() {
            public String name() {
                return "noisy input";
            }

            public double[] settings() {
                return new double[] {Double.NaN};
            }

            public List<float[]> denoise(Stack s, double p) {
                return s.noisy();
            }
        });
        methods.add(new Method() {
            public String name() {
                return "Gaussian filter 3-D";
            }

            public double[] settings() {
                return new double[] {0.5, 0.7, 1.0, 1.4, 2.0};
            }

            public List<float[]> denoise(Stack s, double sigma) {
                return gaussian3d(s.noisy(), s.width(), s.height(), sigma);
            }
        });
        if (withNlm) {
            methods.add(new Method() {
                public String name() {
                    return "OpenCV NLM per plane";
                }

                public double[] settings() {
                    return new double[] {6, 9, 13, 18, 25, 35};
                }

                public List<float[]> denoise(Stack s, double h) throws HushException {
                    List<float[]> out = new ArrayList<>();
                    for (float[] p : s.noisy()) {
                        out.add(OpenCvNlm.denoise(FloatImage.gray(s.width(), s.height(), p), h).data());
                    }
                    return out;
                }
            });
        }
        for (DenoiserModel m : models) {
            boolean volumetric = m.contract().volumetric();
            ImageDenoiser d = new ImageDenoiser(m);
            methods.add(new Method() {
                public String name() {
                    return m.contract().name() + (volumetric ? " (3-D, as a volume)" : " (2-D, plane by plane)");
                }

                public double[] settings() {
                    return new double[] {Double.NaN};
                }

                public List<float[]> denoise(Stack s, double p) throws HushException {
                    List<FloatImage> planes = new ArrayList<>();
                    for (float[] a : s.noisy()) {
                        planes.add(FloatImage.gray(s.width(), s.height(), a));
                    }
                    List<float[]> out = new ArrayList<>();
                    if (volumetric) {
                        for (FloatImage f : d.denoiseVolume(planes, new RunContext())) {
                            out.add(f.data());
                        }
                    } else {
                        for (FloatImage f : planes) {
                            out.add(d.denoise(f, new RunContext()).data());
                        }
                    }
                    return out;
                }
            });
        }
        StringBuilder md = new StringBuilder();
        for (CleanSet set : sets) {
            String note = String.format(Locale.ROOT, "### %s%n%n%s; noise rounded and clipped to 8 bit; PSNR in dB over"
                    + " each whole stack and SSIM (mean over planes), peak 255, means over the stacks. The Gaussian"
                    + " filter's σ and NLM's h are the best of a grid on these very stacks at each noise level (which"
                    + " favours them); the models estimate nothing and are told nothing.%n%n", set.title(),
                    set.description());
            md.append(note);
            echo.print(note);
            md.append(rows(methods, set, echo)).append('\n');
        }
        return md.toString();
    }

    /** One table: a row per method, a column per noise condition. */
    private static String rows(List<Method> methods, CleanSet set, PrintStream echo) throws HushException {
        StringBuilder md = new StringBuilder();
        StringBuilder head = new StringBuilder("| method |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String c : CONDITION_NAMES) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        echo.println(head);
        echo.println(rule);
        List<List<Stack>> noisy = new ArrayList<>();
        for (int c = 0; c < CONDITIONS.length; c++) {
            noisy.add(stacks(set, c));
        }
        for (Method method : methods) {
            long t0 = System.nanoTime();
            StringBuilder row = new StringBuilder("| " + method.name() + " |");
            for (int c = 0; c < CONDITIONS.length; c++) {
                double bestPsnr = Double.NEGATIVE_INFINITY;
                double bestSsim = 0;
                double bestSetting = Double.NaN;
                for (double setting : method.settings()) {
                    double psnr = 0;
                    double ssim = 0;
                    for (Stack s : noisy.get(c)) {
                        List<float[]> y = method.denoise(s, setting);
                        psnr += psnr(y, s.clean());
                        double ss = 0;
                        for (int z = 0; z < y.size(); z++) {
                            ss += ImageMetrics.ssim(y.get(z), s.clean().get(z), s.width(), s.height(), 255);
                        }
                        ssim += ss / y.size();
                    }
                    psnr /= noisy.get(c).size();
                    ssim /= noisy.get(c).size();
                    if (psnr > bestPsnr) {
                        bestPsnr = psnr;
                        bestSsim = ssim;
                        bestSetting = setting;
                    }
                }
                row.append(String.format(Locale.ROOT, " %.2f / %.4f%s |", bestPsnr, bestSsim,
                        Double.isNaN(bestSetting) ? "" : " (" + (method.name().startsWith("Gaussian") ? "σ " : "h ")
                                + fmt(bestSetting) + ")"));
            }
            md.append(row).append('\n');
            echo.println(row + String.format(Locale.ROOT, "  [%.1f s]", (System.nanoTime() - t0) / 1e9));
        }
        return md.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** PSNR (peak 255) over a whole stack. */
    static double psnr(List<float[]> estimate, List<float[]> reference) {
        double se = 0;
        long n = 0;
        for (int z = 0; z < reference.size(); z++) {
            float[] a = estimate.get(z);
            float[] b = reference.get(z);
            for (int i = 0; i < b.length; i++) {
                double d = a[i] - b[i];
                se += d * d;
            }
            n += b.length;
        }
        return 10 * Math.log10(255.0 * 255.0 / Math.max(1e-12, se / n));
    }

    /** A separable Gaussian of {@code sigma} voxels along x, y and z, renormalised at the stack's faces. */
    static List<float[]> gaussian3d(List<float[]> planes, int w, int h, double sigma) {
        double[] k = ImageMetrics.gaussian(sigma, (int) Math.ceil(3 * sigma));
        List<double[]> xy = new ArrayList<>();
        for (float[] p : planes) {
            xy.add(ImageMetrics.blur(p, w, h, k));
        }
        int r = k.length / 2;
        List<float[]> out = new ArrayList<>();
        for (int z = 0; z < planes.size(); z++) {
            float[] o = new float[w * h];
            for (int i = 0; i < o.length; i++) {
                double s = 0;
                double ws = 0;
                for (int dz = -r; dz <= r; dz++) {
                    int zz = z + dz;
                    if (zz >= 0 && zz < planes.size()) {
                        s += k[dz + r] * xy.get(zz)[i];
                        ws += k[dz + r];
                    }
                }
                o[i] = (float) (s / ws);
            }
            out.add(o);
        }
        return out;
    }
}
