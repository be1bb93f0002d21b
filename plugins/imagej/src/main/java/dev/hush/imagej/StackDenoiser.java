package dev.hush.imagej;

import dev.hush.runtime.HushException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.ImageDenoiser;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Denoises an ImageJ image into a new image of the same type, size and dimensions: plane by plane with a 2-D model,
 * volume by volume with a 3-D one ({@link StackVolumes}). It works on a
 * copy taken in {@link #prepare}, so the original is neither written nor read again; in that copy only the chosen
 * planes, and in them only the selection's bounding box, are replaced. 8- and 16-bit results are rounded and
 * clamped to the type's range; RGB is denoised colour by colour with a 1-channel model, or whole with a 3-channel one.
 */
final class StackDenoiser {
    /** Smallest width and height denoised: a denoiser estimates each pixel from its neighbours. */
    static final int MIN_SIDE = 3;
    private static final String[] COLOURS = {"red", "green", "blue"};

    /** The images a run made; shown only when both are complete. {@code noise} is null unless asked for. */
    /** The images made and the nanoseconds spent inside ONNX Runtime making them. */
    record Result(ImagePlus denoised, ImagePlus noise, long networkNanos) {
    }

    private final ImagePlus source;
    private final ImageStack work;
    private final Rectangle region;
    /** 1-based stack indices to denoise, in stack order. */
    private final int[] planes;
    private final ChannelChoice channels;

    private StackDenoiser(ImagePlus source, ImageStack work, Rectangle region, int[] planes, ChannelChoice channels) {
        this.source = source;
        this.work = work;
        this.region = region;
        this.planes = planes;
        this.channels = channels;
    }

    /**
     * Checks that {@code imp} can be denoised as asked (in-memory pixels, big enough, valid channels, no NaN) and
     * copies its pixels; nothing is run yet, so a refusal costs nothing.
     */
    static StackDenoiser prepare(ImagePlus imp, String channels) throws HushException {
        String title = "'" + imp.getTitle() + "'";
        if (imp.getStack().isVirtual()) {
            throw new HushException(title + " is a virtual stack, whose planes stay on disk; Denoise Image needs them in"
                    + " memory: open it without 'Use virtual stack', or copy it with Image › Duplicate... and denoise the"
                    + " copy");
        }
        Rectangle region = region(imp);
        if (region.width < MIN_SIDE || region.height < MIN_SIDE) {
            throw new HushException(imp.getRoi() != null && imp.getRoi().isArea()
                    ? "the selection on " + title + " covers " + Math.max(0, region.width) + "×" + Math.max(0, region.height)
                            + " pixels; Denoise Image needs at least " + MIN_SIDE + "×" + MIN_SIDE
                            + ": make the selection larger, or remove it (Edit › Selection › Select None)"
                    : title + " is " + imp.getWidth() + "×" + imp.getHeight() + " pixels; Denoise Image needs at least "
                            + MIN_SIDE + "×" + MIN_SIDE + ", since each pixel is estimated from its neighbours");
        }
        ChannelChoice choice = ChannelChoice.parse(channels, imp.getNChannels());
        int[] planes = planes(imp, choice);
        // The lock keeps other commands from changing the pixels while they are copied.
        if (!imp.lockSilently()) {
            throw new HushException(title + " is in use by another command (it is locked); wait until that command"
                    + " finishes and run Denoise Image again");
        }
        ImageStack work;
        try {
            work = copy(imp);
        } finally {
            imp.unlock();
        }
        StackDenoiser job = new StackDenoiser(imp, work, region, planes, choice);
        job.requireFinite();
        return job;
    }

    /** The selection's bounding box within the image, or the whole image; line and point selections do not count. */
    private static Rectangle region(ImagePlus imp) {
        Rectangle all = new Rectangle(0, 0, imp.getWidth(), imp.getHeight());
        Roi roi = imp.getRoi();
        return roi != null && roi.isArea() ? roi.getBounds().intersection(all) : all;
    }

    private static int[] planes(ImagePlus imp, ChannelChoice channels) {
        int nc = imp.getNChannels();
        int nz = imp.getNSlices();
        int nt = imp.getNFrames();
        int size = imp.getStackSize();
        boolean[] chosen = new boolean[size];
        if (nc * nz * nt != size) {
            Arrays.fill(chosen, true);
        } else {
            for (int t = 1; t <= nt; t++) {
                for (int z = 1; z <= nz; z++) {
                    for (int c = 1; c <= nc; c++) {
                        if (channels.includes(c)) {
                            chosen[imp.getStackIndex(c, z, t) - 1] = true;
                        }
                    }
                }
            }
        }
        return IntStream.rangeClosed(1, size).filter(i -> chosen[i - 1]).toArray();
    }

    private static ImageStack copy(ImagePlus imp) {
        ImageStack src = imp.getStack();
        ImageStack dst = new ImageStack(src.getWidth(), src.getHeight(), imp.getProcessor().getColorModel());
        for (int i = 1; i <= src.size(); i++) {
            dst.addSlice(src.getSliceLabel(i), src.getProcessor(i).duplicate());
        }
        return dst;
    }

    private void requireFinite() throws HushException {
        if (source.getBitDepth() != 32) {
            return;
        }
        for (int index : planes) {
            float[] px = (float[]) work.getPixels(index);
            long bad = 0;
            for (int y = region.y; y < region.y + region.height; y++) {
                for (int x = region.x; x < region.x + region.width; x++) {
                    if (!Float.isFinite(px[y * work.getWidth() + x])) {
                        bad++;
                    }
                }
            }
            if (bad > 0) {
                throw new HushException("'" + source.getTitle() + "' has " + bad + " NaN or infinite pixel(s) in "
                        + describe(index) + "; replace them first (Process › Math › Remove NaNs...), since a denoiser"
                        + " cannot tell what they should be");
            }
        }
    }

    /**
     * Runs of the network over the image: planes to denoise (a 2-D model) or volumes (a 3-D model), each colour of
     * RGB counted once when a 1-channel model takes them one by one.
     */
    int passes(int modelChannels, boolean volumetric) {
        int units = volumetric ? volumes().size() : planes.length;
        return units * (source.getBitDepth() == 24 && modelChannels == 1 ? COLOURS.length : 1);
    }

    /** The volumes a 3-D model denoises: 0-based stack indices, per chosen channel and time point. */
    private List<int[]> volumes() {
        boolean[] chosen = new boolean[source.getNChannels() + 1];
        for (int c = 1; c <= source.getNChannels(); c++) {
            chosen[c] = channels.includes(c);
        }
        return StackVolumes.of(source, chosen, work.size());
    }

    /**
     * Denoises the chosen planes with {@code denoiser}, whose model takes {@code modelChannels} channels, and builds
     * the result images (not shown). {@code modelName} names the model in messages.
     */
    Result run(ImageDenoiser denoiser, String modelName, int modelChannels, boolean withNoise, StackProgress progress,
               RunContext context) throws HushException {
        boolean rgb = source.getBitDepth() == 24;
        if (rgb ? modelChannels != 1 && modelChannels != COLOURS.length : modelChannels != 1) {
            throw new HushException("the model '" + modelName + "' denoises " + modelChannels + "-channel images, but '"
                    + source.getTitle() + "' is " + (rgb ? "RGB, which is denoised colour by colour (1-channel model)"
                    + " or whole (3-channel model)" : source.getBitDepth() + "-bit grayscale, one channel per plane")
                    + "; pick a model with " + (rgb ? "1 or 3 channels" : "1 channel")
                    + (!rgb && modelChannels == COLOURS.length ? ", or make the image RGB (Image › Type › RGB Color)" : ""));
        }
        int w = region.width;
        int h = region.height;
        FloatProcessor[] noise = withNoise ? new FloatProcessor[work.size() * (rgb ? COLOURS.length : 1)] : null;
        if (denoiser.contract().volumetric()) {
            runVolumes(denoiser, modelChannels, noise, progress, context);
            return new Result(denoisedImage(), noise == null ? null : noiseImage(noise, rgb), context.networkNanos());
        }
        int pass = 0;
        for (int k = 0; k < planes.length; k++) {
            int index = planes[k];
            ImageProcessor ip = work.getProcessor(index);
            String where = describe(index) + " (" + (k + 1) + "/" + planes.length + ")";
            if (!rgb) {
                float[] in = readGray(ip);
                float[] out = denoiser.denoise(FloatImage.gray(w, h, in), context.withProgress(progress.pass(pass++, where))).data();
                writeGray(ip, out);
                if (noise != null) {
                    noise[index - 1] = residual(in, ip, -1);
                }
            } else if (modelChannels == 1) {
                for (int colour = 0; colour < COLOURS.length; colour++) {
                    float[] in = readColour(ip, colour);
                    String what = where + ", " + COLOURS[colour];
                    float[] out = denoiser.denoise(FloatImage.gray(w, h, in), context.withProgress(progress.pass(pass++, what))).data();
                    writeColour(ip, colour, out, 0);
                    if (noise != null) {
                        noise[(index - 1) * COLOURS.length + colour] = residual(in, ip, colour);
                    }
                }
            } else {
                float[] in = new float[COLOURS.length * w * h];
                for (int colour = 0; colour < COLOURS.length; colour++) {
                    System.arraycopy(readColour(ip, colour), 0, in, colour * w * h, w * h);
                }
                float[] out = denoiser.denoise(new FloatImage(COLOURS.length, w, h, in), context.withProgress(progress.pass(pass++, where))).data();
                for (int colour = 0; colour < COLOURS.length; colour++) {
                    writeColour(ip, colour, out, colour * w * h);
                }
                if (noise != null) {
                    for (int colour = 0; colour < COLOURS.length; colour++) {
                        float[] part = Arrays.copyOfRange(in, colour * w * h, (colour + 1) * w * h);
                        noise[(index - 1) * COLOURS.length + colour] = residual(part, ip, colour);
                    }
                }
            }
        }
        return new Result(denoisedImage(), noise == null ? null : noiseImage(noise, rgb), context.networkNanos());
    }

    /**
     * A 3-D model: each volume (a channel's z planes at one time point) through the network as a whole; RGB colour
     * by colour with a 1-channel model, whole with a 3-channel one. Writes into the work copy and {@code noise}.
     */
    private void runVolumes(ImageDenoiser denoiser, int modelChannels, FloatProcessor[] noise, StackProgress progress,
                            RunContext context) throws HushException {
        boolean rgb = source.getBitDepth() == 24;
        int area = region.width * region.height;
        List<int[]> volumes = volumes();
        int pass = 0;
        for (int k = 0; k < volumes.size(); k++) {
            int[] volume = volumes.get(k);
            String where = "volume " + (k + 1) + "/" + volumes.size() + " (" + describe(volume[0] + 1) + " to "
                    + describe(volume[volume.length - 1] + 1) + ")";
            if (!rgb) {
                List<FloatImage> in = new ArrayList<>();
                for (int i : volume) {
                    in.add(FloatImage.gray(region.width, region.height, readGray(work.getProcessor(i + 1))));
                }
                List<FloatImage> out = denoiser.denoiseVolume(in, context.withProgress(progress.pass(pass++, where)));
                for (int z = 0; z < volume.length; z++) {
                    ImageProcessor ip = work.getProcessor(volume[z] + 1);
                    writeGray(ip, out.get(z).data());
                    if (noise != null) {
                        noise[volume[z]] = residual(in.get(z).data(), ip, -1);
                    }
                }
                continue;
            }
            // RGB: one volume per colour (1-channel model) or one 3-channel volume.
            int groups = modelChannels == 1 ? COLOURS.length : 1;
            for (int g = 0; g < groups; g++) {
                List<FloatImage> in = new ArrayList<>();
                for (int i : volume) {
                    ImageProcessor ip = work.getProcessor(i + 1);
                    if (groups == 1) {
                        float[] all = new float[COLOURS.length * area];
                        for (int colour = 0; colour < COLOURS.length; colour++) {
                            System.arraycopy(readColour(ip, colour), 0, all, colour * area, area);
                        }
                        in.add(new FloatImage(COLOURS.length, region.width, region.height, all));
                    } else {
                        in.add(FloatImage.gray(region.width, region.height, readColour(ip, g)));
                    }
                }
                String what = groups == 1 ? where : where + ", " + COLOURS[g];
                List<FloatImage> out = denoiser.denoiseVolume(in, context.withProgress(progress.pass(pass++, what)));
                for (int z = 0; z < volume.length; z++) {
                    ImageProcessor ip = work.getProcessor(volume[z] + 1);
                    for (int colour = 0; colour < COLOURS.length; colour++) {
                        if (groups != 1 && colour != g) {
                            continue;
                        }
                        int offset = groups == 1 ? colour * area : 0;
                        writeColour(ip, colour, out.get(z).data(), offset);
                        if (noise != null) {
                            float[] part = Arrays.copyOfRange(in.get(z).data(), offset, offset + area);
                            noise[volume[z] * COLOURS.length + colour] = residual(part, ip, colour);
                        }
                    }
                }
            }
        }
    }

    /** "plane 3" for a plain stack, "c=1 z=2 t=1" for a hyperstack, "the image" for a single plane. */
    private String describe(int index) {
        if (source.getStackSize() == 1) {
            return "the image";
        }
        if (!source.isHyperStack()) {
            return "plane " + index;
        }
        int[] czt = source.convertIndexToPosition(index);
        return "c=" + czt[0] + " z=" + czt[1] + " t=" + czt[2];
    }

    private float[] readGray(ImageProcessor ip) {
        float[] v = new float[region.width * region.height];
        for (int y = 0; y < region.height; y++) {
            for (int x = 0; x < region.width; x++) {
                v[y * region.width + x] = ip.getf(region.x + x, region.y + y);
            }
        }
        return v;
    }

    private void writeGray(ImageProcessor ip, float[] v) {
        Object pixels = ip.getPixels();
        int stride = ip.getWidth();
        for (int y = 0; y < region.height; y++) {
            int row = (region.y + y) * stride + region.x;
            for (int x = 0; x < region.width; x++) {
                float f = v[y * region.width + x];
                if (pixels instanceof byte[] b) {
                    b[row + x] = (byte) clampRound(f, 255);
                } else if (pixels instanceof short[] s) {
                    s[row + x] = (short) clampRound(f, 65535);
                } else {
                    ((float[]) pixels)[row + x] = f;
                }
            }
        }
    }

    private float[] readColour(ImageProcessor ip, int colour) {
        int[] px = (int[]) ip.getPixels();
        int shift = 16 - 8 * colour;
        float[] v = new float[region.width * region.height];
        for (int y = 0; y < region.height; y++) {
            int row = (region.y + y) * ip.getWidth() + region.x;
            for (int x = 0; x < region.width; x++) {
                v[y * region.width + x] = (px[row + x] >> shift) & 0xff;
            }
        }
        return v;
    }

    private void writeColour(ImageProcessor ip, int colour, float[] v, int offset) {
        int[] px = (int[]) ip.getPixels();
        int shift = 16 - 8 * colour;
        int mask = ~(0xff << shift);
        for (int y = 0; y < region.height; y++) {
            int row = (region.y + y) * ip.getWidth() + region.x;
            for (int x = 0; x < region.width; x++) {
                px[row + x] = (px[row + x] & mask) | (clampRound(v[offset + y * region.width + x], 255) << shift);
            }
        }
    }

    /** Rounds to the nearest whole value in [0, max]; NaN gives 0. */
    static int clampRound(float f, int max) {
        if (!(f > 0)) {
            return 0;
        }
        return f >= max ? max : Math.round(f);
    }

    /** Input minus the output as written (rounded), over the whole plane: 0 outside the region. */
    private FloatProcessor residual(float[] in, ImageProcessor written, int colour) {
        float[] r = new float[written.getWidth() * written.getHeight()];
        float[] out = colour < 0 ? readGray(written) : readColour(written, colour);
        for (int y = 0; y < region.height; y++) {
            for (int x = 0; x < region.width; x++) {
                int i = y * region.width + x;
                r[(region.y + y) * written.getWidth() + region.x + x] = in[i] - out[i];
            }
        }
        return new FloatProcessor(written.getWidth(), written.getHeight(), r);
    }

    /** The work copy as a new image with the source's dimensions, look and metadata (as Image › Duplicate... does). */
    private ImagePlus denoisedImage() {
        ImagePlus out = new ImagePlus(source.getTitle() + "-denoised", work);
        out.setDimensions(source.getNChannels(), source.getNSlices(), source.getNFrames());
        if (source.isComposite()) {
            CompositeImage composite = new CompositeImage(out, ((CompositeImage) source).getMode());
            composite.copyLuts(source);
            out = composite;
        } else if (source.getBitDepth() != 24) {
            // An RGB image's display range is baked into its pixels, so there is nothing to copy.
            out.setDisplayRange(source.getDisplayRangeMin(), source.getDisplayRangeMax());
        }
        out.setOpenAsHyperStack(source.isHyperStack());
        copyMetadata(out, source.getCalibration().copy());
        Overlay overlay = source.getOverlay();
        if (overlay != null) {
            out.setOverlay(overlay.duplicate());
            out.setHideOverlay(source.getHideOverlay());
        }
        out.setPosition(source.getCurrentSlice());
        return out;
    }

    private ImagePlus noiseImage(FloatProcessor[] planes, boolean rgb) {
        ImageStack stack = new ImageStack(work.getWidth(), work.getHeight());
        for (int i = 0; i < planes.length; i++) {
            FloatProcessor p = planes[i] != null ? planes[i] : new FloatProcessor(work.getWidth(), work.getHeight());
            int slice = rgb ? i / COLOURS.length + 1 : i + 1;
            String label = work.getSliceLabel(slice);
            if (rgb) {
                label = (label == null ? "" : label + " ") + COLOURS[i % COLOURS.length];
            }
            stack.addSlice(label, p);
        }
        ImagePlus noise = new ImagePlus(source.getTitle() + "-noise", stack);
        noise.setDimensions(source.getNChannels() * (rgb ? COLOURS.length : 1), source.getNSlices(), source.getNFrames());
        noise.setOpenAsHyperStack(source.isHyperStack() || noise.getNDimensions() > 3);
        // Input minus output is in pixel units: keep the spatial scale, drop any density calibration.
        Calibration cal = source.getCalibration().copy();
        cal.disableDensityCalibration();
        copyMetadata(noise, cal);
        noise.resetDisplayRange();
        return noise;
    }

    private void copyMetadata(ImagePlus to, Calibration cal) {
        to.setCalibration(cal);
        Object info = source.getProperty("Info");
        if (info != null) {
            to.setProperty("Info", info);
        }
        String[] props = source.getPropertiesAsArray();
        if (props != null) {
            to.setProperties(props);
        }
    }
}
