package dev.awm.runtime;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
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

    static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    public final Tool tool;
    final List<SqlText> sql;
    private final Schema schema;
    private final Map<String, Object> defaults;

    CompiledTool(Tool tool) {
        this.tool = tool;
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
        List<Error> errors = schema.validate(args);
        List<String> out = new ArrayList<>(errors.size());
        for (Error e : errors) {
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
