package dev.awm.eval;

import dev.awm.agent.AwmFormat;
import dev.awm.llm.LlmCache;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * report.html: one self-contained page (inline CSS, SVG and a little JavaScript; nothing fetched) with the headline
 * numbers, success per world, the reward distribution, turns against success, a task grid, the per-world table, and
 * every episode, each failed one's trajectory one click away.
 */
public final class Report {

    public static final String FILE = "report.html";
    /** Characters of reasoning and of each tool result kept in the embedded trajectories. */
    static final int REASONING_CHARS = 1_500, RESULT_CHARS = 1_500;

    private static final String GREEN = "#2f9e66", AMBER = "#e0a526", RED = "#d65050", PURPLE = "#8f5bd6", GREY = "#8a94a6";

    private Report() {}

    /** Writes DIR/report.html for {@code episodes} (results.jsonl lines) of the eval in {@code dir}. */
    public static Path write(Path dir, JsonNode settings, List<JsonNode> episodes, Metrics m) {
        Path file = dir.resolve(FILE);
        LlmCache.writeAtomically(file, html(dir, settings, episodes, m));
        return file;
    }

    static String html(Path dir, JsonNode settings, List<JsonNode> episodes, Metrics m) {
        String model = settings.path("model").asString("model");
        StringBuilder b = new StringBuilder(64_000);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>awm eval: ").append(esc(model)).append("</title><style>").append(CSS).append("</style></head><body>\n");
        Metrics.Group all = m.overall();
        b.append("<header><h1>").append(esc(model)).append("</h1><p class=\"sub\">")
                .append(esc(settings.path("style").asString("awm"))).append(" style · ")
                .append(esc(settings.path("mode").asString("code"))).append(" scoring · k = ").append(m.k()).append(" · ")
                .append(all.episodes()).append(" episodes over ").append(all.tasks()).append(" tasks in ").append(m.worlds().size()).append(" worlds · ")
                .append(esc(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))).append("</p></header>\n");

        b.append("<section class=\"cards\">");
        card(b, "Success", pct(all.success()), all.complete() + " of " + all.episodes() + " episodes", "big");
        card(b, "pass@" + m.k(), pct(all.passAtK()), "some try succeeds", "");
        card(b, "pass^" + m.k(), pct(all.passHatK()), "every try succeeds", "");
        card(b, "Mean reward", all.meanReward() == null ? "–" : String.format(Locale.ROOT, "%.3f", all.meanReward()), "−1 format · 0 · 0.1 · 1", "");
        card(b, "Format errors", pct(all.formatErrorRate()), "reward −1", all.formatErrorRate() > 0 ? "warn" : "");
        card(b, "Environment errors", pct(all.environmentErrorRate()), "reward 0" + (all.modelErrors() > 0 ? " · " + all.modelErrors() + " model errors" : ""),
                all.environmentErrorRate() > 0 || all.modelErrors() > 0 ? "warn" : "");
        card(b, "Turns / calls", String.format(Locale.ROOT, "%.1f / %.1f", all.meanTurns(), all.meanCalls()), "mean per episode", "");
        card(b, "Tokens", compact(all.meanTokens()), "per episode · " + compact(all.tokens()) + " in all", "");
        card(b, "Time", String.format(Locale.ROOT, "%.1f s", all.meanSeconds()), "per episode", "");
        b.append("</section>\n");

        b.append("<section><h2>Success per world</h2>").append(worldBars(m)).append("</section>\n");
        b.append("<section class=\"two\"><div><h2>Rewards</h2>").append(rewardBars(episodes)).append("</div>")
                .append("<div><h2>Turns and success</h2>").append(turnBars(episodes)).append("</div></section>\n");
        b.append("<section><h2>Tasks</h2><p class=\"note\">Each cell is a task: how many of its tries succeeded.</p>").append(taskGrid(m, episodes)).append("</section>\n");
        b.append("<section><h2>Per world</h2>").append(worldTable(m)).append("</section>\n");
        b.append("<section><h2>Episodes</h2><div class=\"filters\"><button data-f=\"failed\" class=\"on\">Failed</button><button data-f=\"all\">All</button>")
                .append("<span id=\"count\"></span></div><table id=\"episodes\"><thead><tr><th>world</th><th>task</th><th>try</th><th>verdict</th><th>reward</th>")
                .append("<th>turns</th><th>calls</th><th>why</th><th></th></tr></thead><tbody></tbody></table></section>\n");
        b.append("<script type=\"application/json\" id=\"data\">").append(embedded(dir, episodes)).append("</script>\n");
        b.append("<script>").append(JS).append("</script>\n</body></html>\n");
        return b.toString();
    }

    private static void card(StringBuilder b, String title, String value, String note, String cls) {
        b.append("<div class=\"card ").append(cls).append("\"><div class=\"t\">").append(esc(title)).append("</div><div class=\"v\">").append(esc(value))
                .append("</div><div class=\"n\">").append(esc(note)).append("</div></div>");
    }

    static String worldBars(Metrics m) {
        int row = 30, left = 190, width = 400, h = row * m.worlds().size() + 30;
        StringBuilder s = new StringBuilder(svg(900, h, "success rate per world"));
        for (int x = 0; x <= 4; x++) {
            int gx = left + width * x / 4;
            s.append("<line x1=\"").append(gx).append("\" y1=\"0\" x2=\"").append(gx).append("\" y2=\"").append(h - 24).append("\" class=\"gl\"/>")
                    .append("<text x=\"").append(gx).append("\" y=\"").append(h - 8).append("\" class=\"axis\" text-anchor=\"middle\">").append(x * 25).append("%</text>");
        }
        int y = 4;
        for (Metrics.Group g : m.worlds()) {
            int w = (int) Math.round(width * g.success());
            s.append("<g><title>").append(esc(g.name() + ": " + g.complete() + " of " + g.episodes() + " episodes complete")).append("</title>")
                    .append("<text x=\"").append(left - 10).append("\" y=\"").append(y + 17).append("\" text-anchor=\"end\" class=\"label\">").append(esc(g.name())).append("</text>")
                    .append("<rect x=\"").append(left).append("\" y=\"").append(y + 4).append("\" width=\"").append(width).append("\" height=\"18\" rx=\"3\" class=\"track\"/>")
                    .append("<rect x=\"").append(left).append("\" y=\"").append(y + 4).append("\" width=\"").append(w).append("\" height=\"18\" rx=\"3\" fill=\"").append(color(g.success())).append("\"/>")
                    .append("<text x=\"").append(left + width + 10).append("\" y=\"").append(y + 17).append("\" class=\"value\">").append(pct(g.success()))
                    .append("  ·  pass@").append(m.k()).append(" ").append(pct(g.passAtK())).append("  ·  pass^").append(m.k()).append(" ").append(pct(g.passHatK())).append("</text></g>");
            y += row;
        }
        return s.append("</svg>").toString();
    }

    static String rewardBars(List<JsonNode> episodes) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> colors = new LinkedHashMap<>();
        String[][] buckets = {{"1.0", "complete", GREEN}, {"0.1", "partial", AMBER}, {"0", "incomplete", RED}, {"0", "env. error", GREY}, {"−1", "format error", PURPLE},
            {"–", "no reward", "#c3c9d4"}};
        for (String[] bucket : buckets) {
            counts.put(bucket[0] + "\n" + bucket[1], 0);
            colors.put(bucket[0] + "\n" + bucket[1], bucket[2]);
        }
        for (JsonNode e : episodes) {
            String v = e.path("verdict").asString("");
            String key = switch (v) {
                case "complete" -> "1.0\ncomplete";
                case "partially_complete" -> "0.1\npartial";
                case "environment_error" -> "0\nenv. error";
                case "format_error" -> "−1\nformat error";
                case "incomplete", "agent_error" -> "0\nincomplete";
                default -> "–\nno reward";
            };
            counts.merge(key, 1, Integer::sum);
        }
        return bars(counts, colors, "episodes by reward");
    }

    static String turnBars(List<JsonNode> episodes) {
        TreeMap<Integer, int[]> byTurns = new TreeMap<>();
        for (JsonNode e : episodes) {
            int[] c = byTurns.computeIfAbsent(e.path("turns").asInt(0), t -> new int[2]);
            c[Metrics.complete(e) ? 0 : 1]++;
        }
        if (byTurns.isEmpty()) return "<p class=\"note\">No episodes yet.</p>";
        int maxTurns = byTurns.lastKey(), max = 1;
        for (int[] c : byTurns.values()) max = Math.max(max, c[0] + c[1]);
        int left = 36, top = 10, height = 170, width = 360, slot = Math.max(6, width / Math.max(1, maxTurns + 1));
        StringBuilder s = new StringBuilder(svg(left + slot * (maxTurns + 1) + 20, top + height + 54, "turns against success"));
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(top + height).append("\" x2=\"").append(left + slot * (maxTurns + 1)).append("\" y2=\"")
                .append(top + height).append("\" class=\"gl\"/>");
        s.append("<text x=\"").append(left - 6).append("\" y=\"").append(top + 8).append("\" class=\"axis\" text-anchor=\"end\">").append(max).append("</text>");
        s.append("<text x=\"").append(left - 6).append("\" y=\"").append(top + height).append("\" class=\"axis\" text-anchor=\"end\">0</text>");
        for (Map.Entry<Integer, int[]> e : byTurns.entrySet()) {
            int x = left + slot * e.getKey() + 1, ok = e.getValue()[0], bad = e.getValue()[1];
            int hOk = height * ok / max, hBad = height * bad / max;
            s.append("<g><title>").append(e.getKey()).append(" turns: ").append(ok).append(" complete, ").append(bad).append(" not</title>");
            s.append("<rect x=\"").append(x).append("\" y=\"").append(top + height - hOk).append("\" width=\"").append(slot - 2).append("\" height=\"").append(hOk).append("\" fill=\"").append(GREEN).append("\"/>");
            s.append("<rect x=\"").append(x).append("\" y=\"").append(top + height - hOk - hBad).append("\" width=\"").append(slot - 2).append("\" height=\"").append(hBad).append("\" fill=\"").append(RED).append("\"/></g>");
            if (maxTurns <= 12 || e.getKey() % 5 == 0) {
                s.append("<text x=\"").append(x + (slot - 2) / 2).append("\" y=\"").append(top + height + 14).append("\" class=\"axis\" text-anchor=\"middle\">").append(e.getKey()).append("</text>");
            }
        }
        s.append("<text x=\"").append(left + slot * (maxTurns + 1) / 2).append("\" y=\"").append(top + height + 28).append("\" class=\"axis\" text-anchor=\"middle\">turns</text>");
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top + height + 40).append("\" width=\"10\" height=\"8\" fill=\"").append(GREEN).append("\"/><text x=\"")
                .append(left + 14).append("\" y=\"").append(top + height + 48).append("\" class=\"axis\">complete</text>");
        s.append("<rect x=\"").append(left + 80).append("\" y=\"").append(top + height + 40).append("\" width=\"10\" height=\"8\" fill=\"").append(RED).append("\"/><text x=\"")
                .append(left + 94).append("\" y=\"").append(top + height + 48).append("\" class=\"axis\">not complete</text>");
        return s.append("</svg>").toString();
    }

    /** An SVG element drawn at its natural size at most, smaller on a narrow screen. */
    private static String svg(int width, int height, String label) {
        return "<svg class=\"chart\" viewBox=\"0 0 " + width + " " + height + "\" style=\"max-width:" + width + "px\" role=\"img\" aria-label=\"" + esc(label) + "\">";
    }

    /** Vertical bars with a count on each; labels are "value\ncaption". */
    private static String bars(Map<String, Integer> counts, Map<String, String> colors, String label) {
        int max = 1;
        for (int c : counts.values()) max = Math.max(max, c);
        int left = 10, top = 18, height = 160, slot = 78;
        StringBuilder s = new StringBuilder(svg(left * 2 + slot * counts.size(), top + height + 40, label));
        int x = left;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String[] parts = e.getKey().split("\n");
            int h = height * e.getValue() / max;
            s.append("<rect x=\"").append(x + 8).append("\" y=\"").append(top + height - h).append("\" width=\"").append(slot - 16).append("\" height=\"").append(h)
                    .append("\" rx=\"3\" fill=\"").append(colors.get(e.getKey())).append("\"/>");
            s.append("<text x=\"").append(x + slot / 2).append("\" y=\"").append(top + height - h - 5).append("\" class=\"value\" text-anchor=\"middle\">").append(e.getValue()).append("</text>");
            s.append("<text x=\"").append(x + slot / 2).append("\" y=\"").append(top + height + 16).append("\" class=\"label\" text-anchor=\"middle\">").append(esc(parts[0])).append("</text>");
            s.append("<text x=\"").append(x + slot / 2).append("\" y=\"").append(top + height + 31).append("\" class=\"axis\" text-anchor=\"middle\">").append(esc(parts[1])).append("</text>");
            x += slot;
        }
        return s.append("</svg>").toString();
    }

    static String taskGrid(Metrics m, List<JsonNode> episodes) {
        Map<String, String> taskText = new TreeMap<>();
        for (JsonNode e : episodes) taskText.putIfAbsent(e.path("world").asString("") + "/" + e.path("task_id").asInt(), e.path("task").asString(""));
        Map<String, List<Metrics.TaskStats>> byWorld = new TreeMap<>();
        for (Metrics.TaskStats t : m.tasks()) byWorld.computeIfAbsent(t.world(), w -> new ArrayList<>()).add(t);
        StringBuilder s = new StringBuilder("<div class=\"tgrid\">");
        byWorld.forEach((world, tasks) -> {
            s.append("<div class=\"gw\">").append(esc(world)).append("</div><div class=\"gc\">");
            for (Metrics.TaskStats t : tasks) {
                s.append("<span class=\"cell\" style=\"background:").append(color(t.successRate())).append("\" title=\"")
                        .append(esc(world + " task " + t.task() + ": " + t.complete() + " of " + t.tries() + " complete\n" + taskText.getOrDefault(t.key(), "")))
                        .append("\">").append(t.task()).append("<small>").append(t.complete()).append("/").append(t.tries()).append("</small></span>");
            }
            s.append("</div>");
        });
        return s.append("</div>").toString();
    }

    static String worldTable(Metrics m) {
        StringBuilder s = new StringBuilder("<table class=\"nums\"><thead><tr><th>world</th><th>episodes</th><th>success</th><th>pass@").append(m.k())
                .append("</th><th>pass^").append(m.k()).append("</th><th>reward</th><th>turns</th><th>calls</th><th>format err.</th><th>env. err.</th><th>tokens/ep.</th><th>s/ep.</th></tr></thead><tbody>");
        List<Metrics.Group> rows = new ArrayList<>(m.worlds());
        rows.add(m.overall());
        for (Metrics.Group g : rows) {
            s.append("<tr").append(g == m.overall() ? " class=\"total\"" : "").append("><td>").append(esc(g.name())).append("</td><td>").append(g.episodes())
                    .append("</td><td>").append(pct(g.success())).append("</td><td>").append(pct(g.passAtK())).append("</td><td>").append(pct(g.passHatK()))
                    .append("</td><td>").append(g.meanReward() == null ? "–" : String.format(Locale.ROOT, "%.3f", g.meanReward()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", g.meanTurns())).append("</td><td>").append(String.format(Locale.ROOT, "%.1f", g.meanCalls()))
                    .append("</td><td>").append(pct(g.formatErrorRate())).append("</td><td>").append(pct(g.environmentErrorRate()))
                    .append("</td><td>").append(compact(g.meanTokens())).append("</td><td>").append(String.format(Locale.ROOT, "%.2f", g.meanSeconds())).append("</td></tr>");
        }
        return s.append("</tbody></table>").toString();
    }

    /** The episodes for the page's script, with the trajectory of every episode that did not succeed. */
    static String embedded(Path dir, List<JsonNode> episodes) {
        ArrayNode out = WorldFiles.JSON.createArrayNode();
        for (JsonNode e : episodes) {
            ObjectNode o = out.addObject();
            for (String f : List.of("key", "world", "task_id", "sample", "task", "verdict", "reward", "turns", "world_calls", "outcome", "outcome_detail", "note",
                    "final_answer", "run_dir")) {
                if (e.has(f)) o.set(f, e.get(f));
            }
            o.set("checks", e.path("checks").isArray() ? e.get("checks") : WorldFiles.JSON.createArrayNode());
            if (e.has("judge")) o.set("judge", e.get("judge"));
            if (!Metrics.complete(e) && e.path("run_dir").isString()) o.set("trajectory", trajectory(dir.resolve(e.get("run_dir").asString()).resolve("trajectory.json")));
        }
        return WorldFiles.JSON.writeValueAsString(out).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    private static JsonNode trajectory(Path file) {
        ArrayNode turns = WorldFiles.JSON.createArrayNode();
        if (!Files.isRegularFile(file)) return turns;
        JsonNode t;
        try {
            t = WorldFiles.JSON.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return turns;
        }
        for (JsonNode step : t.path("trajectory")) {
            ObjectNode o = turns.addObject();
            o.put("turn", step.path("iteration").asInt());
            o.put("says", AwmFormat.split(step.path("content").asString(""), null).visible().replaceAll("(?s)<tool_call>.*?</tool_call>", "").strip());
            o.put("thinks", cut(step.path("reasoning").asString(""), REASONING_CHARS));
            o.put("outcome", step.path("outcome").asString(""));
            if (step.has("detail")) o.put("detail", step.get("detail").asString(""));
            ArrayNode calls = o.putArray("calls");
            for (JsonNode c : step.path("tool_calls")) {
                ObjectNode call = calls.addObject();
                call.put("name", c.path("tool").asString(c.path("name").asString("")));
                call.put("args", c.has("tool_arguments") ? WorldFiles.JSON.writeValueAsString(c.get("tool_arguments")) : WorldFiles.JSON.writeValueAsString(c.path("arguments")));
                call.put("result", cut(c.path("result").asString(""), RESULT_CHARS));
                call.put("outcome", c.path("outcome").asString(""));
            }
        }
        return turns;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + " … (" + s.length() + " characters)";
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String compact(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        if (v >= 1e4) return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** Red through amber to green as {@code rate} goes from 0 to 1. */
    static String color(double rate) {
        double r = Math.max(0, Math.min(1, rate));
        int[] from = r < 0.5 ? new int[] {214, 80, 80} : new int[] {224, 165, 38};
        int[] to = r < 0.5 ? new int[] {224, 165, 38} : new int[] {47, 158, 102};
        double f = r < 0.5 ? r * 2 : (r - 0.5) * 2;
        return String.format("#%02x%02x%02x", (int) (from[0] + (to[0] - from[0]) * f), (int) (from[1] + (to[1] - from[1]) * f), (int) (from[2] + (to[2] - from[2]) * f));
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{--ink:#1d2430;--soft:#5b6576;--line:#e3e7ee;--bg:#f6f7fb;--card:#fff;--green:#2f9e66;--red:#d65050;--amber:#e0a526;--purple:#8f5bd6;--grey:#8a94a6}
            *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
            header{padding:28px 36px 8px}h1{margin:0;font-size:26px}h2{font-size:16px;margin:0 0 12px}.sub{color:var(--soft);margin:4px 0 0}
            section{margin:18px 36px;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px}
            section.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(124px,1fr));gap:12px;background:none;border:0;padding:0}
            .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}.card .t{color:var(--soft);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
            .card .v{font-size:24px;font-weight:650;margin:2px 0}.card .n{color:var(--soft);font-size:12px}.card.big .v{font-size:34px;color:var(--green)}.card.warn .v{color:var(--red)}
            section.two{display:grid;grid-template-columns:1fr 1fr;gap:28px}@media(max-width:900px){section.two{grid-template-columns:1fr}}
            svg.chart{width:100%;height:auto}.gl{stroke:var(--line)}.track{fill:#eef1f6}.label{font-size:12px;fill:var(--ink)}.value{font-size:12px;fill:var(--soft)}.axis{font-size:11px;fill:var(--soft)}
            table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{font-size:12px;color:var(--soft);font-weight:600}
            table.nums td:not(:first-child),table.nums th:not(:first-child){text-align:right}tr.total td{font-weight:650;border-top:2px solid var(--line)}
            .note{color:var(--soft);margin:-6px 0 10px}.tgrid{display:grid;grid-template-columns:max-content 1fr;gap:6px 12px;align-items:center}.gw{font-size:12px}
            .gc{display:flex;flex-wrap:wrap;gap:4px}.cell{display:inline-flex;flex-direction:column;align-items:center;justify-content:center;width:42px;height:36px;border-radius:5px;color:#fff;font-weight:650;font-size:12px;cursor:default}
            .cell small{font-weight:400;font-size:10px;opacity:.9}.filters{margin-bottom:10px}.filters button{border:1px solid var(--line);background:#fff;border-radius:14px;padding:3px 12px;margin-right:6px;cursor:pointer}
            .filters button.on{background:var(--ink);color:#fff;border-color:var(--ink)}#count{color:var(--soft);margin-left:8px}
            .badge{display:inline-block;white-space:nowrap;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;background:var(--grey)}.b-complete{background:var(--green)}.b-partially_complete{background:var(--amber)}
            .b-incomplete,.b-agent_error{background:var(--red)}.b-format_error{background:var(--purple)}button.open{border:0;background:none;color:#2d6cdf;cursor:pointer;padding:0;white-space:nowrap}
            tr.detail td{background:#fafbfd}.turn{border-left:3px solid var(--line);padding:4px 0 6px 12px;margin:6px 0}.turn.bad{border-color:var(--red)}.turn.final{border-color:var(--green)}
            .turn h4{margin:0 0 4px;font-size:12px;color:var(--soft)}.says{white-space:pre-wrap}.thinks{white-space:pre-wrap;color:var(--soft);font-style:italic;font-size:12px}
            .call{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;margin:4px 0}.call b{color:#2d6cdf}pre{white-space:pre-wrap;word-break:break-word;background:#f1f3f8;border-radius:6px;padding:6px 8px;margin:4px 0;font-size:12px;max-height:220px;overflow:auto}
            .why{color:var(--red)}.checks li.fail{color:var(--red)}.checks li.pass{color:var(--green)}a{color:#2d6cdf}
            """;

    private static final String JS = """
            (function(){
              var data = JSON.parse(document.getElementById('data').textContent);
              var body = document.querySelector('#episodes tbody'), filter = 'failed';
              function el(tag, cls, text){ var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
              function cell(tr, text, cls){ var td = el('td', cls, text); tr.appendChild(td); return td; }
              function detail(ep){
                var box = el('div');
                if (ep.task) box.appendChild(el('p', null, 'Task: ' + ep.task));
                if (ep.outcome_detail && !(ep.trajectory && ep.trajectory.length)) box.appendChild(el('p', 'why', ep.outcome_detail));
                if (ep.note) box.appendChild(el('p', 'why', ep.note));
                if (ep.judge && (ep.judge.reasoning || ep.judge.error)) box.appendChild(el('p', null, 'Judge: ' + (ep.judge.classification || 'no verdict') + ' \\u2014 ' + (ep.judge.reasoning || ep.judge.error)));
                if (ep.checks && ep.checks.length){ var ul = el('ul', 'checks'); ep.checks.forEach(function(c){ ul.appendChild(el('li', c.passed ? 'pass' : 'fail', (c.passed ? '\\u2713 ' : '\\u2717 ') + c.message + ' [' + c.detail + ']')); }); box.appendChild(ul); }
                (ep.trajectory || []).forEach(function(t){
                  var bad = /error/.test(t.outcome), d = el('div', 'turn' + (bad ? ' bad' : t.outcome === 'final' ? ' final' : ''));
                  d.appendChild(el('h4', null, 'turn ' + t.turn + (t.outcome === 'final' ? ' \\u2014 final answer' : bad ? ' \\u2014 ' + t.outcome.replace('_', ' ') : '')));
                  if (t.thinks) d.appendChild(el('div', 'thinks', t.thinks));
                  if (t.says) d.appendChild(el('div', 'says', t.says));
                  (t.calls || []).forEach(function(c){
                    var line = el('div', 'call'); line.appendChild(el('b', null, c.name)); line.appendChild(document.createTextNode(' ' + c.args + (c.outcome && c.outcome !== 'ok' ? '  [' + c.outcome.replace('_', ' ') + ']' : '')));
                    d.appendChild(line); if (c.result) d.appendChild(el('pre', null, c.result));
                  });
                  if (t.detail) d.appendChild(el('div', 'why', t.detail));
                  box.appendChild(d);
                });
                if (ep.final_answer) box.appendChild(el('p', null, 'Final answer: ' + ep.final_answer));
                if (ep.run_dir){ var p = el('p'); var a = el('a', null, ep.run_dir + '/trajectory.json'); a.href = ep.run_dir + '/trajectory.json'; p.appendChild(a); box.appendChild(p); }
                return box;
              }
              function render(){
                body.textContent = '';
                var shown = data.filter(function(ep){ return filter === 'all' || ep.verdict !== 'complete'; });
                document.getElementById('count').textContent = shown.length + ' of ' + data.length + ' episodes';
                shown.forEach(function(ep){
                  var tr = el('tr');
                  cell(tr, ep.world); cell(tr, String(ep.task_id)); cell(tr, String(ep.sample == null ? '' : ep.sample));
                  cell(tr).appendChild(el('span', 'badge b-' + ep.verdict, (ep.verdict || '').replace('_', ' ')));
                  cell(tr, ep.reward == null ? '\\u2013' : String(ep.reward)); cell(tr, String(ep.turns == null ? '' : ep.turns)); cell(tr, String(ep.world_calls == null ? '' : ep.world_calls));
                  cell(tr, ep.outcome_detail || ep.note || (ep.checks || []).filter(function(c){ return !c.passed; }).map(function(c){ return c.message; }).join('; '), 'why');
                  var b = el('button', 'open', ep.trajectory ? 'trajectory \\u25b8' : 'details \\u25b8'); cell(tr).appendChild(b);
                  body.appendChild(tr);
                  var open = null;
                  b.addEventListener('click', function(){
                    if (open){ open.remove(); open = null; b.textContent = b.textContent.replace('\\u25be', '\\u25b8'); return; }
                    open = el('tr', 'detail'); var td = el('td'); td.colSpan = 9; td.appendChild(detail(ep)); open.appendChild(td);
                    tr.after(open); b.textContent = b.textContent.replace('\\u25b8', '\\u25be');
                  });
                });
              }
              document.querySelectorAll('.filters button').forEach(function(b){
                b.addEventListener('click', function(){ filter = b.dataset.f; document.querySelectorAll('.filters button').forEach(function(x){ x.classList.toggle('on', x === b); }); render(); });
              });
              render();
            })();
            """;
}
