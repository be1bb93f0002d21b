package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.ImagePlus;
import ij.WindowManager;
import ij.plugin.frame.Recorder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Compare... was asked to compare, from its dialog or a macro's options:
 * {@code noisy=[cells.tif] denoised=[cells.tif-denoised] truth=[clean.tif] layout=montage}.
 *
 * @param noisy    the noisy image's title
 * @param denoised the denoised image's title
 * @param truth    the ground truth's title, or {@value #NONE}
 * @param layout   {@value #MONTAGE} (RGB panels side by side, each with its own contrast) or {@value #STACK}
 *                 (32-bit values, one slice per panel)
 */
record CompareOptions(String noisy, String denoised, String truth, String layout) {
    static final String COMMAND = "Hush Compare...";
    static final String NONE = "*None*";
    static final String MONTAGE = "montage";
    static final String STACK = "stack";
    static final List<String> LAYOUTS = List.of(MONTAGE, STACK);
    static final Set<String> KEYS = new LinkedHashSet<>(List.of("noisy", "denoised", "truth", "layout"));

    /**
     * The active image as the noisy one and {@code <title>-denoised} as the denoised one if it is open (what Denoise
     * Image... makes); if the active image is itself {@code <title>-denoised}, then {@code <title>} is the noisy one.
     */
    static CompareOptions defaults(ImagePlus active) {
        String title = active.getTitle();
        String noisy = title;
        String denoised = title + "-denoised";
        if (title.endsWith("-denoised") && WindowManager.getImage(title.substring(0, title.length() - 9)) != null) {
            noisy = title.substring(0, title.length() - 9);
            denoised = title;
        }
        return new CompareOptions(noisy, denoised, NONE, MONTAGE);
    }

    static CompareOptions fromMacro(ImagePlus active, String text) throws HushException {
        MacroOptions o = MacroOptions.of(text);
        o.requireOnly(KEYS, COMMAND);
        CompareOptions d = defaults(active);
        CompareOptions options = new CompareOptions(o.value("noisy", d.noisy()), o.value("denoised", d.denoised()),
                o.value("truth", d.truth()), o.value("layout", d.layout()));
        options.check();
        return options;
    }

    void check() throws HushException {
        if (!LAYOUTS.contains(layout)) {
            throw new HushException("'layout=" + layout + "' is not valid: layout must be " + MONTAGE + " (panels side by"
                    + " side) or " + STACK + " (one 32-bit slice per panel)");
        }
        if (noisy.equals(denoised)) {
            throw new HushException("the noisy and the denoised image are the same image ('" + noisy + "'); choose the"
                    + " image Hush Denoise Image... made as the denoised one");
        }
    }

    boolean hasTruth() {
        return !NONE.equals(truth) && !truth.isBlank();
    }

    void record() {
        Recorder.recordOption("noisy", noisy);
        Recorder.recordOption("denoised", denoised);
        if (hasTruth()) {
            Recorder.recordOption("truth", truth);
        }
        Recorder.recordOption("layout", layout);
    }
}
