package dev.hush.runtime;

/** A model file that is not a valid Hush model: not ONNX, a missing or bad contract key, a wrong domain. */
public class ModelFormatException extends HushException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
