package dev.hush.runtime;

/** ONNX Runtime could not allocate memory for a run; smaller tiles may succeed. */
public class OutOfDeviceMemoryException extends HushException {
    public OutOfDeviceMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
