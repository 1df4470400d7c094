package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.Instance;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The toolset: it passes the static checker, every tool runs on example arguments without a database error, and every
 * task is reachable through tools that exist. For an imported world whose toolset is AWM's Python, that code is shown
 * to the LLM as a hint of what the tools did (it is never run).
 */
final class EnvStage extends Stage {

    private static final Pattern TOOL = Pattern.compile("^tool (\\S+?)[:,]");
    private static final int MAX_PYTHON_HINT = 40_000;

    EnvStage(Gen gen) {
        super(gen, "env", GenDir.ENVS, List.of(GenDir.TASKS, GenDir.DB, GenDir.SAMPLE), "tools", "name");
    }

    List<ChatRequest> first(String world) {
        Map<String, String> v = gen.basics(world);
        v.put("seed", Gen.seed(gen.dir.load(world), 30_000));
        FewShot ex = FewShot.pick(world, name());
        v.put("min_tools", String.valueOf(gen.settings.minTools()));
        v.put("example_app", ex.scenarioText());
        v.put("example_tools", ex.tools());
        v.put("example_tool_names", ex.toolNames());
        JsonNode envs = gen.dir.line(world, GenDir.ENVS);
        String python = envs == null ? "" : envs.path("full_code").asString("");
        v.put("python_hint", python.isBlank() ? "" : "AWM's generated Python server for this app is below, as a hint of the operations it offered (it is never run; "
                + "write SQL tools instead):\n```python\n" + (python.length() > MAX_PYTHON_HINT ? python.substring(0, MAX_PYTHON_HINT) + "\n# ... (cut)" : python) + "\n```\n");
        return List.of(gen.request(name(), world, v));
    }

    /** A published SQL toolset is checked as it is; AWM's Python ({@code full_code}) is replaced. */
    ObjectNode existing(String world) {
        JsonNode envs = gen.dir.line(world, GenDir.ENVS);
        if (envs == null || !envs.has("toolset")) return null;
        JsonNode toolset = envs.get("toolset").isString() ? WorldFiles.JSON.readTree(envs.get("toolset").asString()) : envs.get("toolset");
        return WorldFiles.JSON.createObjectNode().set("tools", toolset.path("tools").deepCopy());
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        World w = gen.candidate(world, GenDir.ENVS, lines(world, candidate));
        for (String p : w.problems()) if (p.contains("tool")) out.add(new Problem(toolOf(p), p));
        WorldRuntime rt = WorldRuntime.load(w);
        if (!rt.buildProblems().isEmpty()) {
            out.add(Problem.whole("the world's database does not build, so no tool can run: " + String.join("; ", rt.buildProblems().stream().limit(3).toList())));
            return out;
        }
        for (String p : rt.toolProblems()) out.add(new Problem(toolOf(p), p));
        int n = candidate.path("tools").size();
        if (fresh && n < gen.settings.minTools()) {
            out.add(Problem.whole("there are " + n + " tools; write at least " + gen.settings.minTools() + ", covering what the app offers beyond the tasks"));
        }
        for (CompiledTool t : rt.tools()) {
            JsonNode args = exampleArguments(t.tool.inputSchema());
            try (Instance i = rt.newInstance()) {
                ToolResult r = i.call(t.tool.name(), args);
                if (r.error() && (r.text().startsWith("The call failed in the database") || r.text().contains("longer than its time budget") || r.text().startsWith(t.tool.name() + " failed:"))) {
                    out.add(new Problem(t.tool.name(), "tool " + t.tool.name() + ", called with " + FewShot.compact(args) + ": " + r.text()));
                }
            }
        }
        if (fresh) out.addAll(reach(world, candidate, w)); // an imported toolset says nothing of its tasks; its verifiers' solutions will
        return out;
    }

    /** Every task names, in task_tools, the tools that reach it, and those tools exist. */
    private static List<Problem> reach(String world, ObjectNode candidate, World w) {
        List<Problem> out = new ArrayList<>();
        Set<String> tools = new HashSet<>();
        for (JsonNode t : candidate.path("tools")) tools.add(t.path("name").asString());
        Set<Integer> covered = new HashSet<>();
        for (JsonNode c : candidate.path("task_tools")) {
            int task = c.path("task_idx").asInt(-1);
            List<String> missing = new ArrayList<>();
            for (JsonNode name : c.path("tools")) if (!tools.contains(name.asString())) missing.add(name.asString());
            if (!missing.isEmpty()) out.add(Problem.whole("task " + task + " needs " + String.join(", ", missing) + ", which the toolset lacks: add them or name the tools that do exist"));
            else if (c.path("tools").size() > 0) covered.add(task);
        }
        for (int i = 0; i < w.tasks().size(); i++) {
            if (!covered.contains(i)) out.add(Problem.whole("task " + i + " is not reached: list in task_tools the tools an agent calls for it"));
        }
        return out;
    }

    /** Arguments a caller could plausibly pass: defaults, first enum values, 1 for numbers, a word for text. */
    static JsonNode exampleArguments(JsonNode schema) {
        ObjectNode args = WorldFiles.JSON.createObjectNode();
        Set<String> required = new HashSet<>();
        for (JsonNode r : schema.path("required")) required.add(r.asString());
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            if (!required.contains(p.getKey())) continue;
            JsonNode s = p.getValue();
            if (s.has("default")) args.set(p.getKey(), s.get("default"));
            else if (s.path("enum").size() > 0) args.set(p.getKey(), s.get("enum").get(0));
            else switch (s.path("type").asString("string")) {
                case "integer" -> args.put(p.getKey(), Math.max(1, s.path("minimum").asLong(1)));
                case "number" -> args.put(p.getKey(), Math.max(1.0, s.path("minimum").asDouble(1)));
                case "boolean" -> args.put(p.getKey(), true);
                case "array" -> args.putArray(p.getKey());
                case "object" -> args.putObject(p.getKey());
                default -> args.put(p.getKey(), s.path("format").asString("").equals("date") ? "2026-01-15" : "example");
            }
        }
        return args;
    }

    static String toolOf(String problem) {
        Matcher m = TOOL.matcher(problem);
        if (m.find()) return m.group(1);
        Matcher inner = Pattern.compile("tool (\\S+?)[:,]").matcher(problem);
        return inner.find() ? inner.group(1) : null;
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
        ArrayNode tools = line.putObject("toolset").putArray("tools");
        for (JsonNode t : candidate.path("tools")) tools.add(t);
        return List.of(line);
    }

    @Override
    StageResult run(String world, StageStats stats) {
        JsonNode envs = gen.dir.line(world, GenDir.ENVS);
        if (envs != null && envs.has("full_code") && !gen.dir.has(world, "gen_envs.python.jsonl")) {
            gen.dir.write(world, "gen_envs.python.jsonl", List.of(envs)); // kept beside the SQL toolset, for reference
        }
        return super.run(world, stats);
    }
}
