package dev.awm.eval;

import dev.awm.agent.AwmFormat;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import dev.awm.world.TaskSpec;
import dev.awm.world.WorldFiles;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An instant OpenAI-compatible model on 127.0.0.1 that plays each task's reference solution, in awm style
 * ({@code <tool_call>} text) or native style (tool calls) as the request asks, so that an eval measures awm's own
 * cost and nothing of a model. With a mistake rate it sometimes breaks the format, stops one call short, or answers
 * vaguely, so that a report has failures to show. It reads the task from the conversation and counts the turns so
 * far, so it needs the whole history (no --history-window).
 */
public final class ReferenceModel implements AutoCloseable {

    public static final String MODEL = "reference-solutions";

    private final Map<String, TaskSpec> byTask = new HashMap<>();
    private final double mistakes;
    private final HttpServer http;

    public ReferenceModel(List<WorldRuntime> worlds, double mistakes) {
        if (mistakes < 0 || mistakes > 1) throw new IllegalArgumentException("--mistakes must be between 0 and 1");
        this.mistakes = mistakes;
        for (WorldRuntime w : worlds) {
            for (TaskSpec spec : w.world.verifiers()) {
                if (spec.index() < w.world.tasks().size()) byTask.put(w.world.scenario() + "\n" + w.world.tasks().get(spec.index()), spec);
            }
        }
        http = new HttpServer("127.0.0.1", 0).mount("/v1/*", new Servlet()).start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.port() + "/v1";
    }

    @Override
    public void close() {
        http.close();
    }

    private final class Servlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            ObjectNode out;
            if (req.getRequestURI().endsWith("/models")) {
                out = WorldFiles.JSON.createObjectNode().put("object", "list");
                out.putArray("data").addObject().put("id", MODEL).put("object", "model");
            } else if (req.getRequestURI().endsWith("/chat/completions")) {
                out = completion(WorldFiles.JSON.readTree(req.getInputStream()), req.getHeader("X-AWM-World"));
            } else {
                resp.setStatus(404);
                out = WorldFiles.JSON.createObjectNode();
                out.putObject("error").put("message", "not found");
            }
            resp.setContentType("application/json");
            resp.getOutputStream().write(WorldFiles.JSON.writeValueAsBytes(out));
        }
    }

    private boolean mistake() {
        return mistakes > 0 && ThreadLocalRandom.current().nextDouble() < mistakes / 3;
    }

    ObjectNode completion(JsonNode body, String world) {
        JsonNode messages = body.path("messages");
        String task = messages.path(1).path("content").asString("");
        TaskSpec spec = byTask.get(world + "\n" + task);
        int turn = 0;
        long chars = 0;
        for (JsonNode m : messages) {
            if ("assistant".equals(m.path("role").asString())) turn++;
            chars += m.path("content").asString("").length();
        }
        boolean nativeStyle = body.has("tools");
        ObjectNode message = WorldFiles.JSON.createObjectNode().put("role", "assistant");
        if (spec == null) {
            message.put("content", "I do not know this task.");
        } else {
            List<TaskSpec.Call> calls = spec.solution().calls();
            String answer = spec.solution().answer() == null || spec.solution().answer().isBlank() ? "Done." : spec.solution().answer();
            int step = nativeStyle ? turn : turn - 1;
            if (!nativeStyle && turn == 0) {
                message.put("content", firstAwmTurn(mistake()));
            } else if (step < calls.size() && !(step == calls.size() - 1 && calls.size() > 1 && mistake())) {
                TaskSpec.Call c = calls.get(step);
                if (nativeStyle) {
                    message.putNull("content");
                    ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_" + turn).put("type", "function");
                    call.putObject("function").put("name", c.tool()).put("arguments", WorldFiles.JSON.writeValueAsString(c.arguments()));
                } else {
                    ObjectNode args = WorldFiles.JSON.createObjectNode().put("tool_name", c.tool()).put("arguments", WorldFiles.JSON.writeValueAsString(c.arguments()));
                    message.put("content", "<think>\nStep " + (step + 1) + " of the reference solution.\n</think>\n\n<tool_call>\n"
                            + WorldFiles.JSON.writeValueAsString(WorldFiles.JSON.createObjectNode().put("name", AwmFormat.CALL_TOOL).set("arguments", args)) + "\n</tool_call>");
                }
            } else {
                message.put("content", (nativeStyle ? "" : "<think>\nThe task is done.\n</think>\n\n") + (mistake() ? "I could not quite work that out." : answer));
            }
        }
        ObjectNode c = WorldFiles.JSON.createObjectNode().put("id", "chatcmpl-reference").put("object", "chat.completion").put("model", MODEL);
        ArrayNode choices = c.putArray("choices");
        choices.addObject().put("index", 0).put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop").set("message", message);
        long completion = message.path("content").asString("").length() / 4 + 1;
        c.putObject("usage").put("prompt_tokens", chars / 4 + 1).put("completion_tokens", completion).put("total_tokens", chars / 4 + 1 + completion);
        return c;
    }

    /** The first turn in awm style: list_tools, or (a mistake) a call before it. */
    private static String firstAwmTurn(boolean mistake) {
        String json = !mistake ? "{\"name\": \"list_tools\", \"arguments\": null}"
                : "{\"name\": \"call_tool\", \"arguments\": {\"tool_name\": \"anything\", \"arguments\": \"{}\"}}";
        return "<think>\nFirst, the tools.\n</think>\n\n<tool_call>\n" + json + "\n</tool_call>";
    }
}
