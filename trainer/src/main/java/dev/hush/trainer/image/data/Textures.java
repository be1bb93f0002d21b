package dev.hush.trainer.image.data;

import java.util.SplittableRandom;

/**
 * Defect-free textures for anomaly detection, like woven fabric or machined surfaces seen in inspection: two
 * crossing sinusoidal gratings (periods 6–12 px, orientations random but about 60–120° apart) with a slow
 * illumination gradient and fine grain, values in [0.15, 0.85]. {@link #withDefect} injects the defects an
 * inspection model must find: a spot, a scratch, or a patch of missing structure, and returns where it is.
 */
public final class Textures implements CleanImages {
    /** The kinds of defect {@link #withDefect} makes. */
    public static final java.util.List<String> DEFECTS = java.util.List.of("spot", "scratch", "missing");

    /** An image with a defect and the defect's mask (1 inside). */
    public record Defective(float[] image, float[] mask, String kind) {
    }

    @Override
    public float[] generate(int width, int height, SplittableRandom rnd) {
        double a1 = rnd.nextDouble(0, Math.PI);
        double a2 = a1 + rnd.nextDouble(Math.PI / 3, 2 * Math.PI / 3);
        double f1 = 2 * Math.PI / rnd.nextDouble(6, 12);
        double f2 = 2 * Math.PI / rnd.nextDouble(6, 12);
        double p1 = rnd.nextDouble(0, 2 * Math.PI);
        double p2 = rnd.nextDouble(0, 2 * Math.PI);
        double w2 = rnd.nextDouble(0.5, 1);
        double gx = rnd.nextDouble(-0.1, 0.1) / Math.max(1, width);
        double gy = rnd.nextDouble(-0.1, 0.1) / Math.max(1, height);
        double contrast = rnd.nextDouble(0.12, 0.2);
        float[] img = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double g1 = Math.sin(f1 * (x * Math.cos(a1) + y * Math.sin(a1)) + p1);
                double g2 = Math.sin(f2 * (x * Math.cos(a2) + y * Math.sin(a2)) + p2);
                double v = 0.5 + contrast * (g1 + w2 * g2) / (1 + w2) * 2 + gx * (x - width / 2.0) + gy * (y - height / 2.0)
                        + 0.01 * gaussian(rnd);
                img[y * width + x] = (float) Math.max(0.15, Math.min(0.85, v));
            }
        }
        return img;
    }

    @Override
    public String describe() {
        return "textures (two crossing sinusoidal gratings, periods 6-12 px, with a slow gradient and grain)";
    }

    /** A copy of {@code clean} (width × height) with one defect of a random kind (or {@code kind} when given). */
    public static Defective withDefect(float[] clean, int width, int height, String kind, SplittableRandom rnd) {
        String k = kind != null ? kind : DEFECTS.get(rnd.nextInt(DEFECTS.size()));
        float[] img = clean.clone();
        float[] mask = new float[clean.length];
        int margin = Math.min(width, height) / 5;
        int cx = rnd.nextInt(margin, width - margin);
        int cy = rnd.nextInt(margin, height - margin);
        switch (k) {
            case "spot" -> {
                double r = rnd.nextDouble(3, 7);
                float level = rnd.nextBoolean() ? 0.05f : 0.95f;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double d = Math.hypot(x - cx, y - cy);
                        if (d <= r) {
                            img[y * width + x] = level;
                            mask[y * width + x] = 1;
                        }
                    }
                }
            }
            case "scratch" -> {
                double angle = rnd.nextDouble(0, Math.PI);
                double half = rnd.nextDouble(12, 30);
                float level = rnd.nextBoolean() ? 0.05f : 0.95f;
                for (double t = -half; t <= half; t += 0.25) {
                    int x = (int) Math.round(cx + t * Math.cos(angle));
                    int y = (int) Math.round(cy + t * Math.sin(angle));
                    for (int dy = 0; dy <= 1; dy++) {
                        int yy = y + dy;
                        if (x >= 0 && x < width && yy >= 0 && yy < height) {
                            img[yy * width + x] = level;
                            mask[yy * width + x] = 1;
                        }
                    }
                }
            }
            case "missing" -> {
                int half = rnd.nextInt(6, 13);
                double mean = 0;
                int n = 0;
                for (int y = cy - half; y <= cy + half; y++) {
                    for (int x = cx - half; x <= cx + half; x++) {
                        if (x >= 0 && x < width && y >= 0 && y < height) {
                            mean += clean[y * width + x];
                            n++;
                        }
                    }
                }
                float flat = (float) (mean / Math.max(1, n));
                for (int y = cy - half; y <= cy + half; y++) {
                    for (int x = cx - half; x <= cx + half; x++) {
                        if (x >= 0 && x < width && y >= 0 && y < height) {
                            img[y * width + x] = flat;
                            mask[y * width + x] = 1;
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown defect '" + k + "'; use " + String.join(", ", DEFECTS));
        }
        return new Defective(img, mask, k);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
