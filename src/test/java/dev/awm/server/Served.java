package dev.awm.server;

import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** An {@code awm serve} server on a free port for tests, with a small HTTP client speaking its JSON. */
final class Served implements AutoCloseable {

    /** The bundled world the tests use, loaded once. */
    static final WorldRuntime BANKING = WorldRuntime.load(WorldFiles.bundled().stream().filter(w -> w.scenario().equals("banking_1")).findFirst().orElseThrow());

    final AwmServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String token;

    Served(int maxEpisodes, Duration idleTimeout, String token) {
        this(List.of(BANKING), new AwmServer.Options("127.0.0.1", 0, maxEpisodes, idleTimeout, token, List.of()));
        this.token = token;
    }

    Served(List<WorldRuntime> worlds, AwmServer.Options options) {
        this.server = new AwmServer(worlds, options).start();
        this.base = "http://127.0.0.1:" + server.port();
    }

    static Served basic() {
        return new Served(64, Duration.ofMinutes(10), null);
    }

    record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {}

    Reply send(String method, String path, Object body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)));
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null && !headers.containsKey("Authorization")) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = Json.parse(r.body());
        } catch (RuntimeException notJson) {
            // metrics, tool text
        }
        return new Reply(r.statusCode(), json, r.body(), r);
    }

    Reply post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, body, Map.of());
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, Map.of());
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null, Map.of());
    }

    /** A task of the world whose reference solution writes, with its calls. */
    static TaskSpec writingTask(WorldRuntime w) {
        return w.world.verifiers().stream()
                .filter(t -> t.solution().calls().stream().anyMatch(c -> w.world.tool(c.tool()).map(tool -> !tool.readOnly()).orElse(false)))
                .findFirst().orElseThrow();
    }

    static World world(String name) {
        return WorldFiles.bundled().stream().filter(w -> w.scenario().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
