package dev.awm.agent;

import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves episode instances over MCP (Streamable HTTP) on a free port of 127.0.0.1, each at its own URL
 * {@code http://127.0.0.1:PORT/episodes/N/mcp}, so that an agent reaches its world exactly as any MCP client does.
 */
public final class EpisodeServer implements AutoCloseable {

    private static final String PREFIX = "/episodes/";

    private final HttpServer http;
    private final Router router = new Router();
    private final AtomicLong ids = new AtomicLong();

    public EpisodeServer() {
        http = new HttpServer("127.0.0.1", 0).mount(PREFIX + "*", router).start();
    }

    /** An instance being served; closing it stops serving (the instance stays open). */
    public final class Served implements AutoCloseable {
        private final String id;
        private final McpEndpoint endpoint;
        private final String url;

        private Served(String id, McpEndpoint endpoint) {
            this.id = id;
            this.endpoint = endpoint;
            this.url = "http://127.0.0.1:" + http.port() + PREFIX + id + "/mcp";
        }

        public String url() {
            return url;
        }

        @Override
        public void close() {
            router.episodes.remove(id);
            endpoint.close();
        }
    }

    /** Serves {@code instance} of {@code world} at a new URL: every MCP session there acts on it. */
    public Served serve(WorldRuntime world, Instance instance) {
        String id = Long.toString(ids.incrementAndGet());
        McpEndpoint endpoint = new McpEndpoint(world, PREFIX + id + "/mcp", session -> instance);
        try {
            endpoint.servlet.init(router.getServletConfig());
        } catch (ServletException e) {
            endpoint.close();
            throw new IllegalStateException("cannot serve an instance of " + world.world.scenario() + " over MCP: " + e.getMessage(), e);
        }
        router.episodes.put(id, endpoint.servlet);
        return new Served(id, endpoint);
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
    }

    /** Sends each request to the episode its path names; an unknown or finished episode gets a JSON-RPC error. */
    private static final class Router extends HttpServlet {
        final Map<String, HttpServlet> episodes = new ConcurrentHashMap<>();

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String rest = req.getRequestURI().substring(Math.min(req.getRequestURI().length(), PREFIX.length()));
            int slash = rest.indexOf('/');
            HttpServlet target = slash < 0 ? null : episodes.get(rest.substring(0, slash));
            if (target == null) {
                resp.setStatus(404);
                resp.setContentType("application/json");
                resp.getWriter().write("{\"jsonrpc\": \"2.0\", \"id\": null, \"error\": {\"code\": -32600, \"message\": \"No episode is served at this URL (it has ended or never existed).\"}}");
                return;
            }
            target.service(req, resp);
        }
    }
}
