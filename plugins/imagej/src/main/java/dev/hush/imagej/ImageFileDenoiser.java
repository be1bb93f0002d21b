package dev.hush.imagej;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import dev.hush.runtime.image.ImageStatistics;
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
    /**
     * The most pixels an image may have by default (2^31, about 46000²: half an hour at 1 MPix/s); more needs
     * {@link #maxPixels} (hush image --max-pixels).
     */
    public static final long DEFAULT_MAX_PIXELS = 1L << 31;
    /**
     * Floats a band's rows take (core and context; 2^23, 32 MB): the band is copied a few times on its way through
     * the model, so a band costs about five times this.
     */
    private static final long BAND_FLOATS = 1L << 23;
    /** Floats read at a time while gathering the statistics: 2^22, 16 MB. */
    private static final long STATISTICS_FLOATS = 1L << 22;

    private final ImageDenoiser denoiser;
    private final DenoiserModel model;
    private boolean asFloat;
    private boolean bands;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private int bandRows;

    public ImageFileDenoiser(ImageDenoiser denoiser, DenoiserModel model) {
        this.denoiser = denoiser;
        this.model = model;
    }

    /** Write 32-bit float (TIFF) instead of the input's bit depth. */
    public ImageFileDenoiser asFloat(boolean on) {
        this.asFloat = on;
        return this;
    }

    /**
     * Denoise a grey TIFF band by band even when it fits in memory (hush image --stream): only a band of rows is
     * held at a time. Images above the in-memory limit ({@link ImageHeader#MAX_DECODED_BYTES}) always go so.
     */
    public ImageFileDenoiser inBands(boolean on) {
        this.bands = on;
        return this;
    }

    /** Refuse images of more than {@code pixels} pixels (default {@link #DEFAULT_MAX_PIXELS}). */
    public ImageFileDenoiser maxPixels(long pixels) {
        if (pixels < 1) {
            throw new IllegalArgumentException("the pixel limit must be at least 1, got " + pixels);
        }
        this.maxPixels = pixels;
        return this;
    }

    /** Core rows per band (0, the default: as many as {@value #BAND_FLOATS} floats allow). */
    public ImageFileDenoiser bandRows(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("band rows must be 0 (automatic) or positive, got " + rows);
        }
        this.bandRows = rows;
        return this;
    }

    /**
     * What one file gave: the image read and the denoised planes (null and empty when it went band by band, and
     * was never held whole), the bit depth written, the pixels processed and what was changed or kept (warnings).
     */
    public record Result(ImageFiles.Loaded input, List<FloatImage> planes, int bitDepth, long pixels,
                         List<String> notes) {
        /** Whether the image went band by band. */
        public boolean banded() {
            return input == null;
        }

        /** Planes written. */
        public int planeCount() {
            return banded() ? 1 : planes.size();
        }
    }

    /**
     * Whether {@code in} will be denoised band by band: a TIFF above the in-memory limit, or any TIFF with
     * {@link #inBands}. Refuses what cannot be denoised at all (damaged, above the pixel limit).
     */
    public boolean bandByBand(Path in) throws HushException {
        return bandByBand(in, ImageFiles.probe(in));
    }

    private boolean bandByBand(Path in, ImageFiles.Probe probe) throws HushException {
        long pixels = probe.header() == null ? TiffBands.layout(in).pixels() : probe.header().pixels();
        if (pixels > maxPixels) {
            throw new HushException(HushException.Code.INVALID_INPUT, String.format(java.util.Locale.ROOT,
                    "%s has %d pixels, above the limit of %d; if it is meant to be this large, raise the limit (hush"
                            + " image --max-pixels %d); an image above %d GiB decoded is denoised band by band",
                    in, pixels, maxPixels, pixels, ImageHeader.MAX_DECODED_BYTES >> 30));
        }
        if (!probe.kind().equals("PNG") && (bands || probe.header() == null
                || probe.header().decoded() > ImageHeader.MAX_DECODED_BYTES)) {
            return true;
        }
        if (bands) {
            throw new HushException(HushException.Code.INVALID_INPUT, "cannot denoise " + in + " band by band: it is"
                    + " a PNG; band by band reads grey TIFF (save it as TIFF first, or leave out --stream)");
        }
        return false;
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
        ImageFiles.Probe probe = ImageFiles.probe(in);
        if (bandByBand(in, probe)) {
            return denoiseInBands(in, out, progress, context);
        }
        ImageFiles.Loaded loaded = ImageFiles.read(in, probe);
        int depth = asFloat ? 32 : loaded.bitDepth();
        List<FloatImage> result = new ArrayList<>();
        long pixels = 0;
        if (model.contract().volumetric()) {
            result = denoiseVolumes(loaded, in, progress, context);
            for (FloatImage plane : loaded.planes()) {
                pixels += (long) plane.width() * plane.height();
            }
            ImageFiles.write(out, result, depth, loaded.source(), asFloat ? null : loaded.alpha());
            return new Result(loaded, result, depth, pixels, loaded.notes());
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
        return new Result(loaded, result, depth, pixels, loaded.notes());
    }

    /**
     * A grey or RGB TIFF too large to hold (or any, with {@link #inBands}): one pass over its rows fits the
     * normalisation and noise level to the whole image ({@link ImageStatistics}; RGB: to each channel, as the
     * whole-image path denoises colour with a 1-channel model), a second denoises it band by band with real rows
     * around each band ({@link ImageDenoiser.Bands}), writing each band's rows to the output as they come. Equals the
     * whole-image result within float rounding; holds a band at a time. Writes TIFF (8/16-bit as the input, or
     * 32-bit float) with the input's resolution and description (where ImageJ keeps units); other tags are not copied.
     */
    private Result denoiseInBands(Path in, Path out, PlaneProgress progress, RunContext context)
            throws HushException {
        String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".tif") && !name.endsWith(".tiff")) {
            throw new HushException(HushException.Code.INVALID_INPUT, "cannot write " + out + ": " + in + " is denoised"
                    + " band by band, which writes TIFF only; name the output .tif");
        }
        if (model.contract().volumetric()) {
            throw new HushException(HushException.Code.INVALID_INPUT, in + " is a single image too large to hold, and"
                    + " the model '" + model.contract().name() + "' is 3-D (it denoises z-stacks); pick a 2-D model");
        }
        TiffBands.Layout layout = TiffBands.layout(in);
        int c = layout.samples();
        if (c > 1 && model.contract().channels() != 1) {
            throw new HushException(HushException.Code.INVALID_INPUT, in + " is an RGB image denoised band by band,"
                    + " which goes colour by colour with a 1-channel model, but the model '" + model.contract().name()
                    + "' denoises " + model.contract().channels() + "-channel images; pick a 1-channel model (e.g. -m"
                    + " image-gray-multiscale)" + (bands ? " or leave out --stream" : ""));
        }
        int w = layout.width();
        int h = layout.height();
        ProgressListener bar = progress == null ? ProgressListener.NONE : progress.plane(1, 1);
        try (TiffBands.Reader reader = TiffBands.Reader.open(in, layout)) {
            // Colour goes channel by channel, each with its own statistics, as the whole-image path denoises it.
            int step = (int) Math.max(2, Math.min(h, STATISTICS_FLOATS / ((long) w * c)));
            float[] rows = new float[(int) Math.min((long) step * w * c, (long) h * w * c)];
            float[] one = c == 1 ? rows : new float[(int) Math.min((long) step * w, (long) h * w)];
            ImageStatistics[] stats = new ImageStatistics[c];
            for (int k = 0; k < c; k++) {
                stats[k] = new ImageStatistics(w, h);
            }
            for (int y = 0; y < h; y += step) {
                context.throwIfCancelled();
                int to = Math.min(h, y + step);
                reader.rows(y, to, rows);
                for (int k = 0; k < c; k++) {
                    stats[k].rows(channel(rows, k, c, (to - y) * w, one), 0, to - y);
                }
            }
            ImageDenoiser.Bands[] fits = new ImageDenoiser.Bands[c];
            for (int k = 0; k < c; k++) {
                fits[k] = denoiser.bands(stats[k]);
            }
            int ctx = fits[0].context();
            int core = bandRows > 0 ? bandRows : (int) Math.max(64, BAND_FLOATS / ((long) w * c) - 2L * ctx);
            int count = (h + core - 1) / core;
            int depth = asFloat ? 32 : layout.bits();
            AtomicFile.write(out, tmp -> {
                try (TiffBands.Writer writer = new TiffBands.Writer(tmp, w, h, c, depth, layout.resolution(),
                        layout.resolutionUnit(), layout.description(), false)) {
                    for (int b = 0; b < count; b++) {
                        int from = b * core;
                        int to = Math.min(h, from + core);
                        int first = Math.max(0, from - ctx);
                        int last = Math.min(h, to + ctx);
                        float[] band = new float[(last - first) * w * c];
                        reader.rows(first, last, band);
                        float[] done = new float[(to - from) * w * c];
                        for (int k = 0; k < c; k++) {
                            long step2 = (long) b * c + k;
                            ProgressListener tiles = (d, t) -> bar.update(step2 * t + d, (long) count * c * t);
                            FloatImage y;
                            try {
                                y = fits[k].denoise(FloatImage.gray(w, last - first,
                                        channel(band, k, c, (last - first) * w, null)), first, from, to,
                                        context.withProgress(tiles));
                            } catch (HushException e) {
                                throw new java.io.UncheckedIOException(new java.io.IOException(e.getMessage(), e));
                            }
                            float[] v = y.data();
                            for (int i = 0, n = (to - from) * w; i < n; i++) {
                                done[i * c + k] = v[i];
                            }
                        }
                        writer.rows(done, to - from);
                    }
                }
            });
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause().getCause() instanceof HushException he) {
                throw he;
            }
            throw new HushException("cannot write " + out + ": " + e.getCause().getMessage(), e);
        } catch (java.io.IOException e) {
            throw new HushException("cannot denoise " + in + " band by band: " + e.getMessage() + " (check that the"
                    + " output folder exists and is writable, and that the input was not changed meanwhile)", e);
        }
        // Bit depth as the whole-image path reports it: 8-bit RGB is ImageJ's 24-bit colour.
        int reported = asFloat ? 32 : c == 3 && layout.bits() == 8 ? 24 : layout.bits();
        return new Result(null, List.of(), reported, (long) w * h, List.of(String.format(java.util.Locale.ROOT,
                "denoised band by band (%d×%d pixels%s, %s)", w, h, c == 3 ? ", RGB colour by colour" : "",
                bands ? "--stream" : "above the in-memory limit")));
    }

    /** Channel {@code k} of {@code n} interleaved pixels of {@code c} samples, into {@code into} (or a new array). */
    private static float[] channel(float[] interleaved, int k, int c, int n, float[] into) {
        if (c == 1) {
            return interleaved;
        }
        float[] out = into != null && into.length >= n ? into : new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = interleaved[i * c + k];
        }
        return out;
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
