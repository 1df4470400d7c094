package dev.awm.server;

import dev.awm.episode.Episodes;
import java.time.Duration;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;

/**
 * OpenEnv's WebSocket protocol at {@code /ws}, as OpenEnv's own Python client speaks it: one episode per connection.
 * {@code reset} (data: world, task; or seed to pick a task) starts it; {@code step} with a list_tools, call_tool or
 * final_answer action acts; {@code state} reads it; {@code close} or a disconnect deletes it. The reward arrives with
 * the final answer, or when {@code max_steps} (given at reset) is reached.
 */
final class OpenEnvSocket extends JettyWebSocketServlet {

    private final Episodes episodes;

    OpenEnvSocket(Episodes episodes) {
        this.episodes = episodes;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        // Longer than the episodes' idle timeout, so that a client whose episode was reclaimed is told so (SESSION_ERROR)
        // rather than finding its connection dropped; an abandoned connection is still closed in the end.
        Duration idle = episodes.idleTimeout();
        factory.setIdleTimeout(idle.plus(idle.compareTo(Duration.ofSeconds(5)) > 0 ? idle : Duration.ofSeconds(5)));
        factory.setMaxTextMessageSize(JsonHttp.MAX_BODY);
        factory.setCreator((req, resp) -> new OpenEnvSession(episodes));
    }
}
