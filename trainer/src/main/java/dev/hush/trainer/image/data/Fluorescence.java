package dev.hush.trainer.image.data;

import java.util.SplittableRandom;

/**
 * Fluorescence-microscopy-like images: a dark, slightly uneven background with Gaussian blobs
 * (nuclei, vesicles, spots of many sizes and brightnesses) and thin bright filaments (random smooth
 * curves blurred to a width of one to three pixels, like actin or microtubules). Values in [0, 1],
 * mostly dark, as fluorescence images are.
 */
public final class Fluorescence implements CleanImages {
    @Override
    public float[] generate(int width, int height, SplittableRandom rnd) {
        float[] img = new float[width * height];
        double base = rnd.nextDouble(0.02, 0.15);
        double gx = rnd.nextDouble(-0.05, 0.05) / width;
        double gy = rnd.nextDouble(-0.05, 0.05) / height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img[y * width + x] = (float) (base + gx * x + gy * y);
            }
        }
        double area = (double) width * height;
        int blobs = (int) Math.max(1, area / rnd.nextDouble(300, 2500));
        for (int i = 0; i < blobs; i++) {
            double sigma = Math.exp(rnd.nextDouble(Math.log(0.8), Math.log(9)));
            double aspect = Math.exp(rnd.nextDouble(-0.5, 0.5));
            blob(img, width, height, rnd.nextDouble(width), rnd.nextDouble(height), sigma * aspect, sigma / aspect,
                    rnd.nextDouble(Math.PI), rnd.nextDouble(0.1, 0.8), rnd);
        }
        int filaments = (int) Math.max(0, area / rnd.nextDouble(1500, 8000));
        for (int i = 0; i < filaments; i++) {
            filament(img, width, height, rnd);
        }
        for (int i = 0; i < img.length; i++) {
            img[i] = Math.max(0f, Math.min(1f, img[i]));
        }
        return img;
    }

    private static void blob(float[] img, int w, int h, double cx, double cy, double sx, double sy, double theta,
                             double amp, SplittableRandom rnd) {
        // Some blobs are hollow (vesicles): a ring rather than a disc.
        boolean ring = rnd.nextDouble() < 0.1 && Math.min(sx, sy) > 2.5;
        double reach = 3.5 * Math.max(sx, sy) + 1;
        int x0 = Math.max(0, (int) (cx - reach));
        int x1 = Math.min(w - 1, (int) (cx + reach));
        int y0 = Math.max(0, (int) (cy - reach));
        int y1 = Math.min(h - 1, (int) (cy + reach));
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double u = (dx * c + dy * s) / sx;
                double v = (-dx * s + dy * c) / sy;
                double r2 = u * u + v * v;
                double val = ring ? 0.6 * Math.exp(-Math.pow(Math.sqrt(r2) - 1.5, 2) * 2) : Math.exp(-r2 / 2);
                img[y * w + x] += (float) (amp * val);
            }
        }
    }

    private static void filament(float[] img, int w, int h, SplittableRandom rnd) {
        double x = rnd.nextDouble(w);
        double y = rnd.nextDouble(h);
        double angle = rnd.nextDouble(2 * Math.PI);
        double turn = rnd.nextDouble(-0.012, 0.012); // gentle curvature: radii of 60 px and more
        double width = rnd.nextDouble(0.6, 1.5);
        double amp = rnd.nextDouble(0.15, 0.6);
        int steps = (int) rnd.nextDouble(30, 4 * Math.max(w, h));
        int r = (int) Math.ceil(3 * width);
        for (int k = 0; k < steps; k++) {
            angle += turn + rnd.nextDouble(-0.02, 0.02);
            x += Math.cos(angle) * 0.7;
            y += Math.sin(angle) * 0.7;
            if (x < -r || y < -r || x > w + r || y > h + r) {
                break;
            }
            for (int yy = (int) y - r; yy <= (int) y + r; yy++) {
                for (int xx = (int) x - r; xx <= (int) x + r; xx++) {
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
                        continue;
                    }
                    double d2 = (xx - x) * (xx - x) + (yy - y) * (yy - y);
                    // Each step adds a little, so the line's brightness does not depend on its step length.
                    img[yy * w + xx] += (float) (amp * 0.3 * Math.exp(-d2 / (2 * width * width)));
                }
            }
        }
    }

    @Override
    public String describe() {
        return "built-in fluorescence-like generator (hush-trainer Fluorescence: blobs, rings and filaments)";
    }
}
