package dev.hush.runtime;

/**
 * A model file that is not a valid Hush model: not ONNX, a missing or bad contract key, a wrong domain
 * ({@link HushException.Code#INVALID_MODEL}).
 */
public class ModelFormatException extends HushException {
    public ModelFormatException(String message) {
        super(Code.INVALID_MODEL, message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(Code.INVALID_MODEL, message, cause);
    }
}
