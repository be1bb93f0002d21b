package dev.hush.audio;

import dev.hush.runtime.audio.StreamingStft;
import dev.hush.runtime.io.AtomicFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A log-magnitude spectrogram of a stream, built as the samples go by (the runtime's {@link StreamingStft},
 * 512-point periodic Hann, hop 256) with bounded memory: at most {@value #MAX_COLUMNS} columns, each the mean
 * power of consecutive frames (when the stream grows past that, neighbouring columns are merged).
 * {@link #write} draws several one above the other on one dB scale, as a PNG: {@link Pair} (a file before and after
 * denoising, for {@code hush audio --spectrogram}) and the benchmark's figure use it, so Hush draws spectrograms
 * one way.
 */
public final class SpectrogramImage {
    static final int MAX_COLUMNS = 1600;
    static final int N_FFT = 512;
    static final int HOP = 256;
    private static final double RANGE_DB = 90;

    private final StreamingStft stft = new StreamingStft(N_FFT, HOP);
    private final int bins = N_FFT / 2 + 1;
    private final List<double[]> columns = new ArrayList<>();
    private int framesPerColumn = 1;
    private double[] current = new double[bins];
    private int inCurrent;

    /** Adds samples to the stream. */
    public void add(float[] x, int off, int len) {
        stft.push(x, off, len, this::frame);
    }

    private void frame(long index, float[] re, float[] im) {
        for (int b = 0; b < bins; b++) {
            current[b] += (double) re[b] * re[b] + (double) im[b] * im[b];
        }
        if (++inCurrent == framesPerColumn) {
            for (int b = 0; b < bins; b++) {
                current[b] /= framesPerColumn;
            }
            columns.add(current);
            current = new double[bins];
            inCurrent = 0;
            if (columns.size() >= 2 * MAX_COLUMNS) {
                merge();
            }
        }
    }

    private void merge() {
        List<double[]> merged = new ArrayList<>();
        for (int i = 0; i + 1 < columns.size(); i += 2) {
            double[] a = columns.get(i);
            double[] b = columns.get(i + 1);
            for (int k = 0; k < bins; k++) {
                a[k] = (a[k] + b[k]) / 2;
            }
            merged.add(a);
        }
        columns.clear();
        columns.addAll(merged);
        framesPerColumn *= 2;
    }

    private List<double[]> finish() {
        stft.flush(this::frame);
        if (inCurrent > 0) {
            for (int b = 0; b < bins; b++) {
                current[b] /= inCurrent;
            }
            columns.add(current);
            current = new double[bins];
            inCurrent = 0;
        }
        List<double[]> db = new ArrayList<>();
        for (double[] c : columns) {
            double[] d = new double[bins];
            for (int b = 0; b < bins; b++) {
                d[b] = 10 * Math.log10(c[b] + 1e-20);
            }
            db.add(d);
        }
        return db;
    }

    /** The spectrograms of a file's first channel before and after denoising. */
    record Pair(SpectrogramImage before, SpectrogramImage after, int sampleRate) {
        static Pair of(int sampleRate) {
            return new Pair(new SpectrogramImage(), new SpectrogramImage(), sampleRate);
        }

        /** Writes both, "before" above "after", as a PNG (atomically). */
        void write(Path png, String title) throws IOException {
            SpectrogramImage.write(png, List.of(before, after), List.of("before: " + title, "after"), sampleRate);
        }
    }

    /**
     * Writes the spectrograms of {@code panels} one above the other, each under its label, on one dB scale (the
     * loudest bin of all at the top of a {@value #RANGE_DB} dB range), as a PNG (atomically). Ends their streams.
     */
    public static void write(Path png, List<SpectrogramImage> panels, List<String> labels, int sampleRate)
            throws IOException {
        List<List<double[]>> all = new ArrayList<>();
        double top = -200;
        int w = 1;
        for (SpectrogramImage p : panels) {
            List<double[]> cols = p.finish();
            all.add(cols);
            w = Math.max(w, cols.size());
            for (double[] c : cols) {
                for (double v : c) {
                    top = Math.max(top, v);
                }
            }
        }
        int bins = N_FFT / 2 + 1;
        int label = 18;
        BufferedImage img = new BufferedImage(w, all.size() * (bins + label), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < all.size(); i++) {
            int y0 = i * (bins + label) + label;
            draw(img, all.get(i), y0, top, bins);
            g.setColor(Color.WHITE);
            g.drawString(labels.get(i) + (i == 0 ? String.format(Locale.ROOT, " (0–%d Hz, %.0f dB range)",
                    sampleRate / 2, RANGE_DB) : ""), 4, y0 - 5);
        }
        g.dispose();
        AtomicFile.write(png, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    private static void draw(BufferedImage img, List<double[]> cols, int y0, double top, int bins) {
        for (int x = 0; x < cols.size(); x++) {
            double[] c = cols.get(x);
            for (int k = 0; k < bins; k++) {
                double t = Math.max(0, Math.min(1, (c[k] - (top - RANGE_DB)) / RANGE_DB));
                img.setRGB(x, y0 + bins - 1 - k, colour(t));
            }
        }
    }

    /** Black → purple → orange → pale yellow. */
    private static int colour(double t) {
        double[][] stops = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};
        double p = t * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) p);
        double f = p - i;
        int r = (int) Math.round(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]));
        int gr = (int) Math.round(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]));
        int bl = (int) Math.round(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]));
        return r << 16 | gr << 8 | bl;
    }
}
