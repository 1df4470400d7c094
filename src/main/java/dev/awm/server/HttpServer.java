package dev.awm.server;

import dev.awm.runtime.Json;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jetty on virtual threads, bound to one host and port, with servlets mounted at paths. It guards every request the
 * same way: the Host header must name this server (a localhost name, the bound host or the address the client
 * reached) and an Origin, when sent, must be a localhost page, which stops DNS rebinding as the MCP specification
 * requires (more origins may be allowed); idle connections are closed, headers and connections are capped, and every
 * error Jetty itself answers is a small JSON object in plain words.
 */
public final class HttpServer implements AutoCloseable {

    /**
     * How long a connection may stay silent (a request's headers or body stalled, or a keep-alive connection unused),
     * how many connections may be open at once, and how large request headers may be. The default idle timeout
     * outlasts the keep-alive of common HTTP clients (Java's 30 s, Python httpx's 5 s; Node's follows the Keep-Alive
     * header sent here), so that an agent thinking between calls does not find its connection closed under it.
     */
    public record Limits(Duration idleTimeout, int maxConnections, int maxHeaderBytes) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), 10_000, 16 * 1024);

        public Limits {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || maxConnections < 1 || maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("HTTP limits must be positive, with at least 1 KiB of headers");
            }
        }
    }

    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "127.0.0.1", "::1");
    /** Bind addresses meaning every interface: a Host naming one is no name of this server. */
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");

    private final Server jetty;
    private final ServerConnector connector;
    private final ServletContextHandler context = new ServletContextHandler();
    private final Set<String> hostNames = new HashSet<>(LOCAL_NAMES);
    private final Set<String> allowedOrigins = new HashSet<>();
    private final Guard guard;
    private final String keepAlive;
    private boolean rootMounted, webSockets, anyHost;

    public HttpServer(String host, int port) {
        this(host, port, Limits.DEFAULT);
    }

    public HttpServer(String host, int port, Limits limits) {
        QueuedThreadPool pool = new QueuedThreadPool(256, 8);
        pool.setName("awm-http");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        keepAlive = "timeout=" + Math.max(1, limits.idleTimeout().toSeconds() - 5);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        jetty.setErrorHandler(new JsonErrors());
        guard = new Guard(context);
        jetty.setHandler(guard);
        jetty.setStopAtShutdown(true);
        if (host != null && !host.isBlank() && !WILDCARDS.contains(normalize(host))) hostNames.add(normalize(host));
    }

    public HttpServer mount(String pathSpec, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, pathSpec);
        rootMounted |= pathSpec.equals("/");
        return this;
    }

    /** Mounts a WebSocket endpoint (Jetty's WebSocket servlet) at {@code pathSpec}. */
    public HttpServer mountWebSocket(String pathSpec, JettyWebSocketServlet servlet) {
        if (!webSockets) {
            JettyWebSocketServletContainerInitializer.configure(context, null);
            webSockets = true;
        }
        return mount(pathSpec, servlet);
    }

    /** Runs {@code filter} before every servlet, WebSocket upgrades included, after the Host and Origin checks. */
    public HttpServer filter(Filter filter) {
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        return this;
    }

    /** Also answers browser pages from these origins ({@code scheme://host[:port]}, as browsers send them). */
    public HttpServer allowOrigins(Collection<String> origins) {
        for (String o : origins) allowedOrigins.add(o.strip().toLowerCase(Locale.ROOT).replaceAll("/+$", ""));
        return this;
    }

    /**
     * Answers requests whatever host their Host header names. Only for a server whose every request must carry a
     * secret (a bearer token): a page reached through DNS rebinding cannot send it, and clients elsewhere reach the
     * server by names it cannot know.
     */
    public HttpServer anyHost() {
        anyHost = true;
        return this;
    }

    /**
     * On stop, refuses new connections and requests but lets those in flight finish, for at most {@code timeout}. Call
     * before {@link #start()}.
     */
    public HttpServer graceful(Duration timeout) {
        jetty.setHandler(new GracefulHandler(guard));
        jetty.setStopTimeout(timeout.toMillis());
        return this;
    }

    /** Starts listening; a port already in use is reported in plain words. */
    public HttpServer start() {
        if (!rootMounted) mount("/", new NotFound());
        try {
            jetty.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + connector.getHost() + ":" + connector.getPort() + ": " + e.getMessage()
                    + " (is another server on that port? choose another with --port)");
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server failed to start: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server failed to stop: " + e.getMessage(), e);
        }
    }

    /** Host and Origin checks, and the CORS headers a localhost page needs to call this server. */
    private final class Guard extends Handler.Wrapper {
        Guard(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            response.getHeaders().put(HttpHeader.KEEP_ALIVE, keepAlive);
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (host != null && !anyHost && !allowedHost(hostName(host), Request.getLocalAddr(request))) {
                return refuse(response, callback, "The Host header " + quote(host) + " does not name this server. Use http://localhost:" + port() + " or the address the server is bound to.");
            }
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            if (origin != null) {
                if (!localOrigin(origin) && !allowedOrigins.contains(origin.strip().toLowerCase(Locale.ROOT))) {
                    return refuse(response, callback, "Requests from the web page " + quote(origin) + " are not allowed: only pages on localhost"
                            + (allowedOrigins.isEmpty() ? "" : " and the origins this server was started with") + " may call this server.");
                }
                HttpFields.Mutable h = response.getHeaders();
                h.put("Access-Control-Allow-Origin", origin);
                h.put(HttpHeader.VARY, "Origin");
                h.put("Access-Control-Expose-Headers", "Mcp-Session-Id, MCP-Protocol-Version, X-Request-Id, Retry-After");
                if (request.getMethod().equals("OPTIONS") && request.getHeaders().contains("Access-Control-Request-Method")) {
                    h.put("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
                    h.put("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, X-Request-Id");
                    h.put("Access-Control-Max-Age", "600");
                    response.setStatus(204);
                    callback.succeeded();
                    return true;
                }
            }
            return super.handle(request, response, callback);
        }

        private boolean refuse(Response response, Callback callback, String message) {
            response.setStatus(403);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(errorJson(message)), callback);
            return true;
        }
    }

    private boolean allowedHost(String name, String localAddress) {
        return hostNames.contains(name) || (localAddress != null && name.equals(normalize(localAddress)));
    }

    private static boolean localOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && LOCAL_NAMES.contains(normalize(uri.getHost()));
        } catch (Exception e) {
            return false;
        }
    }

    /** The host of a Host header value: without its port, IPv6 brackets and case. */
    static String hostName(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return normalize(end < 0 ? h.substring(1) : h.substring(1, end));
        }
        int colon = h.lastIndexOf(':');
        return normalize(colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h);
    }

    /** A host name lower-cased, an IP address in one canonical spelling. */
    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.contains(":") && h.matches("[0-9a-f:.%a-z]+")) { // an IPv6 literal: parsing it asks no DNS
            try {
                h = InetAddress.getByName(h).getHostAddress();
                return h.equals("0:0:0:0:0:0:0:1") ? "::1" : h;
            } catch (UnknownHostException notAnAddress) {
                return h;
            }
        }
        return h;
    }

    private static String quote(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** An error as JSON-RPC shapes it, with no id: what MCP clients expect, and plain JSON to anyone else. */
    static byte[] errorJson(String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("jsonrpc", "2.0");
        n.putNull("id");
        n.putObject("error").put("code", -32000).put("message", message);
        return Json.write(n).getBytes(StandardCharsets.UTF_8);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "The request is not valid HTTP.";
            case 404 -> "Nothing is served at this path.";
            case 405 -> "This method is not allowed here.";
            case 408 -> "The request took too long to arrive.";
            case 413 -> "The request is too large.";
            case 414 -> "The URL is too long.";
            case 431 -> "The request headers are too large.";
            case 500 -> "The server failed to answer this request.";
            case 503 -> "The server is busy or stopping. Try again later.";
            default -> "The request failed (HTTP " + status + ").";
        };
    }

    /** Every error Jetty answers itself (bad HTTP, headers too large, ...): a plain message, never an exception. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(errorJson(reason(code))), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(errorJson(reason(status)));
        }
    }

    /** What answers a path no servlet is mounted at. */
    private static final class NotFound extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = errorJson("Nothing is served at " + quote(req.getRequestURI()) + ".");
            resp.setStatus(404);
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            if (!req.getMethod().equals("HEAD")) resp.getOutputStream().write(body);
        }
    }
}
