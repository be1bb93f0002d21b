package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.process.ImageProcessor;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * The pixels a training run learns from, taken from open images: every plane of the stack (each colour of an RGB
 * plane on its own, as Denoise Image... denoises them with a 1-channel model), within the selection's bounding box if
 * there is one. Values are copied as they are; the trainer normalises each plane as the runtime will.
 *
 * @param inputs  noisy planes, row by row
 * @param targets clean planes for pairs, one per input; null for Noise2Void
 * @param sizes   {width, height} of each plane
 * @param origin  where they came from, for the model's provenance
 */
record TrainingData(List<float[]> inputs, List<float[]> targets, List<int[]> sizes, String origin) {
    private static final int[] COLOUR_SHIFTS = {16, 8, 0};
    /** The most pixels a folder may bring into memory for training (4 bytes each, twice for pairs). */
    static final long MAX_FOLDER_PIXELS = 1L << 28;

    /** Every plane {@code w}×{@code h}. */
    private static List<int[]> same(int count, int w, int h) {
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sizes.add(new int[] {w, h});
        }
        return sizes;
    }

    /**
     * Every image under {@code noisy} (recursively; PNG and TIFF, as Hush Denoise Folder... reads them), each plane
     * and each colour of an RGB image a plane of its own; with {@code clean}, the image of the same relative path
     * under it is each one's clean target (pairs). Planes may differ in size but must each hold a training patch.
     * A file that cannot be read stops the run before training, with every such file named.
     */
    static TrainingData folder(java.nio.file.Path noisy, java.nio.file.Path clean, int patch) throws HushException {
        if (!java.nio.file.Files.isDirectory(noisy)) {
            throw new HushException("the folder " + noisy + " does not exist or is not a folder");
        }
        if (clean != null && !java.nio.file.Files.isDirectory(clean)) {
            throw new HushException("the clean folder " + clean + " does not exist or is not a folder");
        }
        if (clean != null && (clean.toAbsolutePath().normalize().startsWith(noisy.toAbsolutePath().normalize())
                || noisy.toAbsolutePath().normalize().startsWith(clean.toAbsolutePath().normalize()))) {
            throw new HushException("the clean folder " + clean + " and the noisy folder " + noisy + " are the same or"
                    + " one holds the other; give two separate folders with the same relative file names");
        }
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(noisy)) {
            files = s.filter(java.nio.file.Files::isRegularFile).filter(ImageFiles::isImageName).sorted().toList();
        } catch (java.io.IOException e) {
            throw new HushException("cannot list " + noisy + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new HushException("no PNG or TIFF images under " + noisy);
        }
        List<float[]> in = new ArrayList<>();
        List<float[]> out = clean == null ? null : new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        long pixels = 0;
        for (java.nio.file.Path f : files) {
            java.nio.file.Path rel = noisy.relativize(f);
            try {
                List<dev.hush.runtime.image.FloatImage> a = ImageFiles.read(f).planes();
                List<dev.hush.runtime.image.FloatImage> b = clean == null ? null
                        : ImageFiles.read(clean.resolve(rel.toString())).planes();
                if (b != null && (b.size() != a.size() || b.get(0).width() != a.get(0).width()
                        || b.get(0).height() != a.get(0).height() || b.get(0).channels() != a.get(0).channels())) {
                    throw new HushException("its clean counterpart differs in size, planes or channels");
                }
                for (int i = 0; i < a.size(); i++) {
                    dev.hush.runtime.image.FloatImage p = a.get(i);
                    if (p.width() < patch || p.height() < patch) {
                        throw new HushException("it is " + p.width() + "×" + p.height() + ", smaller than the " + patch
                                + "-pixel training patch");
                    }
                    int area = p.width() * p.height();
                    pixels += (long) area * p.channels() * (clean == null ? 1 : 2);
                    if (pixels > MAX_FOLDER_PIXELS) {
                        throw new TooMuchData("the folder holds more than " + MAX_FOLDER_PIXELS + " pixels"
                                + (clean == null ? "" : " (noisy and clean together)") + ", more than training keeps"
                                + " in memory; train on a subfolder");
                    }
                    for (int c = 0; c < p.channels(); c++) {
                        in.add(finite(java.util.Arrays.copyOfRange(p.data(), c * area, (c + 1) * area), rel));
                        if (out != null) {
                            out.add(finite(java.util.Arrays.copyOfRange(b.get(i).data(), c * area, (c + 1) * area),
                                    rel));
                        }
                        sizes.add(new int[] {p.width(), p.height()});
                    }
                }
            } catch (TooMuchData e) {
                throw e;
            } catch (HushException | RuntimeException e) {
                bad.add(rel + ": " + e.getMessage());
            }
        }
        if (!bad.isEmpty()) {
            throw new HushException(bad.size() + " of " + files.size() + " image(s) under " + noisy + " cannot be"
                    + " used; fix or move them and run again:\n  " + String.join("\n  ", bad));
        }
        return new TrainingData(in, out, sizes, "folder " + noisy + (clean == null ? "" : " → " + clean) + " ("
                + files.size() + " image(s), " + in.size() + " plane(s))");
    }

    /** The folder is too large to train on in memory: ends the reading at once. */
    private static final class TooMuchData extends HushException {
        TooMuchData(String message) {
            super(message);
        }
    }

    private static float[] finite(float[] v, java.nio.file.Path file) throws HushException {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new HushException("it has NaN or infinite pixels; a network cannot learn from them");
            }
        }
        return v;
    }

    /** The noisy image alone (Noise2Void). */
    static TrainingData noisy(ImagePlus imp, int patch) throws HushException {
        Rectangle box = region(imp, patch);
        List<float[]> planes = planes(imp, box);
        return new TrainingData(planes, null, same(planes.size(), box.width, box.height), "ImageJ image '"
                + imp.getTitle() + "' ("
                + describe(planes.size(), box, imp) + ")");
    }

    /** A noisy image and its clean counterpart, plane by plane (the noisy image's selection applies to both). */
    static TrainingData pairs(ImagePlus noisy, ImagePlus clean, int patch) throws HushException {
        if (noisy == clean) {
            throw new HushException("the noisy and the clean image are the same image ('" + noisy.getTitle() + "');"
                    + " choose the clean counterpart of the noisy image as the clean image");
        }
        if (noisy.getWidth() != clean.getWidth() || noisy.getHeight() != clean.getHeight()
                || noisy.getStackSize() != clean.getStackSize() || (noisy.getBitDepth() == 24) != (clean.getBitDepth() == 24)) {
            throw new HushException("the noisy image '" + noisy.getTitle() + "' (" + shape(noisy) + ") and the clean image '"
                    + clean.getTitle() + "' (" + shape(clean) + ") differ; pairs must match pixel for pixel: same width,"
                    + " height and number of planes, both RGB or both grayscale");
        }
        Rectangle box = region(noisy, patch);
        List<float[]> in = planes(noisy, box);
        List<float[]> out = planes(clean, box);
        return new TrainingData(in, out, same(in.size(), box.width, box.height), "ImageJ images '" + noisy.getTitle()
                + "' → '"
                + clean.getTitle() + "' (" + describe(in.size(), box, noisy) + ")");
    }

    private static String shape(ImagePlus imp) {
        return imp.getWidth() + "×" + imp.getHeight() + "×" + imp.getStackSize() + ", " + (imp.getBitDepth() == 24 ? "RGB"
                : imp.getBitDepth() + "-bit");
    }

    private static String describe(int planes, Rectangle box, ImagePlus imp) {
        String where = box.width == imp.getWidth() && box.height == imp.getHeight() ? ""
                : " at " + box.x + "," + box.y;
        return planes + " plane(s) of " + box.width + "×" + box.height + where;
    }

    /** The selection's bounding box (area selections only) or the whole image; it must hold a training patch. */
    private static Rectangle region(ImagePlus imp, int patch) throws HushException {
        Rectangle all = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
        Roi roi = imp.getRoi();
        boolean selection = roi != null && roi.isArea();
        Rectangle box = selection ? roi.getBounds().intersection(all) : all;
        if (box.width < patch || box.height < patch) {
            throw new HushException((selection ? "the selection on '" + imp.getTitle() + "' covers " : "'" + imp.getTitle()
                    + "' is ") + Math.max(0, box.width) + "×" + Math.max(0, box.height) + " pixels, smaller than the "
                    + patch + "-pixel training patch; choose a smaller patch size (at least 16)" + (selection
                    ? " or a larger selection" : ""));
        }
        return box;
    }

    private static List<float[]> planes(ImagePlus imp, Rectangle box) throws HushException {
        ImageStack stack = imp.getStack();
        boolean rgb = imp.getBitDepth() == 24;
        List<float[]> planes = new ArrayList<>();
        for (int i = 1; i <= stack.size(); i++) {
            ImageProcessor ip = stack.getProcessor(i);
            for (int colour = 0; colour < (rgb ? COLOUR_SHIFTS.length : 1); colour++) {
                float[] v = new float[box.width * box.height];
                for (int y = 0; y < box.height; y++) {
                    for (int x = 0; x < box.width; x++) {
                        float f = rgb ? (ip.get(box.x + x, box.y + y) >> COLOUR_SHIFTS[colour]) & 0xff
                                : ip.getf(box.x + x, box.y + y);
                        if (!Float.isFinite(f)) {
                            throw new HushException("'" + imp.getTitle() + "' has NaN or infinite pixels (plane " + i
                                    + "); replace them first (Process › Math › Remove NaNs...), a network cannot learn"
                                    + " from them");
                        }
                        v[y * box.width + x] = f;
                    }
                }
                planes.add(v);
            }
        }
        return planes;
    }
}
