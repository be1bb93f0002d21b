package dev.hush.runtime.latent;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.hush.runtime.ExternalData;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.OrtNatives;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.UserModels;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.Mirror;
import dev.hush.runtime.image.Normalization;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An image codec made of an autoencoder's two halves, as {@code hush train image} writes them
 * ({@code NAME.encoder.onnx}, {@code NAME.decoder.onnx}): {@link #encode} turns an image into a {@link LatentCode}
 * (the encoder's output, quantised when the code is written), {@link #decode} turns a code back into an image.
 * Both work in tiles of code cells with a margin of {@code hush.halo} pixels, cut at multiples of the code's
 * scale, so that a tile computes what one call over the whole image computes and memory stays bounded for any
 * image size. The image is padded to a multiple of the scale by mirroring; decoding crops it back.
 *
 * <p>A code names its codec and the SHA-256 of the codec's two files; {@link #decode} refuses a code made by another
 * codec, since its numbers would decode to nonsense. Safe to use from several threads.
 */
public final class LatentCodec implements AutoCloseable {
    /** The key that marks an autoencoder's halves (the trainer's {@code OnnxExport.PART}). */
    public static final String PART = "hush.part";
    /** Pixels per side of a tile's core by default. */
    public static final int DEFAULT_TILE = 512;

    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final String encoderInput;
    private final String decoderInput;
    private final String name;
    private final String hash;
    private final String source;
    private final int channels;
    private final int codeChannels;
    private final int scale;
    private final int halo;
    private final String norm;
    private final double normLow;
    private final double normHigh;
    private final int tile;

    private LatentCodec(OrtEnvironment env, OrtSession encoder, OrtSession decoder, String source, String hash,
                        int tile) throws HushException, OrtException {
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
        this.source = source;
        this.hash = hash;
        this.tile = tile;
        Map<String, String> em = encoder.getMetadata().getCustomMetadata();
        Map<String, String> dm = decoder.getMetadata().getCustomMetadata();
        if (!"encoder".equals(em.get(PART)) || !"decoder".equals(dm.get(PART))) {
            throw new ModelFormatException(source + ": these are not an autoencoder's encoder and decoder (their '"
                    + PART + "' is '" + em.get(PART) + "' and '" + dm.get(PART) + "'); train a conv network with"
                    + " global_residual=false to get them (docs/latent.md)");
        }
        this.name = em.getOrDefault(ModelContract.NAME, "unnamed");
        if (!name.equals(dm.getOrDefault(ModelContract.NAME, "unnamed"))) {
            throw new ModelFormatException(source + ": the encoder is '" + name + "' but the decoder is '"
                    + dm.get(ModelContract.NAME) + "'; use the two halves of one training");
        }
        this.scale = number(em, ModelContract.SIZE_MULTIPLE, 1, 1024);
        this.halo = number(em, ModelContract.HALO, 0, 4096);
        this.norm = em.getOrDefault(ModelContract.NORM, "none").trim().toLowerCase(java.util.Locale.ROOT);
        this.normLow = Double.parseDouble(em.getOrDefault(ModelContract.NORM_LOW, "0"));
        this.normHigh = Double.parseDouble(em.getOrDefault(ModelContract.NORM_HIGH, "1"));
        this.encoderInput = encoder.getInputNames().iterator().next();
        this.decoderInput = decoder.getInputNames().iterator().next();
        this.channels = (int) dim(encoder.getInputInfo().get(encoderInput), 1, "the encoder's input channels");
        this.codeChannels = (int) dim(encoder.getOutputInfo().values().iterator().next(), 1, "the code's channels");
        long decoderIn = dim(decoder.getInputInfo().get(decoderInput), 1, "the decoder's input channels");
        if (decoderIn != codeChannels) {
            throw new ModelFormatException(source + ": the encoder gives " + codeChannels + " code channels but the"
                    + " decoder takes " + decoderIn);
        }
    }

    private long dim(NodeInfo info, int axis, String what) throws ModelFormatException {
        if (info.getInfo() instanceof TensorInfo t && t.getShape().length == 4 && t.getShape()[axis] > 0) {
            return t.getShape()[axis];
        }
        throw new ModelFormatException(source + ": " + what + " must be a fixed dimension of an N×C×H×W tensor");
    }

    private int number(Map<String, String> m, String key, int min, int max) throws ModelFormatException {
        String v = m.get(key);
        if (v == null) {
            throw new ModelFormatException(source + ": the encoder has no '" + key + "' (exported by an older trainer);"
                    + " train it again with this version to use it as a codec");
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ModelFormatException(source + ": '" + key + "' = " + n + " is outside " + min + "–" + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ModelFormatException(source + ": '" + key + "' = '" + v + "' is not a whole number");
        }
    }

    /** Opens a codec from its two files. */
    public static LatentCodec open(Path encoder, Path decoder, SessionConfig config) throws HushException {
        return open(encoder, decoder, config, DEFAULT_TILE);
    }

    /** As {@link #open(Path, Path, SessionConfig)} with tiles of {@code tile} pixels a side (their cores). */
    public static LatentCodec open(Path encoder, Path decoder, SessionConfig config, int tile) throws HushException {
        return fromBytes(read(encoder), read(decoder), encoder.toString().replace(".encoder.onnx", "") + " (codec)",
                config, tile);
    }

    /**
     * Opens the codec {@code nameOrPath}: a shipped codec by name, else {@code NAME.encoder.onnx} and
     * {@code NAME.decoder.onnx} in the user's model folder, else the files beside the path given ({@code dir/NAME},
     * {@code dir/NAME.onnx} or either half's file).
     */
    public static LatentCodec openNamed(String nameOrPath, SessionConfig config) throws HushException {
        return openNamed(nameOrPath, config, DEFAULT_TILE);
    }

    /** As {@link #openNamed(String, SessionConfig)} with tiles of {@code tile} pixels a side (their cores). */
    public static LatentCodec openNamed(String nameOrPath, SessionConfig config, int tile) throws HushException {
        String enc = nameOrPath + ".encoder.onnx";
        String dec = nameOrPath + ".decoder.onnx";
        if (shippedCodec(nameOrPath)) {
            return fromBytes(ShippedModels.file(enc), ShippedModels.file(dec), "shipped:" + nameOrPath, config, tile);
        }
        Path user = UserModels.folder().resolve(enc);
        if (!nameOrPath.contains("/") && Files.isRegularFile(user)) {
            return open(user, UserModels.folder().resolve(dec), config, tile);
        }
        String base = nameOrPath.replaceAll("\\.(encoder|decoder)\\.onnx$", "").replaceAll("\\.onnx$", "");
        Path e = Path.of(base + ".encoder.onnx");
        Path d = Path.of(base + ".decoder.onnx");
        if (!Files.isRegularFile(e) || !Files.isRegularFile(d)) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "no codec '" + nameOrPath + "': looked for a"
                    + " shipped codec (" + String.join(", ", shippedCodecs()) + "), for " + user + ", and for " + e
                    + " with " + d.getFileName() + "; if the codec's files are elsewhere, name them (hush: --model"
                    + " DIR/NAME)");
        }
        return open(e, d, config, tile);
    }

    /** Shipped codecs: names listed in {@code codecs.list} beside the models. */
    public static List<String> shippedCodecs() {
        try {
            List<String> names = new ArrayList<>();
            for (String line : new String(ShippedModels.file("codecs.list"), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\n")) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
            return names;
        } catch (HushException e) {
            return List.of();
        }
    }

    private static boolean shippedCodec(String name) {
        return shippedCodecs().contains(name);
    }

    /** Opens a codec from its halves' bytes; {@code tile} is the core tile side in pixels. */
    public static LatentCodec fromBytes(byte[] encoder, byte[] decoder, String source, SessionConfig config, int tile)
            throws HushException {
        if (tile < 16) {
            throw new IllegalArgumentException("tile must be at least 16 pixels, got " + tile);
        }
        for (byte[] part : new byte[][] {encoder, decoder}) {
            String external = ExternalData.find(part);
            if (external != null) {
                throw new ModelFormatException(source + " keeps tensor data outside its files ('" + external + "');"
                        + " Hush runs only self-contained models");
            }
        }
        OrtEnvironment env = OrtNatives.environment();
        OrtSession e = null;
        OrtSession d = null;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            if (config.intraOpThreads() > 0) {
                o.setIntraOpNumThreads(config.intraOpThreads());
            }
            o.setInterOpNumThreads(1);
            e = env.createSession(encoder, o);
            d = env.createSession(decoder, o);
            return new LatentCodec(env, e, d, source, sha256(encoder, decoder), tile);
        } catch (OrtException ex) {
            closeQuietly(e);
            closeQuietly(d);
            throw new ModelFormatException(source + ": ONNX Runtime cannot load the codec: " + ex.getMessage());
        } catch (HushException | RuntimeException ex) {
            closeQuietly(e);
            closeQuietly(d);
            throw ex;
        }
    }

    public String name() {
        return name;
    }

    /** SHA-256 (hex) of the encoder's and decoder's files: the identity a code carries. */
    public String hash() {
        return hash;
    }

    /** Image channels per plane the encoder takes. */
    public int channels() {
        return channels;
    }

    public int codeChannels() {
        return codeChannels;
    }

    /** Pixels per code cell along each side. */
    public int scale() {
        return scale;
    }

    /**
     * Encodes an image given as planes of {@link #channels()} channels each (a grey codec codes a colour image's
     * channels as three planes). {@code bits}: 1–8 quantises each code channel uniformly between its minimum and
     * maximum when the code is written; 0 keeps float32 values. {@code bitDepth} (8, 16, 24 for RGB, 32) is what
     * {@link #decode} rounds back to.
     */
    public LatentCode encode(List<FloatImage> planes, int bitDepth, int bits, RunContext context) throws HushException {
        if (planes.isEmpty()) {
            throw new IllegalArgumentException("no planes to encode");
        }
        int w = planes.get(0).width();
        int h = planes.get(0).height();
        for (FloatImage p : planes) {
            if (p.channels() != channels || p.width() != w || p.height() != h) {
                throw new HushException(HushException.Code.INVALID_INPUT, "the codec '" + name + "' codes planes of "
                        + channels + " channel(s); got a plane of " + p.channels() + " channel(s), " + p.width() + "×"
                        + p.height() + " (the first is " + w + "×" + h + ")");
            }
        }
        if (w > LatentCode.MAX_SIDE || h > LatentCode.MAX_SIDE || (long) w * h * planes.size() > LatentCode.MAX_PIXELS
                || planes.size() > 4096) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the image is " + w + "×" + h + " × "
                    + planes.size() + " planes; a code holds up to " + LatentCode.MAX_SIDE + " pixels a side, "
                    + LatentCode.MAX_PIXELS + " pixels and 4096 planes in all: encode the planes in parts");
        }
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("bits must lie in 0–8, got " + bits);
        }
        Normalization n = normalization(planes);
        int cw = (w + scale - 1) / scale;
        int ch = (h + scale - 1) / scale;
        int area = cw * ch;
        float[] code = new float[planes.size() * codeChannels * area];
        for (int p = 0; p < planes.size(); p++) {
            FloatImage img = planes.get(p);
            int plane = p;
            forEachTile(cw, ch, plane, planes.size(), context, (cx0, cy0, cx1, cy1, wx0, wy0, wx1, wy1) -> {
                    int pw = (wx1 - wx0) * scale;
                    int ph = (wy1 - wy0) * scale;
                    float[] in = new float[channels * pw * ph];
                    for (int c = 0; c < channels; c++) {
                        for (int y = 0; y < ph; y++) {
                            int sy = Mirror.index(wy0 * scale + y, h);
                            for (int x = 0; x < pw; x++) {
                                in[(c * ph + y) * pw + x] = n.apply(img.get(c, Mirror.index(wx0 * scale + x, w), sy));
                            }
                        }
                    }
                    float[] out = run(encoder, encoderInput, in, new long[] {1, channels, ph, pw}, "encoder");
                    int ow = wx1 - wx0;
                    int oh = wy1 - wy0;
                    if (out.length != codeChannels * ow * oh) {
                        throw new ModelFormatException(source + ": the encoder gave " + out.length + " values for a "
                                + pw + "×" + ph + " window, not " + codeChannels + "×" + oh + "×" + ow);
                    }
                    for (int k = 0; k < codeChannels; k++) {
                        for (int y = cy0; y < cy1; y++) {
                            System.arraycopy(out, (k * oh + y - wy0) * ow + cx0 - wx0, code,
                                    ((plane * codeChannels + k) * ch + y) * cw + cx0, cx1 - cx0);
                        }
                    }
            });
        }
        return new LatentCode(name, hash, w, h, bitDepth, planes.size(), codeChannels, cw, ch, scale, n.low(), n.high(),
                bits, code);
    }

    /** Decodes a code made by this codec into its planes, in the image's intensities (not yet rounded). */
    public List<FloatImage> decode(LatentCode code, RunContext context) throws HushException {
        if (!code.hash().equals(hash) || code.codeChannels() != codeChannels || code.scale() != scale) {
            throw new HushException(HushException.Code.INVALID_INPUT, "this code was made by the codec '"
                    + code.codec() + "' (" + code.hash().substring(0, 12) + "…), not by '" + name + "' ("
                    + hash.substring(0, 12) + "…): decode it with the codec that made it (--model " + code.codec()
                    + "); another codec's numbers mean nothing to this decoder");
        }
        Normalization n = new Normalization(code.normLow(), code.normHigh());
        int w = code.width();
        int h = code.height();
        int cw = code.codeWidth();
        int ch = code.codeHeight();
        List<FloatImage> planes = new ArrayList<>();
        float[] values = code.values();
        for (int p = 0; p < code.planes(); p++) {
            FloatImage img = new FloatImage(channels, w, h);
            int plane = p;
            forEachTile(cw, ch, plane, code.planes(), context, (cx0, cy0, cx1, cy1, wx0, wy0, wx1, wy1) -> {
                    int ow = wx1 - wx0;
                    int oh = wy1 - wy0;
                    float[] in = new float[codeChannels * ow * oh];
                    for (int k = 0; k < codeChannels; k++) {
                        for (int y = 0; y < oh; y++) {
                            System.arraycopy(values, ((plane * codeChannels + k) * ch + wy0 + y) * cw + wx0, in,
                                    (k * oh + y) * ow, ow);
                        }
                    }
                    int pw = ow * scale;
                    int ph = oh * scale;
                    float[] out = run(decoder, decoderInput, in, new long[] {1, codeChannels, oh, ow}, "decoder");
                    if (out.length != channels * pw * ph) {
                        throw new ModelFormatException(source + ": the decoder gave " + out.length + " values for "
                                + ow + "×" + oh + " code cells, not " + channels + "×" + ph + "×" + pw);
                    }
                    int x0 = cx0 * scale;
                    int y0 = cy0 * scale;
                    int x1 = Math.min(w, cx1 * scale);
                    int y1 = Math.min(h, cy1 * scale);
                    for (int c = 0; c < channels; c++) {
                        for (int y = y0; y < y1; y++) {
                            int row = (c * ph + y - wy0 * scale) * pw - wx0 * scale;
                            for (int x = x0; x < x1; x++) {
                                img.set(c, x, y, n.invert(out[row + x]));
                            }
                        }
                    }
            });
            planes.add(img);
        }
        return planes;
    }

    /** One tile: its core cells [cx0, cx1) × [cy0, cy1) and its window with the margin, [wx0, wx1) × [wy0, wy1). */
    @FunctionalInterface
    private interface TileWork {
        void run(int cx0, int cy0, int cx1, int cy1, int wx0, int wy0, int wx1, int wy1) throws HushException;
    }

    /**
     * Walks the code's cells (cw × ch) in tiles of {@code tile} pixels' worth of cells, each with a margin of cells
     * covering {@code hush.halo} pixels, clipped to the code; checks for cancellation and reports progress over all
     * planes.
     */
    private void forEachTile(int cw, int ch, int plane, int planes, RunContext context, TileWork work)
            throws HushException {
        int core = Math.max(1, tile / scale);
        int margin = (halo + scale - 1) / scale;
        int across = (cw + core - 1) / core;
        int down = (ch + core - 1) / core;
        long done = (long) plane * across * down;
        for (int cy0 = 0; cy0 < ch; cy0 += core) {
            for (int cx0 = 0; cx0 < cw; cx0 += core) {
                context.throwIfCancelled();
                int cx1 = Math.min(cw, cx0 + core);
                int cy1 = Math.min(ch, cy0 + core);
                work.run(cx0, cy0, cx1, cy1, Math.max(0, cx0 - margin), Math.max(0, cy0 - margin),
                        Math.min(cw, cx1 + margin), Math.min(ch, cy1 + margin));
                context.progress().update(++done, (long) planes * across * down);
            }
        }
    }

    private Normalization normalization(List<FloatImage> planes) {
        return switch (norm) {
            case "percentile" -> {
                // One map for all planes, from an even sample of each (at most about a million values in all).
                long all = 0;
                for (FloatImage p : planes) {
                    all += p.data().length;
                }
                int stride = (int) Math.max(1, all / (1 << 20));
                float[] sample = new float[(int) (all / stride) + planes.size()];
                int k = 0;
                for (FloatImage p : planes) {
                    for (int i = 0; i < p.data().length && k < sample.length; i += stride) {
                        sample[k++] = p.data()[i];
                    }
                }
                yield Normalization.percentile(java.util.Arrays.copyOf(sample, k), normLow, normHigh);
            }
            case "fixed" -> new Normalization(normLow, normHigh);
            default -> Normalization.identity();
        };
    }

    private float[] run(OrtSession s, String input, float[] data, long[] shape, String part) throws HushException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            for (float v : out) {
                if (!Float.isFinite(v)) {
                    throw new HushException(HushException.Code.RUNTIME_FAILURE, source + ": the " + part
                            + " gave NaN or infinite values");
                }
            }
            return out;
        } catch (OrtException e) {
            throw new HushException(HushException.Code.RUNTIME_FAILURE, "ONNX Runtime failed on the " + part + " of "
                    + source + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws HushException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HushException(HushException.Code.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(a);
            md.update(b);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // closing on a failure path
            }
        }
    }

    @Override
    public void close() throws HushException {
        try {
            encoder.close();
            decoder.close();
        } catch (OrtException e) {
            throw new HushException(HushException.Code.RUNTIME_FAILURE, "closing the codec " + source + " failed: "
                    + e.getMessage(), e);
        }
    }
}
