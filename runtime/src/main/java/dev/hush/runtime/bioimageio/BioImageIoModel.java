package dev.hush.runtime.bioimageio;

import dev.hush.runtime.Axes;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.RunContext;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.image.FloatImage;
import dev.hush.runtime.image.IntensityMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Runs a bioimage.io model package (a {@code .zip}, or its unpacked folder) with ONNX weights through Hush: the
 * description ({@code rdf.yaml} or {@code bioimageio.yaml}, format 0.4 or 0.5) is read with a YAML parser and
 * mapped onto Hush's contract and tiling. The package's axes are honoured (the tensors are transposed to and from
 * Hush's {@code bcyx} / {@code bczyx}), its preprocessing and postprocessing run as {@link Steps}, its output halo
 * becomes the tile halo (32 px when it declares none) and its minimum shape and step the size multiple. Models with
 * several inputs or outputs, outputs of another shape than the input, or weights other than ONNX are refused with a
 * message that says so. {@link #check} reruns the package's own test input and compares with its test output.
 */
public final class BioImageIoModel {
    /** Limits on what is read from a package: a small file must not make Hush allocate gigabytes. */
    static final long MAX_RDF_BYTES = 1 << 20;
    static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 64;
    static final long MAX_TENSOR_BYTES = 512L << 20;
    static final int MAX_ENTRIES = 10_000;
    /** The halo Hush gives a package that declares none: tiles then overlap by 32 px on each side. */
    static final int DEFAULT_HALO = 32;

    private final String source;
    private final byte[] onnx;
    private final DenoiserModel.Foreign foreign;
    private final String inputAxes;
    private final String outputAxes;
    private final Map<String, byte[]> tests;
    private final String testInput;
    private final String testOutput;

    private BioImageIoModel(String source, byte[] onnx, DenoiserModel.Foreign foreign, String inputAxes,
                            String outputAxes, Map<String, byte[]> tests, String testInput, String testOutput) {
        this.source = source;
        this.onnx = onnx;
        this.foreign = foreign;
        this.inputAxes = inputAxes;
        this.outputAxes = outputAxes;
        this.tests = tests;
        this.testInput = testInput;
        this.testOutput = testOutput;
    }

    /** True for a path that names a bioimage.io package: a {@code .zip} file, or a folder with its description. */
    public static boolean isPackage(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(p)) {
            return Files.isRegularFile(p.resolve("rdf.yaml")) || Files.isRegularFile(p.resolve("bioimageio.yaml"));
        }
        return name.endsWith(".zip") || name.equals("rdf.yaml") || name.equals("bioimageio.yaml");
    }

    /** Reads and opens the package at {@code path} as a Hush model. */
    public static DenoiserModel open(Path path, SessionConfig config) throws HushException {
        return read(path).open(config);
    }

    /**
     * Opens the package's model. Weights that carry a Hush contract in their metadata (a package Hush exported) open
     * as that Hush model, with its exact normalisation and inverse; any other package runs with its declared axes,
     * steps and halo ({@link #openAsPackaged}).
     */
    public DenoiserModel open(SessionConfig config) throws HushException {
        if (hushContract() != null) {
            return DenoiserModel.fromBytes(onnx, source, config);
        }
        return openAsPackaged(config);
    }

    /** Opens the model exactly as the package describes it (its axes, pre- and postprocessing), as {@link #check} does. */
    public DenoiserModel openAsPackaged(SessionConfig config) throws HushException {
        return DenoiserModel.fromForeign(onnx, foreign, source, config);
    }

    /** The Hush contract inside the weights' metadata, or null for weights from other software. */
    private ModelContract hushContract() {
        try {
            return ModelContract.read(onnx, source);
        } catch (HushException e) {
            return null;
        }
    }

    /** The contract {@link #open} runs: the weights' own Hush contract, else the package's mapped onto Hush's. */
    public ModelContract contract() throws ModelFormatException {
        ModelContract own = hushContract();
        return own != null ? own : ModelContract.parse(foreign.contract());
    }

    /** Reads a package: a zip, a folder, or the description file inside a folder. */
    public static BioImageIoModel read(Path path) throws HushException {
        Path p = path;
        if (Files.isRegularFile(p) && (p.getFileName().toString().equals("rdf.yaml")
                || p.getFileName().toString().equals("bioimageio.yaml"))) {
            p = p.toAbsolutePath().getParent();
        }
        if (!Files.exists(p)) {
            throw new HushException(HushException.Code.MODEL_NOT_FOUND, "bioimage.io package not found: "
                    + p.toAbsolutePath());
        }
        try {
            if (Files.isDirectory(p)) {
                Path folder = p;
                return parse(p.toString(), name -> readFolderFile(folder, name));
            }
            try (ZipFile zip = new ZipFile(p.toFile())) {
                if (zip.size() > MAX_ENTRIES) {
                    throw new ModelFormatException(p + " holds " + zip.size() + " entries; a bioimage.io package has a"
                            + " handful");
                }
                List<? extends ZipEntry> entries = Collections.list(zip.entries());
                Map<String, ZipEntry> byName = new LinkedHashMap<>();
                for (ZipEntry e : entries) {
                    byName.put(e.getName(), e);
                }
                return parse(p.toString(), name -> {
                    ZipEntry e = byName.get(name);
                    if (e == null) {
                        return null;
                    }
                    return readEntry(zip, e, limit(name));
                });
            }
        } catch (IOException e) {
            throw new ModelFormatException(p + " is not a readable bioimage.io package (a zip with rdf.yaml or"
                    + " bioimageio.yaml): " + e.getMessage(), e);
        }
    }

    private static long limit(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") ? MAX_RDF_BYTES : n.endsWith(".npy") ? MAX_TENSOR_BYTES
                : MAX_WEIGHTS_BYTES;
    }

    /** Reads a zip entry, stopping at {@code limit} bytes however large the entry claims (or hides) to be. */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, long limit) throws IOException {
        if (e.getSize() > limit) {
            throw new IOException(e.getName() + " is " + e.getSize() + " bytes, more than the " + limit + " Hush reads");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (b.length > limit) {
                throw new IOException(e.getName() + " unpacks to more than the " + limit + " bytes Hush reads");
            }
            return b;
        }
    }

    private static byte[] readFolderFile(Path folder, String name) throws IOException {
        Path f = folder.resolve(name).normalize();
        if (!f.startsWith(folder.normalize()) || !Files.isRegularFile(f)) {
            return null;
        }
        if (Files.size(f) > limit(name)) {
            throw new IOException(f + " is " + Files.size(f) + " bytes, more than the " + limit(name) + " Hush reads");
        }
        return Files.readAllBytes(f);
    }

    /** Reads a named file of the package: null when absent. */
    private interface Reader {
        byte[] get(String name) throws IOException;
    }

    private static BioImageIoModel parse(String source, Reader reader) throws IOException, HushException {
        byte[] rdfBytes = reader.get("rdf.yaml");
        if (rdfBytes == null) {
            rdfBytes = reader.get("bioimageio.yaml");
        }
        if (rdfBytes == null) {
            throw new ModelFormatException(source + " has no rdf.yaml or bioimageio.yaml: not a bioimage.io model"
                    + " package");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowDuplicateKeys(false);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(new String(rdfBytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ModelFormatException(source + ": its model description is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!(doc instanceof Map<?, ?> rdf)) {
            throw new ModelFormatException(source + ": its model description is not a YAML mapping");
        }
        Rdf r = new Rdf(source, rdf);
        String type = r.text(rdf, "type", "model");
        if (!type.equals("model")) {
            throw new ModelFormatException(source + " describes a " + type + ", not a model");
        }
        String version = r.text(rdf, "format_version", "?");
        boolean v5 = version.startsWith("0.5");
        if (!v5 && !version.startsWith("0.4")) {
            throw new ModelFormatException(source + " is in format " + version + "; Hush reads 0.4 and 0.5");
        }
        Map<?, ?> in = r.only(rdf, "inputs");
        Map<?, ?> out = r.only(rdf, "outputs");
        Rdf.Tensor ti = v5 ? r.tensor05(in, true) : r.tensor04(in, true);
        Rdf.Tensor to = v5 ? r.tensor05(out, false) : r.tensor04(out, false);
        if (!to.sameShapeAsInput()) {
            throw new ModelFormatException(source + ": the output '" + to.name() + "' is not shaped like the input"
                    + " (scale 1, offset 0 on every axis); Hush runs image-to-image models only");
        }
        if (ti.channels() != to.channels() && to.channels() > 0) {
            throw new ModelFormatException(source + ": the output has " + to.channels() + " channels, the input "
                    + ti.channels() + "; Hush runs image-to-image models with as many channels out as in");
        }
        Map<?, ?> weights = r.map(rdf, "weights");
        Object onnxEntry = weights.get("onnx");
        if (!(onnxEntry instanceof Map<?, ?> onnxMap)) {
            throw new ModelFormatException(source + " has no ONNX weights (it has " + weights.keySet() + "); Hush"
                    + " runs ONNX only: convert the model to ONNX (e.g. with bioimageio.core's converters)");
        }
        String weightsFile = r.text(onnxMap, "source", null);
        if (weightsFile == null || weightsFile.contains("://")) {
            throw new ModelFormatException(source + ": the ONNX weights' source is " + weightsFile + "; Hush reads the"
                    + " weights from inside the package only (no downloads)");
        }
        byte[] onnx = reader.get(weightsFile);
        if (onnx == null) {
            throw new ModelFormatException(source + ": the ONNX weights '" + weightsFile + "' are not in the package");
        }
        Map<String, String> contract = new LinkedHashMap<>();
        contract.put(ModelContract.FORMAT, Integer.toString(ModelContract.FORMAT_VERSION));
        contract.put(ModelContract.DOMAIN, "image");
        contract.put(ModelContract.OUTPUT, "clean");
        contract.put(ModelContract.INPUT_NAME, ti.name());
        contract.put(ModelContract.OUTPUT_NAME, to.name());
        contract.put(ModelContract.CHANNELS, Integer.toString(ti.channels()));
        contract.put(ModelContract.NORM, "none");
        contract.put(ModelContract.NAME, r.text(rdf, "name", Path.of(source).getFileName().toString()));
        contract.put(ModelContract.DESCRIPTION, r.text(rdf, "description", ""));
        contract.put(ModelContract.ARCHITECTURE, "bioimage.io package (format " + version + ")");
        int halo = to.halo() > 0 ? to.halo() : DEFAULT_HALO;
        int multiple = Math.max(1, ti.step());
        if (ti.step() == 0 && ti.min() > 0) {
            contract.put(ModelContract.FIXED_SIZE, Integer.toString(ti.min()));
            halo = Math.min(halo, Math.max(0, (ti.min() - 1) / 2));
        } else {
            // A window (the tile plus twice the halo, at least 1 + 2·halo) must reach the package's minimum side.
            halo = Math.max(halo, ti.min() / 2);
        }
        contract.put(ModelContract.HALO, Integer.toString(halo));
        contract.put(ModelContract.SIZE_MULTIPLE, Integer.toString(multiple));
        if (ti.axes().indexOf('z') >= 0) {
            contract.put(ModelContract.SPATIAL_DIMS, "3");
            int haloZ = to.haloZ() > 0 ? to.haloZ() : Math.min(DEFAULT_HALO, 8);
            contract.put(ModelContract.HALO_Z, Integer.toString(Math.max(haloZ, ti.minZ() / 2)));
            contract.put(ModelContract.SIZE_MULTIPLE_Z, Integer.toString(Math.max(1, ti.stepZ())));
        }
        Steps steps = new Steps(ti.steps(), to.steps(), ti.name());
        DenoiserModel.Foreign foreign = new DenoiserModel.Foreign(contract, ti.axes(), to.axes(), steps);
        Map<String, byte[]> tests = new LinkedHashMap<>();
        for (String f : new String[] {ti.testFile(), to.testFile()}) {
            if (f != null && !f.contains("://")) {
                byte[] b = reader.get(f);
                if (b != null) {
                    tests.put(f, b);
                }
            }
        }
        return new BioImageIoModel(source, onnx, foreign, ti.axes(), to.axes(), tests, ti.testFile(), to.testFile());
    }

    /** The package's test case, in Hush's axis order (N×C×(D×)H×W): its input and the output it expects. */
    public record TestCase(long[] shape, float[] input, float[] expected) {
    }

    /** The package's test input and output, transposed to Hush's axis order; an error when it ships none. */
    public TestCase testCase() throws ModelFormatException {
        byte[] in = testInput == null ? null : tests.get(testInput);
        byte[] out = testOutput == null ? null : tests.get(testOutput);
        if (in == null || out == null) {
            throw new ModelFormatException(source + " ships no test input and output inside the package");
        }
        Npy x = Npy.parse(in, testInput);
        Npy y = Npy.parse(out, testOutput);
        if (x.shape().length != inputAxes.length() || y.shape().length != outputAxes.length()) {
            throw new ModelFormatException(source + ": the test tensors' ranks do not match the axes " + inputAxes
                    + " and " + outputAxes);
        }
        return new TestCase(Axes.toCanonical(x.shape(), inputAxes),
                Axes.toCanonical(x.data(), x.shape(), inputAxes),
                Axes.toCanonical(y.data(), y.shape(), outputAxes));
    }

    /** How far Hush's result on the package's test input is from the package's test output. */
    public record Check(double maxAbsDiff, double outputRange) {
        /** The largest difference as a fraction of the test output's range (max − min). */
        public double relative() {
            return maxAbsDiff / Math.max(1e-12, outputRange);
        }
    }

    /**
     * Runs the package's test input through {@code model} (opened from this package) as bioimage.io software does:
     * the preprocessing fitted to each sample, the network on the whole tensor in one call (no tiles, no padding:
     * the test input has a shape the package accepts), the postprocessing; and compares with the package's test
     * output.
     */
    public Check check(DenoiserModel model, RunContext context) throws HushException {
        TestCase t = testCase();
        long[] s = t.shape();
        boolean volume = s.length == 5;
        int n = (int) s[0];
        int c = (int) s[1];
        int d = volume ? (int) s[2] : 1;
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        int area = h * w;
        int sample = c * d * area;
        float[] got = new float[t.input().length];
        for (int b = 0; b < n; b++) {
            List<FloatImage> planes = new ArrayList<>();
            for (int z = 0; z < d; z++) {
                float[] px = new float[c * area];
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(t.input(), ((b * c + ch) * d + z) * area, px, ch * area, area);
                }
                planes.add(new FloatImage(c, w, h, px));
            }
            IntensityMap map = model.intensities(planes);
            java.nio.FloatBuffer buf = DenoiserModel.directBuffer(sample);
            for (int i = b * sample; i < (b + 1) * sample; i++) {
                buf.put(map.apply(t.input()[i]));
            }
            buf.rewind();
            long[] one = s.clone();
            one[0] = 1;
            float[] y = model.run(buf, one, context);
            List<float[]> outs = new ArrayList<>();
            List<float[]> ins = new ArrayList<>();
            for (int z = 0; z < d; z++) {
                float[] o = new float[c * area];
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(y, (ch * d + z) * area, o, ch * area, area);
                }
                outs.add(o);
                ins.add(planes.get(z).data());
            }
            map.restore(outs, ins);
            for (int z = 0; z < d; z++) {
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(outs.get(z), ch * area, got, ((b * c + ch) * d + z) * area, area);
                }
            }
        }
        if (t.expected().length != got.length) {
            throw new ModelFormatException(source + ": the test output holds " + t.expected().length + " values, the"
                    + " test input " + got.length);
        }
        double max = 0;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(got[i] - t.expected()[i]));
            lo = Math.min(lo, t.expected()[i]);
            hi = Math.max(hi, t.expected()[i]);
        }
        return new Check(max, hi - lo);
    }

    public String source() {
        return source;
    }

    /** The axis orders of the package's input and output, as it declares them. */
    public List<String> axes() {
        return new ArrayList<>(List.of(inputAxes, outputAxes));
    }
}
