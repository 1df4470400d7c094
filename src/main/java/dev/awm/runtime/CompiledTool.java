package dev.awm.runtime;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.awm.world.Tool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A tool whose statements have been parsed and whose input schema compiled, ready to run on any instance. */
public final class CompiledTool {

    static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemaRegistryConfig(SchemaRegistryConfig.builder().regularExpressionFactory(BoundedRegex::new).build()));
    /** How deep a call's arguments may nest, and how many characters they may hold in all: far beyond any real call. */
    static final int MAX_ARGUMENT_DEPTH = 32, MAX_ARGUMENT_CHARS = 100_000;
    private static final int MAX_PROBLEMS_SHOWN = 10;

    public final Tool tool;
    /**
     * Whether a call may change or remove rows that existed before it (an UPDATE, DELETE, REPLACE or upsert), as
     * SQLite compiles its write steps; false for a tool that only reads or only adds rows (MCP's destructiveHint).
     */
    public final boolean destructive;
    final List<SqlText> sql;
    private final Schema schema;
    private final Map<String, Object> defaults;

    CompiledTool(Tool tool, boolean destructive) {
        this.tool = tool;
        this.destructive = destructive;
        this.sql = tool.steps().stream().map(s -> SqlText.parse(s.sql())).toList();
        this.schema = SCHEMAS.getSchema(tool.inputSchema());
        Map<String, Object> d = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : tool.inputSchema().path("properties").properties()) {
            d.put(p.getKey(), p.getValue().has("default") ? Json.plain(p.getValue().get("default")) : null);
        }
        this.defaults = d;
    }

    /** The declared argument names, each with its default (or null). */
    Map<String, Object> defaults() {
        return defaults;
    }

    /** Plain-language problems with {@code args}, each naming the field; empty when they are valid. */
    List<String> validate(JsonNode args) {
        String size = sizeProblem(args);
        if (size != null) return List.of(size);
        List<Error> errors;
        try {
            errors = BoundedRegex.bounded(() -> schema.validate(args));
        } catch (BoundedRegex.TooSlow e) {
            return List.of("arguments: a value took too long to check against the tool's \"pattern\"; send a shorter or simpler value");
        }
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            if (out.size() == MAX_PROBLEMS_SHOWN) {
                out.add("and " + (errors.size() - MAX_PROBLEMS_SHOWN) + " more problems");
                break;
            }
            String where = e.getInstanceLocation().toString().replaceFirst("^\\$\\.?|^/", "").replace('/', '.');
            String message = e.getMessage();
            if ("additionalProperties".equals(e.getKeyword())) {
                message = "is not a parameter of " + tool.name() + "; its parameters are " + String.join(", ", defaults.keySet());
                where = e.getProperty() != null ? e.getProperty() : where;
            } else if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
                where = e.getProperty();
                message = "is required";
            } else if (message.startsWith(e.getInstanceLocation().toString())) {
                message = message.substring(e.getInstanceLocation().toString().length()).replaceFirst("^:\\s*", "");
            }
            out.add((where.isEmpty() ? "arguments" : where) + ": " + message);
        }
        return out;
    }

    /** Why {@code args} are too deep or too large to look at further, or null; walked without recursion. */
    static String sizeProblem(JsonNode args) {
        java.util.ArrayDeque<JsonNode> nodes = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        nodes.push(args);
        depths.push(1);
        long chars = 0;
        while (!nodes.isEmpty()) {
            JsonNode node = nodes.pop();
            int depth = depths.pop();
            if (depth > MAX_ARGUMENT_DEPTH) return "arguments: nested more than " + MAX_ARGUMENT_DEPTH + " levels deep";
            chars += node.isString() ? node.asString().length() + 2 : 8;
            if (chars > MAX_ARGUMENT_CHARS) return "arguments: more than " + MAX_ARGUMENT_CHARS + " characters in all; send less per call";
            if (node.size() > MAX_ARGUMENT_CHARS / 8) return "arguments: more than " + MAX_ARGUMENT_CHARS / 8 + " values in one list or object; send less per call";
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    chars += e.getKey().length() + 3;
                    nodes.push(e.getValue());
                    depths.push(depth + 1);
                }
            } else if (node.isArray()) {
                for (JsonNode child : node) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
        return null;
    }

    /** The argument values with defaults applied for the ones left out. */
    Map<String, Object> arguments(JsonNode args) {
        Map<String, Object> values = new LinkedHashMap<>(defaults);
        for (Iterator<Map.Entry<String, JsonNode>> it = args.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) values.put(e.getKey(), Json.plain(e.getValue()));
        }
        return values;
    }
}
