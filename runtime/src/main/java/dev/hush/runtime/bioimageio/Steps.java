package dev.hush.runtime.bioimageio;

import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.IntensityMap;
import dev.hush.runtime.image.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A bioimage.io package's preprocessing and postprocessing, fitted to each image or volume as a whole (statistics
 * over all its values, all channels together) before Hush tiles it, so that every tile sees the same map.
 *
 * <p>Preprocessing of linear steps and clips reduces to {@code clamp(a·v + b)}, applied per pixel as tiles are cut:
 * {@code scale_linear}, {@code clip}, {@code scale_range} (per sample, percentiles of the values as the steps before
 * left them) and {@code zero_mean_unit_variance} (per sample or with fixed mean and std). Postprocessing runs on the
 * whole output: the same steps, {@code sigmoid}, and {@code scale_range} / {@code scale_mean_variance} with the input
 * as {@code reference_tensor} (the input's raw values; what restores the input's intensities).
 */
final class Steps implements Function<List<FloatImage>, IntensityMap> {
    /** One step: its name and keyword arguments as the package gives them. */
    record Step(String name, Map<String, Object> kwargs) {
    }

    private final List<Step> pre;
    private final List<Step> post;
    private final String inputName;

    Steps(List<Step> pre, List<Step> post, String inputName) throws ModelFormatException {
        this.pre = pre;
        this.post = post;
        this.inputName = inputName;
        for (Step s : pre) {
            check(s, true);
        }
        for (Step s : post) {
            check(s, false);
        }
    }

    private void check(Step s, boolean isPre) throws ModelFormatException {
        String where = (isPre ? "preprocessing" : "postprocessing") + " step '" + s.name() + "'";
        switch (s.name()) {
            case "scale_linear", "clip", "ensure_dtype" -> { }
            case "scale_range", "zero_mean_unit_variance", "fixed_zero_mean_unit_variance", "scale_mean_variance" -> {
                String mode = string(s, "mode", "per_sample");
                if (!mode.equals("per_sample") && !mode.equals("fixed")) {
                    throw new ModelFormatException(where + " has mode '" + mode + "'; Hush computes statistics per"
                            + " sample (the image or volume it is given) or takes fixed ones, not per dataset");
                }
                Object ref = s.kwargs().get("reference_tensor");
                if (ref != null && !ref.toString().equals(inputName)) {
                    throw new ModelFormatException(where + " refers to tensor '" + ref + "'; Hush knows the input '"
                            + inputName + "' only");
                }
                if (s.name().equals("scale_mean_variance") && (isPre || ref == null)) {
                    throw new ModelFormatException(where + " needs the input as reference_tensor, after the network");
                }
                if (isPre && ref != null) {
                    throw new ModelFormatException(where + ": a reference_tensor before the network is not supported");
                }
            }
            case "sigmoid" -> {
                if (isPre) {
                    throw new ModelFormatException(where + " is not supported before the network");
                }
            }
            default -> throw new ModelFormatException(where + " is not supported; Hush runs scale_linear, clip,"
                    + " scale_range, zero_mean_unit_variance, scale_mean_variance and (after the network) sigmoid");
        }
        if (s.kwargs().get("gain") instanceof List<?> || s.kwargs().get("offset") instanceof List<?>
                || s.kwargs().get("mean") instanceof List<?> || s.kwargs().get("std") instanceof List<?>) {
            if (!allSame(s.kwargs().get("gain")) || !allSame(s.kwargs().get("offset")) || !allSame(s.kwargs().get("mean"))
                    || !allSame(s.kwargs().get("std"))) {
                throw new ModelFormatException(where + " has per-channel values; Hush applies one value to all channels");
            }
        }
    }

    private static boolean allSame(Object o) {
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            return true;
        }
        return l.stream().map(x -> x instanceof Number n ? n.doubleValue() : Double.NaN).distinct().count() == 1
                && l.get(0) instanceof Number;
    }

    static double number(Step s, String key, double fallback) {
        Object o = s.kwargs().get(key);
        if (o instanceof List<?> l && !l.isEmpty()) {
            o = l.get(0);
        }
        return o instanceof Number n ? n.doubleValue() : fallback;
    }

    private static String string(Step s, String key, String fallback) {
        Object o = s.kwargs().get(key);
        return o == null ? fallback : o.toString();
    }

    @Override
    public IntensityMap apply(List<FloatImage> planes) {
        List<float[]> raw = new ArrayList<>();
        for (FloatImage p : planes) {
            raw.add(p.data());
        }
        float[] sample = Normalization.sample(raw);
        double a = 1;
        double b = 0;
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (Step s : pre) {
            double g;
            double o;
            switch (s.name()) {
                case "clip" -> {
                    lo = Math.max(lo, number(s, "min", Double.NEGATIVE_INFINITY));
                    hi = Math.min(hi, number(s, "max", Double.POSITIVE_INFINITY));
                    continue;
                }
                case "scale_linear" -> {
                    g = number(s, "gain", 1);
                    o = number(s, "offset", 0);
                }
                case "scale_range" -> {
                    double[] p = percentiles(mapped(sample, a, b, lo, hi), s);
                    double eps = number(s, "eps", 1e-6);
                    g = 1 / (p[1] - p[0] + eps);
                    o = -p[0] * g;
                }
                case "zero_mean_unit_variance", "fixed_zero_mean_unit_variance" -> {
                    double[] ms = s.kwargs().containsKey("mean") ? new double[] {number(s, "mean", 0), number(s, "std", 1)}
                            : meanStd(mapped(sample, a, b, lo, hi));
                    double eps = number(s, "eps", 1e-6);
                    g = 1 / (ms[1] + eps);
                    o = -ms[0] * g;
                }
                default -> {
                    continue; // ensure_dtype: Hush works in float32 throughout
                }
            }
            a *= g;
            b = b * g + o;
            double l2 = lo * g + o;
            double h2 = hi * g + o;
            lo = Math.min(l2, h2);
            hi = Math.max(l2, h2);
        }
        return new Fitted(a, b, lo, hi, sample);
    }

    /** The sample's values through clamp(a·v + b). */
    private static float[] mapped(float[] sample, double a, double b, double lo, double hi) {
        float[] m = new float[sample.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) Math.max(lo, Math.min(hi, a * sample[i] + b));
        }
        return m;
    }

    private static double[] percentiles(float[] values, Step s) {
        Normalization n = Normalization.percentile(values, number(s, "min_percentile", 0),
                number(s, "max_percentile", 100));
        return new double[] {n.low(), n.high()};
    }

    private static double[] meanStd(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        int n = Math.max(1, values.length);
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(Math.max(0, sq / n - mean * mean))};
    }

    /** The preprocessing fitted to one image or volume, and the postprocessing that follows the network. */
    private final class Fitted implements IntensityMap {
        private final double a;
        private final double b;
        private final double lo;
        private final double hi;
        private final float[] inputSample;

        Fitted(double a, double b, double lo, double hi, float[] inputSample) {
            this.a = a;
            this.b = b;
            this.lo = lo;
            this.hi = hi;
            this.inputSample = inputSample;
        }

        @Override
        public float apply(float v) {
            return (float) Math.max(lo, Math.min(hi, a * v + b));
        }

        @Override
        public void restore(List<float[]> outputs, List<float[]> inputs) {
            for (Step s : post) {
                boolean ref = s.kwargs().get("reference_tensor") != null;
                switch (s.name()) {
                    case "scale_linear" -> affine(outputs, number(s, "gain", 1), number(s, "offset", 0));
                    case "clip" -> {
                        double mn = number(s, "min", Double.NEGATIVE_INFINITY);
                        double mx = number(s, "max", Double.POSITIVE_INFINITY);
                        for (float[] o : outputs) {
                            for (int i = 0; i < o.length; i++) {
                                o[i] = (float) Math.max(mn, Math.min(mx, o[i]));
                            }
                        }
                    }
                    case "sigmoid" -> {
                        for (float[] o : outputs) {
                            for (int i = 0; i < o.length; i++) {
                                o[i] = (float) (1 / (1 + Math.exp(-o[i])));
                            }
                        }
                    }
                    case "scale_range" -> {
                        double[] p = percentiles(ref ? inputSample : Normalization.sample(outputs), s);
                        double eps = number(s, "eps", 1e-6);
                        double g = 1 / (p[1] - p[0] + eps);
                        affine(outputs, g, -p[0] * g);
                    }
                    case "zero_mean_unit_variance", "fixed_zero_mean_unit_variance" -> {
                        double[] ms = s.kwargs().containsKey("mean")
                                ? new double[] {number(s, "mean", 0), number(s, "std", 1)}
                                : meanStd(Normalization.sample(outputs));
                        double g = 1 / (ms[1] + number(s, "eps", 1e-6));
                        affine(outputs, g, -ms[0] * g);
                    }
                    case "scale_mean_variance" -> {
                        double eps = number(s, "eps", 1e-6);
                        double[] own = meanStd(Normalization.sample(outputs));
                        double[] target = meanStd(inputSample);
                        double g = (target[1] + eps) / (own[1] + eps);
                        affine(outputs, g, target[0] - own[0] * g);
                    }
                    default -> { }
                }
            }
        }

        private void affine(List<float[]> outputs, double g, double o) {
            for (float[] y : outputs) {
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) (y[i] * g + o);
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "pre %s, post %s", pre.stream().map(Step::name).toList(),
                post.stream().map(Step::name).toList());
    }
}
