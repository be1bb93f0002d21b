package dev.hush.runtime.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-Time Objective Intelligibility, written from the description in C. H. Taal, R. C. Hendriks,
 * R. Heusdens, J. Jensen, "An Algorithm for Intelligibility Prediction of Time–Frequency Weighted Noisy
 * Speech", IEEE Trans. Audio, Speech, Lang. Process. 19(7), 2011: both signals at 10 kHz; frames of 256
 * samples, 50 % overlap, Hann window, zero-padded to a 512-point FFT; frames more than 40 dB below the
 * clean signal's loudest frame dropped from both; 15 one-third-octave bands from a 150 Hz centre;
 * segments of 30 frames (384 ms); in each band and segment the processed envelope is scaled to the clean
 * one's energy and clipped at a signal-to-distortion ratio of β = −15 dB, then correlated with the clean
 * envelope; STOI is the mean correlation.
 */
final class Stoi {
    static final int RATE = 10_000;
    static final int FRAME = 256;
    static final int HOP = FRAME / 2;
    static final int FFT = 512;
    static final int BANDS = 15;
    static final double LOWEST_CENTRE = 150;
    static final int SEGMENT = 30;
    static final double BETA = -15;
    static final double DYNAMIC_RANGE = 40;
    private static final double EPS = 1e-20;

    private Stoi() {
    }

    static double of(float[] processed, float[] clean, int sampleRate) {
        if (processed.length != clean.length) {
            throw new IllegalArgumentException("signals differ in length: " + processed.length + " vs " + clean.length + " samples");
        }
        float[] x = clean;
        float[] y = processed;
        if (sampleRate != RATE) {
            Resampler toTen = new Resampler(sampleRate, RATE);
            x = toTen.resample(clean);
            y = toTen.resample(processed);
        }
        double[] window = window();
        double[][] voiced = withoutSilentFrames(x, y, window);
        double[][] xBands = bandEnvelopes(voiced[0], window);
        double[][] yBands = bandEnvelopes(voiced[1], window);
        int frames = xBands[0].length;
        if (frames < SEGMENT) {
            throw new IllegalArgumentException("STOI needs at least " + SEGMENT + " frames (about "
                    + (SEGMENT * HOP + FRAME) * 1000 / RATE + " ms) of speech within " + (int) DYNAMIC_RANGE
                    + " dB of its loudest frame, got " + frames + " frames");
        }
        double clip = 1 + Math.pow(10, -BETA / 20);
        double sum = 0;
        int count = 0;
        double[] yScaled = new double[SEGMENT];
        for (int end = SEGMENT; end <= frames; end++) {
            int start = end - SEGMENT;
            for (int j = 0; j < BANDS; j++) {
                double[] xb = xBands[j];
                double[] yb = yBands[j];
                double xNorm = 0;
                double yNorm = 0;
                for (int m = start; m < end; m++) {
                    xNorm += xb[m] * xb[m];
                    yNorm += yb[m] * yb[m];
                }
                double alpha = Math.sqrt(xNorm) / (Math.sqrt(yNorm) + EPS);
                for (int m = start; m < end; m++) {
                    yScaled[m - start] = Math.min(alpha * yb[m], clip * xb[m]);
                }
                sum += correlation(xb, start, yScaled);
                count++;
            }
        }
        return sum / count;
    }

    /** The symmetric Hann window without zero end points, as in the authors' reference implementation. */
    private static double[] window() {
        double[] w = new double[FRAME];
        for (int i = 0; i < FRAME; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 1) / (FRAME + 1));
        }
        return w;
    }

    /**
     * Frames of a signal: those that end before its last sample, as in the authors' reference implementation,
     * so that figures compare with published ones.
     */
    private static int frameCount(int length) {
        return length <= FRAME ? 0 : (length - FRAME - 1) / HOP + 1;
    }

    /**
     * Drops the frames whose clean energy is more than the dynamic range below the loudest clean frame, from
     * both signals, and overlap-adds the windowed frames that remain into two shorter signals.
     */
    private static double[][] withoutSilentFrames(float[] x, float[] y, double[] window) {
        int frames = frameCount(x.length);
        double[] energy = new double[frames];
        double loudest = 0;
        for (int f = 0; f < frames; f++) {
            double e = 0;
            for (int i = 0; i < FRAME; i++) {
                double v = window[i] * x[f * HOP + i];
                e += v * v;
            }
            energy[f] = e;
            loudest = Math.max(loudest, e);
        }
        if (!(loudest > 0)) {
            throw new IllegalArgumentException("STOI needs a clean signal that is not silent and at least " + FRAME
                    + " samples long at 10 kHz, got " + x.length + " samples" + (frames > 0 ? ", all silent" : ""));
        }
        double floor = loudest * Math.pow(10, -DYNAMIC_RANGE / 10); // energies, so 10·log10
        List<Integer> kept = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            if (energy[f] > floor) {
                kept.add(f);
            }
        }
        int length = (kept.size() - 1) * HOP + FRAME;
        double[] xs = new double[length];
        double[] ys = new double[length];
        for (int k = 0; k < kept.size(); k++) {
            int from = kept.get(k) * HOP;
            for (int i = 0; i < FRAME; i++) {
                xs[k * HOP + i] += window[i] * x[from + i];
                ys[k * HOP + i] += window[i] * y[from + i];
            }
        }
        return new double[][] {xs, ys};
    }

    /** One-third-octave band envelopes, bands × frames: sqrt of the summed power of the FFT bins in each band. */
    private static double[][] bandEnvelopes(double[] s, double[] window) {
        int frames = frameCount(s.length);
        int[][] bandBins = bandBins();
        double[][] bands = new double[BANDS][frames];
        DoubleFFT_1D fft = new DoubleFFT_1D(FFT);
        double[] buf = new double[FFT];
        double[] power = new double[FFT / 2 + 1];
        for (int f = 0; f < frames; f++) {
            Arrays.fill(buf, 0);
            for (int i = 0; i < FRAME; i++) {
                buf[i] = window[i] * s[f * HOP + i];
            }
            fft.realForward(buf);
            power[0] = buf[0] * buf[0];
            power[FFT / 2] = buf[1] * buf[1];
            for (int k = 1; k < FFT / 2; k++) {
                power[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
            }
            for (int j = 0; j < BANDS; j++) {
                double p = 0;
                for (int k = bandBins[j][0]; k < bandBins[j][1]; k++) {
                    p += power[k];
                }
                bands[j][f] = Math.sqrt(p);
            }
        }
        return bands;
    }

    /**
     * FFT bins of each band, {from, to} (to exclusive): the bins nearest to the band's edge frequencies,
     * 150·2^((2j − 1)/6) and 150·2^((2j + 1)/6) Hz for band j, so neighbouring bands share an edge.
     */
    static int[][] bandBins() {
        int[][] bins = new int[BANDS][];
        for (int j = 0; j < BANDS; j++) {
            bins[j] = new int[] {
                nearestBin(LOWEST_CENTRE * Math.pow(2, (2 * j - 1) / 6.0)),
                nearestBin(LOWEST_CENTRE * Math.pow(2, (2 * j + 1) / 6.0))
            };
        }
        return bins;
    }

    private static int nearestBin(double hz) {
        return (int) Math.round(hz * FFT / RATE);
    }

    /** Pearson correlation of {@code a[from .. from + n)} with {@code b[0 .. n)}. */
    private static double correlation(double[] a, int from, double[] b) {
        int n = b.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[from + i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[from + i] - ma;
            double db = b[i] - mb;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }
        return ab / (Math.sqrt(aa) * Math.sqrt(bb) + EPS);
    }
}
