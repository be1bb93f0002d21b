package dev.hush.runtime;

/** ONNX Runtime could not allocate memory for a run ({@link HushException.Code#OUT_OF_MEMORY}); smaller tiles may succeed. */
public class OutOfDeviceMemoryException extends HushException {
    public OutOfDeviceMemoryException(String message, Throwable cause) {
        super(Code.OUT_OF_MEMORY, message, cause);
    }
}
