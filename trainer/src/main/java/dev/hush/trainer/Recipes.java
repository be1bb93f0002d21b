package dev.hush.trainer;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * The one bridge between a recipe (Java properties: {@code val_size=192}) and a typed training config record
 * ({@code int valSize}). Each recipe key is the snake_case spelling of one record component; values are parsed to the
 * component's type ({@code int}, {@code long}, {@code double}, {@code boolean}, {@code String}) when they are set, so a
 * typo in a key or a value is refused with the key's name before any work. Front ends that hold typed values (the
 * command line's options, ImageJ's dialog) hand them over as they are; a value of the wrong type is refused too.
 */
public final class Recipes {
    private Recipes() {
    }

    /** A copy of {@code base} with one key set; {@code value} is a string to parse or a value of the key's type. */
    public static <R extends Record> R with(R base, String key, Object value) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put(key, value);
        return with(base, one);
    }

    /** A copy of {@code base} with these keys set; null values leave a key as it is. */
    public static <R extends Record> R with(R base, Map<String, ?> values) {
        RecordComponent[] components = base.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            args[i] = get(base, components[i]);
        }
        for (Map.Entry<String, ?> e : values.entrySet()) {
            int i = index(components, e.getKey());
            if (e.getValue() == null) {
                continue;
            }
            args[i] = convert(e.getKey(), components[i].getType(), e.getValue());
        }
        return construct(base, components, args);
    }

    /** {@code base} with a recipe file's keys set on top. */
    public static <R extends Record> R read(R base, Path recipe) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(recipe, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            values.put(k, p.getProperty(k));
        }
        try {
            return with(base, values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(recipe + ": " + e.getMessage(), e);
        }
    }

    /** Every key and its value as a recipe writes it, in component order. */
    public static Map<String, String> asMap(Record config) {
        Map<String, String> m = new LinkedHashMap<>();
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            m.put(key(c.getName()), format(get(config, c)));
        }
        return m;
    }

    /** The recipe keys of these components, sorted. */
    private static TreeSet<String> keys(RecordComponent[] components) {
        TreeSet<String> keys = new TreeSet<>();
        for (RecordComponent c : components) {
            keys.add(key(c.getName()));
        }
        return keys;
    }

    /** The recipe as properties text, keys sorted, leaving out those {@code omit} says (key, written value). */
    public static String text(Record config, BiPredicate<String, String> omit) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(asMap(config)).forEach((k, v) -> {
            if (!omit.test(k, v)) {
                sb.append(k).append('=').append(v).append('\n');
            }
        });
        return sb.toString();
    }

    /** How a value is written in a recipe: decimals without exponent or trailing zeros ({@code 0.0002}, {@code 1}). */
    public static String format(Object value) {
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d.toString() : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static int index(RecordComponent[] components, String key) {
        for (int i = 0; i < components.length; i++) {
            if (key(components[i].getName()).equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown training option '" + key + "'; known: "
                + String.join(", ", keys(components)));
    }

    private static Object convert(String key, Class<?> type, Object value) {
        if (value instanceof String s) {
            String t = s.trim();
            try {
                if (type == String.class) {
                    return t;
                } else if (type == int.class) {
                    return Integer.parseInt(t);
                } else if (type == long.class) {
                    return Long.parseLong(t);
                } else if (type == double.class) {
                    double d = Double.parseDouble(t);
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException(t);
                    }
                    return d;
                } else if (type == boolean.class) {
                    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(t);
                    }
                    throw new IllegalArgumentException("training option '" + key + "' must be true or false, got '"
                            + s + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training option '" + key + "' must be "
                        + (type == double.class ? "a number" : "a whole number") + ", got '" + s + "'");
            }
            throw new IllegalStateException("no parser for " + type);
        }
        if (type == String.class) {
            return String.valueOf(value);
        } else if (type == int.class && value instanceof Integer) {
            return value;
        } else if (type == long.class && (value instanceof Long || value instanceof Integer)) {
            return ((Number) value).longValue();
        } else if (type == double.class && value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("training option '" + key + "' must be a finite number, got " + d);
            }
            return d;
        } else if (type == boolean.class && value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException("training option '" + key + "' takes " + type.getSimpleName().toLowerCase(Locale.ROOT)
                + " values, got " + value.getClass().getSimpleName() + " " + value);
    }

    /** {@code valSize} → {@code val_size}, {@code nFft} → {@code n_fft}. */
    static String key(String component) {
        StringBuilder sb = new StringBuilder();
        for (char ch : component.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static Object get(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R construct(R base, RecordComponent[] components, Object[] args) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> ctor = base.getClass().getDeclaredConstructor(types);
            return (R) ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + base.getClass().getSimpleName(), e);
        }
    }
}
