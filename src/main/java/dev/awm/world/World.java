package dev.awm.world;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One world as its stage files describe it: a scenario, its tasks, a schema with seed rows, and (when
 * present) a SQL toolset and per-task verifiers. Nothing here is executed; see {@code dev.awm.runtime}.
 *
 * @param pythonVerifiers AWM's generated Python verifiers by task index ({@code verify_task_completion} source), for imported worlds
 * @param problems what the files lack or got wrong, in words a user can act on; empty for a complete world
 */
public record World(
        String scenario,
        String name,
        String description,
        String now,
        List<String> tasks,
        List<Table> tables,
        List<SeedTable> seed,
        Optional<List<Tool>> tools,
        List<TaskSpec> verifiers,
        Map<Integer, String> pythonVerifiers,
        List<String> problems) {

    /** A table's DDL and indexes; {@code at} names the file and line they came from (null when not from a file). */
    public record Table(String name, String ddl, List<String> indexes, String at) {
        public Table(String name, String ddl, List<String> indexes) {
            this(name, ddl, indexes, null);
        }
    }

    /** A table's seed statements; {@code at} names the file and line they came from (null when not from a file). */
    public record SeedTable(String table, List<String> inserts, String at) {
        public SeedTable(String table, List<String> inserts) {
            this(table, inserts, null);
        }
    }

    public int seedRowCount() {
        return seed.stream().mapToInt(s -> s.inserts().size()).sum();
    }

    public int toolCount() {
        return tools.map(List::size).orElse(0);
    }

    public Optional<Tool> tool(String name) {
        return tools.flatMap(ts -> ts.stream().filter(t -> t.name().equals(name)).findFirst());
    }

    public Optional<TaskSpec> verifier(int taskIndex) {
        return verifiers.stream().filter(v -> v.index() == taskIndex).findFirst();
    }
}
