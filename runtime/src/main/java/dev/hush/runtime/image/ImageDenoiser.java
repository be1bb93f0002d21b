package dev.hush.runtime.image;

import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.OutOfDeviceMemoryException;
import dev.hush.runtime.ProgressListener;
import dev.hush.runtime.RunContext;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denoises 2-D images with an image model, tile by tile: normalise → cut windows (core + halo,
 * mirrored past the edges) → run a batch of windows → blend the cores → de-normalise. The
 * result does not depend on the tile size (within float rounding) as long as the model's
 * receptive field fits in its declared halo. If ONNX Runtime runs out of memory the tile size is
 * halved and the image is tried again.
 *
 * <p>A model that takes one input size only ({@code hush.fixed_size} = P, the dense networks) is run on
 * windows of exactly P×P with cores of P − 2·halo, whatever {@link #withTileSize(int)} says; an image smaller
 * than P gets one window filled by mirroring. There the halo only makes neighbouring tiles overlap, so
 * the result depends on the tiling and {@link #denoiseWhole} refuses such models. When memory runs
 * out, the batch is halved instead of the tile.
 */
public final class ImageDenoiser {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDenoiser.class);
    /** Default core size: large enough that the halo costs little, small enough for any machine. */
    public static final int DEFAULT_TILE = 1024;
    private static final int MIN_TILE = 32;
    /**
     * A volumetric model's default core tile across y and x, and along z: a 3-D network's activations grow with the
     * volume of the window, so its tiles are smaller than a 2-D model's (192×192×32 voxels, about 150 MB per
     * 32-channel activation).
     */
    public static final int DEFAULT_TILE_3D = 192;
    public static final int DEFAULT_TILE_Z = 32;
    private static final int MIN_TILE_3D = 16;

    private final DenoiserModel model;
    private final ModelContract contract;
    private final int tile;
    private final int batch;
    private final double noiseSigma;
    private final int ensemble;

    /** A denoiser with the default settings; the {@code with…} methods make variants. */
    public ImageDenoiser(DenoiserModel model) throws HushException {
        model.contract().requireDomain(Domain.IMAGE);
        this.model = model;
        this.contract = model.contract();
        this.tile = DEFAULT_TILE;
        this.batch = 1;
        this.noiseSigma = Double.NaN;
        this.ensemble = 1;
    }

    private ImageDenoiser(ImageDenoiser base, int tile, int batch, double noiseSigma, int ensemble) {
        this.model = base.model;
        this.contract = base.contract;
        this.tile = tile;
        this.batch = batch;
        this.noiseSigma = noiseSigma;
        this.ensemble = ensemble;
    }

    /** The contract of the model this denoiser runs. */
    public ModelContract contract() {
        return contract;
    }

    /**
     * This denoiser with another core tile size in pixels (before the halo is added); 0 restores the default.
     * Fixed-size models ignore it.
     */
    public ImageDenoiser withTileSize(int tile) {
        if (tile < 0) {
            throw new IllegalArgumentException("tile size must be positive (or 0 for automatic), got " + tile);
        }
        return new ImageDenoiser(this, tile == 0 ? DEFAULT_TILE : tile, batch, noiseSigma, ensemble);
    }

    /**
     * This denoiser with a given noise level, for models that take it as an input ({@link ModelContract#noiseLevelInput()}):
     * the standard deviation of the noise in the image's own units (grey levels for an 8-bit image). Larger values
     * smooth more, smaller ones keep more detail. NaN (the default) estimates it for each image
     * ({@link NoiseLevel#estimate}, or {@link NoiseLevel#map} when it grows with brightness). Other models ignore it.
     */
    public ImageDenoiser withNoiseSigma(double sigma) {
        if (!(Double.isNaN(sigma) || sigma >= 0 && Double.isFinite(sigma))) {
            throw new IllegalArgumentException("the noise level must be 0 or positive (or NaN to estimate it), got " + sigma);
        }
        return new ImageDenoiser(this, tile, batch, sigma, ensemble);
    }

    /** This denoiser sending {@code batch} tiles to ONNX Runtime in one call. */
    public ImageDenoiser withBatchSize(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        return new ImageDenoiser(this, tile, batch, noiseSigma, ensemble);
    }

    /**
     * This denoiser averaging {@code n} runs over flipped and turned copies of each image (1, 2, 4 or 8; the default 1
     * runs once): a self-ensemble that lowers the network's orientation-dependent errors at n times the work
     * ({@link Dihedral}). The noise level is estimated once, on the image as given. 2-D, size-free models only.
     */
    public ImageDenoiser withEnsemble(int n) {
        if (n != 1 && n != 2 && n != 4 && n != 8) {
            throw new IllegalArgumentException("the ensemble is 1, 2, 4 or 8 flipped and turned copies, got " + n);
        }
        return new ImageDenoiser(this, tile, batch, noiseSigma, n);
    }

    /** How many flipped and turned copies each image is denoised as (1: once). */
    public int ensemble() {
        return ensemble;
    }

    /** The core tile size in use: the one set, or for a fixed-size model P − 2·halo. */
    public int tileSize() {
        return fixedSize() ? contract.fixedSize() - 2 * contract.halo() : tile;
    }

    public int batchSize() {
        return batch;
    }

    /** The noise level set with {@link #withNoiseSigma}; NaN when it is estimated per image. */
    public double noiseSigma() {
        return noiseSigma;
    }

    public DenoiserModel model() {
        return model;
    }

    private boolean fixedSize() {
        return contract.fixedSize() > 0;
    }

    /** As {@link #denoise(FloatImage, RunContext)} with a context of its own that reports to {@code progress}. */
    public FloatImage denoise(FloatImage image, ProgressListener progress) throws HushException {
        return denoise(image, new RunContext(progress));
    }

    /**
     * Denoises {@code image} (channels as the model expects) and returns a new image; the input is untouched.
     * {@code context} cancels this call alone, gets its progress (tiles done of all) and records the noise level a
     * noise-level model was fed. A denoiser is immutable: many threads may call this at once, each with its context.
     */
    public FloatImage denoise(FloatImage image, RunContext context) throws HushException {
        requirePlanar();
        check(image);
        IntensityMap norm = model.intensities(List.of(image));
        return run(image, norm, level(image, norm, context), context);
    }

    /** {@code image} normalised by {@code norm}, with {@code level}, tiled (and ensembled), restored. */
    private FloatImage run(FloatImage image, IntensityMap norm, Level level, RunContext context) throws HushException {
        int t = tile;
        int b = batch;
        while (true) {
            try {
                FloatImage y = ensemble == 1 || fixedSize() ? tiled(image, norm, level, t, b, context)
                        : ensembled(image, norm, level, t, b, context);
                norm.restore(List.of(y.data()), List.of(image.data()));
                return y;
            } catch (OutOfDeviceMemoryException e) {
                if (fixedSize()) {
                    // The window is fixed: only fewer windows per call can help.
                    if (b == 1) {
                        throw new HushException(e.getMessage() + "; even one " + contract.fixedSize() + "×"
                                + contract.fixedSize() + " window at a time does not fit. Free memory or run on the CPU", e);
                    }
                    LOG.warn("{}; retrying with batches of {} tiles", e.getMessage(), b / 2);
                    b /= 2;
                    continue;
                }
                if (t / 2 < MIN_TILE) {
                    throw new HushException(e.getMessage() + "; even " + t + "-pixel tiles do not fit. Free memory or run on"
                            + " the CPU", e);
                }
                LOG.warn("{}; retrying with {}-pixel tiles", e.getMessage(), t / 2);
                t /= 2;
            }
        }
    }

    /**
     * Denoising one grey image too large to hold, band of rows by band of rows, with what was fitted to the whole
     * image ({@code whole}: its intensity map and noise level, or noise map). Each band is denoised with
     * {@link Bands#context()} real rows above and below it, so the result equals {@link #denoise} on the whole image
     * within float rounding, whatever the bands. 2-D Hush models of one channel (a bioimage.io model fits its own
     * pre-processing to the image it is given, so it is refused).
     */
    public Bands bands(ImageStatistics whole) throws HushException {
        requirePlanar();
        if (contract.inputChannels() - (contract.noiseLevelInput() ? 1 : 0) != 1 || contract.channels() != 1) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the model '" + contract.name() + "' denoises "
                    + contract.channels() + "-channel images; band-by-band denoising takes grey images and a 1-channel"
                    + " model");
        }
        if (model.isForeign()) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the model '" + contract.name() + "' comes from"
                    + " a bioimage.io package, whose pre-processing is fitted to each whole image; it cannot denoise an"
                    + " image band by band");
        }
        return new Bands(whole);
    }

    /** A whole image's fit, for denoising it band by band ({@link #bands}). Safe to share between threads. */
    public final class Bands {
        private final int width;
        private final int height;
        private final Normalization norm;
        private final NoiseLevel.Curve curve;
        private final float constant;
        private final float scale;

        private Bands(ImageStatistics whole) {
            width = whole.width();
            height = whole.height();
            norm = whole.normalization(contract);
            scale = Math.abs(norm.apply(1f) - norm.apply(0f));
            boolean levels = contract.noiseLevelInput();
            curve = levels && Double.isNaN(noiseSigma) ? whole.curve() : null;
            constant = !levels || curve != null ? Float.NaN
                    : (float) (Double.isNaN(noiseSigma) ? whole.sigma() : noiseSigma);
        }

        /**
         * Rows a band needs above and below the rows it denoises (fewer at the image's top and bottom): the model's
         * halo and size multiple, and for a noise map the reach of its smoothing.
         */
        public int context() {
            return contract.halo() + contract.sizeMultiple() - 1 + (curve != null ? NoiseLevel.MAP_REACH : 0);
        }

        /**
         * Denoises rows {@code from} to {@code to} (exclusive) of the image, given its rows from {@code first} on
         * ({@code rows}, grey, the image's width; they must reach {@link #context()} rows beyond both ends, or the
         * image's edge). Returns those rows denoised. {@code context} cancels it, gets its progress (tiles) and
         * records the noise level fed (a map's mean over these rows).
         */
        public FloatImage denoise(FloatImage rows, int first, int from, int to, RunContext context)
                throws HushException {
            int need = context();
            int last = first + rows.height();
            if (rows.channels() != 1 || rows.width() != width || from < 0 || to > height || from >= to
                    || first > Math.max(0, from - need) || last < Math.min(height, to + need)) {
                throw new IllegalArgumentException("rows " + first + "–" + last + " (" + rows.channels() + " channel(s), "
                        + rows.width() + " wide) cannot give rows " + from + "–" + to + " of a " + width + "×" + height
                        + " grey image with " + need + " rows of context");
            }
            check(rows);
            // The region around the band starts on a multiple of the size multiple, as the tiles of a whole image
            // do: a network that downsamples sees the same pixel grid phase, or its result differs. It also ends a
            // multiple of it above the image's bottom, for the flipped copies of an ensemble.
            int h = contract.halo();
            int m = contract.sizeMultiple();
            int r0 = Math.max(0, Math.floorDiv(from - h, m) * m);
            int r1 = to + h >= height ? height : height - Math.floorDiv(height - (to + h), m) * m;
            FloatImage region = FloatImage.gray(width, r1 - r0, Arrays.copyOfRange(rows.data(),
                    (r0 - first) * width, (r1 - first) * width));
            Level level = null;
            if (curve != null) {
                float[] map = curve.map(rows.data(), width, rows.height());
                float[] part = Arrays.copyOfRange(map, (r0 - first) * width, (r1 - first) * width);
                double sum = 0;
                for (int i = 0; i < part.length; i++) {
                    if (i >= (from - r0) * width && i < (to - r0) * width) {
                        sum += part[i];
                    }
                    part[i] *= scale;
                }
                context.recordNoiseLevel(sum / ((long) (to - from) * width), true);
                level = new Level(Float.NaN, part);
            } else if (!Float.isNaN(constant)) {
                context.recordNoiseLevel(constant, false);
                level = new Level(constant * scale, null);
            }
            FloatImage y = run(region, norm, level, context);
            return FloatImage.gray(width, to - from, Arrays.copyOfRange(y.data(), (from - r0) * width,
                    (to - r0) * width));
        }
    }

    /**
     * As {@link #denoise}, except that an image of several channels (RGB) given to a 1-channel model is denoised
     * channel by channel, each with its own normalisation and noise level, as colour has always been denoised with
     * grey models here.
     */
    public FloatImage denoiseEachChannel(FloatImage image, ProgressListener progress) throws HushException {
        return denoiseEachChannel(image, new RunContext(progress));
    }

    /** As {@link #denoiseEachChannel(FloatImage, ProgressListener)}, under {@code context}. */
    public FloatImage denoiseEachChannel(FloatImage image, RunContext context) throws HushException {
        if (contract.channels() != 1 || image.channels() == 1) {
            return denoise(image, context);
        }
        int area = image.width() * image.height();
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            FloatImage one = FloatImage.gray(image.width(), image.height(),
                    Arrays.copyOfRange(image.data(), c * area, (c + 1) * area));
            System.arraycopy(denoise(one, context).data(), 0, out, c * area, area);
        }
        return new FloatImage(image.channels(), image.width(), image.height(), out);
    }

    /**
     * Denoises the whole image in one ONNX Runtime call (mirror-padded by the halo): the reference the
     * tiled path is tested and benchmarked against. Needs memory for the whole padded image. Refuses a
     * model that takes one input size only ({@code hush.fixed_size}): it has no whole-image result.
     */
    public FloatImage denoiseWhole(FloatImage image) throws HushException {
        return denoiseWhole(image, new RunContext());
    }

    /** As {@link #denoiseWhole(FloatImage)}, under {@code context}. */
    public FloatImage denoiseWhole(FloatImage image, RunContext context) throws HushException {
        requirePlanar();
        check(image);
        if (fixedSize()) {
            throw new HushException("the model '" + contract.name() + "' takes only " + contract.fixedSize() + "×"
                    + contract.fixedSize() + " inputs (" + ModelContract.FIXED_SIZE + "), so it cannot run on a whole "
                    + image.width() + "×" + image.height() + " image in one call; use denoise(), which tiles the image"
                    + " into windows of that size");
        }
        IntensityMap norm = model.intensities(List.of(image));
        Level level = level(image, norm, context);
        FloatImage x = image;
        int h = contract.halo();
        int m = contract.sizeMultiple();
        int ww = TileGrid.roundUp(x.width() + 2 * h, m);
        int wh = TileGrid.roundUp(x.height() + 2 * h, m);
        int c = x.channels();
        int ci = contract.inputChannels();
        FloatBuffer buf = DenoiserModel.directBuffer(ci * ww * wh);
        fillWindow(x, norm, level, -h, -h, ww, wh, buf, 0);
        buf.rewind();
        float[] out = model.run(buf, new long[] {1, ci, wh, ww}, context);
        FloatImage y = new FloatImage(c, x.width(), x.height());
        for (int ch = 0; ch < c; ch++) {
            for (int yy = 0; yy < x.height(); yy++) {
                int src = (ch * wh + yy + h) * ww + h;
                System.arraycopy(out, src, y.data(), (ch * x.height() + yy) * x.width(), x.width());
            }
        }
        norm.restore(List.of(y.data()), List.of(image.data()));
        return y;
    }

    /**
     * The noise-level plane a noise-level model gets, in model units: null for other models; the level set by
     * {@link #noiseSigma}; else, when the noise grows with brightness, a map ({@link NoiseLevel#map}); else the
     * single estimate ({@link NoiseLevel#estimate}).
     */
    private Level level(FloatImage image, IntensityMap norm, RunContext context) {
        if (!contract.noiseLevelInput()) {
            return null;
        }
        float scale = Math.abs(norm.apply(1f) - norm.apply(0f));
        if (Double.isNaN(noiseSigma)) {
            float[] map = NoiseLevel.map(image);
            if (map != null) {
                double sum = 0;
                for (int i = 0; i < map.length; i++) {
                    sum += map[i];
                    map[i] *= scale;
                }
                context.recordNoiseLevel(sum / map.length, true);
                return new Level(Float.NaN, map);
            }
        }
        double sigma = Double.isNaN(noiseSigma) ? NoiseLevel.estimate(image) : noiseSigma;
        context.recordNoiseLevel(sigma, false);
        return new Level((float) (sigma * scale), null);
    }

    /** A noise-level plane: one value everywhere, or a value per pixel (image-sized, model units). */
    private record Level(float constant, float[] map) {
    }

    /** The mean of {@link #tiled} over the first {@link #ensemble} flips and turns of the image (and of its noise map). */
    private FloatImage ensembled(FloatImage image, IntensityMap norm, Level level, int t, int b, RunContext context)
            throws HushException {
        int c = image.channels();
        int w = image.width();
        int h = image.height();
        double[] sum = new double[image.data().length];
        for (int k = 0; k < ensemble; k++) {
            int turn = Dihedral.ORDER[k];
            boolean tr = Dihedral.transposes(turn);
            FloatImage x = new FloatImage(c, tr ? h : w, tr ? w : h, Dihedral.apply(image.data(), c, w, h, turn));
            Level l = level == null || level.map() == null ? level
                    : new Level(level.constant(), Dihedral.apply(level.map(), 1, w, h, turn));
            // One progress over all copies: copy k's tiles follow the k copies before it.
            ProgressListener outer = context.progress();
            long copy = k;
            RunContext part = context.withProgress((done, total) -> outer.update(copy * total + done, ensemble * total));
            float[] y = Dihedral.invert(tiled(x, norm, l, t, b, part).data(), c, w, h, turn);
            for (int i = 0; i < y.length; i++) {
                sum[i] += y[i];
            }
        }
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sum[i] / ensemble);
        }
        return new FloatImage(c, w, h, out);
    }

    private void requirePlanar() throws HushException {
        if (contract.volumetric()) {
            throw new HushException("the model '" + contract.name() + "' is 3-D: it denoises a z-stack as one volume, not"
                    + " a single plane; give it the stack's planes (denoiseVolume; hush image and Denoise Image do so for"
                    + " a stack), or pick a 2-D model for single images");
        }
    }

    /**
     * Denoises a z-stack as one volume with a 3-D model ({@link ModelContract#volumetric()}): {@code planes} are the
     * z planes in order, all of one size and of the model's channels. The volume is normalised as a whole, cut into
     * windows along z, y and x (core + halo, mirrored past every edge; {@link #DEFAULT_TILE_3D} across and
     * {@link #DEFAULT_TILE_Z} deep unless {@link #withTileSize} says otherwise) and the cores are blended back, so
     * the result does not depend on the tiling (within float rounding). Returns new planes; the input is untouched.
     * A 2-D model is refused: run {@link #denoise} on each plane instead.
     */
    public List<FloatImage> denoiseVolume(List<FloatImage> planes, RunContext context)
            throws HushException {
        if (!contract.volumetric()) {
            throw new HushException("the model '" + contract.name() + "' is 2-D: it denoises planes one by one; call"
                    + " denoise() on each plane, or pick a 3-D model to denoise the stack as a volume");
        }
        if (planes.isEmpty()) {
            throw new IllegalArgumentException("a volume needs at least one plane");
        }
        FloatImage first = planes.get(0);
        for (int z = 0; z < planes.size(); z++) {
            FloatImage p = planes.get(z);
            if (p.width() != first.width() || p.height() != first.height() || p.channels() != first.channels()) {
                throw new HushException("plane " + (z + 1) + " of the volume is " + p.width() + "×" + p.height() + " with "
                        + p.channels() + " channel(s), plane 1 is " + first.width() + "×" + first.height() + " with "
                        + first.channels() + "; a volume's planes must all be alike");
            }
            try {
                check(p);
            } catch (HushException e) {
                throw new HushException("plane " + (z + 1) + ": " + e.getMessage(), e);
            }
        }
        IntensityMap norm = model.intensities(planes);
        int t = tile == DEFAULT_TILE ? DEFAULT_TILE_3D : tile;
        int tz = DEFAULT_TILE_Z;
        while (true) {
            try {
                List<FloatImage> out = tiledVolume(planes, norm, t, tz, context);
                List<float[]> outData = new ArrayList<>();
                List<float[]> inData = new ArrayList<>();
                for (int z = 0; z < out.size(); z++) {
                    outData.add(out.get(z).data());
                    inData.add(planes.get(z).data());
                }
                norm.restore(outData, inData);
                return out;
            } catch (OutOfDeviceMemoryException e) {
                if (t / 2 < MIN_TILE_3D) {
                    throw new HushException(e.getMessage() + "; even " + t + "×" + t + "×" + tz + " tiles do not fit. Free"
                            + " memory or run on the CPU", e);
                }
                t /= 2;
                tz = Math.max(MIN_TILE_3D / 2, tz / 2);
                LOG.warn("{}; retrying with {}×{}×{} tiles", e.getMessage(), t, t, tz);
            }
        }
    }

    /**
     * As {@link #denoiseVolume(List, RunContext)}, and with a 1-channel model also for planes of several
     * channels (an RGB stack): each channel is then denoised as its own volume.
     */
    public List<FloatImage> denoiseVolumeEachChannel(List<FloatImage> planes, RunContext context)
            throws HushException {
        int channels = planes.isEmpty() ? 1 : planes.get(0).channels();
        if (contract.channels() != 1 || channels == 1) {
            return denoiseVolume(planes, context);
        }
        FloatImage first = planes.get(0);
        int area = first.width() * first.height();
        List<FloatImage> out = new ArrayList<>();
        for (FloatImage p : planes) {
            if (p.channels() != channels || p.width() != first.width() || p.height() != first.height()) {
                throw new HushException("the volume's planes differ in size or channels; a volume's planes must all be"
                        + " alike");
            }
            out.add(new FloatImage(channels, p.width(), p.height()));
        }
        for (int c = 0; c < channels; c++) {
            List<FloatImage> one = new ArrayList<>();
            for (FloatImage p : planes) {
                one.add(FloatImage.gray(p.width(), p.height(), Arrays.copyOfRange(p.data(), c * area, (c + 1) * area)));
            }
            List<FloatImage> done = denoiseVolume(one, context);
            for (int z = 0; z < planes.size(); z++) {
                System.arraycopy(done.get(z).data(), 0, out.get(z).data(), c * area, area);
            }
        }
        return out;
    }

    /** As {@link #denoiseVolume(List, RunContext)} reporting to {@code progress}. */
    public List<FloatImage> denoiseVolume(List<FloatImage> planes, ProgressListener progress)
            throws HushException {
        return denoiseVolume(planes, new RunContext(progress));
    }

    private List<FloatImage> tiledVolume(List<FloatImage> planes, IntensityMap norm, int coreTile,
                                                   int coreZ, RunContext context) throws HushException {
        ProgressListener progress = context.progress();
        FloatImage first = planes.get(0);
        int w = first.width();
        int hgt = first.height();
        int d = planes.size();
        int c = first.channels();
        int h = contract.halo();
        int hz = contract.haloZ();
        TileGrid gx = TileGrid.along(w, coreTile, h, contract.sizeMultiple());
        TileGrid gy = TileGrid.along(hgt, coreTile, h, contract.sizeMultiple());
        TileGrid gz = TileGrid.along(d, coreZ, hz, contract.sizeMultipleZ());
        int ww = gx.window();
        int wh = gy.window();
        int wd = gz.window();
        FloatBuffer buf = DenoiserModel.directBuffer(c * wd * wh * ww);
        List<FloatImage> acc = new ArrayList<>();
        for (int z = 0; z < d; z++) {
            acc.add(new FloatImage(c, w, hgt));
        }
        float[] sumX = weightSums(gx, w);
        float[] sumY = weightSums(gy, hgt);
        float[] sumZ = weightSums(gz, d);
        int tiles = gx.starts().length * gy.starts().length * gz.starts().length;
        int done = 0;
        progress.update(0, tiles);
        int[] cols = new int[ww];
        float[] row = new float[ww];
        for (int z0 : gz.starts()) {
            for (int y0 : gy.starts()) {
                for (int x0 : gx.starts()) {
                    context.throwIfCancelled();
                    for (int i = 0; i < ww; i++) {
                        cols[i] = Mirror.index(x0 - h + i, w);
                    }
                    int pos = 0;
                    for (int ch = 0; ch < c; ch++) {
                        for (int k = 0; k < wd; k++) {
                            float[] plane = planes.get(Mirror.index(z0 - hz + k, d)).data();
                            for (int j = 0; j < wh; j++) {
                                int base = (ch * hgt + Mirror.index(y0 - h + j, hgt)) * w;
                                for (int i = 0; i < ww; i++) {
                                    row[i] = norm.apply(plane[base + cols[i]]);
                                }
                                buf.put(pos, row, 0, ww);
                                pos += ww;
                            }
                        }
                    }
                    float[] out = model.run(buf, new long[] {1, c, wd, wh, ww}, context);
                    int zEnd = Math.min(gz.core(), d - z0);
                    int yEnd = Math.min(gy.core(), hgt - y0);
                    int xEnd = Math.min(gx.core(), w - x0);
                    for (int ch = 0; ch < c; ch++) {
                        for (int k = 0; k < zEnd; k++) {
                            float wz = gz.weight(k);
                            float[] a = acc.get(z0 + k).data();
                            for (int j = 0; j < yEnd; j++) {
                                float wzy = wz * gy.weight(j);
                                int src = ((ch * wd + k + hz) * wh + j + h) * ww + h;
                                int dst = (ch * hgt + y0 + j) * w + x0;
                                for (int i = 0; i < xEnd; i++) {
                                    a[dst + i] += wzy * gx.weight(i) * out[src + i];
                                }
                            }
                        }
                    }
                    progress.update(++done, tiles);
                }
            }
        }
        for (int z = 0; z < d; z++) {
            float[] a = acc.get(z).data();
            for (int ch = 0; ch < c; ch++) {
                for (int yy = 0; yy < hgt; yy++) {
                    int at = (ch * hgt + yy) * w;
                    float wzy = sumZ[z] * sumY[yy];
                    for (int xx = 0; xx < w; xx++) {
                        a[at + xx] /= wzy * sumX[xx];
                    }
                }
            }
        }
        return acc;
    }

    private void check(FloatImage image) throws HushException {
        if (image.channels() != contract.channels()) {
            throw new HushException("the model '" + contract.name() + "' denoises " + contract.channels()
                    + "-channel images, but this image has " + image.channels() + " channel(s); choose a model with "
                    + image.channels() + " channel(s) or convert the image");
        }
        long bad = image.countNonFinite();
        if (bad > 0) {
            throw new HushException("the image has " + bad + " NaN or infinite pixel(s); replace them first, since a"
                    + " denoiser cannot guess what they should be");
        }
    }

    /** Denoises {@code x} tile by tile; windows are normalised as they are cut, so the input is never copied whole. */
    private FloatImage tiled(FloatImage x, IntensityMap norm, Level level, int coreTile, int tilesPerCall,
                             RunContext context)
            throws HushException {
        ProgressListener progress = context.progress();
        int h = contract.halo();
        int m = contract.sizeMultiple();
        int p = contract.fixedSize();
        TileGrid gx = p > 0 ? TileGrid.exact(x.width(), p, h) : TileGrid.along(x.width(), coreTile, h, m);
        TileGrid gy = p > 0 ? TileGrid.exact(x.height(), p, h) : TileGrid.along(x.height(), coreTile, h, m);
        int c = x.channels();
        int ww = gx.window();
        int wh = gy.window();
        int ci = contract.inputChannels();
        int perTile = ci * ww * wh;
        int outPerTile = c * ww * wh;
        int tiles = gx.starts().length * gy.starts().length;
        int b = Math.min(tilesPerCall, tiles);
        FloatBuffer buf = DenoiserModel.directBuffer(perTile * b);
        FloatImage acc = new FloatImage(c, x.width(), x.height());
        // Tile weights are separable (wx·wy), so their sum at (x, y) is Σwx(x) · Σwy(y): two short
        // arrays instead of a whole-image weight plane.
        float[] sumX = weightSums(gx, x.width());
        float[] sumY = weightSums(gy, x.height());
        int[] pending = new int[2 * b];
        int inBatch = 0;
        int done = 0;
        progress.update(0, tiles);
        for (int ty = 0; ty < gy.starts().length; ty++) {
            for (int tx = 0; tx < gx.starts().length; tx++) {
                context.throwIfCancelled();
                int x0 = gx.starts()[tx];
                int y0 = gy.starts()[ty];
                fillWindow(x, norm, level, x0 - h, y0 - h, ww, wh, buf, inBatch * perTile);
                pending[2 * inBatch] = x0;
                pending[2 * inBatch + 1] = y0;
                inBatch++;
                boolean last = ty == gy.starts().length - 1 && tx == gx.starts().length - 1;
                if (inBatch == b || last) {
                    buf.position(0).limit(inBatch * perTile);
                    float[] out = model.run(buf, new long[] {inBatch, ci, wh, ww}, context);
                    buf.clear();
                    for (int i = 0; i < inBatch; i++) {
                        blend(out, i * outPerTile, pending[2 * i], pending[2 * i + 1], gx, gy, acc);
                    }
                    done += inBatch;
                    inBatch = 0;
                    progress.update(done, tiles);
                }
            }
        }
        float[] a = acc.data();
        int w = x.width();
        for (int ch = 0; ch < c; ch++) {
            for (int yy = 0; yy < x.height(); yy++) {
                int row = (ch * x.height() + yy) * w;
                for (int xx = 0; xx < w; xx++) {
                    a[row + xx] /= sumX[xx] * sumY[yy];
                }
            }
        }
        return acc;
    }

    private static float[] weightSums(TileGrid g, int size) {
        float[] sum = new float[size];
        for (int start : g.starts()) {
            for (int i = 0; i < g.core() && start + i < size; i++) {
                sum[start + i] += g.weight(i);
            }
        }
        return sum;
    }

    /**
     * Copies the window whose top-left image coordinate is (wx, wy), normalised, into {@code buf} at
     * {@code offset}, mirroring outside the image; for a noise-level model ({@code level} not null) the level's
     * plane (constant, or the map's window, mirrored alike) follows the image's channels.
     */
    private static void fillWindow(FloatImage x, IntensityMap norm, Level level, int wx, int wy, int ww, int wh,
                                   FloatBuffer buf, int offset) {
        float[] d = x.data();
        int w = x.width();
        int hgt = x.height();
        int[] cols = new int[ww];
        for (int i = 0; i < ww; i++) {
            cols[i] = Mirror.index(wx + i, w);
        }
        float[] row = new float[ww];
        int pos = offset;
        for (int ch = 0; ch < x.channels(); ch++) {
            for (int j = 0; j < wh; j++) {
                int base = (ch * hgt + Mirror.index(wy + j, hgt)) * w;
                for (int i = 0; i < ww; i++) {
                    row[i] = norm.apply(d[base + cols[i]]);
                }
                buf.put(pos, row, 0, ww);
                pos += ww;
            }
        }
        if (level != null && level.map() == null) {
            Arrays.fill(row, level.constant());
            for (int j = 0; j < wh; j++) {
                buf.put(pos, row, 0, ww);
                pos += ww;
            }
        } else if (level != null) {
            float[] map = level.map();
            for (int j = 0; j < wh; j++) {
                int base = Mirror.index(wy + j, hgt) * w;
                for (int i = 0; i < ww; i++) {
                    row[i] = map[base + cols[i]];
                }
                buf.put(pos, row, 0, ww);
                pos += ww;
            }
        }
    }

    private static void blend(float[] out, int offset, int x0, int y0, TileGrid gx, TileGrid gy, FloatImage acc) {
        int w = acc.width();
        int hgt = acc.height();
        int ww = gx.window();
        int wh = gy.window();
        int h = gx.halo();
        int xEnd = Math.min(gx.core(), w - x0);
        int yEnd = Math.min(gy.core(), hgt - y0);
        float[] a = acc.data();
        for (int ch = 0; ch < acc.channels(); ch++) {
            for (int j = 0; j < yEnd; j++) {
                float wyv = gy.weight(j);
                int src = offset + (ch * wh + j + gy.halo()) * ww + h;
                int dst = (ch * hgt + y0 + j) * w + x0;
                for (int i = 0; i < xEnd; i++) {
                    a[dst + i] += wyv * gx.weight(i) * out[src + i];
                }
            }
        }
    }
}
