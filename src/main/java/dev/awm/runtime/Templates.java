package dev.awm.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Filling guard messages ({@code {name.field}}) and output shapes ({@code "$name.field"}) from a call's bindings. */
final class Templates {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?:\\.([A-Za-z_][A-Za-z0-9_]*))?}");
    static final Pattern REFERENCE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)(?:\\.([A-Za-z_][A-Za-z0-9_]*))?");

    private Templates() {}

    static Object lookup(Map<String, Object> bound, String name, String field) {
        Object v = bound.get(name);
        if (field == null) return v;
        return v instanceof Map<?, ?> m ? m.get(field) : null;
    }

    /** {@code message} with its placeholders filled, cut short at about {@code maxChars}. */
    static String fill(String message, Map<String, Object> bound, int maxChars) {
        Matcher m = PLACEHOLDER.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (out.length() > maxChars) return out.substring(0, maxChars) + "...";
            String name = m.group(1);
            String text = bound.containsKey(name) ? display(lookup(bound, name, m.group(2))) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.length() > maxChars ? out.substring(0, maxChars) + "..." : out.toString();
    }

    private static String display(Object v) {
        if (v == null) return "none";
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.format("%.2f", d);
        if (v instanceof Double d) return String.valueOf(Math.round(d * 100) / 100.0);
        return v instanceof String s ? s : Json.write(v);
    }

    static Object output(JsonNode shape, Map<String, Object> bound) {
        if (shape.isString()) {
            Matcher m = REFERENCE.matcher(shape.asString());
            return m.matches() ? lookup(bound, m.group(1), m.group(2)) : shape.asString();
        }
        if (shape.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : shape.properties()) out.put(e.getKey(), output(e.getValue(), bound));
            return out;
        }
        if (shape.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode n : shape) out.add(output(n, bound));
            return out;
        }
        return Json.plain(shape);
    }
}
