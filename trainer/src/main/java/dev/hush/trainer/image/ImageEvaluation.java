package dev.hush.trainer.image;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.metrics.ImageMetrics;
import dev.hush.trainer.data.DeadLeaves;
import dev.hush.trainer.noise.GaussianNoise;
import dev.hush.trainer.noise.PoissonGaussianNoise;
import ij.plugin.filter.GaussianBlur;
import ij.plugin.filter.RankFilters;
import ij.process.FloatProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compares denoisers on a regenerable validation set: dead-leaves images drawn from a seed the
 * trainer never uses, corrupted per {@link Condition}, rounded and clipped to 8 bit as a camera
 * file would be. Each method may have a parameter (a filter radius, NLM's h); it gets the value
 * that scores best on these very images at each condition, which favours the baselines. Reports
 * mean PSNR and SSIM (peak 255) and throughput.
 */
public final class ImageEvaluation {
    public static final long SEED = 20_261_123L;

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

        float[] denoise(float[] noisy, int width, int height, double parameter) throws HushException;
    }

    /** One method's scores per condition label. */
    public record Row(String method, Map<String, Double> psnr, Map<String, Double> ssim, Map<String, String> setting,
                      double mpixPerSecond) {
    }

    private ImageEvaluation() {
    }

    /** The validation images (clean, 0–255). */
    public static List<float[]> images(int count, int size) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        DeadLeaves gen = DeadLeaves.standard();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] img = gen.generate(size, size, rnd);
            for (int k = 0; k < img.length; k++) {
                img[k] *= 255f;
            }
            out.add(img);
        }
        return out;
    }

    public static Method noisyInput() {
        return new Method() {
            public String name() {
                return "noisy input";
            }

            public float[] denoise(float[] noisy, int w, int h, double p) {
                return noisy.clone();
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

            public float[] denoise(float[] noisy, int w, int h, double r) {
                FloatProcessor fp = new FloatProcessor(w, h, noisy.clone());
                new RankFilters().rank(fp, r, RankFilters.MEDIAN);
                return (float[]) fp.getPixels();
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

            public float[] denoise(float[] noisy, int w, int h, double s) {
                FloatProcessor fp = new FloatProcessor(w, h, noisy.clone());
                new GaussianBlur().blurGaussian(fp, s);
                return (float[]) fp.getPixels();
            }
        };
    }

    /** A Hush model through the runtime's tiled path, as users run it. */
    public static Method model(String name, DenoiserModel model) throws HushException {
        ImageDenoiser d = new ImageDenoiser(model);
        return new Method() {
            public String name() {
                return name;
            }

            public float[] denoise(float[] noisy, int w, int h, double p) throws HushException {
                return d.denoise(FloatImage.gray(w, h, noisy), ProgressListener.NONE).data();
            }
        };
    }

    public static List<Row> run(List<Method> methods, List<Condition> conditions, int count, int size,
                                ProgressListener progress) throws HushException {
        List<float[]> clean = images(count, size);
        Map<String, List<float[]>> noisy = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (Condition c : conditions) {
            List<float[]> list = new ArrayList<>();
            for (float[] img : clean) {
                list.add(c.corrupt(img, rnd));
            }
            noisy.put(c.label(), list);
        }
        List<Row> rows = new ArrayList<>();
        long steps = (long) methods.size() * conditions.size();
        long done = 0;
        for (Method m : methods) {
            Row row = new Row(m.name(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), 0);
            double pixels = 0;
            double seconds = 0;
            // One untimed call first: ONNX Runtime's first run allocates its arena and picks kernels, which
            // a batch of files pays once, not per image. Without it the first image's ~0.2 s counts.
            float[] warm = noisy.get(conditions.get(0).label()).get(0);
            m.denoise(warm, size, size, m.parameters(conditions.get(0))[0]);
            for (Condition c : conditions) {
                double best = Double.NEGATIVE_INFINITY;
                double bestSsim = 0;
                double bestParam = Double.NaN;
                double bestSeconds = 0;
                for (double p : m.parameters(c)) {
                    double psnr = 0;
                    double ssim = 0;
                    long t0 = System.nanoTime();
                    List<float[]> outs = new ArrayList<>();
                    for (float[] n : noisy.get(c.label())) {
                        outs.add(m.denoise(n, size, size, p));
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    for (int i = 0; i < outs.size(); i++) {
                        float[] o = outs.get(i);
                        for (int k = 0; k < o.length; k++) {
                            o[k] = Math.max(0, Math.min(255, o[k]));
                        }
                        psnr += ImageMetrics.psnr(o, clean.get(i), 255);
                        ssim += ImageMetrics.ssim(o, clean.get(i), size, size, 255);
                    }
                    psnr /= outs.size();
                    if (psnr > best) {
                        best = psnr;
                        bestSsim = ssim / outs.size();
                        bestParam = p;
                        bestSeconds = secs;
                    }
                }
                row.psnr().put(c.label(), best);
                row.ssim().put(c.label(), bestSsim);
                if (!Double.isNaN(bestParam)) {
                    row.setting().put(c.label(), m.parameterLabel() + fmt(bestParam));
                }
                pixels += (double) count * size * size;
                seconds += bestSeconds;
                progress.update(++done, steps);
            }
            rows.add(new Row(row.method(), row.psnr(), row.ssim(), row.setting(), seconds > 0 ? pixels / 1e6 / seconds : 0));
        }
        return rows;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }

    /** The rows as a markdown table: PSNR / SSIM per condition, then MPix/s. */
    public static String markdown(List<Row> rows, List<Condition> conditions) {
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
                sb.append(String.format(Locale.ROOT, " %.2f / %.3f%s |", r.psnr().get(c.label()), r.ssim().get(c.label()),
                        setting == null ? "" : " (" + setting + ")"));
            }
            sb.append(r.method().equals("noisy input") ? " – |" : String.format(Locale.ROOT, " %.2f |", r.mpixPerSecond()));
            sb.append('\n');
        }
        return sb.toString();
    }
}
