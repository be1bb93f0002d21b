package dev.hush.trainer.image;

import dev.hush.runtime.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The training curve (PNG) and a short markdown report, written beside the model. */
public final class TrainingReport {
    private TrainingReport() {
    }

    public static void write(Path modelFile, ImageTrainingConfig config, ImageTrainer.Result r) throws IOException {
        String base = modelFile.getFileName().toString().replaceFirst("\\.onnx$", "");
        Path png = modelFile.resolveSibling(base + ".training.png");
        Path md = modelFile.resolveSibling(base + ".training.md");
        BufferedImage curve = plot(r.history());
        AtomicFile.write(png, tmp -> {
            if (!ImageIO.write(curve, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
        StringBuilder sb = new StringBuilder("# Training report: ").append(config.name()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%d steps in %.0f s (%.1f patches/s, %.1f GFLOP/s). Kept epoch %s. Export check:"
                + " max |DJL − ONNX Runtime| = %.2e.%n%n", r.steps(), r.seconds(), r.patchesPerSecond(), r.gflops(),
                r.bestEpoch() > 0 ? Integer.toString(r.bestEpoch()) : "last (no validation reference)", r.exportMaxDiff()));
        // Networks with a bottleneck also show its mean activity: what the sparse key pushes down.
        boolean code = r.history().stream().anyMatch(e -> !Double.isNaN(e.bottleneckActivity()));
        sb.append("![training curve](").append(png.getFileName()).append(")\n\n| epoch | train loss | validation PSNR (dB) | validation SSIM | time (s) |")
                .append(code ? " bottleneck activity |\n|---:|---:|---:|---:|---:|---:|\n" : "\n|---:|---:|---:|---:|---:|\n");
        for (ImageTrainer.Epoch e : r.history()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.5f | %s | %s | %.0f |", e.epoch(), e.trainLoss(),
                    Double.isNaN(e.valPsnr()) ? "n/a" : String.format(Locale.ROOT, "%.2f", e.valPsnr()),
                    Double.isNaN(e.valSsim()) ? "n/a" : String.format(Locale.ROOT, "%.4f", e.valSsim()), e.seconds()));
            sb.append(code ? String.format(Locale.ROOT, " %.4f |%n", e.bottleneckActivity()) : System.lineSeparator());
        }
        sb.append("\n## Recipe\n\n```properties\n").append(config.toRecipe()).append("```\n");
        AtomicFile.write(md, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Loss (log scale, left) and validation PSNR (right) per epoch. */
    static BufferedImage plot(List<ImageTrainer.Epoch> history) {
        int w = 640;
        int h = 360;
        int left = 70;
        int right = 70;
        int top = 30;
        int bottom = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int n = history.size();
        if (n == 0) {
            g.dispose();
            return img;
        }
        double lmin = Double.MAX_VALUE;
        double lmax = -Double.MAX_VALUE;
        double pmin = Double.MAX_VALUE;
        double pmax = -Double.MAX_VALUE;
        for (ImageTrainer.Epoch e : history) {
            double l = Math.log10(Math.max(1e-12, e.trainLoss()));
            lmin = Math.min(lmin, l);
            lmax = Math.max(lmax, l);
            if (!Double.isNaN(e.valPsnr())) {
                pmin = Math.min(pmin, e.valPsnr());
                pmax = Math.max(pmax, e.valPsnr());
            }
        }
        if (lmax - lmin < 1e-6) {
            lmax = lmin + 1;
        }
        boolean hasPsnr = pmin <= pmax;
        if (hasPsnr && pmax - pmin < 0.1) {
            pmax = pmin + 0.1;
        }
        int pw = w - left - right;
        int ph = h - top - bottom;
        int[] xs = new int[n];
        for (int i = 0; i < n; i++) {
            xs[i] = left + (n == 1 ? pw / 2 : i * pw / (n - 1));
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(new Color(200, 60, 40));
        for (int i = 0; i < n; i++) {
            double l = Math.log10(Math.max(1e-12, history.get(i).trainLoss()));
            int y = top + (int) ((lmax - l) / (lmax - lmin) * ph);
            g.fillOval(xs[i] - 3, y - 3, 6, 6);
            if (i > 0) {
                double lp = Math.log10(Math.max(1e-12, history.get(i - 1).trainLoss()));
                g.drawLine(xs[i - 1], top + (int) ((lmax - lp) / (lmax - lmin) * ph), xs[i], y);
            }
        }
        g.drawString(String.format(Locale.ROOT, "loss %.2g", Math.pow(10, lmax)), 4, top + 10);
        g.drawString(String.format(Locale.ROOT, "%.2g", Math.pow(10, lmin)), 4, top + ph);
        if (hasPsnr) {
            g.setColor(new Color(40, 90, 200));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < n; i++) {
                double p = history.get(i).valPsnr();
                if (Double.isNaN(p)) {
                    continue;
                }
                int y = top + (int) ((pmax - p) / (pmax - pmin) * ph);
                g.fillRect(xs[i] - 3, y - 3, 6, 6);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, xs[i], y);
                }
                prevX = xs[i];
                prevY = y;
            }
            g.drawString(String.format(Locale.ROOT, "%.2f dB", pmax), w - right + 4, top + 10);
            g.drawString(String.format(Locale.ROOT, "%.2f dB", pmin), w - right + 4, top + ph);
        }
        g.setColor(Color.BLACK);
        g.drawString("epoch 1 … " + history.get(n - 1).epoch() + "   (red: training loss, log scale; blue: validation PSNR)",
                left, h - 12);
        g.dispose();
        return img;
    }
}
