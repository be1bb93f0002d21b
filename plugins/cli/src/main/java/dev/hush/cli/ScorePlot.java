package dev.hush.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of an anomaly score over time: the score as a line, the calibrated threshold 1.0 (the 99th percentile of
 * normal frames) dashed in red, seconds along the bottom. Drawn headless with Java2D.
 */
final class ScorePlot {
    static final int WIDTH = 900;
    static final int HEIGHT = 260;
    private static final int LEFT = 52;
    private static final int RIGHT = 16;
    private static final int TOP = 26;
    private static final int BOTTOM = 34;

    private ScorePlot() {
    }

    /** The PNG bytes for {@code scores}, one per frame, {@code frameSeconds} apart. */
    static byte[] png(float[] scores, double frameSeconds, String title) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int pw = WIDTH - LEFT - RIGHT;
        int ph = HEIGHT - TOP - BOTTOM;
        double max = 1.5;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        max = niceCeiling(max);
        double seconds = Math.max(frameSeconds, scores.length * frameSeconds);
        g.setColor(new Color(235, 235, 235));
        double yStep = max / 4;
        for (int i = 0; i <= 4; i++) {
            int y = TOP + ph - (int) Math.round(ph * i * yStep / max);
            g.drawLine(LEFT, y, LEFT + pw, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 4; i++) {
            int y = TOP + ph - (int) Math.round(ph * i * yStep / max);
            String label = String.format(Locale.ROOT, yStep < 1 ? "%.2f" : "%.1f", i * yStep);
            g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        double tStep = niceCeiling(seconds / 8);
        for (double t = 0; t <= seconds + 1e-9; t += tStep) {
            int x = LEFT + (int) Math.round(pw * t / seconds);
            g.drawLine(x, TOP + ph, x, TOP + ph + 4);
            String label = String.format(Locale.ROOT, tStep < 1 ? "%.1f" : "%.0f", t);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 16);
        }
        g.drawString("seconds", LEFT + pw - 44, HEIGHT - 4);
        g.drawString(title, LEFT, TOP - 8);
        int threshold = TOP + ph - (int) Math.round(ph / max);
        g.setColor(new Color(200, 30, 30));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(LEFT, threshold, LEFT + pw, threshold);
        g.drawString("1.0 = 99th percentile of normal", LEFT + pw - 180, threshold - 4);
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(new Color(20, 70, 160));
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < scores.length; i++) {
            int x = LEFT + (int) Math.round(pw * (i + 0.5) * frameSeconds / seconds);
            int y = TOP + ph - (int) Math.round(ph * Math.min(max, scores[i]) / max);
            if (prevX >= 0) {
                g.drawLine(prevX, prevY, x, y);
            }
            prevX = x;
            prevY = y;
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v - 1e-12) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
