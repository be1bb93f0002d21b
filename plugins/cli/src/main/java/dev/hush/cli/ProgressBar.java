package dev.hush.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar with rate and ETA. On a terminal it redraws in place; when
 * output goes to a file or a CI log it prints a plain line every 10 % instead of a stream of
 * carriage returns.
 */
final class ProgressBar {
    private static final int WIDTH = 28;
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private String suffix = "";

    ProgressBar(PrintStream out, String label, String unit) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.interactive = System.console() != null && !"true".equals(System.getenv("CI"));
    }

    /** Extra text after the bar (loss, PSNR…). */
    void suffix(String s) {
        this.suffix = s;
    }

    synchronized void update(long done, long total) {
        long now = System.nanoTime();
        double secs = (now - startNanos) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        double frac = total > 0 ? Math.min(1, (double) done / total) : 0;
        String eta = done > 0 && done < total ? " ETA " + time((total - done) / rate) : "";
        if (interactive) {
            if (done < total && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = (int) Math.round(frac * WIDTH);
            String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
            out.printf(Locale.ROOT, "\r%s [%s] %3.0f%% %d/%d %s %.1f %s/s%s %s\u001b[K", label, bar, frac * 100, done, total,
                    unit, rate, unit, eta, suffix);
            if (done >= total) {
                out.println();
            }
        } else {
            // Logs (no terminal): a line per tenth of the work, and at least one a minute on long runs.
            int decile = (int) Math.floor(frac * 10);
            if (decile != lastDecile || done >= total && lastDecile != 10 || now - lastDraw > 60_000_000_000L) {
                lastDecile = decile;
                lastDraw = now;
                out.printf(Locale.ROOT, "%s %3.0f%% %d/%d %s, %.1f %s/s%s %s%n", label, frac * 100, done, total, unit, rate,
                        unit, eta, suffix);
            }
        }
        out.flush();
    }

    static String time(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
