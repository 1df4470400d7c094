package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible chat completions and embeddings client on the JDK's HttpClient and the project's Jackson.
 * Safe to call from many threads: at most {@link LlmConfig#concurrency()} requests are in flight; 429, 5xx, timeouts
 * and dropped connections are retried with exponential backoff and jitter, honouring Retry-After; every answer is
 * kept in the cache (when configured) and replayed instead of asked again.
 */
public final class LlmClient {

    private static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final int EMBEDDING_BATCH = 64;

    private final LlmConfig config;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final LlmCache cache;
    private final UsageMeter usage = new UsageMeter();

    public LlmClient(LlmConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PREFLIGHT_TIMEOUT).build();
        this.inFlight = new Semaphore(config.concurrency());
        this.cache = config.cacheDir() == null ? null : new LlmCache(config.cacheDir());
    }

    public LlmConfig config() {
        return config;
    }

    public UsageMeter usage() {
        return usage;
    }

    /**
     * Checks, in seconds, that the endpoint answers, accepts the key and serves the model (and the embedding model,
     * when one is configured), by GET /models. Does nothing offline.
     *
     * @throws LlmException saying which of the three is wrong
     */
    public void preflight() {
        if (config.offline()) return;
        String url = config.baseUrl() + "/models";
        HttpResponse<String> r;
        try {
            r = http.send(request("/models", null, null).timeout(PREFLIGHT_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new LlmException("the LLM endpoint at " + config.baseUrl() + " did not answer within " + PREFLIGHT_TIMEOUT.toSeconds() + " s: check AWM_LLM_BASE_URL or --base-url, and that the server is up");
        } catch (IOException e) {
            String why = e instanceof ConnectException ? "connection refused" : describe(e);
            throw new LlmException("cannot reach the LLM endpoint at " + config.baseUrl() + " (" + why + "): check AWM_LLM_BASE_URL or --base-url, and that the server is up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("interrupted while checking the LLM endpoint");
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new LlmException(config.apiKey() == null
                    ? "the LLM endpoint at " + config.baseUrl() + " wants an API key: set AWM_LLM_API_KEY (or OPENAI_API_KEY)"
                    : "the LLM endpoint at " + config.baseUrl() + " refused the API key (HTTP " + r.statusCode() + "): check AWM_LLM_API_KEY (or OPENAI_API_KEY)");
        }
        if (r.statusCode() == 404) {
            throw new LlmException("nothing OpenAI-compatible answers at " + url + " (HTTP 404): check AWM_LLM_BASE_URL or --base-url; it usually ends in /v1");
        }
        if (r.statusCode() != 200) {
            throw new LlmException("the LLM endpoint answered HTTP " + r.statusCode() + " to GET " + url + ": " + errorText(r.body()));
        }
        List<String> served = new ArrayList<>();
        try {
            for (JsonNode m : WorldFiles.JSON.readTree(r.body()).path("data")) served.add(m.path("id").asString(""));
        } catch (RuntimeException e) {
            throw new LlmException("the server at " + config.baseUrl() + " is not an OpenAI-compatible API (GET /models did not return JSON): check AWM_LLM_BASE_URL or --base-url");
        }
        String listed = served.isEmpty() ? "none" : String.join(", ", served.stream().limit(20).toList()) + (served.size() > 20 ? ", ..." : "");
        if (config.model() == null) throw new LlmException("no model named: set AWM_LLM_MODEL or pass --model (the endpoint serves: " + listed + ")");
        if (!served.contains(config.model())) {
            throw new LlmException("the LLM endpoint at " + config.baseUrl() + " serves no model named '" + config.model() + "': check AWM_LLM_MODEL or --model (it serves: " + listed + ")");
        }
        if (config.embeddingModel() != null && !served.contains(config.embeddingModel())) {
            throw new LlmException("the LLM endpoint at " + config.baseUrl() + " serves no embedding model named '" + config.embeddingModel()
                    + "': check AWM_LLM_EMBEDDING_MODEL or --embedding-model, or leave it unset to compare scenarios by their words (it serves: " + listed + ")");
        }
    }

    /** The body {@link #chat} sends for {@code r}: model, messages, limits, response_format, tools, then extra fields. */
    public ObjectNode body(ChatRequest r) {
        if (config.model() == null) throw new LlmException("no model named: set AWM_LLM_MODEL or pass --model");
        ObjectNode b = WorldFiles.JSON.createObjectNode();
        b.put("model", config.model());
        ArrayNode messages = b.putArray("messages");
        List<Message> ms = r.messages();
        for (int i = 0; i < ms.size(); i++) {
            ObjectNode m = ms.get(i).json();
            if (r.responseSchema() != null && !config.structuredOutput() && i == ms.size() - 1) {
                m.put("content", m.path("content").asString("") + "\n\nAnswer with one JSON object that follows this JSON Schema, and nothing else:\n"
                        + WorldFiles.JSON.writeValueAsString(r.responseSchema()));
            }
            messages.add(m);
        }
        if (config.maxCompletionTokens() > 0) b.put("max_completion_tokens", config.maxCompletionTokens());
        if (config.temperature() != null) b.put("temperature", config.temperature());
        if (r.responseSchema() != null && config.structuredOutput()) {
            ObjectNode format = b.putObject("response_format");
            format.put("type", "json_schema");
            format.putObject("json_schema").put("name", r.schemaName()).put("strict", false).set("schema", r.responseSchema());
        }
        if (!r.tools().isEmpty()) {
            ArrayNode tools = b.putArray("tools");
            r.tools().forEach(tools::add);
            if (r.toolChoice() != null) b.set("tool_choice", r.toolChoice());
        }
        for (Map.Entry<String, JsonNode> e : config.extraBody().properties()) b.set(e.getKey(), e.getValue());
        if (r.extra() != null) for (Map.Entry<String, JsonNode> e : r.extra().properties()) b.set(e.getKey(), e.getValue());
        return b;
    }

    /**
     * Asks for one chat completion (or replays it from the cache).
     *
     * @throws LlmException when the endpoint refuses the request, keeps failing past the retries, or (offline) the
     *     answer was never recorded
     */
    public ChatResponse chat(ChatRequest r) {
        ObjectNode body = body(r);
        Answer a = answered(r.stage(), r.world(), "/chat/completions", body);
        JsonNode raw = a.body();
        if (!raw.path("choices").isArray() || raw.path("choices").isEmpty()) {
            throw new LlmException("the LLM endpoint answered the " + r.stage() + " request" + of(r.world()) + " with no choices: " + abbreviate(raw.toString()));
        }
        return ChatResponse.of(raw, a.cached());
    }

    /**
     * Embedding vectors of {@code texts}, in order, from {@code /embeddings} with the configured embedding model.
     *
     * @throws LlmException when no embedding model is configured or the endpoint fails
     */
    public List<double[]> embed(String stage, List<String> texts) {
        if (config.embeddingModel() == null) throw new LlmException("no embedding model is configured: set AWM_LLM_EMBEDDING_MODEL or --embedding-model");
        List<double[]> out = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += EMBEDDING_BATCH) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + EMBEDDING_BATCH));
            ObjectNode body = WorldFiles.JSON.createObjectNode();
            body.put("model", config.embeddingModel());
            ArrayNode input = body.putArray("input");
            batch.forEach(input::add);
            JsonNode raw = answered(stage, null, "/embeddings", body).body();
            double[][] vectors = new double[batch.size()][];
            for (JsonNode d : raw.path("data")) {
                int i = d.path("index").asInt(-1);
                if (i < 0 || i >= batch.size()) continue;
                JsonNode e = d.path("embedding");
                vectors[i] = new double[e.size()];
                for (int k = 0; k < e.size(); k++) vectors[i][k] = e.get(k).asDouble();
            }
            for (double[] v : vectors) {
                if (v == null) throw new LlmException("the embeddings endpoint returned fewer vectors than texts: " + abbreviate(raw.toString()));
                out.add(v);
            }
        }
        return out;
    }

    private record Answer(JsonNode body, boolean cached) {}

    /** The response body for {@code body}: from the cache, or sent (with retries) and then cached. */
    private Answer answered(String stage, String world, String path, ObjectNode body) {
        String key = LlmCache.key(config.baseUrl(), body.path("model").asString(""), body);
        Optional<JsonNode> hit = cache == null ? Optional.empty() : cache.get(key);
        if (hit.isPresent()) {
            usage.replayed(stage);
            return new Answer(hit.get(), true);
        }
        if (config.offline()) {
            throw new LlmException("offline: no recorded answer for the " + stage + " stage" + of(world) + " (request " + key.substring(0, 12)
                    + "); run without --offline to ask the LLM");
        }
        JsonNode raw = send(stage, world, path, body);
        Usage u = Usage.of(raw.get("usage"));
        usage.sent(stage, u, config.cost(u));
        if (cache != null) cache.put(key, stage, world, body, raw);
        return new Answer(raw, false);
    }

    private JsonNode send(String stage, String world, String path, ObjectNode body) {
        HttpRequest req = request(path, stage, world).timeout(config.timeout())
                .POST(HttpRequest.BodyPublishers.ofString(WorldFiles.JSON.writeValueAsString(body))).build();
        String last = null;
        for (int attempt = 0; ; attempt++) {
            Duration retryAfter = Duration.ZERO;
            try {
                inFlight.acquire();
                HttpResponse<String> r;
                try {
                    r = http.send(req, HttpResponse.BodyHandlers.ofString());
                } finally {
                    inFlight.release();
                }
                int status = r.statusCode();
                if (status == 200) {
                    try {
                        return WorldFiles.JSON.readTree(r.body());
                    } catch (RuntimeException e) {
                        last = "a reply that is not JSON: " + abbreviate(r.body());
                    }
                } else if (status == 429 || status >= 500) {
                    last = "HTTP " + status + (r.body().isBlank() ? "" : ": " + errorText(r.body()));
                    retryAfter = retryAfter(r);
                } else {
                    throw new LlmException(refusal(status, r.body(), stage, world, path));
                }
            } catch (HttpTimeoutException e) {
                last = "no answer within " + config.timeout().toSeconds() + " s";
            } catch (IOException e) {
                last = "the connection failed (" + describe(e) + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmException("interrupted while waiting for the LLM");
            }
            if (attempt >= config.maxRetries()) {
                throw new LlmException("the LLM endpoint kept failing for the " + stage + " stage" + of(world) + " after " + (attempt + 1) + " tries; last: " + last);
            }
            usage.retried(stage);
            sleep(backoff(attempt, retryAfter));
        }
    }

    private HttpRequest.Builder request(String path, String stage, String world) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(config.baseUrl() + path));
        } catch (IllegalArgumentException e) {
            throw new LlmException("the LLM base URL '" + config.baseUrl() + "' is not a URL: check AWM_LLM_BASE_URL or --base-url (e.g. http://localhost:8000/v1)");
        }
        b.header("Content-Type", "application/json").header("Accept", "application/json");
        if (config.apiKey() != null) b.header("Authorization", "Bearer " + config.apiKey());
        if (stage != null) b.header("X-AWM-Stage", stage);
        if (world != null) b.header("X-AWM-World", world);
        return b;
    }

    private String refusal(int status, String body, String stage, String world, String path) {
        String what = "the " + stage + " request" + of(world);
        if (status == 401 || status == 403) return "the LLM endpoint refused the API key (HTTP " + status + ") for " + what + ": check AWM_LLM_API_KEY (or OPENAI_API_KEY)";
        if (status == 404) return "the LLM endpoint answered HTTP 404 to " + path + " for " + what + ": check AWM_LLM_BASE_URL and AWM_LLM_MODEL (" + errorText(body) + ")";
        String text = errorText(body);
        String hint = text.toLowerCase().contains("response_format") || text.toLowerCase().contains("json_schema") ? "; if the server lacks structured outputs, pass --no-structured-output" : "";
        return "the LLM endpoint refused " + what + " (HTTP " + status + "): " + text + hint;
    }

    /** Exponential backoff with jitter, and never shorter than what the server asked for. */
    private Duration backoff(int attempt, Duration retryAfter) {
        long base = config.retryBase().toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(Math.max(jittered, Math.min(retryAfter.toMillis(), MAX_RETRY_AFTER.toMillis())));
    }

    static Duration retryAfter(HttpResponse<?> r) {
        Optional<String> ms = r.headers().firstValue("retry-after-ms");
        try {
            if (ms.isPresent()) return Duration.ofMillis((long) Double.parseDouble(ms.get().strip()));
            Optional<String> v = r.headers().firstValue("Retry-After");
            if (v.isEmpty()) return Duration.ZERO;
            String s = v.get().strip();
            if (s.matches("\\d+(\\.\\d+)?")) return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
            Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("interrupted while waiting to retry the LLM");
        }
    }

    /** The {@code error.message} of an OpenAI-style error body, or the body itself, shortened. */
    private static String errorText(String body) {
        try {
            JsonNode e = WorldFiles.JSON.readTree(body).path("error");
            String m = e.isString() ? e.asString() : e.path("message").asString("");
            if (!m.isBlank()) return abbreviate(m);
        } catch (RuntimeException ignored) {
            // not JSON: show the text
        }
        return abbreviate(body);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase() : m;
    }

    private static String of(String world) {
        return world == null ? "" : " of " + world;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 297) + "..." : one;
    }
}
