package dev.hush.trainer.bioimageio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hush.runtime.DenoiserModel;
import dev.hush.runtime.ModelContract;
import dev.hush.runtime.ShippedModels;
import dev.hush.trainer.TrainingProgress;
import dev.hush.trainer.image.ImageTrainer;
import dev.hush.trainer.image.ImageTrainingConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported descriptions checked against the bioimage.io spec's own JSON schemas for model formats 0.4 and 0.5
 * ({@code src/test/resources/bioimageio/}, where their sources and licences are named), parsed with a real YAML parser.
 * The schema holds the spec's types, required fields and enumerations; checks that bioimage.io's validator makes in
 * code (a citation's DOI or URL, axis letters, files present) are in {@link BioImageIoPackageTest}.
 */
class BioImageIoSchemaTest {

    private static final Instant WHEN = Instant.parse("2025-01-02T03:04:05Z");
    private static Schema schema04;
    private static Schema schema05;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchemas() throws Exception {
        schema04 = schema("bioimageio_schema_model_0.4.json");
        schema05 = schema("bioimageio_schema_model_0.5.json");
    }

    private static Schema schema(String file) throws Exception {
        try (InputStream in = BioImageIoSchemaTest.class.getResourceAsStream("/bioimageio/" + file)) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in, InputFormat.JSON);
        }
    }

    private static List<String> errors(Schema schema, JsonNode rdf) {
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(rdf)) {
            out.add(e.toString());
        }
        return out;
    }

    /** The shipped models that have a bioimage.io form: image models without a noise-level input. */
    private static List<String> exportableShippedModels() throws Exception {
        List<String> out = new ArrayList<>();
        for (String name : ShippedModels.names()) {
            ModelContract contract = DenoiserModel.readContract(name);
            // audio has no bioimage.io form; a noise-level input is refused (BioImageIoPackageTest)
            if (contract.domain() == dev.hush.runtime.Domain.IMAGE && !contract.noiseLevelInput()) {
                out.add(name);
            }
        }
        assertTrue(out.size() >= 2, "shipped image models to check: " + out);
        return out;
    }

    /**
     * Errors of a format-0.5 description against the published 0.5 schema. Hush writes 0.5.4; the schema committed is
     * the spec's newest 0.5 one, whose {@code format_version} is the constant 0.5.7, so the version field is set to
     * it before validating (every other field is checked as written).
     */
    private static List<String> errors05(JsonNode rdf) {
        ObjectNode copy = rdf.deepCopy();
        copy.put("format_version", schema05.getSchemaNode().get("properties").get("format_version").get("const").asText());
        return errors(schema05, copy);
    }

    private static List<String> errors(JsonNode rdf) {
        return errors(schema04, rdf);
    }

    private static JsonNode parse(BioImageIoPackage pkg) throws Exception {
        return new YAMLMapper().readTree(pkg.rdf());
    }

    @Test
    void everyExportableShippedModelIsValidFormat04() throws Exception {
        for (String name : exportableShippedModels()) {
            JsonNode rdf = parse(BioImageIoPackage.open(name).timestamp(WHEN));
            assertEquals(List.of(), errors(rdf), name + ":\n" + rdf);
        }
    }

    @Test
    void aVolumetricModelIsValidFormat04() throws Exception {
        ImageTrainingConfig cfg = ImageTrainingConfig.defaults().with("dims", "3").with("architecture", "residual")
                .with("depth", "3").with("width", "4").with("patch", "16").with("patch_z", "8").with("batch", "2")
                .with("epochs", "1").with("steps", "1").with("val_images", "1").with("val_size", "32")
                .with("data", "fluorescence").with("noise", "gaussian:10:30").with("seed", "5").with("threads", "1");
        byte[] onnx = new ImageTrainer(cfg).train(new TrainingProgress() {
        }).model().toByteArray();
        JsonNode rdf = parse(BioImageIoPackage.of(onnx, "vol.onnx", null).timestamp(WHEN));
        assertEquals(List.of(), errors(rdf), rdf.toString());
    }

    @Test
    void theSchemaRefusesWhatTheSpecForbids() throws Exception {
        // Not a vacuous check: the same description, broken in ways the spec forbids, is refused.
        JsonNode good = parse(BioImageIoPackage.open("image-gray-small").timestamp(WHEN));
        ObjectNode noWeights = good.deepCopy();
        noWeights.remove("weights");
        assertFalse(errors(noWeights).isEmpty(), "a model without weights");
        ObjectNode badType = good.deepCopy();
        ((ObjectNode) badType.get("inputs").get(0)).put("data_type", "complex64");
        assertFalse(errors(badType).isEmpty(), "an input data type the spec does not have");
        ObjectNode badVersion = good.deepCopy();
        badVersion.put("format_version", "0.4.9");
        assertFalse(errors(badVersion).isEmpty(), "a format version other than 0.4.10");
        ObjectNode badStep = good.deepCopy();
        ((ObjectNode) badStep.get("inputs").get(0).get("preprocessing").get(0)).put("name", "sharpen");
        assertFalse(errors(badStep).isEmpty(), "a preprocessing step the spec does not have");
    }

    @Test
    void everyExportableShippedModelIsValidFormat05() throws Exception {
        for (String name : exportableShippedModels()) {
            JsonNode rdf = parse(BioImageIoPackage.open(name).format("0.5").timestamp(WHEN));
            assertEquals("0.5.4", rdf.get("format_version").asText());
            assertEquals(List.of(), errors05(rdf), name + ":\n" + rdf);
        }
        // and the 0.5 schema is not vacuous either: a broken copy is refused
        JsonNode good = parse(BioImageIoPackage.open("image-gray-small").format("0.5").timestamp(WHEN));
        ObjectNode noOutputs = good.deepCopy();
        noOutputs.remove("outputs");
        assertFalse(errors05(noOutputs).isEmpty(), "a model without outputs");
        ObjectNode badAxis = good.deepCopy();
        ((ObjectNode) badAxis.get("inputs").get(0).get("axes").get(0)).put("type", "wavelength");
        assertFalse(errors05(badAxis).isEmpty(), "an axis type the spec does not have");
    }
}
