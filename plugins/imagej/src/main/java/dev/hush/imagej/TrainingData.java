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
 * @param width   width of every plane
 * @param height  height of every plane
 * @param origin  where they came from, for the model's provenance
 */
record TrainingData(List<float[]> inputs, List<float[]> targets, int width, int height, String origin) {
    private static final int[] COLOUR_SHIFTS = {16, 8, 0};

    /** The noisy image alone (Noise2Void). */
    static TrainingData noisy(ImagePlus imp, int patch) throws HushException {
        Rectangle box = region(imp, patch);
        List<float[]> planes = planes(imp, box);
        return new TrainingData(planes, null, box.width, box.height, "ImageJ image '" + imp.getTitle() + "' ("
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
        return new TrainingData(in, out, box.width, box.height, "ImageJ images '" + noisy.getTitle() + "' → '"
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
