package dev.hush.runtime.bioimageio;

import dev.hush.runtime.ModelFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the parts of a bioimage.io model description (format 0.4 or 0.5) that Hush needs, with clear errors. */
final class Rdf {
    /**
     * One tensor, reduced to what Hush runs: its name, its axes in bioimage.io letters (b, c, z, y, x), its channel
     * count, the smallest side and step across (y, x) and along z, the halo across and along z (outputs), whether an
     * output is shaped like the input, its processing steps and its test file.
     */
    record Tensor(String name, String axes, int channels, int min, int step, int minZ, int stepZ, int halo, int haloZ,
                  boolean sameShapeAsInput, List<Steps.Step> steps, String testFile) {
    }

    private final String source;
    private final Map<?, ?> rdf;

    Rdf(String source, Map<?, ?> rdf) {
        this.source = source;
        this.rdf = rdf;
    }

    String text(Map<?, ?> m, String key, String fallback) {
        Object o = m.get(key);
        return o == null ? fallback : o.toString();
    }

    Map<?, ?> map(Map<?, ?> m, String key) throws ModelFormatException {
        Object o = m.get(key);
        if (!(o instanceof Map<?, ?> r)) {
            throw new ModelFormatException(source + ": '" + key + "' is missing or not a mapping");
        }
        return r;
    }

    /** The single entry of the list {@code key}: Hush runs models of one input and one output. */
    Map<?, ?> only(Map<?, ?> m, String key) throws ModelFormatException {
        Object o = m.get(key);
        if (!(o instanceof List<?> l) || l.isEmpty() || !(l.get(0) instanceof Map<?, ?> first)) {
            throw new ModelFormatException(source + ": '" + key + "' is missing or not a list of tensors");
        }
        if (l.size() != 1) {
            throw new ModelFormatException(source + " has " + l.size() + " " + key + "; Hush runs models of one input"
                    + " and one output");
        }
        return first;
    }

    private static int asInt(Object o, int fallback) {
        return o instanceof Number n ? n.intValue() : fallback;
    }

    private static double asDouble(Object o, double fallback) {
        return o instanceof Number n ? n.doubleValue() : fallback;
    }

    private void requireAxes(String axes, String name) throws ModelFormatException {
        String sorted = axes.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString();
        if (!sorted.equals("bcxy") && !sorted.equals("bcxyz")) {
            throw new ModelFormatException(source + ": tensor '" + name + "' has axes '" + axes + "'; Hush runs tensors"
                    + " with a batch, a channel, y and x axis, and optionally z (any order)");
        }
    }

    private List<Steps.Step> steps(Map<?, ?> tensor, String key, String nameKey) throws ModelFormatException {
        List<Steps.Step> out = new ArrayList<>();
        Object o = tensor.get(key);
        if (o == null) {
            return out;
        }
        if (!(o instanceof List<?> l)) {
            throw new ModelFormatException(source + ": '" + key + "' is not a list");
        }
        for (Object s : l) {
            if (!(s instanceof Map<?, ?> m) || m.get(nameKey) == null) {
                throw new ModelFormatException(source + ": a " + key + " step without '" + nameKey + "'");
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            if (m.get("kwargs") instanceof Map<?, ?> k) {
                k.forEach((a, b) -> kwargs.put(a.toString(), b));
            }
            out.add(new Steps.Step(m.get(nameKey).toString(), kwargs));
        }
        return out;
    }

    /** Format 0.4: axes a string, shape a list or {min, step} (inputs) / {reference_tensor, scale, offset}. */
    Tensor tensor04(Map<?, ?> t, boolean input) throws ModelFormatException {
        String name = text(t, "name", null);
        String axes = text(t, "axes", "");
        if (name == null) {
            throw new ModelFormatException(source + ": a tensor without a name");
        }
        requireAxes(axes, name);
        Object shape = t.get("shape");
        int channels = 0;
        int min = 0;
        int step = 0;
        int minZ = 0;
        int stepZ = 0;
        boolean same = false;
        if (shape instanceof List<?> l && l.size() != axes.length()
                || shape instanceof Map<?, ?> m && (m.get("min") instanceof List<?> a && a.size() != axes.length()
                || m.get("step") instanceof List<?> b && b.size() != axes.length()
                || m.get("scale") instanceof List<?> c && c.size() != axes.length())) {
            throw new ModelFormatException(source + ": the shape of tensor '" + name + "' does not have one entry per"
                    + " axis of '" + axes + "'");
        }
        if (shape instanceof List<?> fixed) {
            channels = asInt(fixed.get(axes.indexOf('c')), 0);
            min = Math.max(asInt(fixed.get(axes.indexOf('y')), 0), asInt(fixed.get(axes.indexOf('x')), 0));
            if (axes.indexOf('z') >= 0) {
                minZ = asInt(fixed.get(axes.indexOf('z')), 0);
            }
        } else if (shape instanceof Map<?, ?> m && m.get("min") instanceof List<?> mins && m.get("step") instanceof List<?> steps) {
            channels = asInt(mins.get(axes.indexOf('c')), 0);
            min = Math.max(asInt(mins.get(axes.indexOf('y')), 0), asInt(mins.get(axes.indexOf('x')), 0));
            step = lcm(asInt(steps.get(axes.indexOf('y')), 0), asInt(steps.get(axes.indexOf('x')), 0));
            if (axes.indexOf('z') >= 0) {
                minZ = asInt(mins.get(axes.indexOf('z')), 0);
                stepZ = asInt(steps.get(axes.indexOf('z')), 0);
            }
        } else if (!input && shape instanceof Map<?, ?> m && m.get("reference_tensor") != null) {
            same = true;
            if (m.get("scale") instanceof List<?> scale) {
                for (int i = 0; i < scale.size(); i++) {
                    same &= asDouble(scale.get(i), 1) == 1;
                }
            }
            if (m.get("offset") instanceof List<?> offset) {
                for (int i = 0; i < offset.size(); i++) {
                    same &= asDouble(offset.get(i), 0) == 0;
                }
            }
        } else {
            throw new ModelFormatException(source + ": tensor '" + name + "' has no shape Hush can read");
        }
        if (!input && shape instanceof List<?>) {
            same = true; // an explicit output shape: checked against the input's when the model runs
        }
        int halo = 0;
        int haloZ = 0;
        if (t.get("halo") instanceof List<?> h && h.size() == axes.length()) {
            halo = Math.max(asInt(h.get(axes.indexOf('y')), 0), asInt(h.get(axes.indexOf('x')), 0));
            haloZ = axes.indexOf('z') >= 0 ? asInt(h.get(axes.indexOf('z')), 0) : 0;
        }
        Object tests = rdf.get(input ? "test_inputs" : "test_outputs");
        String test = tests instanceof List<?> l && !l.isEmpty() ? l.get(0).toString() : null;
        return new Tensor(name, axes, channels, min, step, minZ, stepZ, halo, haloZ, same,
                steps(t, input ? "preprocessing" : "postprocessing", "name"), test);
    }

    /** Format 0.5: axes a list of {type, id, size, halo, ...}; the test tensor inside the tensor. */
    Tensor tensor05(Map<?, ?> t, boolean input) throws ModelFormatException {
        String name = text(t, "id", null);
        if (name == null || !(t.get("axes") instanceof List<?> list)) {
            throw new ModelFormatException(source + ": a tensor without an id or axes");
        }
        StringBuilder axes = new StringBuilder();
        int channels = 1;
        int min = 0;
        int step = 0;
        int minZ = 0;
        int stepZ = 0;
        int halo = 0;
        int haloZ = 0;
        boolean same = true;
        boolean hasChannel = false;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> a)) {
                throw new ModelFormatException(source + ": an axis of '" + name + "' is not a mapping");
            }
            String type = text(a, "type", "");
            switch (type) {
                case "batch" -> axes.append('b');
                case "channel" -> {
                    axes.append('c');
                    hasChannel = true;
                    channels = a.get("channel_names") instanceof List<?> names ? names.size() : asInt(a.get("size"), 1);
                }
                case "space" -> {
                    String id = text(a, "id", "");
                    if (!id.equals("x") && !id.equals("y") && !id.equals("z")) {
                        throw new ModelFormatException(source + ": space axis '" + id + "' of '" + name + "'; Hush"
                                + " knows x, y and z");
                    }
                    axes.append(id.charAt(0));
                    Object size = a.get("size");
                    int mn = 0;
                    int st = 0;
                    if (size instanceof Number n) {
                        mn = n.intValue();
                    } else if (size instanceof Map<?, ?> sz && sz.containsKey("min")) {
                        mn = asInt(sz.get("min"), 0);
                        st = asInt(sz.get("step"), 0);
                    } else if (size instanceof Map<?, ?> ref && ref.containsKey("tensor_id")) {
                        same &= asDouble(a.get("scale"), 1) == 1;
                    }
                    int h = asInt(a.get("halo"), 0);
                    if (id.equals("z")) {
                        minZ = mn;
                        stepZ = st;
                        haloZ = h;
                    } else {
                        min = Math.max(min, mn);
                        step = step == 0 ? st : lcm(step, st);
                        halo = Math.max(halo, h);
                    }
                }
                default -> throw new ModelFormatException(source + ": '" + name + "' has an axis of type '" + type
                        + "'; Hush runs batch, channel and space (x, y, z) axes");
            }
        }
        if (!hasChannel) {
            throw new ModelFormatException(source + ": '" + name + "' has no channel axis; Hush needs one (of size 1"
                    + " for grey images)");
        }
        requireAxes(axes.toString(), name);
        String test = t.get("test_tensor") instanceof Map<?, ?> tt ? text(tt, "source", null) : null;
        return new Tensor(name, axes.toString(), channels, min, step, minZ, stepZ, halo, haloZ, same,
                steps(t, input ? "preprocessing" : "postprocessing", "id"), test);
    }

    private static int lcm(int a, int b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        int x = a;
        int y = b;
        while (y != 0) {
            int r = x % y;
            x = y;
            y = r;
        }
        return a / x * b;
    }
}
