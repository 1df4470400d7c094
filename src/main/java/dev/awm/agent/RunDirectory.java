package dev.awm.agent;

import dev.awm.agent.Episode.Call;
import dev.awm.agent.Episode.Step;
import dev.awm.llm.LlmCache;
import dev.awm.llm.Message;
import dev.awm.llm.ToolCall;
import dev.awm.llm.Usage;
import dev.awm.runtime.Json;
import dev.awm.runtime.Sqlite;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An episode's run directory, the artefacts AWM's agent writes (so AWM's verify inputs match) and ours:
 * {@code trajectory.json} (AWM's fields: scenario, task_id, task, trajectory, messages..., plus each turn's reasoning,
 * call outcomes, timings and tokens), {@code initial.db} and {@code final.db} (the states before and after), and
 * {@code result.json} (the verdict, the reward and its components).
 */
public final class RunDirectory {

    public static final String TRAJECTORY = "trajectory.json", INITIAL = "initial.db", FINAL = "final.db", RESULT = "result.json";

    private RunDirectory() {}

    /** A run directory as read back. {@code initial} and {@code fin} are null when the directory lacks them. */
    public record Saved(Path dir, JsonNode trajectory, byte[] initial, byte[] fin) {

        public String world() {
            return trajectory.path("scenario").isString() ? trajectory.get("scenario").asString() : null;
        }

        public Integer taskId() {
            return trajectory.path("task_id").canConvertToInt() ? trajectory.get("task_id").asInt() : null;
        }

        public String task() {
            return trajectory.path("task").asString("");
        }

        /** Our final_answer, or (for AWM's own runs) the last assistant message without its reasoning. */
        public String finalAnswer() {
            if (trajectory.has("final_answer")) return trajectory.get("final_answer").isNull() ? "" : trajectory.get("final_answer").asString("");
            String last = "";
            for (JsonNode m : trajectory.path("messages")) if ("assistant".equals(m.path("role").asString())) last = m.path("content").asString("");
            return AwmFormat.split(last, null).visible();
        }

        /** How the episode ended as recorded; an AWM run (which records none) counts as answered. */
        public Episode.Outcome outcome() {
            String o = trajectory.path("outcome").asString("answered");
            for (Episode.Outcome v : Episode.Outcome.values()) if (v.label().equals(o)) return v;
            return Episode.Outcome.ANSWERED;
        }
    }

    /** Reads {@code dir}: its trajectory.json must exist; the databases may be absent. */
    public static Saved read(Path dir) {
        Path t = dir.resolve(TRAJECTORY);
        if (!Files.isRegularFile(t)) {
            throw new IllegalArgumentException(Files.isDirectory(dir) ? dir + " holds no " + TRAJECTORY + ": give the run directory that awm agent (or AWM's agent) wrote"
                    : "no such run directory: " + dir);
        }
        JsonNode trajectory;
        try {
            trajectory = WorldFiles.JSON.readTree(Files.readString(t, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(t + " is not readable JSON: " + e.getMessage());
        }
        return new Saved(dir, trajectory, database(dir.resolve(INITIAL)), database(dir.resolve(FINAL)));
    }

    private static byte[] database(Path file) {
        return Files.isRegularFile(file) ? Sqlite.readImage(file) : null;
    }

    /**
     * Writes the run directory. {@code initial} may be given as a file to link (many episodes of one world share one
     * initial state) or as bytes; both may be null for a remote world, and then so is {@code fin}.
     */
    public static void write(Path dir, ObjectNode trajectory, Path initialFile, byte[] initial, byte[] fin, ObjectNode result) {
        try {
            Files.createDirectories(dir);
            if (initialFile != null) {
                Path target = dir.resolve(INITIAL);
                Files.deleteIfExists(target);
                try {
                    Files.createLink(target, initialFile);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(initialFile, target);
                }
            } else if (initial != null) {
                Files.write(dir.resolve(INITIAL), initial);
            }
            if (fin != null) Files.write(dir.resolve(FINAL), fin);
            LlmCache.writeAtomically(dir.resolve(TRAJECTORY), WorldFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(trajectory));
            LlmCache.writeAtomically(dir.resolve(RESULT), WorldFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A default run directory name: runs/&lt;timestamp&gt;_&lt;world&gt;_task_&lt;n&gt;, as AWM names its own. */
    public static Path defaultFor(String world, Integer taskId) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
        return Path.of("runs", stamp + (world == null ? "" : "_" + world + (taskId == null ? "" : "_task_" + taskId)));
    }

    /** trajectory.json: AWM's fields, with ours beside them. */
    public static ObjectNode trajectory(Episode e, String apiUrl, Double temperature) {
        ObjectNode t = WorldFiles.JSON.createObjectNode();
        t.put("scenario", e.world());
        if (e.taskId() == null) t.putNull("task_id"); else t.put("task_id", e.taskId());
        t.put("task", e.task());
        t.put("model", e.model());
        t.put("api_url", apiUrl);
        t.put("max_iterations", e.settings().maxTurns());
        if (temperature == null) t.putNull("temperature"); else t.put("temperature", temperature);
        t.put("total_iterations", e.turns());
        t.put("timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")));
        t.put("style", e.settings().style().label());
        if (e.settings().historyWindow() == null) t.putNull("history_window"); else t.put("history_window", e.settings().historyWindow());
        t.put("mcp_url", e.mcpUrl());
        t.put("outcome", e.outcome().label());
        t.put("outcome_detail", e.detail());
        t.put("final_answer", e.finalAnswer());
        t.set("usage", usage(e.usage()));
        ArrayNode steps = t.putArray("trajectory");
        for (Step s : e.steps()) steps.add(step(s));
        ArrayNode messages = t.putArray("messages");
        for (Message m : e.messages()) messages.add(message(m));
        return t;
    }

    private static ObjectNode step(Step s) {
        ObjectNode o = WorldFiles.JSON.createObjectNode();
        o.put("iteration", s.turn());
        o.put("role", "assistant");
        o.put("content", s.content());
        o.put("reasoning", s.reasoning());
        ArrayNode calls = o.putArray("tool_calls");
        Call first = null;
        for (Call c : s.calls()) {
            ObjectNode call = calls.addObject();
            call.put("id", c.id());
            call.put("name", c.name());
            call.set("arguments", c.arguments());
            if (c.tool() != null) call.put("tool", c.tool());
            if (c.toolArguments() != null) call.set("tool_arguments", c.toolArguments());
            call.put("result", c.result());
            call.put("outcome", c.outcome().label());
            if (c.detail() != null) call.put("detail", c.detail());
            call.put("ms", c.millis());
            if (first == null && c.outcome() != Episode.CallOutcome.SKIPPED) first = c;
        }
        if (first != null) o.putObject("tool_response").put("tool_call_id", first.id()).put("content", first.result());
        if (s.isFinal()) o.put("is_final", true);
        o.put("outcome", s.outcome());
        if (s.detail() != null) o.put("detail", s.detail());
        o.put("model_ms", s.modelMillis());
        o.set("usage", usage(s.usage()));
        return o;
    }

    private static ObjectNode message(Message m) {
        ObjectNode o = WorldFiles.JSON.createObjectNode();
        o.put("role", m.role());
        o.put("content", m.content());
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = o.putArray("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (m.toolCallId() != null) o.put("tool_call_id", m.toolCallId());
        return o;
    }

    static ObjectNode usage(Usage u) {
        return WorldFiles.JSON.createObjectNode().put("prompt_tokens", u.prompt()).put("completion_tokens", u.completion()).put("reasoning_tokens", u.reasoning());
    }

    /** result.json: the verdict, the reward and its components, and the episode's counts. */
    public static ObjectNode result(Episode e, Verdict v) {
        ObjectNode r = WorldFiles.JSON.createObjectNode();
        r.put("world", e.world());
        if (e.taskId() == null) r.putNull("task_id"); else r.put("task_id", e.taskId());
        r.put("task", e.task());
        r.put("model", e.model());
        r.put("style", e.settings().style().label());
        r.put("mode", v.mode());
        r.put("outcome", e.outcome().label());
        r.put("outcome_detail", e.detail());
        r.put("verdict", v.label());
        if (v.reward() == null) r.putNull("reward"); else r.put("reward", v.reward());
        r.put("complete", v.complete());
        if (v.note() != null) r.put("note", v.note());
        ObjectNode c = r.putObject("components");
        c.put("format_error", e.outcome() == Episode.Outcome.FORMAT_ERROR);
        c.put("environment_error", e.outcome() == Episode.Outcome.ENVIRONMENT_ERROR);
        if (v.code() != null) {
            c.put("code_complete", v.code().complete());
            c.put("checks_passed", v.code().passed());
            c.put("checks_total", v.code().checks().size());
            c.put("fraction_passed", v.code().fractionPassed());
        }
        if (v.judge() != null) c.put("judge", v.judge().ok() ? v.judge().classification() : "judge_error");
        r.set("checks", v.code() == null ? WorldFiles.JSON.createArrayNode() : Json.tree(v.code().checks()));
        if (v.judge() != null) {
            ObjectNode j = r.putObject("judge");
            j.put("classification", v.judge().classification());
            j.put("reasoning", v.judge().reasoning());
            if (v.judge().error() != null) j.put("error", v.judge().error());
            j.put("cached", v.judge().cached());
        }
        r.put("final_answer", e.finalAnswer());
        r.put("turns", e.turns());
        r.put("world_calls", e.worldCalls());
        r.put("successful_calls", e.successfulCalls());
        r.put("tool_errors", e.toolErrors());
        r.put("format_errors", e.formatErrors());
        r.set("tokens", usage(e.usage()));
        r.putObject("seconds").put("total", e.millis() / 1000.0).put("model", e.modelMillis() / 1000.0).put("tools", e.toolMillis() / 1000.0);
        return r;
    }
}
