package dev.hush.runtime.image;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import java.util.Arrays;

/**
 * Anomaly maps from an autoencoder trained on normal images only: it reconstructs what it has seen and fails on
 * what it has not. The map is the reconstruction error per pixel (mean absolute difference over channels, in the
 * model's normalised units, so it does not depend on the image's intensity scale), smoothed with a Gaussian of
 * {@value #SMOOTHING_SIGMA} px so that single noisy pixels do not count, and divided by the model's calibration
 * ({@link ModelContract#ANOMALY_SCALE}): 1.0 is the 99th percentile of normal pixels. Near the edges, where the
 * network sees a mirrored border and reconstructs worse, each distance from the edge has its own calibration
 * ({@link ModelContract#ANOMALY_EDGE_SCALE}), so that a normal image's border does not outscore a defect inside it
 * while a defect on the border still shows. The image's score is the map's maximum. The reconstruction runs through {@link ImageDenoiser}'s tiled path, as denoising does.
 */
public final class AnomalyMap {
    public static final double SMOOTHING_SIGMA = 2.0;

    /** The map (one channel, same size as the image), the image's score (the map's maximum), and whether calibrated. */
    public record Result(FloatImage map, double score, boolean calibrated) {
    }

    private final ImageDenoiser denoiser;
    private final ModelContract contract;
    private final double scale;
    private final double[] edge;
    private final double sigma;

    public AnomalyMap(DenoiserModel model) throws HushException {
        this(model, SMOOTHING_SIGMA);
    }

    /** With another smoothing (Gaussian sigma in pixels; the calibration was made with {@value #SMOOTHING_SIGMA}). */
    public AnomalyMap(DenoiserModel model, double sigma) throws HushException {
        if (!(sigma > 0 && sigma <= 64)) {
            throw new HushException("smoothing sigma must lie in (0, 64] pixels, got " + sigma);
        }
        this.sigma = sigma;
        this.denoiser = new ImageDenoiser(model);
        this.contract = model.contract();
        String s = contract.get(ModelContract.ANOMALY_SCALE, "");
        double v = Double.NaN;
        if (!s.isBlank()) {
            try {
                v = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0 && Double.isFinite(v))) {
                throw new HushException("the model '" + contract.name() + "' has " + ModelContract.ANOMALY_SCALE + " = '"
                        + s + "', which is not a positive number; retrain it or remove the key");
            }
        }
        this.scale = v;
        this.edge = edgeScales(contract, v);
    }

    /** The per-distance calibration near the edges, or none (an empty array). */
    private static double[] edgeScales(ModelContract contract, double scale) throws HushException {
        String s = contract.get(ModelContract.ANOMALY_EDGE_SCALE, "");
        if (s.isBlank()) {
            return new double[0];
        }
        String[] parts = s.split(",");
        if (parts.length > 64 || Double.isNaN(scale)) {
            throw new HushException("the model '" + contract.name() + "' has " + ModelContract.ANOMALY_EDGE_SCALE + " with "
                    + parts.length + " values" + (Double.isNaN(scale) ? " but no " + ModelContract.ANOMALY_SCALE : "")
                    + "; at most 64 positive numbers with the scale itself are allowed: retrain it or remove the key");
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = Double.NaN;
            }
            if (!(out[i] > 0 && Double.isFinite(out[i]))) {
                throw new HushException("the model '" + contract.name() + "' has " + ModelContract.ANOMALY_EDGE_SCALE
                        + " = '" + s + "': value " + (i + 1) + " is not a positive number; retrain it or remove the key");
            }
        }
        return out;
    }

    /** True when the model carries its calibration; without it the map is the raw smoothed error. */
    public boolean calibrated() {
        return !Double.isNaN(scale);
    }

    public Result compute(FloatImage image, ProgressListener progress) throws HushException {
        FloatImage recon = denoiser.denoise(image, progress);
        float[] raw = error(image, recon, Normalization.fit(contract, image));
        int w = image.width();
        int h = image.height();
        double[] smooth = ImageMetrics.blur(raw, w, h, ImageMetrics.gaussian(sigma, (int) Math.ceil(3 * sigma)));
        float[] map = new float[raw.length];
        double div = calibrated() ? scale : 1;
        double max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int d = Math.min(Math.min(x, y), Math.min(w - 1 - x, h - 1 - y));
                map[i] = (float) (smooth[i] / (d < edge.length ? edge[d] : div));
                max = Math.max(max, map[i]);
            }
        }
        return new Result(FloatImage.gray(w, h, map), max, calibrated());
    }

    /** Mean absolute difference over channels, in the normalised units of {@code norm}. */
    static float[] error(FloatImage image, FloatImage recon, Normalization norm) {
        int area = image.width() * image.height();
        double range = norm.high() - norm.low();
        float[] e = new float[area];
        for (int c = 0; c < image.channels(); c++) {
            for (int i = 0; i < area; i++) {
                e[i] += (float) (Math.abs(image.data()[c * area + i] - recon.data()[c * area + i]) / range);
            }
        }
        for (int i = 0; i < area; i++) {
            e[i] /= image.channels();
        }
        return e;
    }

    /** The {@code p}-th percentile (0–100) of values, by sorting a copy. */
    public static double percentile(float[] values, double p) {
        float[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.round(p / 100 * (s.length - 1))));
        return s[i];
    }
}
