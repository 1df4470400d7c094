package dev.awm.server;

import dev.awm.episode.Episodes;
import dev.awm.runtime.WorldRuntime;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * {@code awm serve}: every loaded world's episodes behind one HTTP server, with three faces over them (awm's control
 * API under /v1, OpenEnv's WebSocket at /ws, NeMo Gym's /seed_session and /verify) and an MCP server per episode.
 */
public final class AwmServer implements AutoCloseable {

    /** How long a stop waits for calls in flight. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(8);

    /**
     * @param token the bearer token every request must carry; required when {@code host} is not this machine
     * @param allowedOrigins browser origins allowed besides local ones
     */
    public record Options(String host, int port, int maxEpisodes, Duration idleTimeout, String token, List<String> allowedOrigins) {}

    public final Episodes episodes;
    private final EpisodeMcp mcp;
    private final HttpServer http;

    public AwmServer(Collection<WorldRuntime> worlds, Options options) {
        boolean loopback = isLoopback(options.host());
        String token = options.token() == null || options.token().isBlank() ? null : options.token();
        if (!loopback && token == null) {
            throw new IllegalArgumentException("bound to " + options.host() + ", beyond this machine, awm serve needs a token: pass --token T or set AWM_TOKEN, and have clients send 'Authorization: Bearer T'");
        }
        this.episodes = new Episodes(worlds, options.maxEpisodes(), options.idleTimeout());
        this.mcp = new EpisodeMcp(episodes, options.idleTimeout());
        InfoServlet info = new InfoServlet(episodes);
        this.http = new HttpServer(options.host(), options.port()).allowOrigins(options.allowedOrigins());
        if (!loopback) http.anyHost(); // every request carries the token, and clients elsewhere name this machine as they know it
        if (token != null) http.filter(new RequestGuard(token));
        http.mount("/v1/*", new ControlApi(episodes, mcp))
                .mount("/worlds/*", mcp.servlet)
                .mountWebSocket("/ws", new OpenEnvSocket(episodes))
                .mount("/health", info).mount("/metrics", info).mount("/schema", info).mount("/metadata", info)
                .mount("/", new NemoGym(episodes))
                .graceful(STOP_TIMEOUT);
    }

    public AwmServer start() {
        try {
            http.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    public int port() {
        return http.port();
    }

    public void join() throws InterruptedException {
        http.join();
    }

    /** Stops accepting, lets calls in flight finish (at most {@link #STOP_TIMEOUT}), then closes every episode. */
    @Override
    public void close() {
        try {
            http.close();
        } finally {
            mcp.close();
            episodes.close();
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot bind to " + host + ": no such host");
        }
    }
}
