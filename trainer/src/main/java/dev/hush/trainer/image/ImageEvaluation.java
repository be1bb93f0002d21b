package dev.hush.trainer.image;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.metrics.ImageMetrics;
import dev.hush.trainer.data.DeadLeaves;
import dev.hush.trainer.noise.GaussianNoise;
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
 * PSNR of a model beside the noisy input and ImageJ's median and Gaussian filters (each at the
 * radius that scores best at that noise level, which favours the filters), on a regenerable set
 * of dead-leaves images drawn from a seed the trainer never uses. Images are on the 0–255 scale,
 * noise is unclipped Gaussian.
 */
public final class ImageEvaluation {
    public static final long SEED = 20_261_123L;
    private static final double[] MEDIAN_RADII = {0.5, 1, 1.5, 2, 2.5, 3, 4, 5};
    private static final double[] GAUSS_SIGMAS = {0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4};

    /** One method's PSNR per sigma (dB), and its chosen parameter per sigma. */
    public record Row(String method, Map<Double, Double> psnr, Map<Double, String> setting) {
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

    public static List<Row> run(DenoiserModel model, String modelLabel, int count, int size, double[] sigmas)
            throws HushException {
        List<float[]> clean = images(count, size);
        Map<Double, List<float[]>> noisy = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (double s : sigmas) {
            List<float[]> list = new ArrayList<>();
            for (float[] c : clean) {
                list.add(GaussianNoise.apply(c, s, false, rnd));
            }
            noisy.put(s, list);
        }
        Row noisyRow = new Row("noisy input", new LinkedHashMap<>(), new LinkedHashMap<>());
        Row median = new Row("ImageJ median (best radius)", new LinkedHashMap<>(), new LinkedHashMap<>());
        Row gauss = new Row("ImageJ Gaussian blur (best sigma)", new LinkedHashMap<>(), new LinkedHashMap<>());
        Row ours = new Row(modelLabel, new LinkedHashMap<>(), new LinkedHashMap<>());
        ImageDenoiser denoiser = new ImageDenoiser(model);
        for (double s : sigmas) {
            List<float[]> n = noisy.get(s);
            noisyRow.psnr().put(s, mean(n, clean));
            best(median, s, n, clean, MEDIAN_RADII, (fp, r) -> new RankFilters().rank(fp, r, RankFilters.MEDIAN), "r=");
            best(gauss, s, n, clean, GAUSS_SIGMAS, (fp, r) -> new GaussianBlur().blurGaussian(fp, r), "sigma=");
            List<float[]> out = new ArrayList<>();
            for (float[] img : n) {
                out.add(denoiser.denoise(FloatImage.gray(size, size, img), ProgressListener.NONE).data());
            }
            ours.psnr().put(s, mean(out, clean));
        }
        return List.of(noisyRow, median, gauss, ours);
    }

    private interface Filter {
        void apply(FloatProcessor fp, double param);
    }

    private static void best(Row row, double sigma, List<float[]> noisy, List<float[]> clean, double[] params, Filter f,
                             String label) {
        double bestPsnr = Double.NEGATIVE_INFINITY;
        double bestParam = params[0];
        for (double p : params) {
            List<float[]> out = new ArrayList<>();
            for (float[] img : noisy) {
                int size = (int) Math.round(Math.sqrt(img.length));
                FloatProcessor fp = new FloatProcessor(size, size, img.clone());
                f.apply(fp, p);
                out.add((float[]) fp.getPixels());
            }
            double psnr = mean(out, clean);
            if (psnr > bestPsnr) {
                bestPsnr = psnr;
                bestParam = p;
            }
        }
        row.psnr().put(sigma, bestPsnr);
        row.setting().put(sigma, label + bestParam);
    }

    private static double mean(List<float[]> est, List<float[]> ref) {
        double sum = 0;
        for (int i = 0; i < est.size(); i++) {
            sum += ImageMetrics.psnr(est.get(i), ref.get(i), 255);
        }
        return sum / est.size();
    }

    /** The rows as a markdown table. */
    public static String markdown(List<Row> rows, double[] sigmas) {
        StringBuilder sb = new StringBuilder("| method |");
        for (double s : sigmas) {
            sb.append(String.format(Locale.ROOT, " σ=%.0f |", s));
        }
        sb.append("\n|---|");
        for (int i = 0; i < sigmas.length; i++) {
            sb.append("---:|");
        }
        sb.append('\n');
        for (Row r : rows) {
            sb.append("| ").append(r.method()).append(" |");
            for (double s : sigmas) {
                String setting = r.setting().get(s);
                sb.append(String.format(Locale.ROOT, " %.2f%s |", r.psnr().get(s), setting == null ? "" : " (" + setting + ")"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
