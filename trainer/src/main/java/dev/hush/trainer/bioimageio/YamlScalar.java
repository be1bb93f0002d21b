package dev.hush.trainer.bioimageio;

import java.math.BigDecimal;

/**
 * Scalars written into hand-made YAML. Text is always double-quoted, so that no value is ever read
 * as a number, a boolean ({@code yes}, {@code on}), null, a date or a comment, whatever YAML version
 * the reader speaks. Numbers are written plainly with a decimal point, because YAML 1.1 readers
 * (SnakeYAML in deepImageJ, PyYAML) take {@code 1.0E20} for a string.
 */
final class YamlScalar {
    private YamlScalar() {
    }

    /** {@code s} as a double-quoted YAML scalar. */
    static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\u0085', '\u2028', '\u2029', '\ufeff' -> sb.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A finite double as a plain YAML float: {@code 0.000001}, {@code 100.0}. */
    static String number(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not a finite number: " + d);
        }
        String s = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
