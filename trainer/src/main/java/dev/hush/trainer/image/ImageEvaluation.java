package dev.hush.trainer.image;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.image.ImageMetrics;
import dev.hush.trainer.image.data.DeadLeaves;
import dev.hush.trainer.image.noise.GaussianNoise;
import dev.hush.trainer.image.noise.PoissonGaussianNoise;
import ij.plugin.filter.GaussianBlur;
import ij.plugin.filter.RankFilters;
import ij.process.FloatProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Compares denoisers on a benchmark set: clean images (0–255, any channel count), each named and in a
 * group (photo, microscopy, science…), corrupted per {@link Condition} with a fixed seed, rounded and
 * clipped to 8 bit as a saved camera file would be. The default set is real: crops from packages never
 * used in training (models/bench/images); {@link #deadLeaves} regenerates the synthetic set. Each method
 * may have a parameter (a filter radius, NLM's h); it gets the value that scores best over the whole set
 * at each condition, which favours the baselines. Reports mean PSNR and SSIM (peak 255; SSIM is the mean
 * over channels) per group and over all images, and throughput.
 */
public final class ImageEvaluation {
    public static final long SEED = 20_261_123L;
    /** The group name of the mean over every image. */
    public static final String ALL = "all";

    /** A clean benchmark image, values 0–255. */
    public record BenchImage(String name, String group, FloatImage clean) {
    }

    /** A noise condition of the benchmark. */
    public record Condition(String label, String kind, double level) {
        public static Condition gaussian(double sigma) {
            return new Condition(String.format(Locale.ROOT, "σ=%.0f", sigma), "gaussian", sigma);
        }

        public static Condition poisson(double peak) {
            return new Condition(String.format(Locale.ROOT, "Poisson %.0f ph", peak), "poisson", peak);
        }

        /** A noisy copy of {@code clean} (0–255), rounded and clipped to 8 bit. */
        public float[] corrupt(float[] clean, SplittableRandom rnd) {
            float[] unit = new float[clean.length];
            for (int i = 0; i < unit.length; i++) {
                unit[i] = clean[i] / 255f;
            }
            float[] noisy = kind.equals("gaussian") ? GaussianNoise.apply(unit, level / 255, false, rnd)
                    : new PoissonGaussianNoise(level, level, 0, 0).apply(unit, rnd);
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] = Math.max(0, Math.min(255, Math.round(noisy[i] * 255)));
            }
            return noisy;
        }

        /** A noisy copy of an image. */
        public FloatImage corrupt(FloatImage clean, SplittableRandom rnd) {
            return new FloatImage(clean.channels(), clean.width(), clean.height(), corrupt(clean.data(), rnd));
        }

        /** The Gaussian sigma (0–255) that matches this condition's noise at mid grey, for parameter grids. */
        public double equivalentSigma() {
            return kind.equals("gaussian") ? level : 255 * Math.sqrt(0.5 / level);
        }
    }

    /** A denoiser under test. */
    public interface Method {
        String name();

        /** Parameter values to try at a condition; a single NaN for methods without a parameter. */
        default double[] parameters(Condition c) {
            return new double[] {Double.NaN};
        }

        /** Label for the chosen parameter, e.g. "r=" ("" when there is none). */
        default String parameterLabel() {
            return "";
        }

        FloatImage denoise(FloatImage noisy, double parameter) throws HushException;
    }

    /** PSNR (dB) and SSIM, means over a group's images. */
    public record Score(double psnr, double ssim) {
    }

    /**
     * One method's scores: per group (and {@link #ALL}) per condition label; the chosen parameter per
     * condition; MPix/s over all images at the chosen parameters.
     */
    public record Row(String method, Map<String, Map<String, Score>> scores, Map<String, String> setting,
                      double mpixPerSecond) {
        public Score score(String group, String condition) {
            return scores.get(group).get(condition);
        }
    }

    private ImageEvaluation() {
    }

    /** The synthetic set: {@code count} dead-leaves images of {@code size}² (grey, 0–255) from a fixed seed. */
    public static List<BenchImage> deadLeaves(int count, int size) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        DeadLeaves gen = DeadLeaves.standard();
        List<BenchImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] img = gen.generate(size, size, rnd);
            for (int k = 0; k < img.length; k++) {
                img[k] *= 255f;
            }
            out.add(new BenchImage("deadleaves-" + (i + 1), "dead leaves", FloatImage.gray(size, size, img)));
        }
        return out;
    }

    /** The groups of a set in first-seen order, {@link #ALL} first. */
    public static List<String> groups(List<BenchImage> set) {
        List<String> g = new ArrayList<>(List.of(ALL));
        for (BenchImage b : set) {
            if (!g.contains(b.group())) {
                g.add(b.group());
            }
        }
        return g;
    }

    public static Method noisyInput() {
        return new Method() {
            public String name() {
                return "noisy input";
            }

            public FloatImage denoise(FloatImage noisy, double p) {
                return noisy.copy();
            }
        };
    }

    public static Method imageJMedian() {
        return new Method() {
            public String name() {
                return "ImageJ median";
            }

            public double[] parameters(Condition c) {
                return new double[] {0.5, 1, 1.5, 2, 2.5, 3, 4, 5};
            }

            public String parameterLabel() {
                return "r=";
            }

            public FloatImage denoise(FloatImage noisy, double r) {
                return perPlane(noisy, fp -> new RankFilters().rank(fp, r, RankFilters.MEDIAN));
            }
        };
    }

    public static Method imageJGaussian() {
        return new Method() {
            public String name() {
                return "ImageJ Gaussian blur";
            }

            public double[] parameters(Condition c) {
                return new double[] {0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4};
            }

            public String parameterLabel() {
                return "σ=";
            }

            public FloatImage denoise(FloatImage noisy, double s) {
                return perPlane(noisy, fp -> new GaussianBlur().blurGaussian(fp, s));
            }
        };
    }

    /** Runs an ImageJ filter on each channel plane of a copy. */
    private static FloatImage perPlane(FloatImage img, Consumer<FloatProcessor> filter) {
        int area = img.width() * img.height();
        float[] out = new float[img.data().length];
        for (int c = 0; c < img.channels(); c++) {
            float[] plane = Arrays.copyOfRange(img.data(), c * area, (c + 1) * area);
            FloatProcessor fp = new FloatProcessor(img.width(), img.height(), plane);
            filter.accept(fp);
            System.arraycopy((float[]) fp.getPixels(), 0, out, c * area, area);
        }
        return new FloatImage(img.channels(), img.width(), img.height(), out);
    }

    /**
     * A Hush model through the runtime's tiled path, as users run it (noise level estimated when the model
     * takes one). A one-channel model on a colour image denoises each channel on its own.
     */
    public static Method model(String name, DenoiserModel model) throws HushException {
        return model(name, model, 1);
    }

    /** As {@link #model(String, DenoiserModel)}, averaging {@code ensemble} flipped and turned copies (1, 2, 4, 8). */
    public static Method model(String name, DenoiserModel model, int ensemble) throws HushException {
        ImageDenoiser d = new ImageDenoiser(model).withEnsemble(ensemble);
        return new Method() {
            public String name() {
                return name;
            }

            public FloatImage denoise(FloatImage noisy, double p) throws HushException {
                return d.denoiseEachChannel(noisy, ProgressListener.NONE);
            }
        };
    }

    /**
     * A noise-level model told the true noise level instead of estimating it (Gaussian sigma; for Poisson the
     * sigma that matches at mid grey): the ablation that shows what the runtime's estimate costs.
     */
    public static Method modelGivenSigma(String name, DenoiserModel model) throws HushException {
        ImageDenoiser d = new ImageDenoiser(model);
        return new Method() {
            public String name() {
                return name;
            }

            public double[] parameters(Condition c) {
                return new double[] {c.equivalentSigma()};
            }

            public String parameterLabel() {
                return "σ given ";
            }

            public FloatImage denoise(FloatImage noisy, double sigma) throws HushException {
                return d.withNoiseSigma(sigma).denoise(noisy, ProgressListener.NONE);
            }
        };
    }

    /** PSNR and SSIM (mean over channels) of an estimate clipped to 0–255. */
    public static Score score(FloatImage estimate, FloatImage clean) {
        float[] o = estimate.data().clone();
        for (int k = 0; k < o.length; k++) {
            o[k] = Math.max(0, Math.min(255, o[k]));
        }
        int area = clean.width() * clean.height();
        double ssim = 0;
        for (int c = 0; c < clean.channels(); c++) {
            ssim += ImageMetrics.ssim(Arrays.copyOfRange(o, c * area, (c + 1) * area),
                    Arrays.copyOfRange(clean.data(), c * area, (c + 1) * area), clean.width(), clean.height(), 255);
        }
        return new Score(ImageMetrics.psnr(o, clean.data(), 255), ssim / clean.channels());
    }

    /** The noisy copies of a set per condition, from the fixed seed. */
    public static Map<String, List<FloatImage>> corrupt(List<BenchImage> set, List<Condition> conditions) {
        Map<String, List<FloatImage>> noisy = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (Condition c : conditions) {
            List<FloatImage> list = new ArrayList<>();
            for (BenchImage b : set) {
                list.add(c.corrupt(b.clean(), rnd));
            }
            noisy.put(c.label(), list);
        }
        return noisy;
    }

    public static List<Row> run(List<Method> methods, List<Condition> conditions, List<BenchImage> set,
                                ProgressListener progress) throws HushException {
        if (set.isEmpty()) {
            throw new HushException("the benchmark set has no images");
        }
        Map<String, List<FloatImage>> noisy = corrupt(set, conditions);
        List<String> groups = groups(set);
        double setPixels = 0;
        for (BenchImage b : set) {
            setPixels += (double) b.clean().width() * b.clean().height();
        }
        List<Row> rows = new ArrayList<>();
        long steps = (long) methods.size() * conditions.size();
        long done = 0;
        for (Method m : methods) {
            Map<String, Map<String, Score>> scores = new LinkedHashMap<>();
            for (String g : groups) {
                scores.put(g, new LinkedHashMap<>());
            }
            Map<String, String> setting = new LinkedHashMap<>();
            double pixels = 0;
            double seconds = 0;
            // One untimed call first: ONNX Runtime's first run allocates its arena and picks kernels, which
            // a batch of files pays once, not per image. Without it the first image's ~0.2 s counts.
            m.denoise(noisy.get(conditions.get(0).label()).get(0), m.parameters(conditions.get(0))[0]);
            for (Condition c : conditions) {
                double best = Double.NEGATIVE_INFINITY;
                Score[] bestScores = null;
                double bestParam = Double.NaN;
                double bestSeconds = 0;
                for (double p : m.parameters(c)) {
                    List<FloatImage> inputs = noisy.get(c.label());
                    Score[] per = new Score[set.size()];
                    long t0 = System.nanoTime();
                    List<FloatImage> outs = new ArrayList<>();
                    for (FloatImage n : inputs) {
                        outs.add(m.denoise(n, p));
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double mean = 0;
                    for (int i = 0; i < outs.size(); i++) {
                        per[i] = score(outs.get(i), set.get(i).clean());
                        mean += per[i].psnr();
                    }
                    mean /= outs.size();
                    if (mean > best) {
                        best = mean;
                        bestScores = per;
                        bestParam = p;
                        bestSeconds = secs;
                    }
                }
                for (String g : groups) {
                    double psnr = 0;
                    double ssim = 0;
                    int n = 0;
                    for (int i = 0; i < set.size(); i++) {
                        if (g.equals(ALL) || set.get(i).group().equals(g)) {
                            psnr += bestScores[i].psnr();
                            ssim += bestScores[i].ssim();
                            n++;
                        }
                    }
                    scores.get(g).put(c.label(), new Score(psnr / n, ssim / n));
                }
                if (!Double.isNaN(bestParam)) {
                    setting.put(c.label(), m.parameterLabel() + fmt(bestParam));
                }
                pixels += setPixels;
                seconds += bestSeconds;
                progress.update(++done, steps);
            }
            rows.add(new Row(m.name(), scores, setting, seconds > 0 ? pixels / 1e6 / seconds : 0));
        }
        return rows;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }

    /** The rows' scores over every image as a markdown table: PSNR / SSIM per condition, then MPix/s. */
    public static String markdown(List<Row> rows, List<Condition> conditions) {
        return markdown(rows, conditions, ALL);
    }

    /** The rows' scores on one group as a markdown table; MPix/s (over every image) in the last column. */
    public static String markdown(List<Row> rows, List<Condition> conditions, String group) {
        StringBuilder sb = new StringBuilder("| method |");
        for (Condition c : conditions) {
            sb.append(' ').append(c.label()).append(" PSNR / SSIM |");
        }
        sb.append(" MPix/s |\n|---|");
        for (int i = 0; i <= conditions.size(); i++) {
            sb.append("---:|");
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append("| ").append(r.method()).append(" |");
            for (Condition c : conditions) {
                String setting = r.setting().get(c.label());
                Score s = r.score(group, c.label());
                sb.append(String.format(Locale.ROOT, " %.2f / %.3f%s |", s.psnr(), s.ssim(),
                        setting == null ? "" : " (" + setting + ")"));
            }
            sb.append(r.method().equals("noisy input") ? " – |" : String.format(Locale.ROOT, " %.2f |", r.mpixPerSecond()));
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A compact table of mean PSNR per group (rows: methods; columns: group × condition), for a quick look
     * at whether a method wins everywhere.
     */
    public static String groupTable(List<Row> rows, List<Condition> conditions, List<String> groups) {
        StringBuilder sb = new StringBuilder("| method |");
        for (String g : groups) {
            for (Condition c : conditions) {
                sb.append(' ').append(g).append(' ').append(c.label()).append(" |");
            }
        }
        sb.append("\n|---|").append("---:|".repeat(groups.size() * conditions.size())).append('\n');
        for (Row r : rows) {
            sb.append("| ").append(r.method()).append(" |");
            for (String g : groups) {
                for (Condition c : conditions) {
                    sb.append(String.format(Locale.ROOT, " %.2f |", r.score(g, c.label()).psnr()));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
