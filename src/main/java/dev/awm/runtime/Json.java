package dev.awm.runtime;

import dev.awm.world.WorldFiles;
import tools.jackson.databind.JsonNode;

/** The one JSON mapper the runtime uses, with the conversions between JSON trees and plain Java values. */
public final class Json {

    private Json() {}

    public static String write(Object value) {
        return WorldFiles.JSON.writeValueAsString(value);
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
