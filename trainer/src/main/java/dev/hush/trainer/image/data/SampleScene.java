package dev.hush.trainer.image.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The demo's clean sample image, drawn rather than photographed so that its origin is plain: a
 * dead-leaves quarter (natural-image statistics), a resolution chart of ever finer line pairs,
 * lettering, and smooth gradients, 8-bit grayscale. Run {@code main} to regenerate
 * {@code models/samples/demo-scene.png}.
 */
public final class SampleScene {
    private SampleScene() {
    }

    public static BufferedImage draw(int size, long seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int half = size / 2;
        // Top left: dead leaves.
        float[] leaves = DeadLeaves.standard().generate(half, half, new SplittableRandom(seed));
        for (int y = 0; y < half; y++) {
            for (int x = 0; x < half; x++) {
                int v = Math.round(40 + 180 * leaves[y * half + x]);
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        // Top right: a smooth gradient with soft discs.
        g.setPaint(new GradientPaint(half, 0, new Color(30, 30, 30), size, half, new Color(220, 220, 220)));
        g.fillRect(half, 0, half, half);
        for (int i = 0; i < 5; i++) {
            int r = half / 10 + i * half / 25;
            int gray = 60 + 35 * i;
            g.setColor(new Color(gray, gray, gray));
            g.fillOval(half + half / 10 + i * half / 6, half / 6 + (i % 2) * half / 3, r, r);
        }
        // Bottom left: resolution chart, line pairs from 8 px to 1 px wide.
        g.setColor(new Color(200, 200, 200));
        g.fillRect(0, half, half, half);
        g.setColor(new Color(40, 40, 40));
        int x = 8;
        for (int w = 8; w >= 1; w--) {
            for (int k = 0; k < 4; k++) {
                g.fillRect(x, half + 16, w, half / 2 - 24);
                x += 2 * w;
            }
            x += 6;
        }
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < 12; i++) {
            double a = Math.PI * i / 12;
            int cx = half / 2;
            int cy = half + 3 * half / 4;
            int r = half / 5;
            g.drawLine(cx, cy, cx + (int) (r * Math.cos(a)), cy - (int) (r * Math.sin(a)));
        }
        // Bottom right: lettering on a mid-grey field.
        g.setColor(new Color(110, 110, 110));
        g.fillRect(half, half, half, half);
        g.setColor(new Color(235, 235, 235));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size / 7));
        g.drawString("Hush", half + size / 24, half + size / 5);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, size / 28));
        g.drawString("denoising autoencoders", half + size / 24, half + size / 5 + size / 16);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, size / 42));
        g.drawString("0123456789 small print", half + size / 24, half + size / 5 + size / 9);
        g.dispose();
        return img;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "models/samples/demo-scene.png");
        ImageIO.write(draw(512, 42), "png", out.toFile());
        System.out.println("wrote " + out);
    }
}
