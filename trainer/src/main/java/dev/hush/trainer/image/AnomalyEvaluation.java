package dev.hush.trainer.image;

import dev.hush.trainer.TrainingProgress;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.audio.AudioAnomaly;
import dev.hush.runtime.audio.Stft;
import dev.hush.runtime.image.AnomalyMap;
import dev.hush.runtime.image.FloatImage;
import dev.hush.trainer.audio.MachineSounds;
import dev.hush.trainer.audio.SpectrogramImages;
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

    /** How far from the edges the calibration has a scale per distance (mirrored borders reconstruct worse). */
    public static final int EDGE_WIDTH = 32;

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
        int count = Math.max(8, config.valImages());
        int size = config.valSize();
        // A model calibrated before (recalibration) is measured raw.
        onnx = without(onnx, ModelContract.ANOMALY_SCALE, ModelContract.ANOMALY_EDGE_SCALE,
                ModelContract.ANOMALY_FRAME_SCALE);
        try (DenoiserModel m = DenoiserModel.fromBytes(onnx.toByteArray(), config.name(),
                SessionConfig.defaults().withThreads(1))) {
            AnomalyMap raw = new AnomalyMap(m);
            SplittableRandom rnd = new SplittableRandom(SEED);
            int edges = Math.min(EDGE_WIDTH, size / 4);
            List<List<Float>> byDistance = new ArrayList<>();
            for (int d = 0; d <= edges; d++) {
                byDistance.add(new ArrayList<>());
            }
            for (int i = 0; i < count; i++) {
                float[] map = raw.compute(gray(normal.generate(size, size, rnd), size), ProgressListener.NONE).map().data();
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int d = Math.min(Math.min(x, y), Math.min(size - 1 - x, size - 1 - y));
                        byDistance.get(Math.min(d, edges)).add(map[y * size + x]);
                    }
                }
            }
            // Inside (at least 'edges' px from every edge): one scale; nearer, one per distance, never below it.
            double scale = Math.max(1e-6, AnomalyMap.percentile(floats(byDistance.get(edges)), 99));
            StringBuilder edge = new StringBuilder();
            double worst = scale;
            for (int d = 0; d < edges; d++) {
                double e = Math.max(scale, AnomalyMap.percentile(floats(byDistance.get(d)), 99));
                worst = Math.max(worst, e);
                edge.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5g", e));
            }
            progress.message(String.format(Locale.ROOT, "anomaly calibration: 99th percentile of the smoothed error on %d"
                    + " normal images = %.4g (normalised units) at least %d px from the edges, up to %.4g nearer (one"
                    + " scale per distance)", count, scale, edges, worst));
            ModelProto out = withMetadata(onnx, ModelContract.ANOMALY_SCALE, String.format(Locale.ROOT, "%.6g", scale));
            if (edges > 0) {
                out = withMetadata(out, ModelContract.ANOMALY_EDGE_SCALE, edge.toString());
            }
            if (normal instanceof SpectrogramImages sounds) {
                out = calibratedFrames(out, sounds, config, progress);
            }
            if (normal instanceof Textures) {
                try (DenoiserModel cal = DenoiserModel.fromBytes(out.toByteArray(), config.name(),
                        SessionConfig.defaults().withThreads(1))) {
                    Auc auc = onTextures(cal, 24, size);
                    progress.message(String.format(Locale.ROOT, "anomaly AUC on synthetic defects: per image %.3f, per"
                            + " pixel %.3f (%d normal, %d defective textures); per image by kind: %s", auc.image(),
                            auc.pixel(), auc.normal(), auc.defective(), auc.byKind()));
                    out = withMetrics(out, String.format(Locale.ROOT, "anomaly_auc_image=%.3f;anomaly_auc_pixel=%.3f",
                            auc.image(), auc.pixel()));
                }
            }
            return out;
        } catch (HushException e) {
            throw new IllegalStateException("anomaly calibration failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sound models: the frame calibration ({@link ModelContract#ANOMALY_FRAME_SCALE}, the 99th percentile of normal
     * frames' highest map value) over whole held-apart normal recordings (8 new recordings of the generated
     * machine, or the recordings of {@code val_data}); for generated machines also the AUCs on machines with anomalies.
     */
    private static ModelProto calibratedFrames(ModelProto onnx, SpectrogramImages sounds, ImageTrainingConfig config,
                                               TrainingProgress progress) throws HushException {
        boolean machines = config.valData().isBlank() ? config.data().equals("machines")
                : config.valData().equals("machines");
        List<FloatImage> normals = new ArrayList<>();
        if (machines) {
            SplittableRandom rnd = new SplittableRandom(SEED + 2);
            Stft stft = new Stft(SpectrogramImages.N_FFT, SpectrogramImages.HOP);
            for (int i = 0; i < 8; i++) {
                normals.add(AudioAnomaly.spectrogramImage(stft, MachineSounds.normal(6, rnd).samples()));
            }
        } else {
            normals.addAll(sounds.images());
        }
        List<float[]> frames = new ArrayList<>();
        int total = 0;
        try (DenoiserModel m = DenoiserModel.fromBytes(onnx.toByteArray(), config.name(),
                SessionConfig.defaults().withThreads(1))) {
            AudioAnomaly a = new AudioAnomaly(m);
            for (FloatImage img : normals) {
                float[] f = a.score(img, ProgressListener.NONE).frameScores();
                frames.add(f);
                total += f.length;
            }
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] f : frames) {
            System.arraycopy(f, 0, all, at, f.length);
            at += f.length;
        }
        double scale = Math.max(1e-6, AnomalyMap.percentile(all, 99));
        progress.message(String.format(Locale.ROOT, "frame calibration: 99th percentile of %d normal frames' highest map"
                + " value = %.4g", total, scale));
        ModelProto out = withMetadata(onnx, ModelContract.ANOMALY_FRAME_SCALE, String.format(Locale.ROOT, "%.6g", scale));
        if (machines) {
            try (DenoiserModel cal = DenoiserModel.fromBytes(out.toByteArray(), config.name(),
                    SessionConfig.defaults().withThreads(1))) {
                Auc auc = onMachines(cal, 24, 6);
                progress.message(String.format(Locale.ROOT, "anomaly AUC on generated machines: per recording %.3f, per"
                        + " frame %.3f (%d normal, %d with an anomaly); per recording by kind: %s", auc.image(),
                        auc.pixel(), auc.normal(), auc.defective(), auc.byKind()));
                out = withMetrics(out, String.format(Locale.ROOT, "anomaly_auc_recording=%.3f;anomaly_auc_frame=%.3f",
                        auc.image(), auc.pixel()));
            }
        }
        return out;
    }

    /**
     * {@code n} normal machines and {@code n} with an anomaly (each kind in turn), {@code seconds} long, from
     * {@link #SEED} + 3: per-recording AUC (the highest frame score) in {@code image}, per-frame AUC (frames of the
     * anomalous recordings, a frame counting as anomalous when its centre lies in the anomaly) in {@code pixel}.
     */
    public static Auc onMachines(DenoiserModel model, int n, double seconds) throws HushException {
        return onMachines(model, n, seconds, SEED + 3);
    }

    /** As {@link #onMachines(DenoiserModel, int, double)} with recordings from another seed (a second test set). */
    public static Auc onMachines(DenoiserModel model, int n, double seconds, long seed) throws HushException {
        AudioAnomaly a = new AudioAnomaly(model);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] normalScores = new double[n];
        double[] anomalyScores = new double[n];
        List<Double> frameValues = new ArrayList<>();
        List<Boolean> frameLabels = new ArrayList<>();
        int hop = SpectrogramImages.HOP;
        for (int i = 0; i < n; i++) {
            normalScores[i] = a.compute(MachineSounds.normal(seconds, rnd).samples(), MachineSounds.RATE,
                    ProgressListener.NONE).score();
            MachineSounds.Recording r = MachineSounds.anomalous(seconds, MachineSounds.ANOMALIES.get(
                    i % MachineSounds.ANOMALIES.size()), rnd);
            AudioAnomaly.Result res = a.compute(r.samples(), MachineSounds.RATE, ProgressListener.NONE);
            anomalyScores[i] = res.score();
            float[] f = res.frameScores();
            for (int t = 0; t < f.length; t++) {
                int centre = t * hop;
                frameValues.add((double) f[t]);
                frameLabels.add(centre < r.anomalous().length && r.anomalous()[centre]);
            }
        }
        double[] values = new double[frameValues.size()];
        boolean[] positive = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = frameValues.get(i);
            positive[i] = frameLabels.get(i);
        }
        return new Auc(pairAuc(normalScores, anomalyScores, 0, 1), auc(values, positive), n, n,
                byKind(normalScores, anomalyScores, MachineSounds.ANOMALIES));
    }

    /** AUC of normal vs the positives {@code from}, {@code from + step}, … */
    private static double pairAuc(double[] normal, double[] positives, int from, int step) {
        List<Double> pos = new ArrayList<>();
        for (int i = from; i < positives.length; i += step) {
            pos.add(positives[i]);
        }
        double[] s = new double[normal.length + pos.size()];
        boolean[] l = new boolean[s.length];
        System.arraycopy(normal, 0, s, 0, normal.length);
        for (int i = 0; i < pos.size(); i++) {
            s[normal.length + i] = pos.get(i);
            l[normal.length + i] = true;
        }
        return auc(s, l);
    }

    /** Per-kind AUC when positive {@code i} is of kind {@code i % kinds.size()}. */
    private static java.util.Map<String, Double> byKind(double[] normal, double[] positives, List<String> kinds) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int d = 0; d < kinds.size(); d++) {
            out.put(kinds.get(d), pairAuc(normal, positives, d, kinds.size()));
        }
        return out;
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
        return new Auc(auc(scores, labels), auc(values, positive), n, n, byKind(normalScores, defectScores,
                Textures.DEFECTS));
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

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
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

    /** The model's metrics with {@code added} in place of any earlier anomaly AUCs (a recalibration measures anew). */
    private static ModelProto withMetrics(ModelProto m, String added) {
        String metrics = metadata(m, ModelContract.METRICS);
        List<String> kept = new ArrayList<>();
        if (metrics != null) {
            for (String item : metrics.split(";")) {
                if (!item.isBlank() && !item.startsWith("anomaly_auc_")) {
                    kept.add(item);
                }
            }
        }
        kept.add(added);
        return withMetadata(m, ModelContract.METRICS, String.join(";", kept));
    }

    private static ModelProto without(ModelProto m, String... keys) {
        java.util.Set<String> drop = java.util.Set.of(keys);
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            if (!drop.contains(e.getKey())) {
                b.addMetadataProps(e);
            }
        }
        return b.build();
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
