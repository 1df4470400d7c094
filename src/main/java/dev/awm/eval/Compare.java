package dev.awm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Two evals task by task: where the first succeeds more often (a win), less often (a loss), or as often (a tie). */
public record Compare(List<Row> rows, int wins, int losses, int ties, int onlyA, int onlyB) {

    /** One task; a side's stats are null when it did not run the task. */
    public record Row(String world, int task, Metrics.TaskStats a, Metrics.TaskStats b) {
        /** 1 when A did better, -1 when B did, 0 for a tie or a task only one side ran. */
        public int sign() {
            if (a == null || b == null) return 0;
            return Double.compare(a.successRate(), b.successRate());
        }
    }

    public static Compare of(List<JsonNode> a, List<JsonNode> b) {
        Map<String, Metrics.TaskStats> left = byKey(a), right = byKey(b);
        Map<String, Row> rows = new TreeMap<>();
        left.forEach((k, t) -> rows.put(k, new Row(t.world(), t.task(), t, right.get(k))));
        right.forEach((k, t) -> rows.putIfAbsent(k, new Row(t.world(), t.task(), null, t)));
        int wins = 0, losses = 0, ties = 0, onlyA = 0, onlyB = 0;
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort((x, y) -> x.world().equals(y.world()) ? Integer.compare(x.task(), y.task()) : x.world().compareTo(y.world()));
        for (Row r : sorted) {
            if (r.b() == null) onlyA++;
            else if (r.a() == null) onlyB++;
            else if (r.sign() > 0) wins++;
            else if (r.sign() < 0) losses++;
            else ties++;
        }
        return new Compare(sorted, wins, losses, ties, onlyA, onlyB);
    }

    private static Map<String, Metrics.TaskStats> byKey(List<JsonNode> episodes) {
        Map<String, Metrics.TaskStats> out = new TreeMap<>();
        for (Metrics.TaskStats t : Metrics.tasks(episodes)) out.put(t.key(), t);
        return out;
    }
}
