package dev.hush.runtime;

/**
 * Something Hush cannot do with the given model or input. The message says what is wrong and how to fix it; the
 * {@link #code()} says what kind of failure it is, so that a program can act on it without reading the message
 * (retry with smaller tiles after {@link Code#OUT_OF_MEMORY}, pick another model after {@link Code#INVALID_MODEL},
 * report the file after {@link Code#INVALID_INPUT}). Cancellation is not one of these: it is the unchecked
 * {@link CancelledException}.
 */
public class HushException extends Exception {

    /** The kinds of failure a caller may want to tell apart. */
    public enum Code {
        /** The model file or bytes are not a usable Hush model: not ONNX, a missing or bad contract, a wrong domain. */
        INVALID_MODEL,
        /** No model of that name or path exists. */
        MODEL_NOT_FOUND,
        /** The input (image, sound, option value) cannot be denoised as given: wrong channels, NaN values, bad sizes. */
        INVALID_INPUT,
        /** ONNX Runtime could not allocate memory for a run; smaller tiles or batches may succeed. */
        OUT_OF_MEMORY,
        /** The requested execution provider is not in this ONNX Runtime build or failed to start. */
        DEVICE_UNAVAILABLE,
        /** The model was closed, before or during the call. */
        MODEL_CLOSED,
        /** ONNX Runtime failed while running the model for another reason. */
        RUNTIME_FAILURE,
        /** A file could not be read or written. */
        IO_ERROR,
        /** Anything else (front ends use it for their own usage errors). */
        OTHER
    }

    private final Code code;

    public HushException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public HushException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A failure of kind {@link Code#OTHER}. */
    public HushException(String message) {
        this(Code.OTHER, message);
    }

    /** A failure of kind {@link Code#OTHER}. */
    public HushException(String message, Throwable cause) {
        this(Code.OTHER, message, cause);
    }

    /** What kind of failure this is. */
    public Code code() {
        return code;
    }
}
