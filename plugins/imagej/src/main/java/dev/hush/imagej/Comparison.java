package dev.hush.imagej;

import dev.hush.runtime.HushException;
import dev.hush.runtime.image.ImageMetrics;
import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.TextRoi;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;

/**
 * A noisy image, its denoised version and optionally the ground truth, plane by plane: the panels noisy, denoised,
 * noisy − denoised (and ground truth) side by side, and with a ground truth the PSNR and SSIM of the noisy and the
 * denoised image against it. RGB planes are compared colour by colour (the difference panel shows their mean).
 */
final class Comparison {
    /** Gap between montage panels, in pixels. */
    static final int GAP = 4;
    static final String DIFFERENCE = "noisy − denoised";

    /**
     * One plane's figures against the ground truth. PSNR uses {@code peak}: 255 for 8-bit and RGB, the ground truth's
     * range (max − min) for 16- and 32-bit; SSIM the same dynamic range (Wang et al. 2004, 11×11 Gaussian window).
     */
    record PlaneMetrics(int plane, double peak, double psnrNoisy, double psnrDenoised, double ssimNoisy,
                        double ssimDenoised) {
    }

    private final ImagePlus noisy;
    private final ImagePlus denoised;
    private final ImagePlus truth;
    private final int width;
    private final int height;
    private final boolean rgb;

    private Comparison(ImagePlus noisy, ImagePlus denoised, ImagePlus truth) {
        this.noisy = noisy;
        this.denoised = denoised;
        this.truth = truth;
        this.width = noisy.getWidth();
        this.height = noisy.getHeight();
        this.rgb = noisy.getBitDepth() == 24;
    }

    /** Checks that the images match pixel for pixel (size, planes, RGB or not); {@code truth} may be null. */
    static Comparison of(ImagePlus noisy, ImagePlus denoised, ImagePlus truth) throws HushException {
        for (ImagePlus other : truth == null ? List.of(denoised) : List.of(denoised, truth)) {
            if (other.getWidth() != noisy.getWidth() || other.getHeight() != noisy.getHeight()
                    || other.getStackSize() != noisy.getStackSize()
                    || (other.getBitDepth() == 24) != (noisy.getBitDepth() == 24)) {
                throw new HushException("'" + other.getTitle() + "' (" + shape(other) + ") does not match the noisy image '"
                        + noisy.getTitle() + "' (" + shape(noisy) + "); compared images need the same width, height and"
                        + " number of planes, and all RGB or all grayscale");
            }
        }
        return new Comparison(noisy, denoised, truth);
    }

    private static String shape(ImagePlus imp) {
        return imp.getWidth() + "×" + imp.getHeight() + "×" + imp.getStackSize() + ", " + (imp.getBitDepth() == 24 ? "RGB"
                : imp.getBitDepth() + "-bit");
    }

    int planes() {
        return noisy.getStackSize();
    }

    List<String> panelNames() {
        List<String> names = new ArrayList<>(List.of("noisy", "denoised", DIFFERENCE));
        if (truth != null) {
            names.add("ground truth");
        }
        return names;
    }

    /** Plane {@code index} (1-based) as values; an RGB plane as its three colours one after another. */
    private float[] values(ImagePlus imp, int index) {
        ImageProcessor ip = imp.getStack().getProcessor(index);
        int n = width * height;
        float[] v = new float[rgb ? 3 * n : n];
        for (int i = 0; i < n; i++) {
            if (rgb) {
                int c = ip.get(i);
                v[i] = (c >> 16) & 0xff;
                v[n + i] = (c >> 8) & 0xff;
                v[2 * n + i] = c & 0xff;
            } else {
                v[i] = ip.getf(i);
            }
        }
        return v;
    }

    /** Noisy − denoised; for RGB the mean of the three colours' differences. */
    float[] difference(int index) {
        float[] a = values(noisy, index);
        float[] b = values(denoised, index);
        int n = width * height;
        float[] d = new float[n];
        int colours = rgb ? 3 : 1;
        for (int c = 0; c < colours; c++) {
            for (int i = 0; i < n; i++) {
                d[i] += (a[c * n + i] - b[c * n + i]) / colours;
            }
        }
        return d;
    }

    /** PSNR and SSIM of each plane against the ground truth; empty without one. */
    List<PlaneMetrics> metrics() {
        List<PlaneMetrics> rows = new ArrayList<>();
        if (truth == null) {
            return rows;
        }
        int n = width * height;
        for (int index = 1; index <= planes(); index++) {
            float[] a = values(noisy, index);
            float[] b = values(denoised, index);
            float[] t = values(truth, index);
            double peak = rgb || noisy.getBitDepth() == 8 ? 255 : range(t);
            double ssimA = 0;
            double ssimB = 0;
            int colours = rgb ? 3 : 1;
            for (int c = 0; c < colours; c++) {
                float[] tc = slice(t, c, n);
                ssimA += ImageMetrics.ssim(slice(a, c, n), tc, width, height, peak) / colours;
                ssimB += ImageMetrics.ssim(slice(b, c, n), tc, width, height, peak) / colours;
            }
            rows.add(new PlaneMetrics(index, peak, ImageMetrics.psnr(a, t, peak), ImageMetrics.psnr(b, t, peak), ssimA,
                    ssimB));
        }
        return rows;
    }

    private static float[] slice(float[] v, int colour, int n) {
        if (v.length == n) {
            return v;
        }
        float[] s = new float[n];
        System.arraycopy(v, colour * n, s, 0, n);
        return s;
    }

    private static double range(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        return max > min ? max - min : 1;
    }

    /** Half-width of the difference panels' grey scale: three standard deviations of the difference, at least 1e-6. */
    private double differenceRange() {
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (int index = 1; index <= planes(); index++) {
            for (float f : difference(index)) {
                sum += f;
                sq += (double) f * f;
                count++;
            }
        }
        double mean = sum / count;
        return Math.max(1e-6, 3 * Math.sqrt(Math.max(0, sq / count - mean * mean)));
    }

    /** The display range of plane {@code index} of the noisy image (its channel's, for a composite). */
    private double[] displayRange(int index) {
        if (noisy.isComposite()) {
            int channel = noisy.convertIndexToPosition(index)[0];
            ij.process.LUT lut = ((CompositeImage) noisy).getChannelLut(channel);
            return new double[] {lut.min, lut.max};
        }
        return new double[] {noisy.getDisplayRangeMin(), noisy.getDisplayRangeMax()};
    }

    /**
     * The panels side by side as an RGB image, one slice per plane: noisy, denoised and ground truth drawn with the
     * noisy image's display range (so their contrast compares), the difference in grey around mid-grey (= 0) over ±3
     * standard deviations; the panel names in an overlay.
     */
    ImagePlus montage(String title) {
        List<String> names = panelNames();
        int k = names.size();
        int w = k * width + (k - 1) * GAP;
        double r = differenceRange();
        ImageStack stack = new ImageStack(w, height);
        for (int index = 1; index <= planes(); index++) {
            ColorProcessor out = new ColorProcessor(w, height);
            out.setColor(Color.WHITE);
            out.fill();
            double[] range = displayRange(index);
            List<ImageProcessor> panels = new ArrayList<>();
            panels.add(render(noisy, index, range));
            panels.add(render(denoised, index, range));
            panels.add(grey(difference(index), -r, r));
            if (truth != null) {
                panels.add(render(truth, index, range));
            }
            for (int p = 0; p < k; p++) {
                out.insert(panels.get(p), p * (width + GAP), 0);
            }
            stack.addSlice(noisy.getStack().getSliceLabel(index), out);
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setProperty("Info", "Hush comparison: " + String.join(" | ", names) + "\nnoisy, denoised"
                + (truth != null ? " and ground truth" : "") + " drawn over the noisy image's display range; the"
                + " difference over ±" + IJ.d2s(r, 3, 4) + " (3 standard deviations), mid-grey = 0\n");
        Overlay overlay = new Overlay();
        // As large as fits the panel's width (names are at most 16 characters), between 7 and 24 points.
        int size = Math.max(7, Math.min(24, Math.min(height / 10, width / 9)));
        for (int p = 0; p < k; p++) {
            TextRoi text = new TextRoi(p * (width + GAP) + 2, 1, names.get(p), new Font(Font.SANS_SERIF, Font.PLAIN, size));
            text.setStrokeColor(Color.YELLOW);
            text.setFillColor(new Color(0, 0, 0, 110));
            overlay.add(text);
        }
        imp.setOverlay(overlay);
        return imp;
    }

    /**
     * The panels as a 32-bit hyperstack (channels = panels, slices = planes) with the values themselves, each channel
     * with its own contrast, and the noisy image's spatial calibration; RGB planes as the mean of their colours.
     */
    ImagePlus stack(String title) {
        List<String> names = panelNames();
        ImageStack stack = new ImageStack(width, height);
        for (int index = 1; index <= planes(); index++) {
            String suffix = planes() > 1 ? " (plane " + index + ")" : "";
            stack.addSlice(names.get(0) + suffix, new FloatProcessor(width, height, grey(noisy, index)));
            stack.addSlice(names.get(1) + suffix, new FloatProcessor(width, height, grey(denoised, index)));
            stack.addSlice(names.get(2) + suffix, new FloatProcessor(width, height, difference(index)));
            if (truth != null) {
                stack.addSlice(names.get(3) + suffix, new FloatProcessor(width, height, grey(truth, index)));
            }
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(names.size(), planes(), 1);
        CompositeImage composite = new CompositeImage(imp, IJ.GRAYSCALE);
        double r = differenceRange();
        double[] range = rgb ? new double[] {0, 255} : displayRange(noisy.getCurrentSlice());
        for (int c = 1; c <= names.size(); c++) {
            composite.setPosition(c, 1, 1);
            if (c == 3) {
                composite.setDisplayRange(-r, r);
            } else {
                composite.setDisplayRange(range[0], range[1]);
            }
        }
        composite.setPosition(1, 1, 1);
        ij.measure.Calibration cal = noisy.getCalibration().copy();
        cal.disableDensityCalibration();
        composite.setCalibration(cal);
        return composite;
    }

    /** A plane as grey values; RGB as the mean of its colours. */
    private float[] grey(ImagePlus imp, int index) {
        float[] v = values(imp, index);
        if (!rgb) {
            return v;
        }
        int n = width * height;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (v[i] + v[n + i] + v[2 * n + i]) / 3f;
        }
        return g;
    }

    /** A plane drawn for the montage: RGB as it is, grey values through {@code range}. */
    private ImageProcessor render(ImagePlus imp, int index, double[] range) {
        ImageProcessor ip = imp.getStack().getProcessor(index);
        if (rgb) {
            return ip.duplicate();
        }
        return grey(values(imp, index), range[0], range[1]);
    }

    /** Values mapped linearly from [lo, hi] to black…white, clamped. */
    private ColorProcessor grey(float[] v, double lo, double hi) {
        ColorProcessor cp = new ColorProcessor(width, height);
        double scale = hi > lo ? 255 / (hi - lo) : 0;
        for (int i = 0; i < v.length; i++) {
            int g = (int) Math.round(Math.max(0, Math.min(255, (v[i] - lo) * scale)));
            cp.set(i, (g << 16) | (g << 8) | g);
        }
        return cp;
    }
}
