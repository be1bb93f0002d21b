package dev.hush.trainer.bioimageio;

import static dev.hush.trainer.bioimageio.YamlScalar.number;
import static dev.hush.trainer.bioimageio.YamlScalar.quoted;

import dev.hush.runtime.ModelContract;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bioimage.io model description ({@code rdf.yaml}, format 0.4.10, the version deepImageJ 3.x
 * reads, or 0.5.4, bioimageio.core's current one) of a Hush image model, and the README beside it. The contract maps onto the spec's tensor
 * description: axes {@code bcyx} ({@code bczyx} for a 3-D model), a parameterised input shape stepping by the size multiple, an
 * output shaped like the input with the halo to crop, and the normalisation as pre/postprocessing
 * where the spec can say it. Every {@code hush.*} key is kept verbatim under {@code config: hush:}.
 */
final class ModelRdf {
    static final String FORMAT_VERSION = "0.4.10";
    /** The newer format (bioimageio.core 0.6+, the model zoo's current uploads); {@code hush export --format 0.5}. */
    static final String FORMAT_VERSION_05 = "0.5.4";
    /** The SPDX id of the licence Hush and its models are released under (LICENSE at the repository root). */
    static final String LICENSE = "Apache-2.0";
    static final String AUTHOR = "Hush developers";
    static final List<String> TAGS = List.of("denoising", "hush", "2d", "onnx");
    static final List<String> TAGS_3D = List.of("denoising", "hush", "3d", "onnx");
    static final String AXES = "bcyx";
    /** A volumetric model's axes: batch, channel, then the z-stack's planes, rows and columns. */
    static final String AXES_3D = "bczyx";
    /** scale_range's default eps, written out so the formula in the README is the one in the file. */
    static final double EPS = 1e-6;

    private static final String HUSH_CITE = "Hush: denoising autoencoders for images and audio, in Java (trainer on DJL,"
            + " runtime on ONNX Runtime, ImageJ and command-line plugins)";
    private static final String DNCNN_CITE = "Zhang K, Zuo W, Chen Y, Meng D, Zhang L. Beyond a Gaussian Denoiser: Residual"
            + " Learning of Deep CNN for Image Denoising. IEEE Transactions on Image Processing 26(7):3142-3155, 2017";
    private static final String DNCNN_DOI = "10.1109/TIP.2017.2662206";
    private static final String UNET_CITE = "Ronneberger O, Fischer P, Brox T. U-Net: Convolutional Networks for Biomedical"
            + " Image Segmentation. MICCAI 2015, LNCS 9351:234-241";
    private static final String UNET_DOI = "10.1007/978-3-319-24574-4_28";
    private static final String DAE_CITE = "Vincent P, Larochelle H, Bengio Y, Manzagol P-A. Extracting and Composing"
            + " Robust Features with Denoising Autoencoders. ICML 2008:1096-1103";
    private static final String DAE_DOI = "10.1145/1390156.1390294";
    private static final String FFDNET_CITE = "Zhang K, Zuo W, Zhang L. FFDNet: Toward a Fast and Flexible Solution for"
            + " CNN-Based Image Denoising. IEEE Transactions on Image Processing 27(9):4608-4622, 2018";
    private static final String FFDNET_DOI = "10.1109/TIP.2018.2839891";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);

    private final ModelContract contract;
    private final int[] testShape;
    private final String weightsSha256;
    private final int opset;
    private final Instant timestamp;
    private final String citeUrl;
    private final String format;
    private final String testInputSha256;
    private final String testOutputSha256;

    ModelRdf(ModelContract contract, int[] testShape, String weightsSha256, int opset, Instant timestamp, String citeUrl) {
        this(contract, testShape, weightsSha256, opset, timestamp, citeUrl, FORMAT_VERSION, null, null);
    }

    /**
     * As the short form, in {@code format} ({@link #FORMAT_VERSION} or {@link #FORMAT_VERSION_05}); format 0.5 names
     * the test tensors' SHA-256 in the description.
     */
    ModelRdf(ModelContract contract, int[] testShape, String weightsSha256, int opset, Instant timestamp, String citeUrl,
             String format, String testInputSha256, String testOutputSha256) {
        this.contract = contract;
        this.testShape = testShape.clone();
        this.weightsSha256 = weightsSha256;
        this.opset = opset;
        this.timestamp = timestamp;
        this.citeUrl = citeUrl;
        this.format = format;
        this.testInputSha256 = testInputSha256;
        this.testOutputSha256 = testOutputSha256;
        if (!format.equals(FORMAT_VERSION) && !format.equals(FORMAT_VERSION_05)) {
            throw new IllegalArgumentException("bioimage.io model description format " + format + " is not written; give "
                    + FORMAT_VERSION + " or " + FORMAT_VERSION_05);
        }
    }

    boolean format05() {
        return format.equals(FORMAT_VERSION_05);
    }

    /** The RDF's {@code name}: letters, digits, '_', '-' and spaces, at most 64 characters. */
    String name() {
        String n = contract.name().replaceAll("[^A-Za-z0-9_\\- ]", "-");
        n = n.length() > 64 ? n.substring(0, 64) : n;
        // Format 0.5 wants at least 5 characters.
        return format05() && n.length() < 5 ? n + " (Hush)" : n;
    }

    String description() {
        String d = contract.get(ModelContract.DESCRIPTION, "").strip();
        return d.isEmpty() ? "Hush image denoiser (" + contract.get(ModelContract.ARCHITECTURE, "architecture unknown") + ")" : d;
    }

    /** {@code xy} for one channel; with several, Hush normalises all channels together; a volume as a whole. */
    private String normAxes() {
        String space = contract.volumetric() ? "zxy" : "xy";
        return contract.channels() == 1 ? space : "c" + space;
    }

    /** A processing step names its kind by {@code name} in format 0.4 and by {@code id} in 0.5. */
    private String stepKey() {
        return format05() ? "id" : "name";
    }

    /** The axes a step reduces over: letters in 0.4 ({@code xy}), a list of axis ids in 0.5 ({@code [channel, y, x]}). */
    private String normAxesOfFormat() {
        if (!format05()) {
            return normAxes();
        }
        String space = contract.volumetric() ? "z, y, x" : "y, x";
        return "[" + (contract.channels() == 1 ? "" : "channel, ") + space + "]";
    }

    String axes() {
        return contract.volumetric() ? AXES_3D : AXES;
    }

    private List<String> tags() {
        return contract.volumetric() ? TAGS_3D : TAGS;
    }

    /** The smallest input depth of a volumetric model: as {@link #minSide()}, along z. */
    int minDepth() {
        int m = contract.sizeMultipleZ();
        return (2 * halo(contract.haloZ()) + 1 + m - 1) / m * m;
    }

    /**
     * The halo the description states: the model's, rounded up to an even number in format 0.5, whose validator
     * refuses odd halos (a larger crop than needed is still exact).
     */
    int halo(int modelHalo) {
        return format05() ? modelHalo + (modelHalo & 1) : modelHalo;
    }

    /** Entries for the spatial axes: z (volumetric models only), then y and x; after the b and c entries. */
    private String spatial(String b, String c, Object z, Object yx) {
        return "[" + b + ", " + c + ", " + (contract.volumetric() ? z + ", " : "") + yx + ", " + yx + "]";
    }

    /** The smallest input side: one multiple of the size multiple that leaves a pixel besides the halo. */
    int minSide() {
        int m = contract.sizeMultiple();
        return (2 * halo(contract.halo()) + 1 + m - 1) / m * m;
    }

    String yaml() {
        ModelContract c = contract;
        StringBuilder y = new StringBuilder();
        y.append("# bioimage.io model description of a Hush image denoiser; see README.md for how the contract maps.\n");
        y.append("format_version: ").append(quoted(format)).append('\n');
        y.append("type: model\n");
        y.append("name: ").append(quoted(name())).append('\n');
        y.append("description: ").append(quoted(description())).append('\n');
        y.append("authors:\n");
        y.append("  - name: ").append(quoted(AUTHOR)).append('\n');
        // Every entry has a DOI or a URL, as the spec's validator requires: the paper of the network's shape always,
        // FFDNet's for a noise-level input, and Hush itself when a URL to cite it by was given.
        y.append("cite:\n");
        if (citeUrl != null) {
            y.append("  - text: ").append(quoted(HUSH_CITE)).append('\n');
            y.append("    url: ").append(quoted(citeUrl)).append('\n');
        }
        String arch = c.get(ModelContract.ARCHITECTURE, "");
        boolean residual = arch.startsWith("residual");
        boolean encoderDecoder = arch.startsWith("unet") || arch.startsWith("multiscale");
        y.append("  - text: ").append(quoted(residual ? DNCNN_CITE : encoderDecoder ? UNET_CITE : DAE_CITE)).append('\n');
        y.append("    doi: ").append(quoted(residual ? DNCNN_DOI : encoderDecoder ? UNET_DOI : DAE_DOI)).append('\n');
        if (c.noiseLevelInput()) {
            y.append("  - text: ").append(quoted(FFDNET_CITE)).append('\n');
            y.append("    doi: ").append(quoted(FFDNET_DOI)).append('\n');
        }
        y.append("license: ").append(quoted(LICENSE)).append('\n');
        y.append("tags: [");
        List<String> tags = tags();
        for (int i = 0; i < tags.size(); i++) {
            y.append(i == 0 ? "" : ", ").append(quoted(tags.get(i)));
        }
        y.append("]\n");
        y.append("timestamp: ").append(quoted(TIMESTAMP.format(timestamp.atOffset(ZoneOffset.UTC)))).append('\n');
        y.append("documentation: ").append(quoted(BioImageIoPackage.README)).append('\n');
        y.append("covers: [").append(quoted(BioImageIoPackage.COVER)).append("]\n");
        if (format05()) {
            tensors05(y);
        } else {
            tensors04(y);
        }
        y.append("weights:\n");
        y.append("  onnx:\n");
        y.append("    source: ").append(quoted(BioImageIoPackage.WEIGHTS)).append('\n');
        y.append("    sha256: ").append(quoted(weightsSha256)).append('\n');
        y.append("    opset_version: ").append(opset).append('\n');
        y.append("config:\n");
        y.append("  hush:\n");
        for (Map.Entry<String, String> e : c.asMap().entrySet()) {
            y.append("    ").append(quoted(e.getKey())).append(": ").append(quoted(e.getValue())).append('\n');
        }
        return y.toString();
    }

    /** Format 0.4: axes as a letter string, shapes as lists, steps by {@code name}. */
    private void tensors04(StringBuilder y) {
        ModelContract c = contract;
        int m = c.sizeMultiple();
        int min = minSide();
        String in = quoted(c.inputName());
        y.append("test_inputs: [").append(quoted(BioImageIoPackage.TEST_INPUT)).append("]\n");
        y.append("test_outputs: [").append(quoted(BioImageIoPackage.TEST_OUTPUT)).append("]\n");
        y.append("inputs:\n");
        y.append("  - name: ").append(in).append('\n');
        y.append("    description: ").append(quoted(inputDescription())).append('\n');
        y.append("    axes: ").append(axes()).append('\n');
        y.append("    data_type: float32\n");
        y.append("    shape:\n");
        y.append("      min: ").append(spatial("1", Integer.toString(c.channels()), minDepth(), min)).append('\n');
        y.append("      step: ").append(spatial("0", "0", c.sizeMultipleZ(), m)).append('\n');
        preprocessing(y);
        y.append("outputs:\n");
        y.append("  - name: ").append(quoted(c.outputName())).append('\n');
        y.append("    description: ").append(quoted(outputDescription())).append('\n');
        y.append("    axes: ").append(axes()).append('\n');
        y.append("    data_type: float32\n");
        y.append("    shape:\n");
        y.append("      reference_tensor: ").append(in).append('\n');
        y.append("      scale: ").append(spatial("1.0", "1.0", "1.0", "1.0")).append('\n');
        y.append("      offset: ").append(spatial("0.0", "0.0", "0.0", "0.0")).append('\n');
        y.append("    halo: ").append(spatial("0", "0", c.haloZ(), c.halo())).append('\n');
        postprocessing(y);
    }

    /**
     * Format 0.5: axes as objects (batch, channel with names, space axes with ids and sizes), the output's spatial sizes
     * referring to the input's axes, the halo on each output space axis, test tensors per tensor with their SHA-256,
     * steps by {@code id}, and the axes of a step by axis id.
     */
    private void tensors05(StringBuilder y) {
        ModelContract c = contract;
        y.append("inputs:\n");
        tensor05(y, c.inputName(), inputDescription(), null, BioImageIoPackage.TEST_INPUT, testInputSha256);
        preprocessing(y);
        y.append("outputs:\n");
        tensor05(y, c.outputName(), outputDescription(), c.inputName(), BioImageIoPackage.TEST_OUTPUT, testOutputSha256);
        postprocessing(y);
    }

    /** One 0.5 tensor entry up to its steps; {@code reference}: the input whose sizes an output takes (null: input). */
    private void tensor05(StringBuilder y, String id, String description, String reference, String test, String sha) {
        y.append("  - id: ").append(quoted(id)).append('\n');
        y.append("    description: ").append(quoted(brief(description))).append('\n');
        y.append("    axes:\n");
        axes05(y, reference);
        y.append("    test_tensor:\n");
        y.append("      source: ").append(quoted(test)).append('\n');
        y.append("      sha256: ").append(quoted(sha)).append('\n');
        y.append("    data:\n");
        y.append("      type: float32\n");
    }

    /** A tensor description within format 0.5's 128 characters (the README says the rest). */
    private static String brief(String d) {
        return d.length() <= 128 ? d : d.substring(0, 125) + "...";
    }

    /** The 0.5 axes of the input ({@code reference} null: sizes by min and step) or of the output (sizes from it). */
    private void axes05(StringBuilder y, String reference) {
        ModelContract c = contract;
        y.append("      - type: batch\n");
        y.append("      - type: channel\n");
        y.append("        channel_names: [");
        for (int i = 0; i < c.channels(); i++) {
            y.append(i == 0 ? "" : ", ").append(quoted(c.channels() == 1 ? "intensity" : "c" + i));
        }
        y.append("]\n");
        List<String> ids = c.volumetric() ? List.of("z", "y", "x") : List.of("y", "x");
        for (String id : ids) {
            boolean z = id.equals("z");
            y.append("      - type: space\n");
            y.append("        id: ").append(id).append('\n');
            if (reference == null) {
                y.append("        size:\n");
                y.append("          min: ").append(z ? minDepth() : minSide()).append('\n');
                y.append("          step: ").append(z ? c.sizeMultipleZ() : c.sizeMultiple()).append('\n');
            } else {
                y.append("        size:\n");
                y.append("          tensor_id: ").append(quoted(reference)).append('\n');
                y.append("          axis_id: ").append(id).append('\n');
                int halo = halo(z ? c.haloZ() : c.halo());
                if (halo > 0) {
                    y.append("        halo: ").append(halo).append('\n'); // 0.5: a halo is at least 1, or absent
                }
            }
        }
    }

    private void preprocessing(StringBuilder y) {
        ModelContract c = contract;
        switch (c.norm()) {
            case PERCENTILE -> {
                y.append("    preprocessing:\n");
                y.append("      - ").append(stepKey()).append(": scale_range\n");
                y.append("        kwargs:\n");
                if (!format05()) {
                    y.append("          mode: per_sample\n"); // 0.5: per sample unless dataset statistics are given
                }
                y.append("          axes: ").append(normAxesOfFormat()).append('\n');
                y.append("          min_percentile: ").append(number(c.normLow())).append('\n');
                y.append("          max_percentile: ").append(number(c.normHigh())).append('\n');
                y.append("          eps: ").append(number(EPS)).append('\n');
            }
            case FIXED -> {
                double range = c.normHigh() - c.normLow();
                linear(y, "preprocessing", 1 / range, -c.normLow() / range);
            }
            case NONE -> { }
        }
    }

    private void postprocessing(StringBuilder y) {
        // Percentile: 0.4 has no step that applies the input's percentiles inversely (scale_range with a
        // reference_tensor normalises again, and JDLL ignores the reference), so the output stays in model
        // units and the README gives the inverse. Fixed: scale_linear is the exact inverse.
        if (contract.norm() == ModelContract.Norm.FIXED) {
            linear(y, "postprocessing", contract.normHigh() - contract.normLow(), contract.normLow());
        }
    }

    private void linear(StringBuilder y, String list, double gain, double offset) {
        if (gain == 1 && offset == 0) {
            return; // the spec rejects an identity scale_linear
        }
        y.append("    ").append(list).append(":\n");
        y.append("      - ").append(stepKey()).append(": scale_linear\n");
        y.append("        kwargs:\n");
        if (!format05()) {
            y.append("          axes: ").append(normAxes()).append('\n'); // 0.5: one gain and offset for all
        }
        y.append("          gain: ").append(number(gain)).append('\n');
        y.append("          offset: ").append(number(offset)).append('\n');
    }

    private String inputDescription() {
        return switch (contract.norm()) {
            case PERCENTILE -> "image; scale_range maps its " + pct(contract.normLow()) + " and " + pct(contract.normHigh())
                    + " percentiles to 0 and 1, as Hush does";
            case FIXED -> "image; scale_linear maps " + fmt(contract.normLow()) + " and " + fmt(contract.normHigh())
                    + " to 0 and 1, as Hush does";
            case NONE -> "image, fed as it is";
        };
    }

    private String outputDescription() {
        return switch (contract.norm()) {
            case PERCENTILE -> "denoised image in model units (0 and 1 at the input's " + pct(contract.normLow()) + " and "
                    + pct(contract.normHigh()) + " percentiles); README.md gives the inverse to input units";
            case FIXED -> "denoised image, mapped back to input units by scale_linear";
            case NONE -> "denoised image";
        };
    }

    /** The README: the model card (or a summary of the contract), then how this package runs the model. */
    String readme(String card) {
        StringBuilder r = new StringBuilder();
        if (card != null && !card.isBlank()) {
            r.append(card.strip()).append("\n\n");
        } else {
            summary(r);
        }
        usage(r);
        return r.toString();
    }

    private void summary(StringBuilder r) {
        r.append("# ").append(contract.name()).append("\n\n");
        r.append(description()).append("\n\n");
        r.append("A Hush image denoiser packaged for bioimage.io consumers (deepImageJ, bioimageio.core).")
                .append(" Its contract and provenance, as the ONNX file's metadata states them:\n\n");
        r.append("| key | value |\n|---|---|\n");
        for (Map.Entry<String, String> e : contract.asMap().entrySet()) {
            r.append("| `").append(e.getKey()).append("` | ").append(cell(e.getValue())).append(" |\n");
        }
        r.append("\n## Validation\n\n");
        String metrics = contract.get(ModelContract.METRICS, "");
        if (metrics.isBlank()) {
            r.append("The model's metadata holds no validation figures.\n\n");
        } else {
            r.append("Validation figures recorded by the trainer (`hush.metrics`):\n\n");
            for (String kv : metrics.split(";")) {
                if (!kv.isBlank()) {
                    r.append("- `").append(kv.strip()).append("`\n");
                }
            }
            r.append('\n');
        }
    }

    private void usage(StringBuilder r) {
        ModelContract c = contract;
        int m = c.sizeMultiple();
        r.append("## This bioimage.io package\n\n");
        r.append("Made by `hush export bioimageio` (model description format ").append(format)
                .append(", ONNX weights, opset ").append(opset).append(").\n\n");
        r.append("- **Input** `").append(c.inputName()).append("`: float32, axes `").append(axes()).append("`, ")
                .append(c.channels()).append(c.channels() == 1 ? " channel" : " channels")
                .append("; height and width a multiple of ").append(m).append(" and at least ").append(minSide())
                .append(" (`hush.size_multiple`");
        if (c.volumetric()) {
            r.append("), depth (planes of the z-stack) a multiple of ").append(c.sizeMultipleZ()).append(" and at least ")
                    .append(minDepth()).append(" (`hush.size_multiple_z`");
        }
        r.append("; Hush itself pads with mirrored pixels instead).\n");
        r.append("- **Output** `").append(c.outputName()).append("`: the input's shape. The outer ").append(c.halo())
                .append(" pixels on each side (`hush.halo`, the receptive-field radius)")
                .append(c.volumetric() ? " and the outer " + c.haloZ() + " planes at each end (`hush.halo_z`)" : "")
                .append(" see past the tile's edge: crop")
                .append(" them when tiling, and tiles then agree with the whole-image result. Hush's own runtime blends")
                .append(" overlapping tiles with linear ramps instead; within float rounding the result is the same.\n");
        switch (c.norm()) {
            case PERCENTILE -> {
                r.append("- **Preprocessing** `scale_range`, per sample, over ").append(normAxes()).append(": `(v - p")
                        .append(pct(c.normLow())).append(") / (p").append(pct(c.normHigh())).append(" - p")
                        .append(pct(c.normLow())).append(" + eps)` with eps = ").append(number(EPS))
                        .append(". Hush computes the same map without eps, with linearly interpolated percentiles over")
                        .append(" the whole image (all channels together, at most about 10^6 sampled pixels); consumers")
                        .append(" may estimate percentiles slightly differently, and per tile if they normalise tiles.\n");
                r.append("- **Postprocessing**: none, so the output is in model units. Hush's exact inverse is\n\n")
                        .append("      v = y * (p_high - p_low) + p_low\n\n")
                        .append("  with p_low and p_high the **input's** ").append(pct(c.normLow())).append(" and ")
                        .append(pct(c.normHigh())).append(" percentiles. Format 0.4 cannot express it: `scale_range` with")
                        .append(" `reference_tensor` set to the input would normalise the output again with the input's")
                        .append(" percentiles (divide by the range, not multiply), and deepImageJ 3.x (JDLL) ignores")
                        .append(" `reference_tensor` altogether. To get Hush's values, apply the line above (in ImageJ:")
                        .append(" Process > Math > Multiply, then Add), or run the model with Hush.\n");
            }
            case FIXED -> r.append("- **Preprocessing** `scale_linear` with gain 1/(high - low) and offset -low/(high - low),")
                    .append(" low = ").append(fmt(c.normLow())).append(", high = ").append(fmt(c.normHigh()))
                    .append(": exactly Hush's map. **Postprocessing** `scale_linear` with gain (high - low) and offset")
                    .append(" low: exactly Hush's inverse, so the output is in input units.\n");
            case NONE -> r.append("- **Pre- and postprocessing**: none; Hush feeds the values as they are.\n");
        }
        r.append("- **Test tensors**: `").append(BioImageIoPackage.TEST_INPUT).append("` is a noisy synthetic ")
                .append(c.volumetric() ? "volume of " + testShape[2] + " planes of " : "image of ")
                .append(testShape[testShape.length - 2]).append(" x ").append(testShape[testShape.length - 1])
                .append(" pixels");
        if (c.norm() == ModelContract.Norm.PERCENTILE) {
            r.append(", already in model units and clipped so that a few percent of it is exactly 0 and 1: every")
                    .append(" percentile estimator finds 0 and 1, and the preprocessing leaves it as it is (up to eps)");
        }
        r.append("; `").append(BioImageIoPackage.TEST_OUTPUT).append("` is what the package gives back for it, the")
                .append(" network computed by ONNX Runtime. The cover shows the two side by side"
                + (c.volumetric() ? " (the middle plane)" : "") + ".\n");
        r.append("- **Metadata**: every `hush.*` key of the model is kept verbatim under `config: hush:` in `rdf.yaml`.\n");
    }

    private static String cell(String v) {
        return v.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String pct(double p) {
        return fmt(p) + "%";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
