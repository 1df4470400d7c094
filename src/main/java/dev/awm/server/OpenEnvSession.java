package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.EpisodeException;
import dev.awm.episode.Episodes;
import dev.awm.episode.Prompts;
import dev.awm.episode.Score;
import dev.awm.episode.StepResult;
import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import tools.jackson.databind.JsonNode;

/**
 * One OpenEnv session at {@code /ws}: a WebSocket connection and the episode it runs (see {@link OpenEnvSocket}).
 * Public only because Jetty calls its listener methods reflectively.
 */
public final class OpenEnvSession implements Session.Listener.AutoDemanding {

    private static final Set<String> MESSAGE_KEYS = Set.of("type", "data");
    private static final Map<String, Set<String>> ACTION_KEYS = Map.of(
            "list_tools", Set.of("type", "metadata"),
            "call_tool", Set.of("type", "tool_name", "arguments", "metadata"),
            "final_answer", Set.of("type", "answer", "metadata"));

    private final Episodes episodes;
    private Session session;
    private Episode episode;
    private Integer maxSteps;
    private Double reward;

    OpenEnvSession(Episodes episodes) {
        this.episodes = episodes;
    }

    /** An error answered with OpenEnv's codes: INVALID_JSON, UNKNOWN_TYPE, VALIDATION_ERROR, EXECUTION_ERROR, CAPACITY_REACHED, SESSION_ERROR. */
    private static final class Refusal extends RuntimeException {
        final String code;
        final Map<String, Object> extra;

        Refusal(String code, String message, Map<String, Object> extra) {
            super(message, null, false, false);
            this.code = code;
            this.extra = extra;
        }

        Refusal(String code, String message) {
            this(code, message, Map.of());
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        if (episodes.active() >= episodes.max()) {
            send(error(new Refusal("CAPACITY_REACHED", capacityMessage(), capacityCounts())));
            session.close();
        }
    }

    @Override
    public void onWebSocketText(String text) {
        Map<String, Object> reply;
        boolean closing = false;
        try {
            JsonNode msg = parse(text);
            String type = msg.path("type").isString() ? msg.get("type").asString() : "";
            reply = switch (type) {
                case "reset" -> reset(data(msg, false));
                case "step" -> step(data(msg, true));
                case "state" -> {
                    keys(msg, MESSAGE_KEYS, "state");
                    yield Map.of("type", "state", "data", state());
                }
                case "close" -> {
                    closing = true;
                    yield null;
                }
                case "mcp" -> Map.of("type", "mcp", "data", mcp(data(msg, true)));
                default -> throw new Refusal("UNKNOWN_TYPE", "Unknown message type: " + type);
            };
        } catch (Refusal r) {
            reply = error(r);
        } catch (EpisodeException e) {
            reply = error(switch (e.kind) {
                case BAD_REQUEST -> new Refusal("VALIDATION_ERROR", e.getMessage());
                case AT_CAPACITY -> new Refusal("CAPACITY_REACHED", capacityMessage(), capacityCounts());
                case NOT_FOUND -> new Refusal("SESSION_ERROR", "this session's episode no longer exists (reclaimed after being idle for "
                        + episodes.idleTimeout().toSeconds() + " s, or deleted); send a reset to start another");
                case ENDED -> new Refusal("EXECUTION_ERROR", e.getMessage());
            });
        } catch (RuntimeException e) {
            System.err.println("awm serve: OpenEnv message failed: " + e);
            reply = error(new Refusal("EXECUTION_ERROR", "the server failed to handle the message; it is safe to retry"));
        }
        if (closing) {
            release();
            session.close();
            return;
        }
        send(reply);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        release();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        release();
    }

    private synchronized void release() {
        if (episode != null) {
            episodes.delete(episode.id);
            episode = null;
        }
    }

    private Map<String, Object> reset(JsonNode data) {
        String world = JsonHttp.text(data, "world");
        Integer task = JsonHttp.integer(data, "task");
        Integer seed = JsonHttp.integer(data, "seed");
        maxSteps = JsonHttp.integer(data, "max_steps");
        if (task == null && seed != null) {
            List<Integer> tasks = episodes.world(world).world.verifiers().stream().map(v -> v.index()).toList();
            task = tasks.get(Math.floorMod(seed, tasks.size()));
        }
        if (task == null) throw new Refusal("VALIDATION_ERROR", "reset needs data.task (a task number) or data.seed, and data.world unless one world is served; worlds here: "
                + String.join(", ", episodes.worlds().stream().map(w -> w.world.scenario()).toList()));
        synchronized (this) {
            Episode current = episode;
            if (current != null && current.isOpen() && current.world == episodes.world(world) && current.task.index() == task) {
                current.reset();
            } else {
                release();
                episode = episodes.create(world, task, null);
            }
            reward = null;
            Episode e = episode;
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("episode_id", e.id);
            about.put("world", e.world.world.scenario());
            about.put("task", e.task.index());
            about.put("state_hash", e.startHash());
            Map<String, Object> obs = new LinkedHashMap<>();
            obs.put("prompt", Prompts.task(e.world, e.task));
            obs.putAll(about);
            Map<String, Object> metadata = new LinkedHashMap<>(about);
            metadata.put("prompt", obs.get("prompt"));
            obs.put("metadata", metadata);
            return observation(obs, null, false);
        }
    }

    private Map<String, Object> step(JsonNode action) {
        String type = action.path("type").isString() ? action.get("type").asString() : null;
        Set<String> allowed = type == null ? null : ACTION_KEYS.get(type);
        if (allowed == null) throw new Refusal("VALIDATION_ERROR", "Invalid message: the action's \"type\" must be list_tools, call_tool or final_answer");
        keys(action, allowed, "a " + type + " action");
        Episode e = current();
        return switch (type) {
            case "list_tools" -> observation(Map.of("tools", Views.tools(e.world, "input_schema")), null, false);
            case "call_tool" -> callTool(e, action);
            default -> finalAnswer(e, JsonHttp.text(action, "answer"));
        };
    }

    private Map<String, Object> callTool(Episode e, JsonNode action) {
        JsonNode nameNode = action.get("tool_name");
        if (nameNode == null || !nameNode.isString()) throw new Refusal("VALIDATION_ERROR", "Invalid message: a call_tool action needs \"tool_name\", a string");
        JsonNode args = action.get("arguments");
        if (args != null && !args.isNull() && !args.isObject()) throw new Refusal("VALIDATION_ERROR", "Invalid message: \"arguments\" must be an object");
        String tool = nameNode.asString();
        StepResult r = e.step(tool, args);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", List.of(Map.of("type", "text", "text", r.text())));
        result.put("structured_content", r.isError() ? null : r.value());
        result.put("data", r.isError() ? null : r.value());
        result.put("is_error", r.isError());
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("tool_name", tool);
        obs.put("result", result);
        obs.put("error", r.isError() ? Map.of("error_type", e.world.world.tool(tool).isEmpty() ? "tool_not_found" : "execution_error", "message", r.text()) : null);
        obs.put("is_error", r.isError());
        obs.put("error_kind", r.errorKind() == null ? null : r.errorKind().wireName());
        obs.put("step", r.step());
        if (maxSteps != null && r.step() >= maxSteps) {
            Score s = e.finish("");
            reward = s.reward();
            obs.put("metadata", Map.of("ended_by", "max_steps", "complete", s.complete()));
            return observation(obs, s.reward(), true);
        }
        return observation(obs, null, false);
    }

    private Map<String, Object> finalAnswer(Episode e, String answer) {
        Score s = e.finish(answer);
        reward = s.reward();
        Map<String, Object> obs = new LinkedHashMap<>(Views.score(s));
        obs.remove("reward");
        obs.put("answer", answer);
        obs.put("metadata", Map.of("ended_by", "final_answer", "complete", s.complete()));
        return observation(obs, s.reward(), true);
    }

    private synchronized Episode current() {
        if (episode == null) {
            throw new Refusal("EXECUTION_ERROR", "no episode yet: send {\"type\": \"reset\", \"data\": {\"world\": ..., \"task\": ...}} first; worlds here: "
                    + String.join(", ", episodes.worlds().stream().map(w -> w.world.scenario()).toList()));
        }
        return episode;
    }

    private synchronized Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        Episode e = episode;
        boolean live = e != null && e.isOpen();
        s.put("episode_id", e == null ? null : e.id);
        s.put("step_count", live ? e.steps() : 0);
        s.put("world", e == null ? null : e.world.world.scenario());
        s.put("task", e == null ? null : e.task.index());
        s.put("state_hash", live ? e.stateHash() : null);
        s.put("done", e != null && e.ended());
        s.put("reward", reward);
        return s;
    }

    /** The MCP JSON-RPC messages OpenEnv sends over the socket: tools/list and tools/call on this session's episode. */
    private Map<String, Object> mcp(JsonNode rpc) {
        Object id = rpc.has("id") ? Json.plain(rpc.get("id")) : null;
        String method = rpc.path("method").asString("");
        Map<String, Object> out = new HashMap<>();
        out.put("jsonrpc", "2.0");
        out.put("id", id);
        try {
            switch (method) {
                case "tools/list" -> out.put("result", Map.of("tools", Views.tools(current().world, "inputSchema")));
                case "tools/call" -> {
                    JsonNode params = rpc.path("params");
                    StepResult r = current().step(params.path("name").asString(""), params.get("arguments"));
                    out.put("result", McpEndpoint.toolResult(r.toolResult()));
                }
                default -> out.put("error", Map.of("code", -32601, "message", "Method not found: " + method + " (tools/list and tools/call are served here)"));
            }
        } catch (Refusal | EpisodeException e) {
            out.put("error", Map.of("code", -32000, "message", e.getMessage()));
        }
        return out;
    }

    private static JsonNode parse(String text) {
        JsonNode msg;
        try {
            msg = Json.parse(text);
        } catch (RuntimeException e) {
            throw new Refusal("INVALID_JSON", "Invalid JSON: the message is not a JSON object");
        }
        if (!msg.isObject()) throw new Refusal("VALIDATION_ERROR", "Invalid message: a message must be a JSON object with a \"type\"");
        return msg;
    }

    private static JsonNode data(JsonNode msg, boolean required) {
        keys(msg, MESSAGE_KEYS, "a " + msg.path("type").asString() + " message");
        JsonNode data = msg.get("data");
        if (data == null || data.isNull()) {
            if (required) throw new Refusal("VALIDATION_ERROR", "Invalid message: \"data\" is required");
            return Json.parse("{}");
        }
        if (!data.isObject()) throw new Refusal("VALIDATION_ERROR", "Invalid message: \"data\" must be an object");
        return data;
    }

    private static void keys(JsonNode node, Set<String> allowed, String what) {
        List<String> extra = new ArrayList<>();
        for (String k : node.propertyNames()) if (!allowed.contains(k)) extra.add(k);
        if (!extra.isEmpty()) throw new Refusal("VALIDATION_ERROR", "Invalid message: " + what + " takes no field " + String.join(", ", extra)
                + " (it takes " + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }

    private String capacityMessage() {
        return "the server holds " + episodes.max() + " live episodes, its limit; retry after some end";
    }

    private Map<String, Object> capacityCounts() {
        return Map.of("active_sessions", episodes.active(), "max_sessions", episodes.max());
    }

    private static Map<String, Object> observation(Map<String, Object> obs, Double reward, boolean done) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("observation", obs);
        data.put("reward", reward);
        data.put("done", done);
        return Map.of("type", "observation", "data", data);
    }

    private static Map<String, Object> error(Refusal r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", r.getMessage());
        data.put("code", r.code);
        data.putAll(r.extra);
        return Map.of("type", "error", "data", data);
    }

    private void send(Map<String, Object> message) {
        Session s = session;
        if (s == null || !s.isOpen()) return;
        Callback.Completable sent = new Callback.Completable();
        s.sendText(Json.write(message), sent);
        try {
            sent.get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            s.close();
        }
    }
}
