package dev.hush.trainer.image;

import dev.hush.trainer.TrainingProgress;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.AnomalyMap;
import dev.hush.runtime.image.FloatImage;
import dev.hush.trainer.image.data.CleanImages;
import dev.hush.trainer.image.data.Textures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.StringStringEntryProto;

/**
 * Calibration and measurement of anomaly autoencoders, through the runtime's own {@link AnomalyMap} on the
 * exported model (so the figures are what users get). Calibration: the 99th percentile of the smoothed
 * reconstruction error over held-apart normal images, stored as {@link ModelContract#ANOMALY_SCALE}. Measurement
 * on synthetic defects ({@link Textures#withDefect}): the per-image ROC AUC (score: the map's maximum; normal vs
 * defective images) and the per-pixel ROC AUC (map vs defect mask, over the defective images).
 */
public final class AnomalyEvaluation {
    /** Seed of the calibration and test images: no training seed is near it. */
    public static final long SEED = 20_261_203L;

    /**
     * Per-image and per-pixel ROC AUC, the number of normal and defective images, and the per-image AUC of each
     * defect kind alone (its defective images against all the normal ones).
     */
    public record Auc(double image, double pixel, int normal, int defective, java.util.Map<String, Double> imageByKind) {
        /** "spot 0.98, scratch 0.91, missing 0.80". */
        public String byKind() {
            return String.join(", ", imageByKind.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.3f",
                    e.getKey(), e.getValue())).toList());
        }
    }

    private AnomalyEvaluation() {
    }

    /**
     * The model with its calibration added: {@code val_images} (at least 8) normal images of {@code val_size}² from
     * {@code normal}, their uncalibrated maps' 99th percentile. On generated textures also measures the AUCs on
     * synthetic defects and records them in {@link ModelContract#METRICS}.
     */
    static ModelProto calibrated(ModelProto onnx, CleanImages normal, ImageTrainingConfig config,
                                 TrainingProgress progress) {
        int count = Math.max(8, config.getInt("val_images"));
        int size = config.getInt("val_size");
        try (DenoiserModel m = DenoiserModel.fromBytes(onnx.toByteArray(), config.get("name"),
                SessionConfig.defaults().withThreads(1))) {
            AnomalyMap raw = new AnomalyMap(m);
            SplittableRandom rnd = new SplittableRandom(SEED);
            List<float[]> maps = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < count; i++) {
                float[] map = raw.compute(gray(normal.generate(size, size, rnd), size), ProgressListener.NONE).map().data();
                maps.add(map);
                total += map.length;
            }
            float[] all = new float[total];
            int at = 0;
            for (float[] map : maps) {
                System.arraycopy(map, 0, all, at, map.length);
                at += map.length;
            }
            double scale = Math.max(1e-6, AnomalyMap.percentile(all, 99));
            progress.message(String.format(Locale.ROOT, "anomaly calibration: 99th percentile of the smoothed error on %d"
                    + " normal images = %.4g (normalised units)", count, scale));
            ModelProto out = withMetadata(onnx, ModelContract.ANOMALY_SCALE, String.format(Locale.ROOT, "%.6g", scale));
            if (normal instanceof Textures) {
                try (DenoiserModel cal = DenoiserModel.fromBytes(out.toByteArray(), config.get("name"),
                        SessionConfig.defaults().withThreads(1))) {
                    Auc auc = onTextures(cal, 24, size);
                    progress.message(String.format(Locale.ROOT, "anomaly AUC on synthetic defects: per image %.3f, per"
                            + " pixel %.3f (%d normal, %d defective textures); per image by kind: %s", auc.image(),
                            auc.pixel(), auc.normal(), auc.defective(), auc.byKind()));
                    String metrics = metadata(out, ModelContract.METRICS);
                    out = withMetadata(out, ModelContract.METRICS, (metrics == null ? "" : metrics + ";")
                            + String.format(Locale.ROOT, "anomaly_auc_image=%.3f;anomaly_auc_pixel=%.3f", auc.image(),
                            auc.pixel()));
                }
            }
            return out;
        } catch (HushException e) {
            throw new IllegalStateException("anomaly calibration failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@code n} normal and {@code n} defective textures of {@code size}² (each defect kind in turn), from
     * {@link #SEED}: the ROC AUCs of the model's maps.
     */
    public static Auc onTextures(DenoiserModel model, int n, int size) throws HushException {
        AnomalyMap am = new AnomalyMap(model);
        Textures tex = new Textures();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        double[] normalScores = new double[n];
        double[] defectScores = new double[n];
        List<float[]> defectMaps = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            normalScores[i] = am.compute(gray(tex.generate(size, size, rnd), size), ProgressListener.NONE).score();
            Textures.Defective d = Textures.withDefect(tex.generate(size, size, rnd), size, size,
                    Textures.DEFECTS.get(i % Textures.DEFECTS.size()), rnd);
            AnomalyMap.Result r = am.compute(gray(d.image(), size), ProgressListener.NONE);
            defectScores[i] = r.score();
            defectMaps.add(r.map().data());
            masks.add(d.mask());
        }
        int pixels = defectMaps.size() * size * size;
        double[] values = new double[pixels];
        boolean[] positive = new boolean[pixels];
        int k = 0;
        for (int i = 0; i < defectMaps.size(); i++) {
            for (int p = 0; p < size * size; p++, k++) {
                values[k] = defectMaps.get(i)[p];
                positive[k] = masks.get(i)[p] > 0;
            }
        }
        double[] scores = new double[2 * n];
        boolean[] labels = new boolean[2 * n];
        for (int i = 0; i < n; i++) {
            scores[i] = normalScores[i];
            scores[n + i] = defectScores[i];
            labels[n + i] = true;
        }
        java.util.Map<String, Double> byKind = new java.util.LinkedHashMap<>();
        for (int d = 0; d < Textures.DEFECTS.size(); d++) {
            List<Double> kindScores = new ArrayList<>();
            for (int i = d; i < n; i += Textures.DEFECTS.size()) {
                kindScores.add(defectScores[i]);
            }
            double[] s = new double[n + kindScores.size()];
            boolean[] l = new boolean[s.length];
            System.arraycopy(normalScores, 0, s, 0, n);
            for (int i = 0; i < kindScores.size(); i++) {
                s[n + i] = kindScores.get(i);
                l[n + i] = true;
            }
            byKind.put(Textures.DEFECTS.get(d), auc(s, l));
        }
        return new Auc(auc(scores, labels), auc(values, positive), n, n, byKind);
    }

    /** The ROC AUC: the probability that a random positive scores above a random negative (ties count half). */
    public static double auc(double[] scores, boolean[] positive) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // mean rank of the tied run, 1-based
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = scores.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    private static FloatImage gray(float[] unit, int size) {
        return FloatImage.gray(size, size, unit);
    }

    private static String metadata(ModelProto m, String key) {
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static ModelProto withMetadata(ModelProto m, String key, String value) {
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        boolean set = false;
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            if (e.getKey().equals(key)) {
                b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
                set = true;
            } else {
                b.addMetadataProps(e);
            }
        }
        if (!set) {
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        }
        return b.build();
    }
}
