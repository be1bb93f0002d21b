package dev.hush.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.IntensityMap;
import dev.hush.runtime.image.Normalization;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hush model opened in ONNX Runtime: its validated {@link ModelContract} and a session on the
 * chosen device. Runs float32 tensors; pre- and post-processing (normalisation, tiling, STFT) live
 * elsewhere. Close it to free the native session.
 */
public final class DenoiserModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DenoiserModel.class);
    /** GPU providers tried by {@code auto}, best first. TensorRT is left out: its engine build takes minutes. */
    private static final Device.Kind[] AUTO_ORDER = {Device.Kind.CUDA, Device.Kind.DIRECTML, Device.Kind.COREML,
            Device.Kind.OPENVINO};

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelContract contract;
    private final Device device;
    private final String source;
    private final String fallbackNote;
    /** Null for a Hush model; how to run a model packaged by other software (a bioimage.io package). */
    private final Foreign foreign;
    /** Runs hold the read lock; {@link #close()} takes the write lock, so it waits for them to leave. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<ActiveRun> inFlight = ConcurrentHashMap.newKeySet();

    private DenoiserModel(OrtEnvironment env, OrtSession session, ModelContract contract, Device device, String source,
                          String fallbackNote, Foreign foreign) {
        this.foreign = foreign;
        this.env = env;
        this.session = session;
        this.contract = contract;
        this.device = device;
        this.source = source;
        this.fallbackNote = fallbackNote;
    }

    /** Protobuf's limit on one message: a larger file is not a loadable ONNX model. */
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

    /** Opens a model file: a Hush .onnx model, or a bioimage.io package (a .zip, or its folder). */
    public static DenoiserModel open(Path file, SessionConfig config) throws HushException {
        if (dev.hush.runtime.bioimageio.BioImageIoModel.isPackage(file)) {
            return dev.hush.runtime.bioimageio.BioImageIoModel.open(file, config);
        }
        return fromBytes(readFile(file), file.toString(), config);
    }

    /** A model file's bytes, after checking that it is a regular file of a size an ONNX model can have. */
    private static byte[] readFile(Path file) throws HushException {
        if (!Files.exists(file)) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "model file not found: " + file.toAbsolutePath()
                    + " (give a path to a .onnx file or the name of a shipped model: "
                    + String.join(", ", ShippedModels.names()) + ")");
        }
        if (Files.isDirectory(file)) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "model path is a folder, not a file: "
                    + file.toAbsolutePath());
        }
        if (!Files.isRegularFile(file)) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "model path is not a regular file (a device or"
                    + " pipe?): " + file.toAbsolutePath());
        }
        try {
            if (Files.size(file) > MAX_MODEL_BYTES) {
                throw new HushException(HushException.Code.INVALID_MODEL, "model file " + file.toAbsolutePath() + " is "
                        + Files.size(file) / (1 << 20) + " MB; ONNX files are limited to 2 GB (protobuf), so this is not"
                        + " a model Hush can load");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "model file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new HushException(HushException.Code.IO_ERROR, "cannot read model file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Opens a model shipped in the hush-models jar, by name. */
    public static DenoiserModel openShipped(String name, SessionConfig config) throws HushException {
        return fromBytes(ShippedModels.bytes(name), "shipped:" + name, config);
    }

    /**
     * Opens a shipped model by name, else a model of that name in the user's folder ({@link UserModels}), else
     * the file {@code nameOrPath}.
     */
    public static DenoiserModel openNamed(String nameOrPath, SessionConfig config) throws HushException {
        Path pkg = bioImageIoPackage(nameOrPath);
        if (pkg != null) {
            return dev.hush.runtime.bioimageio.BioImageIoModel.open(pkg, config);
        }
        Located at = locate(nameOrPath);
        return fromBytes(at.bytes(), at.source(), config);
    }

    /**
     * The contract of the model {@link #openNamed(String, SessionConfig)} would open, read from the file's metadata
     * without ONNX Runtime: no session is built or optimised, so listing many models or filling a model picker stays
     * cheap. The graph's signature is checked only when the model is opened.
     */
    public static ModelContract readContract(String nameOrPath) throws HushException {
        Path pkg = bioImageIoPackage(nameOrPath);
        if (pkg != null) {
            return dev.hush.runtime.bioimageio.BioImageIoModel.read(pkg).contract();
        }
        Located at = locate(nameOrPath);
        return ModelContract.read(at.bytes(), at.source());
    }

    /** The path, when {@code nameOrPath} names a bioimage.io package (a .zip, or a folder with its rdf.yaml). */
    private static Path bioImageIoPackage(String nameOrPath) {
        if (ShippedModels.names().contains(nameOrPath) || UserModels.find(nameOrPath).isPresent()) {
            return null;
        }
        try {
            Path p = Path.of(nameOrPath);
            return dev.hush.runtime.bioimageio.BioImageIoModel.isPackage(p) ? p : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** A model's ONNX bytes and where they came from ({@code shipped:NAME} or the file), for messages. */
    public record Located(byte[] bytes, String source) {
    }

    /**
     * The bytes of the model {@link #openNamed(String, SessionConfig)} would open, with the same checks (a shipped
     * name, a model of the user's folder, or a regular file of at most 2 GB), without opening it.
     */
    public static Located locate(String nameOrPath) throws HushException {
        if (ShippedModels.names().contains(nameOrPath)) {
            return new Located(ShippedModels.bytes(nameOrPath), "shipped:" + nameOrPath);
        }
        java.util.Optional<Path> user = UserModels.find(nameOrPath);
        if (user.isPresent()) {
            return new Located(readFile(user.get()), user.get().toString());
        }
        Path file;
        try {
            file = Path.of(nameOrPath);
        } catch (java.nio.file.InvalidPathException e) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "'" + nameOrPath + "' is not a model name or a"
                    + " file path: " + e.getReason());
        }
        if (!java.nio.file.Files.exists(file) && !nameOrPath.endsWith(".onnx")) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "no model named '" + nameOrPath + "': shipped"
                    + " models are " + String.join(", ", ShippedModels.names()) + (UserModels.names().isEmpty() ? ""
                    : "; your models (" + UserModels.folder() + ") are " + String.join(", ", UserModels.names()))
                    + "; or give a path to a .onnx file");
        }
        return new Located(readFile(file), file.toString());
    }

    /**
     * As {@link #openNamed(String, SessionConfig)} ({@code nameOrPath} null: the first shipped model of {@code domain}),
     * refusing a model of another domain by name.
     */
    public static DenoiserModel openNamed(String nameOrPath, SessionConfig config, Domain domain) throws HushException {
        return requireDomain(openNamed(nameOrPath != null ? nameOrPath : ShippedModels.defaultFor(domain), config), domain);
    }

    /** Returns {@code m} when it is a {@code domain} model; else closes it and says what it is. */
    public static DenoiserModel requireDomain(DenoiserModel m, Domain domain) throws HushException {
        Domain actual = m.contract().domain();
        if (actual != domain) {
            m.close();
            throw new ModelFormatException("the model '" + m.contract().name() + "' (" + m.source() + ") is an " + actual.key()
                    + " model, but this needs an " + domain.key() + " model");
        }
        return m;
    }

    /**
     * How to run an image model that other software packaged (a bioimage.io package: {@code
     * dev.hush.runtime.bioimageio.BioImageIoModel}) with Hush's tiling: its contract in Hush keys (norm {@code none},
     * since {@code intensities} maps the values), the axes of its input and output tensors in bioimage.io letters
     * (e.g. {@code byxc}; Hush feeds {@code bcyx} or {@code bczyx} and transposes), and its pre- and postprocessing
     * fitted to each image or volume.
     */
    public record Foreign(Map<String, String> contract, String inputAxes, String outputAxes,
                          java.util.function.Function<List<FloatImage>, IntensityMap> intensities) {
    }

    /** Opens a model packaged by other software ({@link Foreign}); {@code source} names it in messages. */
    public static DenoiserModel fromForeign(byte[] onnx, Foreign foreign, String source, SessionConfig config)
            throws HushException {
        return open(onnx, source, config, foreign);
    }

    /** Opens a model from its serialised ONNX bytes; {@code source} names it in messages. */
    public static DenoiserModel fromBytes(byte[] onnx, String source, SessionConfig config) throws HushException {
        return open(onnx, source, config, null);
    }

    private static DenoiserModel open(byte[] onnx, String source, SessionConfig config, Foreign foreign)
            throws HushException {
        if (onnx.length == 0) {
            throw new ModelFormatException(source + " is empty (0 bytes), not an ONNX model");
        }
        String external = ExternalData.find(onnx);
        if (external != null) {
            throw new ModelFormatException(source + " keeps tensor data outside the model file ('" + external + "');"
                    + " Hush runs only self-contained models, since external data lets a model read files anywhere on"
                    + " this machine. Save the model with its weights inside (in Python: onnx.save(model, path,"
                    + " save_as_external_data=False))");
        }
        OrtEnvironment env = OrtNatives.environment();
        Device requested = config.device();
        List<Device> candidates = new ArrayList<>();
        if (requested.kind() == Device.Kind.AUTO) {
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            for (Device.Kind k : AUTO_ORDER) {
                if (available.contains(k.provider)) {
                    candidates.add(new Device(k, requested.index()));
                }
            }
            candidates.add(Device.CPU);
        } else {
            requireProvider(requested);
            candidates.add(requested);
        }
        StringBuilder fallback = new StringBuilder();
        for (Device candidate : candidates) {
            OrtSession session;
            try (OrtSession.SessionOptions options = options(candidate, config.intraOpThreads())) {
                session = env.createSession(onnx, options);
            } catch (OrtException e) {
                HushException why = classify(e, "ONNX Runtime could not open " + source + " on " + candidate);
                if (why.code() == HushException.Code.INVALID_MODEL) {
                    throw new ModelFormatException(source + " is not a readable ONNX model (" + firstLine(e.getMessage())
                            + "); check that the file is a complete .onnx export", e);
                }
                if (candidate.kind() == Device.Kind.CPU || requested.kind() != Device.Kind.AUTO) {
                    throw why;
                }
                fallback.append(candidate).append(" failed (").append(firstLine(e.getMessage())).append("); ");
                continue;
            }
            try {
                ModelContract contract = ModelContract.parse(foreign != null ? foreign.contract()
                        : session.getMetadata().getCustomMetadata());
                checkSignature(session, contract, source, foreign);
                String note = requested.kind() == Device.Kind.AUTO
                        ? "auto: running on " + candidate + (fallback.length() > 0 ? " (" + fallback.toString().trim() + ")" : "")
                        : null;
                if (note != null) {
                    LOG.info(note);
                }
                return new DenoiserModel(env, session, contract, candidate, source, note, foreign);
            } catch (OrtException e) {
                closeQuietly(session);
                throw new ModelFormatException("cannot read the metadata of " + source + ": " + e.getMessage(), e);
            } catch (HushException e) {
                closeQuietly(session);
                throw e instanceof ModelFormatException mfe && !e.getMessage().startsWith(source)
                        ? new ModelFormatException(source + ": " + e.getMessage(), e) : e;
            }
        }
        throw new IllegalStateException("unreachable: the CPU is always a candidate");
    }

    private static void requireProvider(Device device) throws HushException {
        if (device.kind() == Device.Kind.CPU) {
            return;
        }
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (!available.contains(device.kind().provider)) {
            throw new HushException(HushException.Code.DEVICE_UNAVAILABLE, "device '" + device + "' is not available in"
                    + " this ONNX Runtime build (it has: " + available.toString().toLowerCase() + "). CUDA and TensorRT need"
                    + " Hush built with -Pgpu (onnxruntime_gpu) and the matching CUDA/cuDNN; the device auto falls back to"
                    + " the CPU");
        }
    }

    private static OrtSession.SessionOptions options(Device device, int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                o.setIntraOpNumThreads(threads);
            }
            o.setInterOpNumThreads(1);
            switch (device.kind()) {
                case CUDA -> o.addCUDA(device.index());
                case TENSORRT -> o.addTensorrt(device.index());
                case DIRECTML -> o.addDirectML(device.index());
                case COREML -> o.addCoreML();
                case OPENVINO -> o.addOpenVINO("");
                default -> { }
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    private static void checkSignature(OrtSession session, ModelContract contract, String source, Foreign foreign)
            throws OrtException, ModelFormatException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (!inputs.containsKey(contract.inputName())) {
            throw new ModelFormatException(source + ": the contract names input '" + contract.inputName()
                    + "' but the graph's inputs are " + inputs.keySet());
        }
        if (!outputs.containsKey(contract.outputName())) {
            throw new ModelFormatException(source + ": the contract names output '" + contract.outputName()
                    + "' but the graph's outputs are " + outputs.keySet());
        }
        String stateIn = contract.stateInputName();
        String stateOut = contract.stateOutputName();
        if (stateIn != null && (!inputs.containsKey(stateIn) || stateOut == null || !outputs.containsKey(stateOut))) {
            throw new ModelFormatException(source + ": the contract names state input '" + stateIn + "' and output '"
                    + stateOut + "' but the graph's inputs are " + inputs.keySet() + " and outputs " + outputs.keySet());
        }
        if (inputs.size() > (stateIn == null ? 1 : 2)) {
            throw new ModelFormatException(source + ": the graph has inputs " + inputs.keySet() + " but the contract names"
                    + " only '" + contract.inputName() + "'" + (stateIn == null ? "" : " and '" + stateIn + "'")
                    + "; every graph input must be in the contract (docs/model-format.md)");
        }
        if (inputs.get(contract.inputName()).getInfo() instanceof TensorInfo ti) {
            long[] shape = foreign == null ? ti.getShape() : Axes.toCanonical(ti.getShape(), foreign.inputAxes());
            int rank = contract.volumetric() ? 5 : 4;
            if (contract.domain() == Domain.IMAGE && shape.length != rank) {
                throw new ModelFormatException(source + ": " + (contract.volumetric()
                        ? "a 3-D image model's input must be N×C×D×H×W (rank 5)" : "an image model's input must be"
                        + " N×C×H×W (rank 4)") + ", this one has rank " + shape.length
                        + (shape.length == 5 ? "; a volumetric model says so with '" + ModelContract.SPATIAL_DIMS + "' = 3"
                        : ""));
            }
            if (contract.domain() == Domain.IMAGE && shape[1] > 0 && shape[1] != contract.inputChannels()) {
                throw new ModelFormatException(source + ": the graph takes " + shape[1] + " channels but the contract says "
                        + contract.channels() + (contract.noiseLevelInput() ? " and a noise-level plane" : ""));
            }
            if (contract.domain() == Domain.IMAGE) {
                checkSpatialDims(shape, contract, source);
            }
        }
    }

    /** H and W must be dynamic, or fixed at exactly {@code hush.fixed_size} when the contract has one. */
    private static void checkSpatialDims(long[] shape, ModelContract contract, String source) throws ModelFormatException {
        int p = contract.fixedSize();
        for (int axis = 2; axis < shape.length; axis++) {
            long d = shape[axis];
            if (d <= 0) {
                continue; // dynamic
            }
            String name = "DHW".substring(3 - (shape.length - 2)).substring(axis - 2, axis - 1);
            if (p == 0) {
                throw new ModelFormatException(source + ": the graph's input " + name + " is fixed at " + d + " pixels but"
                        + " the contract has no '" + ModelContract.FIXED_SIZE + "'; a model that takes one size only must"
                        + " declare it (docs/model-format.md)");
            }
            if (d != p) {
                throw new ModelFormatException(source + ": the graph's input " + name + " is fixed at " + d + " pixels but"
                        + " the contract's '" + ModelContract.FIXED_SIZE + "' is " + p);
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // Closing after a failed check: the first error is the one worth reporting.
        }
    }

    public ModelContract contract() {
        return contract;
    }

    /** The device the session actually runs on (after any {@code auto} fall-back). */
    public Device device() {
        return device;
    }

    /** For {@code auto}: which provider was chosen and why the others were not; null otherwise. */
    public String deviceNote() {
        return fallbackNote;
    }

    public String source() {
        return source;
    }

    /**
     * The map from one image's (or one volume's planes') values to model units and back: the contract's
     * normalisation and its inverse for a Hush model, the declared pre- and postprocessing for a packaged one.
     */
    public IntensityMap intensities(List<FloatImage> planes) {
        return foreign != null ? foreign.intensities().apply(planes) : Normalization.fit(contract, planes);
    }

    /** Whether the model came from a package made by other software ({@link #fromForeign}), with its own pre-processing. */
    public boolean isForeign() {
        return foreign != null;
    }

    /**
     * Runs the network on one float32 tensor. {@code data} must hold {@code product(shape)} values
     * from its position to its limit; the result is a new array in the output's shape. The call cannot be
     * cancelled; see {@link #run(FloatBuffer, long[], RunContext)}.
     */
    public float[] run(FloatBuffer data, long[] shape) throws HushException {
        return run(data, shape, new RunContext());
    }

    /**
     * As {@link #run(FloatBuffer, long[])}, under {@code context}: {@link RunContext#cancel()} terminates this run
     * (it then throws {@link CancelledException}), and the time spent is added to the context's
     * {@link RunContext#networkNanos()}. Safe to call from many threads at once, each with its own context.
     */
    public float[] run(FloatBuffer data, long[] shape, RunContext context) throws HushException {
        return run(data, shape, null, context);
    }

    /**
     * As {@link #run(FloatBuffer, long[], RunContext)} for a model with a recurrent state
     * ({@link ModelContract#stateInputName()}): {@code state} (N × the contract's state size; zeros at the start of
     * a signal) goes in, and on return holds the state after the last frame, ready for the next call. For a
     * stateless model {@code state} must be null.
     */
    public float[] run(FloatBuffer data, long[] shape, float[] state, RunContext context) throws HushException {
        if ((state != null) != (contract.stateInputName() != null)) {
            throw new IllegalArgumentException(state == null ? "the model '" + contract.name() + "' carries a recurrent"
                    + " state: pass the state array (zeros at the start of a signal)"
                    : "the model '" + contract.name() + "' has no recurrent state: pass null");
        }
        context.throwIfCancelled();
        Lock open = lifecycle.readLock();
        if (closed.get() || !open.tryLock()) {
            throw closedError();
        }
        try {
            if (closed.get()) {
                throw closedError();
            }
            return runOnce(data, shape, state, context);
        } finally {
            open.unlock();
        }
    }

    private HushException closedError() {
        return new HushException(HushException.Code.MODEL_CLOSED, "the model '" + contract.name() + "' (" + source
                + ") was closed; open it again to run it");
    }

    private float[] runOnce(FloatBuffer data, long[] shape, float[] state, RunContext context) throws HushException {
        ActiveRun run;
        try {
            run = new ActiveRun();
        } catch (OrtException e) {
            throw classify(e, "ONNX Runtime could not prepare a run of " + source);
        }
        long t0 = System.nanoTime();
        long[] canonical = shape;
        if (foreign != null && !Axes.isCanonical(foreign.inputAxes())) {
            // Hush's tiles are N×C×(D×)H×W; the package's graph takes its own axis order.
            float[] in = new float[data.remaining()];
            data.get(in);
            FloatBuffer permuted = directBuffer(in.length);
            permuted.put(Axes.fromCanonical(in, shape, foreign.inputAxes())).rewind();
            data = permuted;
            shape = Axes.toLayout(shape, foreign.inputAxes());
        }
        inFlight.add(run);
        context.begin(run);
        try (OnnxTensor input = OnnxTensor.createTensor(env, data, shape);
             OnnxTensor stateIn = state == null ? null : OnnxTensor.createTensor(env, FloatBuffer.wrap(state),
                     new long[] {shape[0], state.length / Math.max(1, shape[0])});
             OrtSession.Result result = session.run(state == null ? Map.of(contract.inputName(), input)
                     : Map.of(contract.inputName(), input, contract.stateInputName(), stateIn), run.options())) {
            OnnxTensor out = (OnnxTensor) result.get(contract.outputName()).orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            requireFinite(values);
            if (foreign != null && !Axes.isCanonical(foreign.outputAxes())) {
                values = Axes.toCanonical(values, out.getInfo().getShape(), foreign.outputAxes());
            } else if (foreign != null && values.length != java.util.Arrays.stream(canonical).reduce(1, (a, b) -> a * b)) {
                throw new ModelFormatException(source + ": the output holds " + values.length + " values, the input "
                        + java.util.Arrays.toString(canonical) + "; Hush runs image-to-image models of one shape in and out");
            }
            if (state != null) {
                FloatBuffer sb = ((OnnxTensor) result.get(contract.stateOutputName()).orElseThrow()).getFloatBuffer();
                if (sb.remaining() != state.length) {
                    throw new ModelFormatException(source + ": the state output holds " + sb.remaining()
                            + " values, the state input " + state.length);
                }
                float[] next = new float[state.length];
                sb.get(next);
                requireFinite(next);
                System.arraycopy(next, 0, state, 0, next.length);
            }
            return values;
        } catch (OrtException e) {
            if (run.terminated() && closed.get()) {
                throw closedError();
            }
            if (run.terminated() || context.isCancelled()) {
                throw new CancelledException();
            }
            throw classify(e, "ONNX Runtime failed on " + source);
        } finally {
            long dt = System.nanoTime() - t0;
            context.end(run, dt);
            inFlight.remove(run);
            run.close();
            runNanos.add(dt);
        }
    }

    /**
     * Turns an ONNX Runtime error into a {@link HushException} of the right {@link HushException.Code}, by the
     * error code ONNX Runtime gives. Running out of memory has no code of its own (it arrives as a generic failure
     * or runtime exception), so only for that case the message is read.
     */
    static HushException classify(OrtException e, String what) {
        String detail = what + ": " + firstLine(e.getMessage());
        OrtException.OrtErrorCode code = e.getCode();
        if (code == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF || code == OrtException.OrtErrorCode.ORT_INVALID_GRAPH
                || code == OrtException.OrtErrorCode.ORT_NO_MODEL || code == OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED
                || code == OrtException.OrtErrorCode.ORT_MODEL_REQUIRES_COMPILATION) {
            return new ModelFormatException(detail, e);
        }
        if (code == OrtException.OrtErrorCode.ORT_EP_FAIL) {
            return new HushException(HushException.Code.DEVICE_UNAVAILABLE, detail, e);
        }
        if (code == OrtException.OrtErrorCode.ORT_NO_SUCHFILE || code == OrtException.OrtErrorCode.ORT_NOT_FOUND) {
            return new HushException(HushException.Code.IO_ERROR, detail, e);
        }
        if (code == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
            return new HushException(HushException.Code.INVALID_INPUT, detail, e);
        }
        if (isOutOfMemory(e)) {
            return new OutOfDeviceMemoryException(detail, e);
        }
        return new HushException(HushException.Code.RUNTIME_FAILURE, detail, e);
    }

    private final java.util.concurrent.atomic.LongAdder runNanos = new java.util.concurrent.atomic.LongAdder();

    /**
     * Nanoseconds spent inside ONNX Runtime calls on this model so far, summed over threads and calls (one call's
     * share: {@link RunContext#networkNanos()}).
     */
    public long runNanos() {
        return runNanos.sum();
    }

    /**
     * Refuses an output with NaN or infinite values: nothing downstream can repair them, and written out they would
     * make a blank image or a silent (or deafening) sound. One check here covers images and audio alike.
     */
    private void requireFinite(float[] values) throws HushException {
        int bad = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                bad++;
            }
        }
        if (bad > 0) {
            throw new HushException(HushException.Code.INVALID_MODEL, "the model '" + contract.name() + "' (" + source
                    + ") gave " + bad + " NaN or infinite value(s) among its " + values.length + " outputs; nothing is"
                    + " written from such a result. The model is damaged or was exported wrongly: retrain or re-export"
                    + " it, or choose another");
        }
    }

    private static boolean isOutOfMemory(OrtException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase();
        return m.contains("failed to allocate") || m.contains("out of memory") || m.contains("bad_alloc");
    }

    /** A direct buffer in native order, the kind ONNX Runtime reads without a copy. */
    public static FloatBuffer directBuffer(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Frees the native session. Runs in progress on other threads are terminated (they throw a
     * {@link HushException.Code#MODEL_CLOSED} error) and waited for; later runs get that error too. Closing twice
     * does nothing.
     */
    @Override
    public void close() throws HushException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ActiveRun r : inFlight) {
            r.terminate();
        }
        Lock exclusive = lifecycle.writeLock();
        exclusive.lock();
        try {
            session.close();
        } catch (OrtException e) {
            throw new HushException(HushException.Code.RUNTIME_FAILURE, "failed to close the ONNX Runtime session: "
                    + e.getMessage(), e);
        } finally {
            exclusive.unlock();
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }
}
