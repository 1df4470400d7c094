package dev.awm.synth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An instant OpenAI-compatible endpoint on 127.0.0.1 answering every stage from the bundled worlds
 * ({@link BundledAnswers}): what {@code awm gen bench} measures the pipeline's own work against.
 */
public final class BundledLlmServer implements AutoCloseable {

    public static final String MODEL = "bundled-worlds";
    private final HttpServer server;

    public BundledLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            ObjectNode out = WorldFiles.JSON.createObjectNode();
            int status = 200;
            if (path.endsWith("/models")) {
                out.putArray("data").addObject().put("id", MODEL);
            } else {
                JsonNode body = WorldFiles.JSON.readTree(ex.getRequestBody().readAllBytes());
                String stage = ex.getRequestHeaders().getFirst("X-AWM-Stage"), world = ex.getRequestHeaders().getFirst("X-AWM-World");
                try {
                    String content = BundledAnswers.answer(stage, world == null ? "" : world, body);
                    ObjectNode choice = out.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
                    choice.putObject("message").put("role", "assistant").put("content", content);
                    out.putObject("usage").put("prompt_tokens", body.toString().length() / 4).put("completion_tokens", content.length() / 4);
                } catch (RuntimeException e) {
                    status = 400;
                    out.putObject("error").put("message", String.valueOf(e.getMessage()));
                }
            }
            byte[] bytes = WorldFiles.JSON.writeValueAsBytes(out);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
