package dev.hush.imagej;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.io.AtomicFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Denoises one PNG or TIFF file into another: read through {@link ImageFiles}, each plane through the model, written
 * at the input's bit depth (or 32-bit float) with its calibration. {@code hush image} and {@code hush spark image}
 * both denoise files here, so their outputs are the same bytes. The denoiser and model may be shared between
 * threads; each call gets its own {@link RunContext}.
 */
public final class ImageFileDenoiser {
    private final ImageDenoiser denoiser;
    private final DenoiserModel model;
    private boolean asFloat;

    public ImageFileDenoiser(ImageDenoiser denoiser, DenoiserModel model) {
        this.denoiser = denoiser;
        this.model = model;
    }

    /** Write 32-bit float (TIFF) instead of the input's bit depth. */
    public ImageFileDenoiser asFloat(boolean on) {
        this.asFloat = on;
        return this;
    }

    /** What one file gave: the image read, the denoised planes, the bit depth written and the pixels processed. */
    public record Result(ImageFiles.Loaded input, List<FloatImage> planes, int bitDepth, long pixels) {
    }

    /** Told about each plane before it is denoised; returns the listener for that plane's tiles. */
    @FunctionalInterface
    public interface PlaneProgress {
        PlaneProgress NONE = (index, count) -> ProgressListener.NONE;

        /** Plane {@code index} (1-based) of {@code count}. */
        ProgressListener plane(int index, int count);
    }

    /** Denoises {@code in} into {@code out}, which must not be the input; {@code progress} may be null. */
    public Result denoise(Path in, Path out, PlaneProgress progress) throws HushException {
        return denoise(in, out, progress, new RunContext());
    }

    /**
     * As {@link #denoise(Path, Path, PlaneProgress)}, under {@code context}: cancelling it stops this file, and it
     * records the noise level a noise-level model was fed (the last plane's).
     */
    public Result denoise(Path in, Path out, PlaneProgress progress, RunContext context) throws HushException {
        refuseOverwrite(in, out);
        ImageFiles.Loaded loaded = ImageFiles.read(in);
        int depth = asFloat ? 32 : loaded.bitDepth();
        List<FloatImage> result = new ArrayList<>();
        long pixels = 0;
        if (model.contract().volumetric()) {
            result = denoiseVolumes(loaded, in, progress, context);
            for (FloatImage plane : loaded.planes()) {
                pixels += (long) plane.width() * plane.height();
            }
            ImageFiles.write(out, result, depth, loaded.source(), asFloat ? null : loaded.alpha());
            return new Result(loaded, result, depth, pixels);
        }
        int index = 0;
        for (FloatImage plane : loaded.planes()) {
            index++;
            ProgressListener tiles = progress == null ? ProgressListener.NONE
                    : progress.plane(index, loaded.planes().size());
            result.add(denoisePlane(plane, in, context.withProgress(tiles)));
            pixels += (long) plane.width() * plane.height();
        }
        ImageFiles.write(out, result, depth, loaded.source(), asFloat ? null : loaded.alpha());
        return new Result(loaded, result, depth, pixels);
    }

    /**
     * A 3-D model: the file's z-stack as one volume, or each time point's z-stack of a hyperstack as its own
     * volume; an RGB stack with a 1-channel model colour by colour. Progress counts volumes.
     */
    private List<FloatImage> denoiseVolumes(ImageFiles.Loaded loaded, Path in, PlaneProgress progress,
                                            RunContext context) throws HushException {
        List<FloatImage> planes = loaded.planes();
        int want = model.contract().channels();
        int have = planes.get(0).channels();
        if (have != want && want != 1) {
            throw new HushException(in + " has " + have + " channel(s) per plane, but the 3-D model '"
                    + model.contract().name() + "' denoises " + want + "-channel volumes");
        }
        List<int[]> volumes = StackVolumes.ofSingleChannel(loaded.source(), planes.size());
        FloatImage[] out = new FloatImage[planes.size()];
        int v = 0;
        for (int[] volume : volumes) {
            v++;
            List<FloatImage> part = new ArrayList<>();
            for (int i : volume) {
                part.add(planes.get(i));
            }
            ProgressListener tiles = progress == null ? ProgressListener.NONE : progress.plane(v, volumes.size());
            List<FloatImage> done = denoiser.denoiseVolumeEachChannel(part, context.withProgress(tiles));
            for (int k = 0; k < volume.length; k++) {
                out[volume[k]] = done.get(k);
            }
        }
        return List.of(out);
    }

    /**
     * One plane: as it is when its channels are the model's; an RGB plane with a 1-channel model colour by colour
     * (as Denoise Image... does); anything else is refused with what would fit.
     */
    public FloatImage denoisePlane(FloatImage plane, Path in, RunContext context) throws HushException {
        int want = model.contract().channels();
        if (plane.channels() == want || want == 1) {
            return denoiser.denoiseEachChannel(plane, context);
        }
        throw new HushException(in + " has " + plane.channels() + " channel(s) per plane, but the model '"
                + model.contract().name() + "' denoises " + want + "-channel images; give it an RGB image or choose a"
                + " 1-channel model");
    }

    /** Refuses an output that is the input itself (by path or by link). */
    public static void refuseOverwrite(Path in, Path out) throws HushException {
        AtomicFile.refuseInput(in, out, "-denoised");
    }
}
