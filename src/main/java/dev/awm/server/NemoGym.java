package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.EpisodeException;
import dev.awm.episode.Episodes;
import dev.awm.episode.Score;
import dev.awm.episode.StepResult;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * NeMo Gym's resources-server routes over the same episodes: {@code POST /seed_session} opens an episode (bound to the
 * caller by a cookie, as NeMo Gym's agents keep it), {@code POST /{tool}} calls a tool on it, {@code POST /verify}
 * scores the final answer of the response and ends the episode, {@code POST /close_session} ends it without a score.
 * Both of NeMo Gym's seed bodies are accepted: {@code {world, task}}, and its environment servers'
 * {@code {resources_session_id, episode_id, task_id, task_data: {world, task}}}.
 */
final class NemoGym extends HttpServlet {

    static final String COOKIE = "awm_episode";

    private final Episodes episodes;
    /** NeMo Gym's own episode ids (environment servers' seeds) to ours, for a verify that names only its own. */
    private final Map<String, String> gymEpisodes = new ConcurrentHashMap<>();

    NemoGym(Episodes episodes) {
        this.episodes = episodes;
        episodes.onRemoved(e -> gymEpisodes.values().remove(e.id));
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        String rid = req.getHeader("X-Request-Id");
        try {
            if (!req.getMethod().equals("POST")) {
                if (path.equals("/") && req.getMethod().equals("GET")) {
                    JsonHttp.write(resp, 200, null, Map.of("name", "awm", "version", InfoServlet.VERSION, "endpoints",
                            "/v1 (control API), /ws (OpenEnv), /seed_session and /verify (NeMo Gym), /v1/episodes/{id}/mcp and /worlds/{world}/mcp (MCP), /health, /schema, /metadata, /metrics"));
                    return;
                }
                throw new JsonHttp.BadRequest(404, "no such endpoint: " + req.getMethod() + " " + path);
            }
            JsonNode body = JsonHttp.body(req);
            rid = JsonHttp.requestId(req, body);
            switch (path) {
                case "/seed_session" -> seed(body, rid, req, resp);
                case "/verify" -> verify(body, rid, req, resp);
                case "/close_session" -> close(body, rid, req, resp);
                default -> tool(path.substring(1), body, req, resp);
            }
        } catch (RuntimeException e) {
            JsonHttp.fail(resp, e, rid);
        }
    }

    private void seed(JsonNode body, String rid, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String gymSession = JsonHttp.text(body, "resources_session_id");
        JsonNode taskData = gymSession != null ? body.path("task_data") : body;
        if (gymSession != null && !taskData.isObject()) throw new JsonHttp.BadRequest(400, "\"task_data\" must be an object with the world and task, as {\"world\": ..., \"task\": ...}");
        Episode e = episodes.create(JsonHttp.text(taskData, "world"), JsonHttp.integer(taskData, "task"), gymSession != null ? "gym:" + gymSession : rid);
        Cookie cookie = new Cookie(COOKIE, e.id);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        resp.addCookie(cookie);
        Map<String, Object> tools = new LinkedHashMap<>();
        tools.put("server_name", "awm_" + e.world.world.scenario());
        tools.put("url_path", Views.mcpPath(e));
        tools.put("transport", "http");
        tools.put("headers", Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        if (gymSession != null) {
            String gymEpisode = JsonHttp.text(body, "episode_id");
            if (gymEpisode != null) gymEpisodes.put(gymEpisode, e.id);
            out.put("resources_session_id", gymSession);
            out.put("resources_tools", tools);
            JsonHttp.write(resp, 200, null, out);
            return;
        }
        out.putAll(Views.created(e, Views.baseUrl(req)));
        out.put("resources_tools", tools);
        JsonHttp.write(resp, 200, rid, out);
    }

    private void tool(String tool, JsonNode args, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Episode e = episode(req, args);
        StepResult r = e.step(tool, args);
        byte[] text = r.text().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType(r.isError() ? "text/plain; charset=utf-8" : "application/json");
        resp.setHeader("X-Awm-Is-Error", String.valueOf(r.isError()));
        if (r.errorKind() != null) resp.setHeader("X-Awm-Error-Kind", r.errorKind().wireName());
        resp.setContentLength(text.length);
        resp.getOutputStream().write(text);
    }

    private void verify(JsonNode body, String rid, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Episode e = episode(req, body);
        String answer = JsonHttp.text(body, "answer");
        if (answer == null) answer = finalText(body.path("response"));
        if (answer == null) answer = finalText(body.path("verification_input").path("response"));
        if (answer == null) answer = JsonHttp.text(body.path("verification_input"), "answer");
        String a = answer;
        Score s = e.once(rid == null ? null : "verify:" + rid, () -> e.finish(a));
        Map<String, Object> out = new LinkedHashMap<>();
        body.properties().forEach(p -> out.put(p.getKey(), p.getValue()));
        out.put("reward", s.reward());
        out.put("reward_components", s.components());
        out.put("complete", s.complete());
        out.put("checks", Views.score(s).get("checks"));
        episodes.delete(e.id);
        JsonHttp.write(resp, 200, rid, out);
    }

    private void close(JsonNode body, String rid, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String gymSession = JsonHttp.text(body, "resources_session_id");
        Episode e;
        try {
            e = episode(req, body);
        } catch (EpisodeException gone) {
            e = null; // closing what is already gone succeeds, as NeMo Gym requires
        }
        if (e != null) episodes.delete(e.id);
        Map<String, Object> out = new LinkedHashMap<>();
        if (gymSession != null) out.put("resources_session_id", gymSession);
        else out.put("closed", e != null);
        JsonHttp.write(resp, 200, gymSession != null ? null : rid, out);
    }

    /** The caller's episode: named in the body (episode_id, or NeMo Gym's own ids), else by the cookie seed_session set. */
    private Episode episode(HttpServletRequest req, JsonNode body) {
        String gymSession = JsonHttp.text(body, "resources_session_id");
        if (gymSession != null) {
            Episode e = episodes.createdBy("gym:" + gymSession);
            if (e != null) return e;
        }
        String id = body.path("episode_id").isString() ? body.get("episode_id").asString() : null;
        if (id != null && gymEpisodes.containsKey(id)) id = gymEpisodes.get(id);
        if (id == null && req.getCookies() != null) {
            for (Cookie c : req.getCookies()) if (c.getName().equals(COOKIE)) id = c.getValue();
        }
        if (id == null) throw new EpisodeException(EpisodeException.Kind.BAD_REQUEST, "no episode: call /seed_session first (its cookie names the episode), or send \"episode_id\"");
        return episodes.get(id);
    }

    /** The text of the last assistant message in a Responses API response ({@code output: [{type: message, content: [{type: output_text, text}]}]}). */
    static String finalText(JsonNode response) {
        JsonNode output = response.path("output");
        if (!output.isArray()) return null;
        for (int i = output.size() - 1; i >= 0; i--) {
            JsonNode item = output.get(i);
            if (!item.path("type").asString("").equals("message") || !item.path("role").asString("assistant").equals("assistant")) continue;
            StringBuilder text = new StringBuilder();
            for (JsonNode c : item.path("content")) {
                if (c.path("type").asString("").equals("output_text")) text.append(c.path("text").asString(""));
            }
            return text.toString();
        }
        return null;
    }
}
