package dev.awm.world;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A tool as an agent sees it (name, description, JSON-Schema input) and as the runtime runs it: an ordered
 * list of SQL steps in one transaction, then an output shape built from what the steps bound.
 *
 * @param output a JSON template whose {@code "$name"} / {@code "$name.field"} strings are replaced by bindings;
 *     null means "the last step's binding"
 */
public record Tool(String name, String description, JsonNode inputSchema, List<Step> steps, JsonNode output) {

    public sealed interface Step permits Read, Write, Guard {
        String sql();
    }

    /** A SELECT whose rows are bound to {@code as} (one row, or null, when {@code one}). */
    public record Read(String sql, String as, boolean one) implements Step {}

    /** An INSERT/UPDATE/DELETE/REPLACE; with RETURNING its rows are bound like a read, else {@code {"changes": n}}. */
    public record Write(String sql, String as, boolean one) implements Step {}

    /** A query whose first value must be true, else the call fails with {@code error}. */
    public record Guard(String sql, String error) implements Step {}

    /**
     * True when no step is a write. The runtime's checker refuses a read or guard step that SQLite compiles to a
     * write (such as {@code WITH x AS (...) DELETE ... RETURNING}), so a tool that passed it and is read-only by
     * this test cannot change the database.
     */
    public boolean readOnly() {
        return steps.stream().noneMatch(s -> s instanceof Write);
    }

}
