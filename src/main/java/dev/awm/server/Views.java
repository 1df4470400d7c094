package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.Prompts;
import dev.awm.episode.Score;
import dev.awm.episode.StepResult;
import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.CompiledTool;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Episodes, steps and verdicts as the JSON every face answers with (snake_case, as trainers' clients expect). */
final class Views {

    private Views() {}

    /** The tools as MCP lists them: name, description, inputSchema. */
    static List<Map<String, Object>> tools(WorldRuntime world, String schemaKey) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CompiledTool t : world.tools()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.tool.name());
            m.put("description", t.tool.description());
            m.put(schemaKey, t.tool.inputSchema());
            out.add(m);
        }
        return out;
    }

    /**
     * An episode just created or forked: everything an agent needs to start, and where its MCP server is. A fork's
     * prompt and tools are its parent's, and its state hash its parent's current one, so they are left out of its
     * answer (a GRPO step forks hundreds of times); GET the episode for its state hash.
     */
    static Map<String, Object> created(Episode e, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("episode_id", e.id);
        m.put("world", e.world.world.scenario());
        m.put("task", e.task == null ? null : e.task.index());
        if (e.parentId != null) {
            m.put("parent_id", e.parentId);
        } else {
            m.put("prompt", e.task == null ? McpEndpoint.instructions(e.world) : Prompts.task(e.world, e.task));
            m.put("tools", tools(e.world, "inputSchema"));
            m.put("state_hash", e.startHash());
        }
        m.put("mcp_url", baseUrl + mcpPath(e));
        return m;
    }

    static String mcpPath(Episode e) {
        return "/v1/episodes/" + e.id + "/mcp";
    }

    static Map<String, Object> info(Episode e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("episode_id", e.id);
        m.put("world", e.world.world.scenario());
        m.put("task", e.task == null ? null : e.task.index());
        m.put("parent_id", e.parentId);
        m.put("steps", e.steps());
        m.put("state_hash", e.stateHash());
        m.put("age_seconds", round(e.ageSeconds()));
        m.put("idle_seconds", round(e.idleSeconds()));
        m.put("ended", e.ended());
        m.put("verdict", e.verdict() == null ? null : score(e.verdict()));
        List<Map<String, Object>> log = new ArrayList<>();
        for (Episode.Call c : e.log()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("step", c.step());
            l.put("tool", c.tool());
            l.put("arguments", c.arguments());
            l.put("is_error", c.isError());
            l.put("error_kind", c.errorKind() == null ? null : c.errorKind().wireName());
            l.put("ms", round(c.millis()));
            log.add(l);
        }
        m.put("log", log);
        return m;
    }

    static Map<String, Object> step(StepResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", r.text());
        m.put("is_error", r.isError());
        m.put("error_kind", r.errorKind() == null ? null : r.errorKind().wireName());
        m.put("step", r.step());
        return m;
    }

    static Map<String, Object> score(Score s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reward", s.reward());
        m.put("complete", s.complete());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Score.Check c : s.checks()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("message", c.message());
            x.put("passed", c.passed());
            x.put("kind", c.kind());
            x.put("detail", c.detail());
            checks.add(x);
        }
        m.put("checks", checks);
        m.put("components", s.components());
        return m;
    }

    static Map<String, Object> diff(Episode e, StateDiff d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("episode_id", e.id);
        Map<String, Object> tables = new LinkedHashMap<>();
        d.tables().forEach((table, t) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("inserted", t.inserted());
            x.put("deleted", t.deleted());
            List<Map<String, Object>> updated = new ArrayList<>();
            for (StateDiff.Update u : t.updated()) updated.add(Map.of("key", u.key(), "changes", u.changes()));
            x.put("updated", updated);
            tables.put(table, x);
        });
        m.put("tables", tables);
        return m;
    }

    /** scheme://host:port of the request, as the client reached the server. */
    static String baseUrl(HttpServletRequest req) {
        String host = req.getHeader("Host");
        return req.getScheme() + "://" + (host == null || host.isBlank() ? req.getServerName() + ":" + req.getServerPort() : host);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
