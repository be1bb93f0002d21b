package dev.hush.imagej;

import dev.hush.runtime.HushException;
import ij.Macro;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The options string of a macro call, as in {@code run("Hush Denoise Image...", "model=[image-gray-small] tile=256 noise")}:
 * {@code key=value}, {@code key=[value with spaces]}, or a bare key for a ticked checkbox. Values are read with
 * {@link Macro#getValue}, as ImageJ's own dialogs read them.
 */
record MacroOptions(String text) {

    /**
     * {@code null} (no options: a macro that passed none, or {@code ""}) reads as all defaults. Refuses text with a
     * NUL character, which no file name, model name or number holds (found by fuzzing: it reached the file system as
     * an unchecked {@code InvalidPathException}).
     */
    static MacroOptions of(String text) throws HushException {
        if (text != null && text.indexOf('\0') >= 0) {
            throw new HushException(HushException.Code.INVALID_INPUT, "the macro options hold a NUL character (\\0) at"
                    + " position " + (text.indexOf('\0') + 1) + "; no option value may hold one, so remove it");
        }
        String t = text == null ? "" : text.strip();
        // Macro.getValue finds a key by the space after its value, so the last one needs one too.
        return new MacroOptions(t.isEmpty() ? "" : t + " ");
    }

    String value(String key, String fallback) {
        return text.isEmpty() ? fallback : Macro.getValue(text, key, fallback);
    }

    /** A bare key (a ticked checkbox), as ImageJ records it. */
    boolean flag(String key) {
        return keys().contains(key) && value(key, null) == null;
    }

    /** A whole number of at least 0; the message says which option and what it means. */
    int count(String key, int fallback, String meaning) throws HushException {
        return whole(key, fallback, 0, meaning);
    }

    /** A whole number of at least {@code min}; the message says which option and what it means. */
    int whole(String key, int fallback, int min, String meaning) throws HushException {
        String v = value(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (d >= min && d == Math.rint(d) && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        } catch (NumberFormatException ignored) {
            // Same message as a number out of range or fractional.
        }
        throw new HushException("'" + key + "=" + v + "' is not valid: " + key + " must be a whole number of at least "
                + min + " (" + meaning + ")");
    }

    /** A number; the range is the caller's to check. */
    double number(String key, double fallback, String meaning) throws HushException {
        String v = value(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // Same message as infinity.
        }
        throw new HushException("'" + key + "=" + v + "' is not valid: " + key + " must be a number (" + meaning + ")");
    }

    /** Refuses a key the command does not know, so that a typo (tiles=256) is not silently ignored. */
    void requireOnly(Set<String> known, String command) throws HushException {
        for (String key : keys()) {
            if (!known.contains(key)) {
                throw new HushException("unknown option '" + key + "' for " + command + "; its options are: "
                        + String.join(", ", known));
            }
        }
    }

    /** The keys in the order written; brackets may hold spaces and '='. */
    Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '=') {
                i++;
            }
            if (i > start) {
                keys.add(text.substring(start, i));
            }
            if (i < n && text.charAt(i) == '=') {
                i++;
                if (i < n && text.charAt(i) == '[') {
                    int close = text.indexOf(']', i);
                    i = close < 0 ? n : close + 1;
                } else {
                    while (i < n && text.charAt(i) != ' ') {
                        i++;
                    }
                }
            }
        }
        return keys;
    }
}
