package dev.awm.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible server for tests, on 127.0.0.1 over real HTTP: {@code GET /v1/models},
 * {@code POST /v1/chat/completions} and {@code POST /v1/embeddings}, answering from a script and recording every
 * request. Rules are tried in the order they were added; a rule's replies are used one per matching request, after
 * which it no longer matches ({@link #always} repeats its reply forever). A request no rule matches gets HTTP 400
 * naming its stage and world, so a test fails with a clear reason.
 *
 * <pre>{@code
 * try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
 *     llm.on(r -> r.stage().equals("tasks"), Reply.status(429, "1"), Reply.fenced("{\"tasks\": [...]}"));
 *     llm.always(r -> true, Reply.answer(r -> "{...}"));
 *     ... LlmConfig.fromEnvironment(Map.of()).withEndpoint(llm.baseUrl(), "scripted-model") ...
 *     llm.requests(); // what it was asked
 * }
 * }</pre>
 */
public final class ScriptedLlmServer implements AutoCloseable {

    public static final String MODEL = "scripted-model";

    /** A request as the server received it. Header names are lower-case. */
    public record Request(String method, String path, Map<String, String> headers, JsonNode body) {
        /** The stage: the X-AWM-Stage header, else the response_format name without {@code awm_}. */
        public String stage() {
            String h = headers.get("x-awm-stage");
            if (h != null) return h;
            String name = body.path("response_format").path("json_schema").path("name").asString("");
            return name.startsWith("awm_") ? name.substring(4) : name;
        }

        /** The world: the X-AWM-World header, or "" when there is none. */
        public String world() {
            return headers.getOrDefault("x-awm-world", "");
        }

        public boolean chat() {
            return path.endsWith("/chat/completions");
        }

        public JsonNode messages() {
            return body.path("messages");
        }

        /** The text of the last user message (the repair instructions, in a repair request). */
        public String lastUser() {
            String last = "";
            for (JsonNode m : messages()) if ("user".equals(m.path("role").asString())) last = m.path("content").asString("");
            return last;
        }

        /** Every message's text, joined. */
        public String allText() {
            StringBuilder b = new StringBuilder();
            for (JsonNode m : messages()) b.append(m.path("content").asString("")).append('\n');
            return b.toString();
        }
    }

    /** How to answer one request. */
    @FunctionalInterface
    public interface Reply {
        void send(HttpExchange exchange, Request request) throws IOException;

        /** A chat completion whose message content is {@code content}, finish_reason "stop". */
        static Reply content(String content) {
            return (ex, r) -> respond(ex, 200, completion(r, content, null, List.of(), "stop"), Map.of());
        }

        /** The content computed from the request. */
        static Reply answer(Function<Request, String> content) {
            return (ex, r) -> respond(ex, 200, completion(r, content.apply(r), null, List.of(), "stop"), Map.of());
        }

        /** The reply computed from the request, for scripts that pick the kind of reply per request. */
        static Reply dynamic(Function<Request, Reply> pick) {
            return (ex, r) -> pick.apply(r).send(ex, r);
        }

        /** A JSON value as the content, bare, as a server with structured outputs answers. */
        static Reply json(JsonNode value) {
            return content(WorldFiles.JSON.writeValueAsString(value));
        }

        /** JSON inside a ```json fence with prose around it, as chatty models answer. */
        static Reply fenced(String json) {
            return content("Sure! Here is the JSON you asked for:\n\n```json\n" + json + "\n```\n\nLet me know if you need anything else.");
        }

        /** The first half of {@code json}, finish_reason "length", as when a model hits its token limit. */
        static Reply truncated(String json) {
            return (ex, r) -> respond(ex, 200, completion(r, json.substring(0, json.length() / 2), null, List.of(), "length"), Map.of());
        }

        /** Content with reasoning beside it in {@code reasoning_content}, as vLLM's reasoning parsers return it. */
        static Reply reasoning(String reasoning, String content) {
            return (ex, r) -> respond(ex, 200, completion(r, content, reasoning, List.of(), "stop"), Map.of());
        }

        /** Tool calls, each {@code [name, argumentsJson]}, finish_reason "tool_calls". */
        static Reply toolCalls(String content, List<ToolCall> calls) {
            return (ex, r) -> respond(ex, 200, completion(r, content, null, calls, "tool_calls"), Map.of());
        }

        /** An error status with an OpenAI-style error body; {@code retryAfter} (seconds) is sent when not null. */
        static Reply status(int status, String retryAfter) {
            return (ex, r) -> {
                ObjectNode err = WorldFiles.JSON.createObjectNode();
                err.putObject("error").put("message", "scripted error " + status).put("type", status == 429 ? "rate_limit_exceeded" : "server_error");
                respond(ex, status, err, retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
            };
        }

        /** Closes the connection without answering, as a crashed or restarted server does. */
        static Reply drop() {
            return (ex, r) -> {
                // send nothing: closing an exchange that sent no headers closes the connection
            };
        }
    }

    private record Rule(Predicate<Request> when, Deque<Reply> replies, boolean forever) {}

    private final HttpServer server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
    private volatile List<String> models = List.of(MODEL, "scripted-embedding");
    private volatile String apiKey;
    private volatile long delayMillis;

    public ScriptedLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT/v1}, the base URL to configure. */
    /** A server on a free local port, for a test's field: {@code @AutoClose final ScriptedLlmServer llm = ScriptedLlmServer.start();}. */
    public static ScriptedLlmServer start() {
        try {
            return new ScriptedLlmServer();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** A config pointing at this server with {@link #MODEL}, fast retries and no cache. */
    public LlmConfig config() {
        return LlmConfig.fromEnvironment(Map.of()).withEndpoint(baseUrl(), MODEL).withLimits(16, 5, java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(1));
    }

    /** Answers the next requests matching {@code when} with {@code replies}, one each, in order. */
    public ScriptedLlmServer on(Predicate<Request> when, Reply... replies) {
        rules.add(new Rule(when, new ConcurrentLinkedDeque<>(List.of(replies)), false));
        return this;
    }

    /** Answers every request matching {@code when} (not taken by an earlier rule) with {@code reply}. */
    public ScriptedLlmServer always(Predicate<Request> when, Reply reply) {
        rules.add(new Rule(when, new ConcurrentLinkedDeque<>(List.of(reply)), true));
        return this;
    }

    /** Requests to chat completions of {@code stage}. */
    public static Predicate<Request> stage(String stage) {
        return r -> r.chat() && r.stage().equals(stage);
    }

    /** Requests to chat completions of {@code stage} for {@code world}. */
    public static Predicate<Request> stage(String stage, String world) {
        return r -> r.chat() && r.stage().equals(stage) && r.world().equals(world);
    }

    /** The models GET /models lists. */
    public ScriptedLlmServer models(String... ids) {
        models = List.of(ids);
        return this;
    }

    /** Requires {@code Authorization: Bearer key}; 401 otherwise. */
    public ScriptedLlmServer requireKey(String key) {
        apiKey = key;
        return this;
    }

    /** Holds every chat answer this long, to observe concurrency. */
    public ScriptedLlmServer delay(long millis) {
        delayMillis = millis;
        return this;
    }

    /** Every request received, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> chatRequests() {
        return requests.stream().filter(Request::chat).toList();
    }

    /** The most chat requests that were being answered at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public void reset() {
        rules.clear();
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = text.isBlank() ? WorldFiles.JSON.createObjectNode() : WorldFiles.JSON.readTree(text);
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Collections.unmodifiableMap(headers), body);
            requests.add(r);
            if (apiKey != null && !("Bearer " + apiKey).equals(headers.get("authorization"))) {
                respond(ex, 401, WorldFiles.JSON.readTree("{\"error\": {\"message\": \"Incorrect API key provided\", \"code\": \"invalid_api_key\"}}"), Map.of());
                return;
            }
            if (!r.path().startsWith("/v1/")) {
                respond(ex, 404, WorldFiles.JSON.readTree("{\"error\": {\"message\": \"not found\"}}"), Map.of());
            } else if (r.path().endsWith("/models") && r.method().equals("GET")) {
                ObjectNode list = WorldFiles.JSON.createObjectNode().put("object", "list");
                ArrayNode data = list.putArray("data");
                for (String m : models) data.addObject().put("id", m).put("object", "model");
                respond(ex, 200, list, Map.of());
            } else if (r.path().endsWith("/embeddings")) {
                respond(ex, 200, embeddings(r), Map.of());
            } else if (r.chat()) {
                // A request stops counting as in flight before its answer is written: the client may send its next
                // one as soon as it has read this answer, before this thread would otherwise have counted it done.
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                try {
                    if (delayMillis > 0) Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                reply(r).send(ex, r);
            } else {
                respond(ex, 404, WorldFiles.JSON.readTree("{\"error\": {\"message\": \"not found\"}}"), Map.of());
            }
        } catch (RuntimeException e) {
            respond(ex, 400, WorldFiles.JSON.createObjectNode().put("error", String.valueOf(e.getMessage())), Map.of());
        }
    }

    private Reply reply(Request r) {
        for (Rule rule : rules) {
            if (!rule.when().test(r)) continue;
            if (rule.forever()) return rule.replies().peekFirst();
            Reply next = rule.replies().pollFirst();
            if (next != null) return next;
        }
        return (ex, req) -> respond(ex, 400, WorldFiles.JSON.createObjectNode().put("error",
                "the scripted server has no answer for stage '" + req.stage() + "' of world '" + req.world() + "'"), Map.of());
    }

    /** A deterministic bag-of-words vector per input: texts with the same words point the same way. */
    private static JsonNode embeddings(Request r) {
        ObjectNode out = WorldFiles.JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode input = r.body().path("input");
        List<String> texts = new ArrayList<>();
        if (input.isArray()) input.forEach(t -> texts.add(t.asString(""))); else texts.add(input.asString(""));
        for (int i = 0; i < texts.size(); i++) {
            double[] v = new double[64];
            for (String w : texts.get(i).toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) if (w.length() > 3) v[Math.floorMod(w.hashCode(), 64)] += 1;
            ArrayNode e = data.addObject().put("index", i).put("object", "embedding").putArray("embedding");
            for (double x : v) e.add(x);
        }
        out.putObject("usage").put("prompt_tokens", 10).put("total_tokens", 10);
        return out;
    }

    static ObjectNode completion(Request r, String content, String reasoning, List<ToolCall> calls, String finish) {
        ObjectNode c = WorldFiles.JSON.createObjectNode();
        c.put("id", "chatcmpl-scripted").put("object", "chat.completion").put("model", r.body().path("model").asString(MODEL));
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", finish);
        ObjectNode m = choice.putObject("message").put("role", "assistant");
        if (content == null) m.putNull("content"); else m.put("content", content);
        if (reasoning != null) m.put("reasoning_content", reasoning);
        if (!calls.isEmpty()) {
            ArrayNode tc = m.putArray("tool_calls");
            for (ToolCall call : calls) {
                ObjectNode t = tc.addObject().put("id", call.id()).put("type", "function");
                t.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        long prompt = r.allText().length() / 4 + 1, completion = (content == null ? 0 : content.length()) / 4 + (reasoning == null ? 0 : reasoning.length() / 4) + 1;
        ObjectNode u = c.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        if (reasoning != null) u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning.length() / 4);
        return c;
    }

    private static void respond(HttpExchange ex, int status, JsonNode body, Map<String, String> headers) throws IOException {
        byte[] bytes = WorldFiles.JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
