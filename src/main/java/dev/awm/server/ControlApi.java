package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.EpisodeException;
import dev.awm.episode.Episodes;
import dev.awm.episode.Score;
import dev.awm.episode.StepResult;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * awm's own control API for trainers, JSON over HTTP under {@code /v1}: create, fork, reset, step, evaluate, diff,
 * inspect and delete episodes, list worlds, read capacity. None of it is visible to the agent as a tool.
 * {@code /v1/episodes/{id}/mcp} is handed to the episode's MCP server.
 */
final class ControlApi extends HttpServlet {

    private final Episodes episodes;
    private final EpisodeMcp mcp;

    ControlApi(Episodes episodes, EpisodeMcp mcp) {
        this.episodes = episodes;
        this.mcp = mcp;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length == 3 && parts[0].equals("episodes") && parts[2].equals("mcp")) {
            mcp.serveEpisode(parts[1], req, resp);
            return;
        }
        String method = req.getMethod();
        String requestId = req.getHeader("X-Request-Id");
        try {
            JsonNode body = method.equals("POST") ? JsonHttp.body(req) : null;
            requestId = JsonHttp.requestId(req, body);
            route(method, parts, body, requestId, req, resp);
        } catch (RuntimeException e) {
            JsonHttp.fail(resp, e, requestId);
        }
    }

    private void route(String method, String[] p, JsonNode body, String rid, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String route = method + " " + (p.length == 0 ? "" : p[0]) + (p.length > 2 ? "/*/" + p[2] : p.length == 2 ? "/*" : "");
        switch (route) {
            case "GET worlds" -> JsonHttp.write(resp, 200, rid, Map.of("worlds", worlds()));
            case "GET capacity" -> JsonHttp.write(resp, 200, rid, capacity(episodes));
            case "GET episodes" -> JsonHttp.write(resp, 200, rid, Map.of("episodes", list()));
            case "POST episodes" -> {
                Episode e = episodes.create(JsonHttp.text(body, "world"), JsonHttp.integer(body, "task"), rid);
                JsonHttp.write(resp, 201, rid, Views.created(e, Views.baseUrl(req)));
            }
            case "GET episodes/*" -> JsonHttp.write(resp, 200, rid, Views.info(episodes.get(p[1])));
            case "DELETE episodes/*" -> {
                if (!episodes.delete(p[1])) throw new EpisodeException(EpisodeException.Kind.NOT_FOUND, "no episode " + p[1] + " (never created, already deleted, or reclaimed after being idle)");
                JsonHttp.write(resp, 200, rid, Map.of("episode_id", p[1], "deleted", true));
            }
            case "POST episodes/*/fork" -> {
                Episode e = episodes.fork(p[1], rid);
                JsonHttp.write(resp, 201, rid, Views.created(e, Views.baseUrl(req)));
            }
            case "POST episodes/*/reset" -> {
                Episode e = episodes.get(p[1]);
                e.reset();
                JsonHttp.write(resp, 200, rid, Map.of("episode_id", e.id, "state_hash", e.stateHash(), "step", 0));
            }
            case "POST episodes/*/step" -> {
                Episode e = episodes.get(p[1]);
                String tool = JsonHttp.text(body, "tool");
                if (tool == null || tool.isBlank()) throw new JsonHttp.BadRequest(400, "name the tool to call in \"tool\"; the episode's tools are listed when it is created");
                JsonNode args = body.get("arguments");
                if (args != null && !args.isNull() && !args.isObject()) throw new JsonHttp.BadRequest(400, "\"arguments\" must be a JSON object of named arguments, not " + JsonHttp.kind(args));
                StepResult r = e.once(rid, () -> e.step(tool, args));
                JsonHttp.write(resp, 200, rid, Views.step(r));
            }
            case "POST episodes/*/evaluate" -> {
                Episode e = episodes.get(p[1]);
                String answer = JsonHttp.text(body, "answer");
                Score s = e.once(rid == null ? null : "evaluate:" + rid, () -> e.evaluate(answer));
                JsonHttp.write(resp, 200, rid, Views.score(s));
            }
            case "GET episodes/*/diff" -> {
                Episode e = episodes.get(p[1]);
                JsonHttp.write(resp, 200, rid, Views.diff(e, e.diff()));
            }
            default -> {
                if (routeExists(p)) throw new JsonHttp.BadRequest(405, method + " is not allowed on " + req.getRequestURI());
                throw new JsonHttp.BadRequest(404, "no such endpoint: " + method + " " + req.getRequestURI() + ". The control API is under /v1: worlds, capacity, episodes[/{id}[/fork|reset|step|evaluate|diff|mcp]]");
            }
        }
    }

    private static boolean routeExists(String[] p) {
        if (p.length == 1) return List.of("worlds", "capacity", "episodes").contains(p[0]);
        return p[0].equals("episodes") && (p.length == 2 || p.length == 3 && List.of("fork", "reset", "step", "evaluate", "diff").contains(p[2]));
    }

    static Map<String, Object> capacity(Episodes episodes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", episodes.active());
        m.put("max", episodes.max());
        m.put("idle_timeout_seconds", episodes.idleTimeout().toSeconds());
        return m;
    }

    private List<Map<String, Object>> worlds() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (WorldRuntime w : episodes.worlds()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("world", w.world.scenario());
            m.put("name", w.world.name());
            m.put("description", w.world.description());
            m.put("tools", w.tools().size());
            List<Map<String, Object>> tasks = new ArrayList<>();
            for (var spec : w.world.verifiers()) tasks.add(Map.of("task", spec.index(), "text", spec.task()));
            m.put("tasks", tasks);
            m.put("mcp_url_template", "/worlds/" + w.world.scenario() + "/mcp");
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> list() {
        return episodes.list().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("episode_id", e.id);
            m.put("world", e.world.world.scenario());
            m.put("task", e.task == null ? null : e.task.index());
            m.put("steps", e.steps());
            m.put("idle_seconds", Math.round(e.idleSeconds()));
            return m;
        }).toList();
    }
}
