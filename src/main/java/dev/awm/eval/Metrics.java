package dev.awm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What an eval measured, per world and overall: success rate, pass@k (some of k tries succeed; the unbiased
 * estimator of Chen et al. 2021) and pass^k (all k succeed; tau-bench's reliability), mean reward, turns and tool
 * calls, format-error and environment-error rates, model errors, tokens and time.
 */
public record Metrics(int k, Group overall, List<Group> worlds, List<TaskStats> tasks) {

    /** One task's tries: {@code complete} of {@code tries} succeeded. */
    public record TaskStats(String world, int task, int tries, int complete) {
        public String key() {
            return world + "/" + task;
        }

        public double successRate() {
            return tries == 0 ? 0 : (double) complete / tries;
        }
    }

    /**
     * @param meanReward over episodes that have a reward (null when none has)
     * @param passAtK averaged over tasks; each task estimated from its tries (k capped at its number of tries)
     */
    public record Group(String name, int episodes, int tasks, int complete, double success, double passAtK, double passHatK, Double meanReward,
            double meanTurns, double meanCalls, double formatErrorRate, double environmentErrorRate, int modelErrors, double meanTokens, long tokens,
            double meanSeconds) {}

    public static Metrics of(List<JsonNode> episodes, int k) {
        Map<String, List<JsonNode>> byWorld = new TreeMap<>();
        for (JsonNode e : episodes) byWorld.computeIfAbsent(e.path("world").asString(""), w -> new ArrayList<>()).add(e);
        List<Group> worlds = new ArrayList<>();
        byWorld.forEach((w, list) -> worlds.add(group(w, list, k)));
        return new Metrics(k, group("all", episodes, k), worlds, tasks(episodes));
    }

    static List<TaskStats> tasks(List<JsonNode> episodes) {
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, TaskStats> names = new TreeMap<>();
        for (JsonNode e : episodes) {
            String world = e.path("world").asString("");
            int task = e.path("task_id").asInt(-1);
            String key = world + "/" + task;
            names.putIfAbsent(key, new TaskStats(world, task, 0, 0));
            int[] c = counts.computeIfAbsent(key, x -> new int[2]);
            c[0]++;
            if (complete(e)) c[1]++;
        }
        List<TaskStats> out = new ArrayList<>();
        names.forEach((key, t) -> out.add(new TaskStats(t.world(), t.task(), counts.get(key)[0], counts.get(key)[1])));
        out.sort((a, b) -> a.world().equals(b.world()) ? Integer.compare(a.task(), b.task()) : a.world().compareTo(b.world()));
        return out;
    }

    static boolean complete(JsonNode e) {
        return "complete".equals(e.path("verdict").asString(""));
    }

    static Group group(String name, List<JsonNode> episodes, int k) {
        int n = episodes.size(), complete = 0, rewarded = 0, format = 0, environment = 0, modelErrors = 0;
        double reward = 0, turns = 0, calls = 0, seconds = 0;
        long tokens = 0;
        for (JsonNode e : episodes) {
            if (complete(e)) complete++;
            if (e.path("reward").isNumber()) {
                rewarded++;
                reward += e.get("reward").asDouble();
            }
            String verdict = e.path("verdict").asString("");
            if (verdict.equals("format_error")) format++;
            if (verdict.equals("environment_error")) environment++;
            if (verdict.equals("model_error") || verdict.equals("error")) modelErrors++;
            turns += e.path("turns").asDouble(0);
            calls += e.path("world_calls").asDouble(0);
            seconds += e.path("seconds").path("total").asDouble(0);
            tokens += e.path("tokens").path("prompt_tokens").asLong(0) + e.path("tokens").path("completion_tokens").asLong(0);
        }
        List<TaskStats> tasks = tasks(episodes);
        double at = 0, hat = 0;
        for (TaskStats t : tasks) {
            int kk = Math.min(k, t.tries());
            at += passAtK(t.tries(), t.complete(), kk);
            hat += passHatK(t.tries(), t.complete(), kk);
        }
        double d = Math.max(n, 1);
        return new Group(name, n, tasks.size(), complete, complete / d, tasks.isEmpty() ? 0 : at / tasks.size(), tasks.isEmpty() ? 0 : hat / tasks.size(),
                rewarded == 0 ? null : reward / rewarded, turns / d, calls / d, format / d, environment / d, modelErrors, tokens / d, tokens, seconds / d);
    }

    /** The chance that at least one of k tries drawn from n (c of them successes) succeeds: 1 - C(n-c, k) / C(n, k). */
    public static double passAtK(int n, int c, int k) {
        if (k <= 0 || n <= 0) return 0;
        if (n - c < k) return 1;
        double allFail = 1;
        for (int i = n - c + 1; i <= n; i++) allFail *= 1 - (double) k / i;
        return 1 - allFail;
    }

    /** The chance that all of k tries drawn from n (c of them successes) succeed: C(c, k) / C(n, k). */
    public static double passHatK(int n, int c, int k) {
        if (k <= 0 || n <= 0 || c < k) return 0;
        double p = 1;
        for (int i = 0; i < k; i++) p *= (double) (c - i) / (n - i);
        return p;
    }
}
