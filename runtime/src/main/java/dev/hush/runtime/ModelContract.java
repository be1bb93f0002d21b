package dev.hush.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract a Hush model carries in its ONNX {@code metadata_props}: what it denoises, how its
 * input is normalised, how far its receptive field reaches (the halo) and where it came from.
 * The keys and their meaning are specified in {@code docs/model-format.md}; this class is the one
 * place that reads them, and it refuses a contract it cannot honour.
 */
public final class ModelContract {
    /** The contract version this runtime reads and writes. */
    public static final int FORMAT_VERSION = 1;

    public static final String FORMAT = "hush.format_version";
    public static final String DOMAIN = "hush.domain";
    public static final String OUTPUT = "hush.output";
    public static final String INPUT_NAME = "hush.input_name";
    public static final String OUTPUT_NAME = "hush.output_name";
    public static final String CHANNELS = "hush.channels";
    public static final String NORM = "hush.norm";
    public static final String NORM_LOW = "hush.norm.low";
    public static final String NORM_HIGH = "hush.norm.high";
    public static final String HALO = "hush.halo";
    public static final String SIZE_MULTIPLE = "hush.size_multiple";
    /**
     * Optional, audio models with a recurrent state ({@code hush.audio.state_size} &gt; 0): the names of the graph's
     * state input and output.
     */
    public static final String STATE_INPUT_NAME = "hush.state_input_name";
    public static final String STATE_OUTPUT_NAME = "hush.state_output_name";
    /** Optional: the model takes only inputs of exactly this height and width (dense networks). */
    public static final String FIXED_SIZE = "hush.fixed_size";
    /**
     * Optional: the model takes the noise level as one more input channel after the image's, a constant plane
     * holding the noise's standard deviation in normalised units; the only value so far is {@code plane}.
     */
    public static final String NOISE_LEVEL_INPUT = "hush.noise_level_input";
    public static final String NOISE_LEVEL_PLANE = "plane";
    /**
     * Optional, image models: 3 for a volumetric model, whose input is N×C×D×H×W (z, then y, x) and which denoises a
     * z-stack as one volume; 2 (the default) for N×C×H×W. A 3-D model also gives {@link #HALO_Z} and
     * {@link #SIZE_MULTIPLE_Z}, the halo and size multiple along z ({@link #HALO} and {@link #SIZE_MULTIPLE} are
     * then those along y and x).
     */
    public static final String SPATIAL_DIMS = "hush.spatial_dims";
    public static final String HALO_Z = "hush.halo_z";
    public static final String SIZE_MULTIPLE_Z = "hush.size_multiple_z";
    public static final String NAME = "hush.name";
    public static final String DESCRIPTION = "hush.description";
    public static final String ARCHITECTURE = "hush.architecture";
    public static final String TRAINING_MODE = "hush.training_mode";
    public static final String NOISE_MODEL = "hush.noise_model";
    public static final String DATA = "hush.data";
    public static final String METRICS = "hush.metrics";
    public static final String TRAINER = "hush.trainer";
    /**
     * An anomaly model's calibration: the 99th percentile of its smoothed reconstruction error on held-apart normal
     * images (normalised units); {@link dev.hush.runtime.image.AnomalyMap} divides by it, so 1.0 means "as unusual as
     * the top 1 % of normal pixels".
     */
    public static final String ANOMALY_SCALE = "hush.anomaly.scale";
    /**
     * What an anomaly model looks at when it is not an image: {@code spectrogram} for sounds
     * ({@link dev.hush.runtime.audio.AudioAnomaly}; the STFT is given by {@link #AUDIO_SAMPLE_RATE},
     * {@link #AUDIO_N_FFT} and {@link #AUDIO_HOP}).
     */
    public static final String ANOMALY_INPUT = "hush.anomaly.input";
    /**
     * An anomaly model's calibration near the image's edges: comma-separated 99th percentiles of normal images'
     * smoothed error at 0, 1, 2, … pixels from the nearest edge (at most 64 values), where the reconstruction of the
     * mirrored border is worse than inside; farther in, {@link #ANOMALY_SCALE} applies.
     */
    public static final String ANOMALY_EDGE_SCALE = "hush.anomaly.edge_scale";
    /** A sound anomaly model's frame calibration: the 99th percentile of normal frames' highest map value. */
    public static final String ANOMALY_FRAME_SCALE = "hush.anomaly.frame_scale";
    public static final String AUDIO_SAMPLE_RATE = "hush.audio.sample_rate";
    public static final String AUDIO_N_FFT = "hush.audio.n_fft";
    public static final String AUDIO_HOP = "hush.audio.hop";
    public static final String AUDIO_WINDOW = "hush.audio.window";
    public static final String AUDIO_CONTEXT = "hush.audio.context_frames";
    public static final String AUDIO_LOOKAHEAD = "hush.audio.lookahead_frames";

    /**
     * The ranges a contract's sizes must lie in, checked when it is parsed and before anything is allocated by them:
     * a tile's window is its core plus twice the halo, so {@code hush.halo} = 50000 would ask for gigabytes.
     */
    public static final int MAX_HALO = 1024;
    public static final int MAX_SIZE_MULTIPLE = 1024;
    public static final int MAX_FIXED_SIZE = 8192;
    public static final int MAX_CHANNELS = 64;

    private static final List<String> REQUIRED = List.of(FORMAT, DOMAIN, OUTPUT, INPUT_NAME, OUTPUT_NAME,
            CHANNELS, NORM, HALO, SIZE_MULTIPLE);
    private static final List<String> REQUIRED_AUDIO = List.of(AUDIO_SAMPLE_RATE, AUDIO_N_FFT, AUDIO_HOP,
            AUDIO_WINDOW);

    /** How the runtime maps pixel values to the range the network was trained on, and back. */
    public enum Norm {
        /** Map the image's low and high percentiles to 0 and 1. */
        PERCENTILE,
        /** Map the fixed values {@code low} and {@code high} to 0 and 1. */
        FIXED,
        /** Feed values as they are. */
        NONE
    }

    /** What the network's output tensor holds. */
    public enum Output {
        /** The clean signal, in the normalised units of the input. */
        CLEAN,
        /** A gain in [0, 1] per time-frequency bin (audio). */
        MASK
    }

    private final Map<String, String> raw;
    private final Domain domain;
    private final Output output;
    private final String inputName;
    private final String outputName;
    private final int channels;
    private final Norm norm;
    private final double normLow;
    private final double normHigh;
    private final int halo;
    private final int sizeMultiple;
    private final int fixedSize;
    private final boolean noiseLevelInput;
    private final int spatialDims;
    private final int haloZ;
    private final int sizeMultipleZ;

    private ModelContract(Map<String, String> raw) throws ModelFormatException {
        this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
        for (String key : REQUIRED) {
            if (!raw.containsKey(key) || raw.get(key).isBlank()) {
                throw new ModelFormatException("the model has no '" + key + "' in its metadata, so it is not a Hush model"
                        + " (or was exported by an older trainer); re-export it with 'hush train' or add the key as described"
                        + " in docs/model-format.md");
            }
        }
        int version = intValue(FORMAT);
        if (version > FORMAT_VERSION || version < 1) {
            throw new ModelFormatException("the model uses contract version " + version + ", but this Hush reads version "
                    + FORMAT_VERSION + "; upgrade Hush or re-export the model with this version's trainer");
        }
        this.domain = enumValue(DOMAIN, Domain.class);
        this.output = enumValue(OUTPUT, Output.class);
        this.inputName = raw.get(INPUT_NAME);
        this.outputName = raw.get(OUTPUT_NAME);
        this.channels = intValue(CHANNELS, 1, MAX_CHANNELS, "channels");
        this.norm = enumValue(NORM, Norm.class);
        this.halo = intValue(HALO, 0, MAX_HALO, domain == Domain.AUDIO ? "frames" : "pixels");
        this.sizeMultiple = intValue(SIZE_MULTIPLE, 1, MAX_SIZE_MULTIPLE, "pixels");
        this.fixedSize = raw.containsKey(FIXED_SIZE) ? intValue(FIXED_SIZE, 1, MAX_FIXED_SIZE, "pixels") : 0;
        if (raw.containsKey(FIXED_SIZE)) {
            // Tiles are windows of exactly fixed_size with cores of fixed_size − 2·halo.
            if (2 * halo >= fixedSize) {
                throw bad(FIXED_SIZE, "leaves no pixels for a tile's core: it must exceed twice " + HALO + " ("
                        + halo + ")");
            }
            if (fixedSize % sizeMultiple != 0) {
                throw bad(FIXED_SIZE, "is not a multiple of " + SIZE_MULTIPLE + " (" + sizeMultiple + ")");
            }
        }
        String level = raw.get(NOISE_LEVEL_INPUT);
        if (level != null && !level.trim().equals(NOISE_LEVEL_PLANE)) {
            throw bad(NOISE_LEVEL_INPUT, "is not '" + NOISE_LEVEL_PLANE + "', the one kind of noise-level input this"
                    + " runtime can feed");
        }
        this.noiseLevelInput = level != null;
        this.spatialDims = raw.containsKey(SPATIAL_DIMS) ? intValue(SPATIAL_DIMS, 2, 3, "axes") : 2;
        if (spatialDims == 3) {
            if (domain != Domain.IMAGE) {
                throw bad(SPATIAL_DIMS, "applies to image models only");
            }
            if (noiseLevelInput || fixedSize > 0) {
                throw bad(SPATIAL_DIMS, "cannot be combined with '" + (noiseLevelInput ? NOISE_LEVEL_INPUT : FIXED_SIZE)
                        + "': this runtime feeds volumes of any size and no noise-level plane");
            }
            for (String key : new String[] {HALO_Z, SIZE_MULTIPLE_Z}) {
                if (!raw.containsKey(key)) {
                    throw new ModelFormatException("the 3-D model has no '" + key + "' in its metadata; see"
                            + " docs/model-format.md");
                }
            }
            this.haloZ = intValue(HALO_Z, 0, MAX_HALO, "planes");
            this.sizeMultipleZ = intValue(SIZE_MULTIPLE_Z, 1, MAX_SIZE_MULTIPLE, "planes");
        } else {
            this.haloZ = 0;
            this.sizeMultipleZ = 1;
        }
        if (norm == Norm.NONE) {
            this.normLow = 0;
            this.normHigh = 1;
        } else {
            this.normLow = doubleValue(NORM_LOW);
            this.normHigh = doubleValue(NORM_HIGH);
            if (!(normHigh > normLow)) {
                throw bad(NORM_HIGH, "must be greater than " + NORM_LOW);
            }
            if (norm == Norm.PERCENTILE && (normLow < 0 || normHigh > 100)) {
                throw bad(NORM_LOW, "percentiles must lie in [0, 100]");
            }
        }
        if ((raw.containsKey(STATE_INPUT_NAME) || raw.containsKey(STATE_OUTPUT_NAME)) && (domain != Domain.AUDIO
                || !raw.getOrDefault(dev.hush.runtime.audio.AudioSpec.STATE_SIZE, "0").trim().matches("0*[1-9][0-9]*"))) {
            throw new ModelFormatException("the model names a state input or output ('" + STATE_INPUT_NAME + "', '"
                    + STATE_OUTPUT_NAME + "') but is not an audio model with a '"
                    + dev.hush.runtime.audio.AudioSpec.STATE_SIZE + "' above 0; see docs/model-format.md");
        }
        if (domain == Domain.AUDIO) {
            for (String key : REQUIRED_AUDIO) {
                if (!raw.containsKey(key)) {
                    throw new ModelFormatException("the audio model has no '" + key + "' in its metadata; see docs/model-format.md");
                }
            }
            // The STFT keys and frame counts, with their own ranges.
            if (dev.hush.runtime.audio.AudioSpec.of(this).stateSize() > 0) {
                for (String key : new String[] {STATE_INPUT_NAME, STATE_OUTPUT_NAME}) {
                    if (raw.getOrDefault(key, "").isBlank()) {
                        throw new ModelFormatException("the audio model declares a recurrent state ('"
                                + dev.hush.runtime.audio.AudioSpec.STATE_SIZE + "') but has no '" + key + "' naming"
                                + " the graph's state " + (key.equals(STATE_INPUT_NAME) ? "input" : "output")
                                + "; see docs/model-format.md");
                    }
                }
            }
        }
    }

    /** Reads and checks a contract from a model's metadata. */
    public static ModelContract parse(Map<String, String> metadata) throws ModelFormatException {
        return new ModelContract(metadata);
    }

    /**
     * Reads the contract from a model's serialised ONNX bytes without ONNX Runtime (see
     * {@link DenoiserModel#readContract}); {@code source} names the model in messages.
     */
    public static ModelContract read(byte[] onnx, String source) throws ModelFormatException {
        Map<String, String> metadata;
        try {
            metadata = ProtoWire.metadata(onnx);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + " is not a readable ONNX model (" + e.getMessage() + "); check that"
                    + " the file is a complete .onnx export", e);
        }
        try {
            return parse(metadata);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /** Builds the metadata map for a new image model; the caller adds provenance keys. */
    public static Map<String, String> imageDefaults(int channels, int halo, int sizeMultiple, double lowPct, double highPct) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT, Integer.toString(FORMAT_VERSION));
        m.put(DOMAIN, Domain.IMAGE.key());
        m.put(OUTPUT, "clean");
        m.put(INPUT_NAME, "input");
        m.put(OUTPUT_NAME, "output");
        m.put(CHANNELS, Integer.toString(channels));
        m.put(NORM, "percentile");
        m.put(NORM_LOW, Double.toString(lowPct));
        m.put(NORM_HIGH, Double.toString(highPct));
        m.put(HALO, Integer.toString(halo));
        m.put(SIZE_MULTIPLE, Integer.toString(sizeMultiple));
        return m;
    }

    /** Refuses a model of the wrong domain with a message naming both. */
    public void requireDomain(Domain expected) throws ModelFormatException {
        if (domain != expected) {
            throw new ModelFormatException("this is an " + domain.key() + " model ('" + name() + "'), but " + expected.key()
                    + " denoising needs an " + expected.key() + " model; run 'hush models' to see which models fit");
        }
    }

    private ModelFormatException bad(String key, String why) {
        return new ModelFormatException("the model's '" + key + "' = '" + raw.get(key) + "' " + why);
    }

    private int intValue(String key) throws ModelFormatException {
        try {
            return Integer.parseInt(raw.get(key).trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw bad(key, "is not a whole number");
        }
    }

    /** A whole number in [{@code min}, {@code max}]; outside it the message names the key and the range. */
    private int intValue(String key, int min, int max, String unit) throws ModelFormatException {
        int v = intValue(key);
        if (v < min || v > max) {
            throw bad(key, "is outside the range this runtime accepts, " + min + "–" + max + " " + unit + "; a real model"
                    + " stays well inside it, so the file is damaged or crafted (re-export it, or fix the key as described"
                    + " in docs/model-format.md)");
        }
        return v;
    }

    private double doubleValue(String key) throws ModelFormatException {
        String v = raw.get(key);
        if (v == null) {
            throw new ModelFormatException("the model has no '" + key + "' in its metadata, which its '" + NORM
                    + "' = '" + raw.get(NORM) + "' needs");
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, "is not a number");
        }
    }

    private <E extends Enum<E>> E enumValue(String key, Class<E> type) throws ModelFormatException {
        String v = raw.get(key).trim().toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw bad(key, "is not one of: " + allowed);
        }
    }

    public Domain domain() { return domain; }
    public Output output() { return output; }
    public String inputName() { return inputName; }
    public String outputName() { return outputName; }

    /** The graph's recurrent state input, or null for a stateless model. */
    public String stateInputName() {
        return raw.get(STATE_INPUT_NAME);
    }

    /** The graph's recurrent state output, or null for a stateless model. */
    public String stateOutputName() {
        return raw.get(STATE_OUTPUT_NAME);
    }
    public int channels() { return channels; }
    public Norm norm() { return norm; }
    public double normLow() { return normLow; }
    public double normHigh() { return normHigh; }
    public int halo() { return halo; }
    public int sizeMultiple() { return sizeMultiple; }

    /** The only input height and width the model takes ({@code hush.fixed_size}), or 0 when it takes any size. */
    public int fixedSize() { return fixedSize; }

    public String name() { return raw.getOrDefault(NAME, "unnamed"); }

    /** 2 for a model of planes (N×C×H×W), 3 for a volumetric one (N×C×D×H×W, {@link #SPATIAL_DIMS}). */
    public int spatialDims() { return spatialDims; }

    /** True for a volumetric model, which denoises a z-stack as one volume. */
    public boolean volumetric() { return spatialDims == 3; }

    /** The halo along z in planes ({@link #HALO_Z}); 0 for a 2-D model. */
    public int haloZ() { return haloZ; }

    /** The size multiple along z ({@link #SIZE_MULTIPLE_Z}); 1 for a 2-D model. */
    public int sizeMultipleZ() { return sizeMultipleZ; }

    /** True when the model takes a noise-level plane after the image's channels ({@code hush.noise_level_input}). */
    public boolean noiseLevelInput() { return noiseLevelInput; }

    /** Channels of the input tensor: the image's, plus the noise-level plane where the model takes one. */
    public int inputChannels() { return channels + (noiseLevelInput ? 1 : 0); }

    /** A key's raw value, or the fallback. */
    public String get(String key, String fallback) {
        return raw.getOrDefault(key, fallback);
    }

    /** All metadata keys, sorted. */
    public Map<String, String> asMap() {
        return raw;
    }

    /** One line for listings: domain, channels, halo, normalisation, architecture. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(domain.key()).append(", ").append(channels).append(channels == 1 ? " channel" : " channels");
        sb.append(", halo ").append(halo).append(", multiple ").append(sizeMultiple);
        if (volumetric()) {
            sb.append(", 3-D (z halo ").append(haloZ).append(", z multiple ").append(sizeMultipleZ).append(')');
        }
        if (noiseLevelInput) {
            sb.append(", noise-level input");
        }
        if (fixedSize > 0) {
            sb.append(", fixed ").append(fixedSize).append('×').append(fixedSize);
        }
        sb.append(", norm ").append(norm.name().toLowerCase(Locale.ROOT));
        if (norm != Norm.NONE) {
            sb.append(' ').append(fmt(normLow)).append('-').append(fmt(normHigh));
        }
        sb.append(", arch ").append(get(ARCHITECTURE, "?"));
        sb.append(", trained ").append(get(TRAINING_MODE, "?")).append(" on ").append(get(NOISE_MODEL, "?"));
        if (!get(ANOMALY_INPUT, "").isBlank()) {
            sb.append("; anomaly model for sounds (").append(get(ANOMALY_INPUT, "")).append(" images, ")
                    .append(get(AUDIO_SAMPLE_RATE, "?")).append(" Hz, STFT ").append(get(AUDIO_N_FFT, "?")).append('/')
                    .append(get(AUDIO_HOP, "?")).append(')');
        } else if (!get(ANOMALY_SCALE, "").isBlank()) {
            sb.append("; anomaly model");
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
