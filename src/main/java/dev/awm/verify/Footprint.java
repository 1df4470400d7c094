package dev.awm.verify;

import dev.awm.runtime.Instance;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an episode of a task may change, table by table: deny by default. A table the reference solution changes is
 * {@link Kind#ROWS}: only the rows the solution updated may be updated (and only in the columns it changed), only the
 * rows it deleted may be deleted, and at most as many rows may be inserted as it inserted. Every other table is
 * {@link Kind#FROZEN}. A verifier widens this only by declaring it: {@code unchanged_except} lists the tables that
 * may change (those the solution leaves alone become {@link Kind#FREE}: an alternative path), {@code any_rows} makes
 * tables of the footprint FREE, and {@code may_insert} lets any number of rows be inserted into tables whose existing rows
 * stay held (an append-only log, a ledger). SQLite's own tables (AUTOINCREMENT counters) move with the tables they count and are
 * never judged.
 *
 * @param problems what is wrong with the task's declaration or solution, for {@code awm check} to report
 */
public record Footprint(Map<String, Rule> tables, List<String> problems) {

    public enum Kind { FROZEN, ROWS, FREE }

    /**
     * How one table may change.
     *
     * @param updated the pre-existing rows (by key) the solution updated, each with the columns it changed
     * @param deleted the pre-existing rows (by key) the solution deleted
     * @param inserts how many rows an episode may insert: as many as the solution did, or any number ({@link #ANY})
     */
    public record Rule(Kind kind, Map<Map<String, Object>, Set<String>> updated, Set<Map<String, Object>> deleted, int inserts) {
        static final Rule FROZEN = new Rule(Kind.FROZEN, Map.of(), Set.of(), 0);
        static final Rule FREE = new Rule(Kind.FREE, Map.of(), Set.of(), 0);
        static final int ANY = Integer.MAX_VALUE;
    }

    /** Runs the task's reference solution on a fresh instance of {@code rt} and derives the footprint from what it changed. */
    static Footprint compute(WorldRuntime rt, TaskSpec spec) {
        List<String> problems = new ArrayList<>();
        byte[] solved;
        try (Instance instance = rt.newInstance()) {
            for (TaskSpec.Call call : spec.solution().calls()) {
                ToolResult r = instance.call(call.tool(), call.arguments());
                if (r.error()) {
                    problems.add("the footprint comes from the reference solution up to its failed call to " + call.tool());
                    break;
                }
            }
            solved = instance.image();
        }
        return of(spec, StateDiff.between(rt.initialImage(), solved), rt.world.tables().stream().map(World.Table::name).toList(), problems);
    }

    /** The footprint of {@code spec} whose reference solution made {@code solution}; {@code tables} are the world's. */
    static Footprint of(TaskSpec spec, StateDiff solution, List<String> tables, List<String> problems) {
        List<String> declared = spec.unchangedExcept();
        Map<String, Rule> rules = new LinkedHashMap<>();
        solution.tables().forEach((table, d) -> {
            if (isInternal(table)) return;
            if (declared != null && !declared.contains(table)) {
                problems.add("the reference solution changes " + table + ", which unchanged_except does not list: add it to unchanged_except, or fix the solution");
                return;
            }
            Map<Map<String, Object>, Set<String>> updated = new LinkedHashMap<>();
            for (StateDiff.Update u : d.updated()) updated.put(u.key(), Set.copyOf(u.changes().keySet()));
            Set<Map<String, Object>> deleted = new LinkedHashSet<>();
            for (Map<String, Object> row : d.deleted()) deleted.add(d.keyOf(row));
            rules.put(table, new Rule(Kind.ROWS, Map.copyOf(updated), Set.copyOf(deleted), d.inserted().size()));
        });
        if (declared != null) {
            for (String t : declared) if (tables.contains(t) && !rules.containsKey(t)) rules.put(t, Rule.FREE);
        }
        for (String t : spec.mayInsert()) {
            Rule r = rules.get(t);
            if (r == null && (declared == null || declared.contains(t)) && tables.contains(t)) rules.put(t, new Rule(Kind.ROWS, Map.of(), Set.of(), Rule.ANY));
            else if (r != null && r.kind() == Kind.ROWS) rules.put(t, new Rule(Kind.ROWS, r.updated(), r.deleted(), Rule.ANY));
            else if (r == null && tables.contains(t)) problems.add("may_insert names " + t + ", which unchanged_except does not list");
        }
        for (String t : spec.anyRows()) {
            Rule r = rules.get(t);
            if (r != null) rules.put(t, new Rule(Kind.FREE, r.updated(), r.deleted(), r.inserts())); // what the solution did stays known, for the probes
            else if (tables.contains(t)) problems.add("any_rows names " + t + ", which is outside the task's footprint: the reference solution does not change it" + (declared == null ? "" : " and unchanged_except does not list it"));
        }
        return new Footprint(java.util.Collections.unmodifiableMap(ordered(rules, tables)), List.copyOf(problems));
    }

    private static Map<String, Rule> ordered(Map<String, Rule> rules, List<String> tables) {
        Map<String, Rule> out = new LinkedHashMap<>();
        for (String t : tables) if (rules.containsKey(t)) out.put(t, rules.get(t));
        return out;
    }

    private static boolean isInternal(String table) {
        return table.startsWith("sqlite_");
    }

    public Kind kind(String table) {
        return isInternal(table) ? Kind.FREE : tables.getOrDefault(table, Rule.FROZEN).kind();
    }

    /** The keys of the pre-existing rows of {@code table} the reference solution updated or deleted. */
    public Set<Map<String, Object>> touched(String table) {
        Rule r = tables.getOrDefault(table, Rule.FROZEN);
        Set<Map<String, Object>> keys = new LinkedHashSet<>(r.updated().keySet());
        keys.addAll(r.deleted());
        return keys;
    }

    /** "orders(rows) order_items(rows) payments(free)", or "nothing may change". Unlisted tables are frozen. */
    public String describe() {
        if (tables.isEmpty()) return "nothing may change";
        StringBuilder s = new StringBuilder();
        tables.forEach((t, r) -> s.append(s.isEmpty() ? "" : " ").append(t).append('(').append(r.kind().name().toLowerCase(java.util.Locale.ROOT))
                .append(r.kind() == Kind.ROWS && r.inserts() == Rule.ANY ? ", any inserts" : "").append(')'));
        return s.toString();
    }

    /** One failed check per rule {@code episode} breaks (per table and kind of change), or one passed check. */
    List<Verifier.CheckResult> check(StateDiff episode) {
        List<Verifier.CheckResult> out = new ArrayList<>();
        episode.tables().forEach((table, d) -> {
            Kind kind = kind(table);
            if (kind == Kind.FREE) return;
            Rule rule = tables.getOrDefault(table, Rule.FROZEN);
            List<Item> updatedOutside = new ArrayList<>(), updatedBeyond = new ArrayList<>(), deletedOutside = new ArrayList<>();
            List<Item> updatedNotDeleted = new ArrayList<>(), deletedNotUpdated = new ArrayList<>();
            for (StateDiff.Update u : d.updated()) {
                Set<String> allowed = rule.updated().get(u.key());
                if (allowed != null) {
                    Map<String, List<Object>> beyond = new LinkedHashMap<>(u.changes());
                    beyond.keySet().removeAll(allowed);
                    if (!beyond.isEmpty()) updatedBeyond.add(new Item(key(u.key()), changes(beyond)));
                } else {
                    (rule.deleted().contains(u.key()) ? updatedNotDeleted : updatedOutside).add(new Item(key(u.key()), changes(u.changes())));
                }
            }
            for (Map<String, Object> row : d.deleted()) {
                Map<String, Object> k = d.keyOf(row);
                if (rule.deleted().contains(k)) continue;
                (rule.updated().containsKey(k) ? deletedNotUpdated : deletedOutside).add(new Item(key(k), null));
            }
            violation(out, table, updatedOutside, "updated", ", outside the task's footprint");
            violation(out, table, updatedBeyond, "updated", ", beyond the columns the task changes in it");
            violation(out, table, updatedNotDeleted, "updated", "; the task deletes it and changes nothing else there");
            violation(out, table, deletedOutside, "deleted", ", outside the task's footprint");
            violation(out, table, deletedNotUpdated, "deleted", "; the task only updates it");
            int allowed = kind == Kind.ROWS ? rule.inserts() : 0;
            if (d.inserted().size() > allowed) {
                List<String> keys = d.inserted().stream().map(r -> key(d.keyOf(r))).toList();
                String rows = d.inserted().size() == 1 ? "a row was inserted into " + table + " (" + keys.get(0) + ")"
                        : d.inserted().size() + " rows were inserted into " + table + " (" + list(keys) + ")";
                out.add(failed(rows + (allowed == 0 ? ", outside the task's footprint" : "; the task's footprint allows " + allowed)));
            }
        });
        if (out.isEmpty()) out.add(new Verifier.CheckResult("footprint", "nothing changed outside the task's footprint", true, describe()));
        return out;
    }

    /** A row named in a violation, with what changed in it (null for a deleted row). */
    private record Item(String key, String changes) {}

    /** "viewings row id=5 was updated (status: scheduled -> cancelled), outside the task's footprint". */
    private void violation(List<Verifier.CheckResult> out, String table, List<Item> rows, String verb, String why) {
        if (rows.isEmpty()) return;
        Item first = rows.get(0);
        String what = rows.size() == 1
                ? table + " row " + first.key() + " was " + verb + (first.changes() == null ? "" : " (" + first.changes() + ")")
                : table + " rows " + list(rows.stream().map(r -> r.key() + (r.changes() == null ? "" : " (" + r.changes() + ")")).toList()) + " were " + verb;
        out.add(failed(what + why));
    }

    private Verifier.CheckResult failed(String message) {
        return new Verifier.CheckResult("footprint", message, false, tables.isEmpty() ? "the task may change nothing" : "the task's footprint: " + describe() + "; every other table is frozen");
    }

    private static String list(List<String> items) {
        return items.size() <= 3 ? String.join(", ", items) : String.join(", ", items.subList(0, 3)) + " and " + (items.size() - 3) + " more";
    }

    static String key(Map<String, Object> key) {
        StringBuilder s = new StringBuilder();
        key.forEach((c, v) -> s.append(s.isEmpty() ? "" : ", ").append(c).append('=').append(value(v)));
        return key.size() == 1 ? s.toString() : "(" + s + ")";
    }

    static String changes(Map<String, List<Object>> changes) {
        StringBuilder s = new StringBuilder();
        changes.forEach((c, v) -> s.append(s.isEmpty() ? "" : "; ").append(c).append(": ").append(value(v.get(0))).append(" -> ").append(value(v.get(1))));
        return s.toString();
    }

    private static String value(Object v) {
        if (v == null) return "null";
        String s = v instanceof byte[] b ? "<" + b.length + " bytes>" : v.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
