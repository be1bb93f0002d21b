package dev.hush.trainer.bioimageio;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.Domain;
import dev.hush.runtime.HushException;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ModelFormatException;
import dev.hush.runtime.SessionConfig;
import dev.hush.runtime.ShippedModels;
import dev.hush.runtime.io.AtomicFile;
import dev.hush.trainer.onnx.OnnxProto.ModelProto;
import dev.hush.trainer.onnx.OnnxProto.OperatorSetIdProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Hush image model as a bioimage.io model package, the zip that deepImageJ and other bioimage.io
 * consumers open: {@code rdf.yaml} (format 0.4.10, or 0.5.4 with {@link #format}), the ONNX file as {@code weights.onnx}, a test
 * case ({@code test_input.npy}, {@code test_output.npy}) computed by the real model, a cover PNG and
 * a README. {@link ModelRdf} says how the contract maps onto the spec; the model is opened, checked
 * and run once when the package is made, so a package is never written for a model Hush cannot run.
 */
public final class BioImageIoPackage {
    public static final String RDF = "rdf.yaml";
    public static final String WEIGHTS = "weights.onnx";
    public static final String TEST_INPUT = "test_input.npy";
    public static final String TEST_OUTPUT = "test_output.npy";
    public static final String COVER = "cover.png";
    public static final String README = "README.md";

    private final byte[] onnx;
    private final ModelContract contract;
    private final String card;
    private final TestSample sample;
    private final int opset;
    private Instant timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private String citeUrl;
    private String format = ModelRdf.FORMAT_VERSION;

    private BioImageIoPackage(byte[] onnx, ModelContract contract, String card, TestSample sample, int opset) {
        this.onnx = onnx;
        this.contract = contract;
        this.card = card;
        this.sample = sample;
        this.opset = opset;
    }

    /**
     * Packages a shipped model (by name, with its model card), a model of the user's folder, or a {@code .onnx} file,
     * read with the runtime's own checks ({@link DenoiserModel#locate}).
     */
    public static BioImageIoPackage open(String nameOrPath) throws HushException {
        DenoiserModel.Located at = DenoiserModel.locate(nameOrPath);
        return of(at.bytes(), at.source(), ShippedModels.names().contains(nameOrPath) ? shippedCard(nameOrPath) : null);
    }

    private static String shippedCard(String name) {
        try {
            return ShippedModels.card(name);
        } catch (HushException e) {
            return null; // a missing card costs the README its prose, not the package
        }
    }

    /**
     * Packages a model from its ONNX bytes. {@code source} names it in messages; {@code card} is its
     * markdown model card, or null to have the README summarise the contract instead.
     */
    public static BioImageIoPackage of(byte[] onnx, String source, String card) throws HushException {
        try (DenoiserModel model = DenoiserModel.fromBytes(onnx, source, SessionConfig.defaults())) {
            ModelContract c = model.contract();
            if (c.domain() != Domain.IMAGE) {
                throw new ModelFormatException("'" + c.name() + "' (" + source + ") is an " + c.domain().key()
                        + " model; bioimage.io packages hold image models, so only image models can be exported");
            }
            if (c.fixedSize() > 0) {
                throw new ModelFormatException("'" + c.name() + "' takes " + c.fixedSize() + "×" + c.fixedSize()
                        + " inputs only (" + ModelContract.FIXED_SIZE + "); packaging such models for bioimage.io is not"
                        + " supported yet");
            }
            if (c.noiseLevelInput()) {
                // Found by exporting every shipped model: the graph takes the image plus a noise-level plane, which no
                // bioimage.io consumer (deepImageJ, ilastik, bioimageio.core) would know to compute.
                throw new ModelFormatException("'" + c.name() + "' takes a noise-level plane beside the image ("
                        + ModelContract.NOISE_LEVEL_INPUT + "), which bioimage.io consumers cannot supply; export a blind"
                        + " model instead (image-gray-small, or one trained without the noise-level input)");
            }
            requireTensorName(c.inputName(), ModelContract.INPUT_NAME);
            requireTensorName(c.outputName(), ModelContract.OUTPUT_NAME);
            if (c.norm() == ModelContract.Norm.PERCENTILE && !(c.normHigh() > 1)) {
                // The spec keeps max_percentile above 1 to catch fractions given for percentages.
                throw new ModelFormatException("'" + c.name() + "' has " + ModelContract.NORM_HIGH + " = " + c.normHigh()
                        + ", but bioimage.io's scale_range needs a max_percentile above 1");
            }
            return new BioImageIoPackage(onnx, c, card, TestSample.run(model), opsetOf(onnx, source));
        }
    }

    /** The RDF says tensor names are lower-case identifiers, and ONNX Runtime finds the tensors by them. */
    private static void requireTensorName(String name, String key) throws ModelFormatException {
        if (!name.matches("[a-z_][a-z0-9_]*") || name.length() > 32) {
            throw new ModelFormatException("the model's tensor '" + name + "' (" + key + ") is not a lower-case identifier of at"
                    + " most 32 characters, which bioimage.io requires of tensor names; re-export the model with names"
                    + " like 'input' and 'output'");
        }
    }

    private static int opsetOf(byte[] onnx, String source) throws ModelFormatException {
        try {
            for (OperatorSetIdProto o : ModelProto.parseFrom(onnx).getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    return (int) o.getVersion();
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(source + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        throw new ModelFormatException(source + " imports no default-domain ONNX opset, so its opset_version is unknown");
    }

    /** The RDF's timestamp (default: when this package was made); a fixed one makes the zip reproducible. */
    public BioImageIoPackage timestamp(Instant t) {
        this.timestamp = t.truncatedTo(ChronoUnit.SECONDS);
        return this;
    }

    /** A URL for the Hush citation. bioimage.io validators want a DOI or URL on every citation. */
    public BioImageIoPackage citeUrl(String url) {
        this.citeUrl = url == null || url.isBlank() ? null : url.strip();
        return this;
    }

    /**
     * The model description's format: "0.4" (the default, {@value ModelRdf#FORMAT_VERSION}, what deepImageJ 3.x reads) or
     * "0.5" ({@value ModelRdf#FORMAT_VERSION_05}, bioimageio.core 0.6 and later).
     */
    public BioImageIoPackage format(String version) throws HushException {
        String v = version == null ? "" : version.strip();
        if (v.equals("0.4") || v.equals(ModelRdf.FORMAT_VERSION)) {
            this.format = ModelRdf.FORMAT_VERSION;
        } else if (v.equals("0.5") || v.equals(ModelRdf.FORMAT_VERSION_05)) {
            this.format = ModelRdf.FORMAT_VERSION_05;
        } else {
            throw new HushException("bioimage.io model description format '" + version + "' is not written; give 0.4 ("
                    + ModelRdf.FORMAT_VERSION + ") or 0.5 (" + ModelRdf.FORMAT_VERSION_05 + ")");
        }
        return this;
    }

    /** The model description's format version this package writes. */
    public String formatVersion() {
        return format;
    }

    public ModelContract contract() {
        return contract;
    }

    /** Shape of the test tensors: 1 × C × H × W, or 1 × C × D × H × W for a 3-D model. */
    public int[] testShape() {
        return sample.shape().clone();
    }

    private ModelRdf rdfModel() {
        return new ModelRdf(contract, sample.shape(), sha256(onnx), opset, timestamp, citeUrl, format,
                sha256(testInput()), sha256(testOutput()));
    }

    private byte[] testInput() {
        return new NpyArray(sample.shape(), sample.consumerInput()).toBytes();
    }

    private byte[] testOutput() {
        return new NpyArray(sample.shape(), sample.consumerOutput()).toBytes();
    }

    /** The text of {@code rdf.yaml}. */
    public String rdf() {
        return rdfModel().yaml();
    }

    /** The text of {@code README.md}. */
    public String documentation() {
        return rdfModel().readme(card);
    }

    /** Writes the package; the zip appears only when complete. */
    public void write(Path zip) throws HushException {
        Path name = zip.getFileName();
        if (name == null || !name.toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw new HushException("a bioimage.io package is a zip archive: give an output file ending in .zip, not '"
                    + zip + "'");
        }
        if (Files.isDirectory(zip)) {
            throw new HushException("the output " + zip.toAbsolutePath() + " is a folder; give a .zip file name");
        }
        ModelRdf rdf = rdfModel();
        byte[] input = testInput();
        byte[] output = testOutput();
        byte[] cover = sample.coverPng();
        FileTime time = FileTime.from(timestamp);
        try {
            AtomicFile.write(zip, tmp -> {
                try (OutputStream file = Files.newOutputStream(tmp); ZipOutputStream out = new ZipOutputStream(file)) {
                    entry(out, RDF, rdf.yaml().getBytes(StandardCharsets.UTF_8), time);
                    entry(out, WEIGHTS, onnx, time);
                    entry(out, TEST_INPUT, input, time);
                    entry(out, TEST_OUTPUT, output, time);
                    entry(out, COVER, cover, time);
                    entry(out, README, rdf.readme(card).getBytes(StandardCharsets.UTF_8), time);
                }
            });
        } catch (IOException e) {
            throw new HushException("cannot write " + zip.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static void entry(ZipOutputStream out, String name, byte[] bytes, FileTime time) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(time); // the package's timestamp, not the clock: same model and timestamp, same zip
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
