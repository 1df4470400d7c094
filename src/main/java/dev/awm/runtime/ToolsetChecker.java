package dev.awm.runtime;

import dev.awm.world.Tool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The static check a toolset passes before a world is accepted: every statement is an allowed kind, prepares
 * against the world's schema, and names only parameters that exist. Messages name the tool, step and fault
 * precisely enough to hand back to an LLM that wrote the tool.
 */
public final class ToolsetChecker {

    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> BUILT_INS = Set.of("user_id", "now");
    private static final Set<String> WRITE_KEYWORDS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH");

    private ToolsetChecker() {}

    /** Problems with {@code tool} against the schema of {@code db}; empty when it is sound. */
    public static List<String> check(Connection db, Tool tool) {
        List<String> problems = new ArrayList<>();
        String t = "tool " + tool.name();
        if (!TOOL_NAME.matcher(tool.name()).matches()) problems.add(t + ": the name must be 1-64 letters, digits, '_' or '-'");
        if (tool.description().isBlank()) problems.add(t + ": no description; say what it does, what it returns and when to use it");

        Set<String> arguments = new HashSet<>();
        JsonNode schema = tool.inputSchema();
        try {
            CompiledTool.SCHEMAS.getSchema(schema);
        } catch (RuntimeException e) {
            problems.add(t + ": inputSchema is not a valid JSON Schema: " + e.getMessage());
        }
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            arguments.add(p.getKey());
            if (!p.getValue().has("type") && !p.getValue().has("enum") && !p.getValue().has("anyOf")) problems.add(t + ": parameter " + p.getKey() + " has no \"type\"");
            if (p.getValue().path("description").asString("").isBlank()) problems.add(t + ": parameter " + p.getKey() + " has no \"description\"; an agent needs it to call the tool right");
            if (BUILT_INS.contains(p.getKey())) problems.add(t + ": parameter " + p.getKey() + " shadows the built-in :" + p.getKey() + "; the current user and clock are not arguments");
        }
        for (JsonNode r : schema.path("required")) {
            if (!arguments.contains(r.asString())) problems.add(t + ": \"required\" names " + r.asString() + ", which is not in \"properties\"");
        }

        // name -> columns of a one-row binding (null when the binding is a list or has unknown columns)
        Map<String, Set<String>> bindings = new HashMap<>();
        for (int i = 0; i < tool.steps().size(); i++) {
            Tool.Step step = tool.steps().get(i);
            String kind = switch (step) {
                case Tool.Read r -> "read";
                case Tool.Write w -> "write";
                case Tool.Guard g -> "guard";
            };
            String at = t + ", step " + (i + 1) + " (" + kind + ")";
            SqlText sql = SqlText.parse(step.sql());
            String refusal = sql.refusal(step instanceof Tool.Write ? WRITE_KEYWORDS : SqlText.READ_KEYWORDS);
            if (refusal != null) {
                problems.add(at + ": the statement " + refusal);
                continue;
            }
            for (SqlText.Param p : sql.params()) {
                String unknown = unknownReference(p.name(), p.field(), arguments, bindings);
                if (unknown != null) problems.add(at + ": " + p + " " + unknown);
            }
            Set<String> columns = null;
            try (PreparedStatement ps = db.prepareStatement(sql.jdbc())) {
                if (ps.getParameterMetaData().getParameterCount() != sql.params().size()) {
                    problems.add(at + ": uses SQLite's own parameter syntax (? or @name); write parameters as :name");
                }
                columns = resultColumns(ps);
                if (!(step instanceof Tool.Write) && !Sqlite.databasesWritten(db, sql.jdbc()).isEmpty()) {
                    problems.add(at + ": can change the database, which a " + kind + " step may not (a tool with no write step is advertised as read-only); make it a write step");
                }
            } catch (SQLException e) {
                problems.add(at + ": does not prepare against the schema: " + Sqlite.message(e) + " in: " + WorldRuntime.abbreviate(step.sql()));
            }
            if (step instanceof Tool.Guard g) {
                Matcher m = Templates.PLACEHOLDER.matcher(g.error());
                while (m.find()) {
                    String unknown = unknownReference(m.group(1), m.group(2), arguments, bindings);
                    if (unknown != null) problems.add(at + ": its error message's {" + m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)) + "} " + unknown);
                }
            }
            String as = step instanceof Tool.Read r ? r.as() : step instanceof Tool.Write w ? w.as() : null;
            boolean one = step instanceof Tool.Read r ? r.one() : step instanceof Tool.Write w && w.one();
            if (step instanceof Tool.Write && columns == null) columns = Set.of("changes");
            if (as != null) {
                if (arguments.contains(as) || BUILT_INS.contains(as)) problems.add(at + ": \"as\": \"" + as + "\" hides the parameter of that name; pick another name");
                else if (bindings.containsKey(as)) problems.add(at + ": \"as\": \"" + as + "\" is bound by an earlier step already");
                bindings.put(as, one || (step instanceof Tool.Write && columns.equals(Set.of("changes"))) ? columns : null);
            }
        }
        if (tool.output() != null) checkOutput(tool.output(), t + ", output", arguments, bindings, problems);
        return problems;
    }

    private static void checkOutput(JsonNode shape, String at, Set<String> arguments, Map<String, Set<String>> bindings, List<String> problems) {
        if (shape.isString()) {
            Matcher m = Templates.REFERENCE.matcher(shape.asString());
            if (m.matches()) {
                String unknown = unknownReference(m.group(1), m.group(2), arguments, bindings);
                if (unknown != null) problems.add(at + ": \"" + shape.asString() + "\" " + unknown);
            }
        } else {
            for (JsonNode child : shape) checkOutput(child, at, arguments, bindings, problems);
        }
    }

    /** The names of the columns a prepared statement returns, or null when it returns none. */
    private static Set<String> resultColumns(PreparedStatement ps) {
        try {
            ResultSetMetaData md = ps.getMetaData();
            if (md == null || md.getColumnCount() == 0) return null;
            Set<String> columns = new HashSet<>();
            for (int c = 1; c <= md.getColumnCount(); c++) columns.add(md.getColumnLabel(c));
            return columns;
        } catch (SQLException e) {
            return null; // sqlite-jdbc has no metadata for a statement without result columns
        }
    }

    /** Why {@code name.field} does not resolve, or null when it does. */
    private static String unknownReference(String name, String field, Set<String> arguments, Map<String, Set<String>> bindings) {
        if (bindings.containsKey(name)) {
            if (field == null) return null;
            Set<String> columns = bindings.get(name);
            if (columns == null) return "reads a field of " + name + ", which is a list of rows; bind it with \"one\": true to read one row";
            return columns.contains(field) ? null : "names no column of " + name + " (it has " + String.join(", ", columns.stream().sorted().toList()) + ")";
        }
        if (arguments.contains(name) || BUILT_INS.contains(name)) return null; // an object argument's field is looked up at run time
        return "is neither a parameter in inputSchema, a built-in (:user_id, :now), nor bound by an earlier step's \"as\"";
    }
}
