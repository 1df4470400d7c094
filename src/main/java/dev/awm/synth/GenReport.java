package dev.awm.synth;

import dev.awm.llm.UsageMeter;
import dev.awm.world.WorldFiles;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The end of a run: a table per stage (accepted, repaired, rejected, attempts, tokens, cost, wall time) and gen_report.json. */
public final class GenReport {

    private final Gen gen;
    private final Map<String, StageStats> stats;
    private final List<String> accepted;
    private final double seconds;

    GenReport(Gen gen, Map<String, StageStats> stats, List<String> accepted, double seconds) {
        this.gen = gen;
        this.stats = stats;
        this.accepted = accepted;
        this.seconds = seconds;
    }

    public List<String> accepted() {
        return accepted;
    }

    /** The token counts of the LLM stages a row shows (the red team's verifier repairs count under verifier). */
    private UsageMeter.StageUsage usage(String stage) {
        UsageMeter m = gen.llm.usage();
        UsageMeter.StageUsage u = m.stage(stage);
        if (!stage.equals("scenario")) return u;
        UsageMeter.StageUsage ideas = m.stage("scenario_ideas");
        return new UsageMeter.StageUsage(u.requests() + ideas.requests(), u.cached() + ideas.cached(), u.retries() + ideas.retries(), u.promptTokens() + ideas.promptTokens(),
                u.completionTokens() + ideas.completionTokens(), u.reasoningTokens() + ideas.reasoningTokens(), u.cost() + ideas.cost());
    }

    public ObjectNode json() {
        ObjectNode r = WorldFiles.JSON.createObjectNode();
        r.put("out", gen.dir.root.toString()).put("model", gen.llm.config().model()).put("base_url", gen.llm.config().baseUrl()).put("wall_seconds", round(seconds));
        ArrayNode stages = r.putArray("stages");
        for (StageStats s : stats.values()) {
            if (s.items.get() == 0 && usage(s.stage).requests() + usage(s.stage).cached() == 0) continue;
            UsageMeter.StageUsage u = usage(s.stage);
            ObjectNode o = stages.addObject().put("stage", s.stage).put("items", s.items.get()).put("accepted", s.accepted.get()).put("repaired", s.repaired.get())
                    .put("kept", s.kept.get()).put("rejected", s.rejected.get()).put("attempts", s.attempts.get()).put("requests", u.requests())
                    .put("cached_requests", u.cached()).put("retries", u.retries()).put("prompt_tokens", u.promptTokens()).put("completion_tokens", u.completionTokens())
                    .put("reasoning_tokens", u.reasoningTokens()).put("cost", round(u.cost())).put("wall_seconds", round(s.wallNanos.get() / 1e9));
            s.extras().forEach(o::put);
        }
        ArrayNode acc = r.putArray("accepted");
        accepted.forEach(acc::add);
        ArrayNode rejected = r.putArray("rejected");
        for (String w : gen.dir.rejected()) {
            JsonNode why = gen.dir.rejection(w);
            rejected.addObject().put("world", w).put("stage", why == null ? "" : why.path("stage").asString("")).put("reason", why == null ? "" : why.path("reason").asString(""));
        }
        ArrayNode pending = r.putArray("in_progress");
        gen.dir.worlds().stream().filter(w -> !accepted.contains(w)).forEach(pending::add);
        return r;
    }

    public void write() {
        gen.dir.writeJson(gen.dir.report(), json());
    }

    /** The table printed at the end of a run. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-9s %8s %8s %5s %8s %8s %8s %7s %9s %9s %8s%n", "stage", "accepted", "repaired", "kept", "rejected", "attempts", "requests",
                "cached", "tokens", "cost", "wall"));
        for (JsonNode s : json().path("stages")) {
            b.append(String.format(Locale.ROOT, "%-9s %8d %8d %5d %8d %8d %8d %7d %9s %9s %7.1fs%n", s.path("stage").asString(), s.path("accepted").asInt(),
                    s.path("repaired").asInt(), s.path("kept").asInt(), s.path("rejected").asInt(), s.path("attempts").asInt(), s.path("requests").asLong(),
                    s.path("cached_requests").asLong(), kilo(s.path("prompt_tokens").asLong() + s.path("completion_tokens").asLong()),
                    String.format(Locale.ROOT, "$%.2f", s.path("cost").asDouble()), s.path("wall_seconds").asDouble()));
            if (s.has("hacks tried")) {
                b.append(String.format(Locale.ROOT, "          red team: %d hacks tried, %d paid by a first verifier, %d verifier(s) tightened%n", s.path("hacks tried").asInt(),
                        s.path("hacks paid").asInt(0), s.path("verifiers tightened").asInt(0)));
            }
        }
        b.append(String.format(Locale.ROOT, "%n%d world(s) proven and accepted in %s", accepted.size(), gen.dir.root));
        if (!accepted.isEmpty()) b.append(": ").append(String.join(", ", accepted));
        b.append(String.format(Locale.ROOT, " (%.1f s)%n", seconds));
        for (JsonNode r : json().path("rejected")) b.append("rejected ").append(r.path("world").asString()).append(" at ").append(r.path("stage").asString()).append(": ")
                .append(r.path("reason").asString()).append('\n');
        return b.toString();
    }

    static String kilo(long n) {
        return n < 10_000 ? String.valueOf(n) : n < 10_000_000 ? (n / 1000) + "k" : (n / 1_000_000) + "M";
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
