package dev.hush.imagej;

import dev.hush.runtime.Device;
import dev.hush.runtime.HushException;
import dev.hush.runtime.SessionConfig;
import ij.plugin.frame.Recorder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Denoise Image... was asked to do, from its dialog or a macro's options:
 * {@code model=[image-gray-small] device=cpu tile=256 threads=0 channels=1,3 noise ensemble=8}.
 *
 * @param model    a shipped model's name, a .onnx path, or {@value ModelChoice#FILE} with {@code file}
 * @param file     the model file when {@code model} is {@value ModelChoice#FILE}; else empty
 * @param device   cpu, cuda[:N], tensorrt[:N], directml[:N], coreml, openvino or auto
 * @param tile     core tile size in pixels; 0 lets the runtime choose
 * @param threads  ONNX Runtime threads per operator; 0 uses all cores
 * @param channels hyperstack channels to denoise: all, or a list such as 1,3 or 2-4
 * @param noise    also output the removed noise (input − output)
 * @param ensemble average this many flipped and turned copies (1, 2, 4 or 8; {@code ImageDenoiser.withEnsemble})
 */
record DenoiseOptions(String model, String file, String device, int tile, int threads, String channels, boolean noise,
                      int ensemble) {
    static final String COMMAND = "Hush Denoise Image...";
    static final List<String> DEVICES = List.of("cpu", "cuda", "tensorrt", "directml", "coreml", "openvino", "auto");
    static final Set<String> KEYS = new LinkedHashSet<>(List.of("model", "file", "device", "tile", "threads", "channels",
            "noise", "ensemble"));
    static final List<String> ENSEMBLES = List.of("1", "2", "4", "8");

    /** Options that denoise each image once (no ensemble). */
    DenoiseOptions(String model, String file, String device, int tile, int threads, String channels, boolean noise) {
        this(model, file, device, tile, threads, channels, noise, 1);
    }

    /** What {@code run("Hush Denoise Image...", "")} does: the first shipped image model on the CPU, automatic tiles. */
    static DenoiseOptions defaults() {
        List<String> shipped = ModelChoice.shippedImageModels();
        return new DenoiseOptions(shipped.isEmpty() ? ModelChoice.FILE : shipped.get(0), "", "cpu", 0, 0,
                ChannelChoice.ALL, false);
    }

    /** Reads a macro's options; a key left out keeps its default, an unknown key is an error. */
    static DenoiseOptions fromMacro(String text) throws HushException {
        MacroOptions o = MacroOptions.of(text);
        o.requireOnly(KEYS, COMMAND);
        DenoiseOptions d = defaults();
        String model = o.value("model", null);
        String file = o.value("file", "");
        DenoiseOptions options = new DenoiseOptions(
                model != null ? model : (file.isBlank() ? d.model() : ModelChoice.FILE),
                file,
                o.value("device", d.device()),
                o.count("tile", d.tile(), "the tile size in pixels; 0 chooses automatically"),
                o.count("threads", d.threads(), "ONNX Runtime threads; 0 uses all cores"),
                o.value("channels", d.channels()),
                o.flag("noise"),
                o.count("ensemble", d.ensemble(), "flipped and turned copies to average: 1, 2, 4 or 8"));
        options.check();
        return options;
    }

    /** Checks what can be checked before the image and the model are looked at. */
    void check() throws HushException {
        if (!ENSEMBLES.contains(Integer.toString(ensemble))) {
            throw new HushException(HushException.Code.INVALID_INPUT, "ensemble must be 1, 2, 4 or 8 flipped and turned"
                    + " copies, got " + ensemble);
        }
        parsedDevice();
        modelChoice();
    }

    private Device parsedDevice() throws HushException {
        try {
            return Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new HushException(HushException.Code.INVALID_INPUT, e.getMessage(), e);
        }
    }

    ModelChoice modelChoice() throws HushException {
        return ModelChoice.of(model, file);
    }

    SessionConfig sessionConfig() throws HushException {
        return new SessionConfig(parsedDevice(), threads);
    }

    /**
     * Tells ImageJ's macro recorder every option, so that the recorded line replays this run exactly;
     * {@code channels} only where the dialog asks for it (more than one channel), and {@code noise} only when
     * ticked, as ImageJ records checkboxes.
     */
    void record(boolean withChannels) {
        Recorder.recordOption("model", recordedModel());
        Recorder.recordOption("device", device);
        Recorder.recordOption("tile", Integer.toString(tile));
        Recorder.recordOption("threads", Integer.toString(threads));
        if (withChannels) {
            Recorder.recordOption("channels", channels);
        }
        if (noise) {
            Recorder.recordOption("noise");
        }
        if (ensemble != 1) {
            Recorder.recordOption("ensemble", Integer.toString(ensemble));
        }
    }

    /** A file is recorded as the model itself (model=[/path/x.onnx]): one key, and it replays the same. */
    private String recordedModel() {
        return model.equals(ModelChoice.FILE) ? file : model;
    }
}
