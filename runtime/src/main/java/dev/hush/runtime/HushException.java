package dev.hush.runtime;

/** Something Hush cannot do with the given input; the message says what is wrong and how to fix it. */
public class HushException extends Exception {
    public HushException(String message) {
        super(message);
    }

    public HushException(String message, Throwable cause) {
        super(message, cause);
    }
}
