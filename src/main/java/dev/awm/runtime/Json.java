package dev.awm.runtime;

import dev.awm.world.WorldFiles;
import java.io.Writer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The one JSON mapper the runtime uses, with the conversions between JSON trees and plain Java values. */
public final class Json {

    private Json() {}

    public static String write(Object value) {
        return WorldFiles.JSON.writeValueAsString(value);
    }

    /** {@code value} as JSON text, or null when that text is longer than {@code maxChars}; a longer text is never built whole. */
    public static String write(Object value, int maxChars) {
        BoundedWriter out = new BoundedWriter(maxChars);
        try {
            WorldFiles.JSON.writeValue(out, value);
        } catch (JacksonException e) {
            if (out.over) return null;
            throw e;
        }
        return out.over ? null : out.text.toString();
    }

    private static final class BoundedWriter extends Writer {
        final StringBuilder text = new StringBuilder();
        final int max;
        boolean over;

        BoundedWriter(int max) {
            this.max = max;
        }

        @Override
        public void write(char[] chars, int off, int len) throws java.io.IOException {
            if (text.length() + len > max) {
                over = true;
                throw new java.io.IOException("longer than " + max + " characters");
            }
            text.append(chars, off, len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    public static JsonNode tree(Object value) {
        return WorldFiles.JSON.valueToTree(value);
    }

    public static JsonNode parse(String text) {
        return WorldFiles.JSON.readTree(text);
    }

    /** A JSON tree as Map / List / Long / Double / String / Boolean / null. */
    public static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isIntegralNumber()) return node.canConvertToLong() ? (Object) node.asLong() : node.asDouble();
        if (node.isNumber()) return node.asDouble();
        return WorldFiles.JSON.treeToValue(node, Object.class);
    }
}
