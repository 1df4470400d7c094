package dev.awm.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** Parses the SQL toolset of gen_envs.jsonl and the verifiers of gen_verifier.jsonl, noting what is malformed. */
final class ToolsetJson {

    private ToolsetJson() {}

    static List<Tool> parseTools(JsonNode toolset, String at, List<String> problems) {
        List<Tool> tools = new ArrayList<>();
        JsonNode list = WorldFiles.textOrTree(toolset).path("tools");
        if (!list.isArray()) {
            problems.add(at + ": \"toolset\" has no \"tools\" array");
            return tools;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String name = t.path("name").asString("");
            String where = "tool " + (name.isEmpty() ? "#" + (i + 1) : name);
            if (name.isEmpty()) {
                problems.add(where + ": no \"name\"");
                continue;
            }
            if (tools.stream().anyMatch(x -> x.name().equals(name))) {
                problems.add(where + ": the name is used twice; the second is ignored");
                continue;
            }
            JsonNode schema = t.has("inputSchema") ? t.get("inputSchema") : t.path("input_schema");
            if (!schema.isObject() || !"object".equals(schema.path("type").asString(""))) {
                problems.add(where + ": \"inputSchema\" must be a JSON Schema object with \"type\": \"object\"");
                continue;
            }
            List<Tool.Step> steps = new ArrayList<>();
            JsonNode stepNodes = t.path("steps");
            boolean ok = stepNodes.isArray() && !stepNodes.isEmpty();
            if (!ok) problems.add(where + ": \"steps\" must be a non-empty array");
            for (int s = 0; ok && s < stepNodes.size(); s++) {
                JsonNode step = stepNodes.get(s);
                String as = step.path("as").asString(null);
                boolean one = step.path("one").asBoolean(false);
                if (step.has("read")) steps.add(new Tool.Read(step.get("read").asString(), as, one));
                else if (step.has("write")) steps.add(new Tool.Write(step.get("write").asString(), as, one));
                else if (step.has("guard")) {
                    String error = step.path("error").asString("");
                    if (error.isBlank()) {
                        problems.add(where + " step " + (s + 1) + ": a guard needs an \"error\" message for the agent");
                        ok = false;
                    }
                    steps.add(new Tool.Guard(step.get("guard").asString(), error));
                } else {
                    problems.add(where + " step " + (s + 1) + ": expected one of \"read\", \"write\", \"guard\"");
                    ok = false;
                }
            }
            if (!ok) continue;
            JsonNode output = t.has("output") && !t.get("output").isNull() ? t.get("output") : null;
            tools.add(new Tool(name, t.path("description").asString(""), schema, List.copyOf(steps), output));
        }
        return List.copyOf(tools);
    }

    static Optional<TaskSpec> parseTaskSpec(JsonNode line, List<String> problems) {
        String at = line.path("_at").asString();
        if (!line.path("task_idx").canConvertToInt()) {
            problems.add(at + ": no integer \"task_idx\"");
            return Optional.empty();
        }
        JsonNode verifier = line.path("verifier");
        List<TaskSpec.Check> checks = checks(verifier.path("checks"));
        List<TaskSpec.Check> answer = checks(verifier.path("answer"));
        if (checks.isEmpty() && answer.isEmpty() && !verifier.has("unchanged_except")) {
            problems.add(at + ": the verifier has no \"checks\" and no \"answer\" checks");
            return Optional.empty();
        }
        JsonNode sol = line.path("solution");
        TaskSpec.Solution solution = new TaskSpec.Solution(calls(sol.path("calls")), sol.path("answer").asString(""));
        List<TaskSpec.NearMiss> misses = new ArrayList<>();
        for (JsonNode m : line.path("near_misses")) {
            misses.add(new TaskSpec.NearMiss(m.path("why").asString("near miss " + (misses.size() + 1)), calls(m.path("calls")), m.path("answer").asString("")));
        }
        List<TaskSpec.Alternative> alternatives = new ArrayList<>();
        for (JsonNode m : line.path("alternatives")) {
            alternatives.add(new TaskSpec.Alternative(m.path("why").asString("alternative " + (alternatives.size() + 1)), calls(m.path("calls")), m.path("answer").asString("")));
        }
        for (String list : List.of("unchanged_except", "any_rows", "may_insert")) {
            if (verifier.has(list) && !verifier.get(list).isArray()) problems.add(at + ": \"" + list + "\" must be an array of table names, such as [\"orders\"]");
        }
        for (JsonNode c : verifier.path("answer")) {
            if (c.has("candidates") && !c.get("candidates").isString()) problems.add(at + ": an answer check's \"candidates\" must be a SELECT statement (a string)");
        }
        List<String> unchangedExcept = verifier.has("unchanged_except") ? WorldFiles.strings(verifier.get("unchanged_except")) : null;
        List<String> anyRows = verifier.has("any_rows") ? WorldFiles.strings(verifier.get("any_rows")) : List.of();
        List<String> mayInsert = verifier.has("may_insert") ? WorldFiles.strings(verifier.get("may_insert")) : List.of();
        return Optional.of(new TaskSpec(line.get("task_idx").asInt(), line.path("task").asString(""), checks, answer, unchangedExcept, anyRows, solution,
                List.copyOf(misses), line.path("awm_verifier_note").asString(null), List.copyOf(alternatives), mayInsert));
    }

    private static List<TaskSpec.Call> calls(JsonNode array) {
        List<TaskSpec.Call> calls = new ArrayList<>();
        for (JsonNode c : array) {
            JsonNode args = c.path("arguments");
            calls.add(new TaskSpec.Call(c.path("tool").asString(""), args.isMissingNode() ? NullNode.getInstance() : args));
        }
        return List.copyOf(calls);
    }

    private static List<TaskSpec.Check> checks(JsonNode array) {
        List<TaskSpec.Check> out = new ArrayList<>();
        for (JsonNode c : array) {
            if (c.isString()) out.add(new TaskSpec.Check(c.asString(), c.asString()));
            else {
                TaskSpec.Match match = c.path("absent").asBoolean(false) ? TaskSpec.Match.NONE
                        : c.path("any").asBoolean(false) ? TaskSpec.Match.ANY_PER_ROW : TaskSpec.Match.ALL;
                out.add(new TaskSpec.Check(c.path("sql").asString(""), c.path("message").asString(c.path("sql").asString("")), match, c.path("candidates").asString(null)));
            }
        }
        return List.copyOf(out);
    }
}
