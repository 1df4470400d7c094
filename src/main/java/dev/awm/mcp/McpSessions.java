package dev.awm.mcp;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MCP sessions of any number of endpoints, with one sweeper thread that ends sessions idle past a timeout.
 * Share one registry between all endpoints of a server: thousands of endpoints then still cost one thread, and the
 * cap on open sessions holds for the server as a whole.
 */
public final class McpSessions implements AutoCloseable {

    /** How long a session may stay unused before it is ended, and how many may be open at once, unless told otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_SESSIONS = 10_000;

    private static McpSessions shared;

    /** One session: the endpoint it was opened on and the protocol version agreed at initialize. */
    static final class Session {
        final String id;
        final McpEndpoint endpoint;
        final String protocolVersion;
        volatile long lastUsedNanos = System.nanoTime();

        Session(String id, McpEndpoint endpoint, String protocolVersion) {
            this.id = id;
            this.endpoint = endpoint;
            this.protocolVersion = protocolVersion;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final int maxSessions;
    private final ScheduledExecutorService sweeper;

    public McpSessions(Duration idleTimeout, int maxSessions) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("the session idle timeout must be positive");
        this.idleNanos = idleTimeout.toNanos();
        this.maxSessions = maxSessions;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "awm-mcp-session-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = Math.clamp(idleTimeout.toMillis() / 4, 10, 30_000);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** The registry of this process, with the default timeout and cap; endpoints made without one use it. */
    public static synchronized McpSessions shared() {
        if (shared == null) shared = new McpSessions(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS);
        return shared;
    }

    /** A new session on {@code endpoint}, or null when the cap of open sessions is reached. */
    Session open(McpEndpoint endpoint, String protocolVersion) {
        if (sessions.size() >= maxSessions) {
            sweep();
            if (sessions.size() >= maxSessions) return null;
        }
        Session s = new Session(UUID.randomUUID().toString(), endpoint, protocolVersion);
        sessions.put(s.id, s);
        return s;
    }

    /** The open session {@code id} of {@code endpoint}, marked as used; null when there is none. */
    Session use(String id, McpEndpoint endpoint) {
        Session s = sessions.get(id);
        if (s == null || s.endpoint != endpoint) return null;
        s.lastUsedNanos = System.nanoTime();
        return s;
    }

    boolean isOpen(String id) {
        return sessions.containsKey(id);
    }

    /** Ends session {@code id} of {@code endpoint}; false when there was none. */
    boolean end(String id, McpEndpoint endpoint) {
        Session s = sessions.get(id);
        if (s == null || s.endpoint != endpoint || !sessions.remove(id, s)) return false;
        s.endpoint.ended(s.id);
        return true;
    }

    /** Ends every session of {@code endpoint}, when it is closed. */
    void endAll(McpEndpoint endpoint) {
        sessions.values().removeIf(s -> {
            if (s.endpoint != endpoint) return false;
            endpoint.ended(s.id);
            return true;
        });
    }

    /** Ends the sessions idle past the timeout; returns how many. */
    public int sweep() {
        long now = System.nanoTime();
        int ended = 0;
        for (Session s : sessions.values()) {
            if (now - s.lastUsedNanos > idleNanos && sessions.remove(s.id, s)) {
                s.endpoint.ended(s.id);
                ended++;
            }
        }
        return ended;
    }

    /** Open sessions, over all endpoints. */
    public int size() {
        return sessions.size();
    }

    /** Open sessions of {@code endpoint}. */
    public int size(McpEndpoint endpoint) {
        return (int) sessions.values().stream().filter(s -> s.endpoint == endpoint).count();
    }

    int maxSessions() {
        return maxSessions;
    }

    /** Stops the sweeper; open sessions stay until their endpoints are closed. */
    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
