package dev.awm.server;

import dev.awm.episode.Episode;
import dev.awm.episode.EpisodeException;
import dev.awm.episode.Episodes;
import dev.awm.mcp.McpEndpoint;
import dev.awm.mcp.McpServlet;
import dev.awm.mcp.McpSessions;
import dev.awm.runtime.Instance;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Episodes as MCP servers (Streamable HTTP), all answered by one {@link McpServlet}. {@code /v1/episodes/{id}/mcp} is
 * an endpoint bound to one episode, made at its first request and closed with the episode: every MCP session opened
 * there, including clients that open a new session for every call, acts on that episode, and its calls enter the
 * episode's log. {@code /worlds/{world}/mcp} gives each MCP session a fresh episode (with no task), made at its first
 * tool call and deleted when the session ends. MCP sessions left unused for the idle timeout are ended by the one
 * sweeper of {@link McpSessions}.
 */
final class EpisodeMcp implements AutoCloseable {

    private final Episodes episodes;
    private final McpSessions sessions;
    /** Serves every endpoint below by its exact path; mounted at {@code /worlds/*}, and handed {@code /v1/episodes/{id}/mcp}. */
    final McpServlet servlet = new McpServlet();
    private final Map<String, McpEndpoint> byEpisode = new ConcurrentHashMap<>();
    private final Map<String, McpEndpoint> byWorld = new ConcurrentHashMap<>();

    EpisodeMcp(Episodes episodes, Duration idleTimeout) {
        this.episodes = episodes;
        this.sessions = new McpSessions(idleTimeout, Math.max(McpSessions.DEFAULT_MAX_SESSIONS, 2 * episodes.max()));
        for (WorldRuntime w : episodes.worlds()) {
            McpEndpoint e = new McpEndpoint(w, "/worlds/" + w.world.scenario() + "/mcp", new FreshEpisodes(w), sessions);
            byWorld.put(w.world.scenario(), e);
            servlet.add(e);
        }
        episodes.onRemoved(e -> {
            McpEndpoint endpoint = byEpisode.remove(e.id);
            if (endpoint != null) close(endpoint);
        });
    }

    /** {@code /v1/episodes/{id}/mcp}: the episode's own endpoint, made on first use. */
    void serveEpisode(String episodeId, HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        Episode episode;
        try {
            episode = episodes.get(episodeId);
        } catch (EpisodeException notFound) {
            JsonHttp.rpcError(resp, 404, notFound.getMessage());
            return;
        }
        McpEndpoint endpoint = byEpisode.computeIfAbsent(episode.id, id -> {
            McpEndpoint e = new McpEndpoint(episode.world, Views.mcpPath(episode), new OneEpisode(episode), sessions);
            servlet.add(e);
            return e;
        });
        if (!episode.isOpen() && byEpisode.remove(episode.id, endpoint)) close(endpoint); // deleted while its endpoint was being made
        episode.touch();
        servlet.service(req, resp);
    }

    private void close(McpEndpoint endpoint) {
        servlet.remove(endpoint);
        endpoint.close();
    }

    /** Every call of every session goes through the episode, which logs it. */
    private record OneEpisode(Episode episode) implements McpEndpoint.Binding {
        @Override
        public Instance instance(String sessionId) {
            throw new IllegalStateException("an episode's tools are called through the episode");
        }

        @Override
        public ToolResult call(String sessionId, String tool, JsonNode args) {
            return step(episode, tool, args);
        }
    }

    /** A fresh episode of the world for each MCP session, made at its first call and deleted when the session ends. */
    private final class FreshEpisodes implements McpEndpoint.Binding {
        private final WorldRuntime world;
        private final Map<String, Episode> bySession = new ConcurrentHashMap<>();

        FreshEpisodes(WorldRuntime world) {
            this.world = world;
        }

        @Override
        public Instance instance(String sessionId) {
            throw new IllegalStateException("an episode's tools are called through the episode");
        }

        @Override
        public ToolResult call(String sessionId, String tool, JsonNode args) {
            Episode e;
            try {
                e = bySession.computeIfAbsent(sessionId, s -> episodes.createWithoutTask(world.world.scenario()));
            } catch (EpisodeException full) {
                return ToolResult.environmentError("The server is at its limit of live episodes; end this session and retry later.");
            }
            return step(e, tool, args);
        }

        @Override
        public void ended(String sessionId) {
            Episode e = bySession.remove(sessionId);
            if (e != null) episodes.delete(e.id);
        }
    }

    /** A call on an episode as an MCP tool result; an episode that is gone or has ended answers in words. */
    private static ToolResult step(Episode episode, String tool, JsonNode args) {
        try {
            return episode.step(tool, args).toolResult();
        } catch (EpisodeException e) {
            return e.kind == EpisodeException.Kind.ENDED ? ToolResult.agentError(e.getMessage() + ".") : ToolResult.environmentError(e.getMessage() + ".");
        }
    }

    /** Open MCP sessions, over every endpoint. */
    int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        byEpisode.values().forEach(this::close);
        byEpisode.clear();
        byWorld.values().forEach(this::close);
        sessions.close();
    }
}
