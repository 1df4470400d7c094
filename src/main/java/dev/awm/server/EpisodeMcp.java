package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.EpisodeException;
import dev.awm.episode.Episodes;
import dev.awm.episode.StepResult;
import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Episodes as MCP servers (Streamable HTTP). {@code /v1/episodes/{id}/mcp} is bound to one episode: every MCP session
 * opened there, including clients that open a new session for every call, acts on that episode and its calls enter its
 * log. {@code /worlds/{world}/mcp} opens a fresh episode (with no task) for each MCP session.
 *
 * <p>This is the one class that serves MCP for episodes: one {@link McpEndpoint} per world answers for all of that
 * world's episodes, and an MCP session id is bound to its episode when the session is created. Re-point it here when
 * the MCP package offers a server per episode.
 */
final class EpisodeMcp implements AutoCloseable {

    /** What an MCP session is bound to: an episode, or (for a world session not yet used) the world and when it began. */
    private record Binding(Episode episode, WorldRuntime world, long sinceNanos) {}

    private final Episodes episodes;
    private final Map<String, McpEndpoint> endpoints = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, Binding> sessions = new ConcurrentHashMap<>();
    /** Mounted at {@code /worlds/*}. */
    final HttpServlet worldServlet = new HttpServlet() {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            serveWorld(req, resp);
        }
    };

    EpisodeMcp(Episodes episodes) {
        this.episodes = episodes;
        for (WorldRuntime w : episodes.worlds()) endpoints.put(w.world.scenario(), new McpEndpoint(w, "/mcp", this::call));
        episodes.onSweep(this::sweepUnused);
    }

    private ToolResult call(String sessionId, String tool, JsonNode arguments) {
        Binding b = sessionId == null ? null : sessions.get(sessionId);
        if (b == null) throw new EpisodeException(EpisodeException.Kind.NOT_FOUND, "this MCP session has no episode any more; initialize a new session");
        Episode e = b.episode;
        if (e == null) {
            Binding bound = sessions.computeIfPresent(sessionId, (k, old) -> old.episode != null ? old : new Binding(episodes.createWithoutTask(old.world.world.scenario()), null, 0));
            if (bound == null) throw new EpisodeException(EpisodeException.Kind.NOT_FOUND, "this MCP session has no episode any more; initialize a new session");
            e = bound.episode;
        }
        StepResult r = e.step(tool, arguments);
        return new ToolResult(r.isError(), r.text(), r.value());
    }

    /** {@code /v1/episodes/{id}/mcp}. */
    void serveEpisode(String episodeId, HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        Episode e;
        try {
            e = episodes.get(episodeId);
        } catch (EpisodeException notFound) {
            rpcError(resp, 404, notFound.getMessage());
            return;
        }
        String session = req.getHeader("Mcp-Session-Id");
        if (session != null) {
            Binding b = sessions.get(session);
            if (b == null || b.episode != e) {
                rpcError(resp, 404, "Unknown or expired MCP session for episode " + episodeId + ": initialize a new one");
                return;
            }
        }
        e.touch();
        Episode episode = e;
        endpoints.get(e.world.world.scenario()).servlet.service(req, binding(resp, id -> new Binding(episode, null, 0)));
    }

    /** {@code /worlds/{world}/mcp}: a fresh episode per MCP session, made on its first tool call. */
    private void serveWorld(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        McpEndpoint endpoint = parts.length == 2 && parts[1].equals("mcp") ? endpoints.get(parts[0]) : null;
        if (endpoint == null) {
            rpcError(resp, 404, "no MCP server at " + req.getRequestURI() + "; worlds are served at /worlds/{world}/mcp, worlds here: " + String.join(", ", endpoints.keySet()));
            return;
        }
        WorldRuntime world = episodes.world(parts[0]);
        String session = req.getHeader("Mcp-Session-Id");
        if (session == null) {
            if (req.getMethod().equals("POST") && episodes.active() >= episodes.max()) {
                resp.setHeader("Retry-After", "1");
                rpcError(resp, 429, "the server holds " + episodes.max() + " live episodes, its limit; retry after some are deleted or reclaimed");
                return;
            }
        } else {
            Binding b = sessions.get(session);
            if (b == null || (b.episode != null ? b.episode.world : b.world) != world || b.episode != null && !b.episode.isOpen()) {
                rpcError(resp, 404, "Unknown or expired MCP session: initialize a new one");
                return;
            }
            if (b.episode != null) b.episode.touch();
        }
        endpoint.servlet.service(req, binding(resp, id -> new Binding(null, world, System.nanoTime())));
        if (session != null && req.getMethod().equals("DELETE")) {
            Binding b = sessions.remove(session);
            if (b != null && b.episode != null) episodes.delete(b.episode.id);
        }
    }

    /** Binds the MCP session the SDK creates to an episode before its id reaches the client. */
    private HttpServletResponse binding(HttpServletResponse resp, java.util.function.Function<String, Binding> bind) {
        return new HttpServletResponseWrapper(resp) {
            @Override
            public void setHeader(String name, String value) {
                if (name.equalsIgnoreCase("Mcp-Session-Id") && value != null) sessions.putIfAbsent(value, bind.apply(value));
                super.setHeader(name, value);
            }

            @Override
            public void addHeader(String name, String value) {
                if (name.equalsIgnoreCase("Mcp-Session-Id") && value != null) sessions.putIfAbsent(value, bind.apply(value));
                super.addHeader(name, value);
            }
        };
    }

    /** Forgets sessions whose episode is gone, and world sessions that made no call within the idle timeout. */
    private void sweepUnused() {
        long cutoff = System.nanoTime() - episodes.idleTimeout().toNanos();
        sessions.values().removeIf(b -> b.episode == null ? b.sinceNanos < cutoff : !b.episode.isOpen());
    }

    private static void rpcError(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(Json.write(Map.of("jsonrpc", "2.0", "id", "null-id", "error", Map.of("code", -32600, "message", message)))
                .replace("\"null-id\"", "null"));
    }

    @Override
    public void close() {
        endpoints.values().forEach(McpEndpoint::close);
    }
}
