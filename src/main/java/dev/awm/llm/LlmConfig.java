package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the LLM is and how to talk to it. {@link #fromEnvironment} reads {@code AWM_LLM_BASE_URL}, {@code AWM_LLM_API_KEY},
 * {@code AWM_LLM_MODEL} and {@code AWM_LLM_EMBEDDING_MODEL}, with {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} as
 * fallbacks; the {@code with...} methods apply what flags say on top.
 *
 * @param apiKey null sends no Authorization header (local servers such as Ollama or vLLM need none)
 * @param embeddingModel null when no embedding model is configured
 * @param structuredOutput send {@code response_format} json_schema; false asks for JSON in words and parses tolerantly
 * @param maxCompletionTokens sent as {@code max_completion_tokens}; 0 sends none
 * @param temperature null sends none (reasoning models refuse one)
 * @param extraBody fields added to every chat request body as they are (e.g. {@code chat_template_kwargs})
 * @param cacheDir where request/response pairs are kept; null keeps none
 * @param offline answer only from the cache; a miss is an error
 * @param retryBase the first retry's delay; later ones double, with jitter, up to a minute
 */
public record LlmConfig(String baseUrl, String apiKey, String model, String embeddingModel, boolean structuredOutput, int maxCompletionTokens,
        Double temperature, ObjectNode extraBody, int concurrency, int maxRetries, Duration timeout, Duration retryBase, double pricePerMillionIn,
        double pricePerMillionOut, Path cacheDir, boolean offline) {

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    public LlmConfig {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.strip().replaceAll("/+$", "");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        extraBody = extraBody == null ? WorldFiles.JSON.createObjectNode() : extraBody;
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1");
    }

    public static LlmConfig fromEnvironment(Map<String, String> env) {
        return new LlmConfig(first(env, "AWM_LLM_BASE_URL", "OPENAI_BASE_URL"), first(env, "AWM_LLM_API_KEY", "OPENAI_API_KEY"), first(env, "AWM_LLM_MODEL"),
                first(env, "AWM_LLM_EMBEDDING_MODEL"), true, 16_384, null, null, 16, 8, Duration.ofMinutes(10), Duration.ofSeconds(1), 0, 0, null, false);
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    public LlmConfig withEndpoint(String baseUrl, String model) {
        return new LlmConfig(baseUrl == null ? this.baseUrl : baseUrl, apiKey, model == null ? this.model : model, embeddingModel, structuredOutput,
                maxCompletionTokens, temperature, extraBody, concurrency, maxRetries, timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    public LlmConfig withApiKey(String apiKey) {
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, extraBody, concurrency, maxRetries,
                timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    public LlmConfig withEmbeddingModel(String embeddingModel) {
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, extraBody, concurrency, maxRetries,
                timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    public LlmConfig withGeneration(boolean structuredOutput, int maxCompletionTokens, Double temperature, JsonNode extraBody) {
        if (extraBody != null && !extraBody.isObject()) throw new IllegalArgumentException("--llm-extra must be a JSON object, such as '{\"chat_template_kwargs\": {\"enable_thinking\": false}}'");
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, (ObjectNode) extraBody, concurrency,
                maxRetries, timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    public LlmConfig withLimits(int concurrency, int maxRetries, Duration timeout, Duration retryBase) {
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, extraBody, concurrency, maxRetries,
                timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    public LlmConfig withPrices(double perMillionIn, double perMillionOut) {
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, extraBody, concurrency, maxRetries,
                timeout, retryBase, perMillionIn, perMillionOut, cacheDir, offline);
    }

    public LlmConfig withCache(Path cacheDir, boolean offline) {
        return new LlmConfig(baseUrl, apiKey, model, embeddingModel, structuredOutput, maxCompletionTokens, temperature, extraBody, concurrency, maxRetries,
                timeout, retryBase, pricePerMillionIn, pricePerMillionOut, cacheDir, offline);
    }

    /** The cost of {@code usage} at the configured prices per million tokens. */
    public double cost(Usage usage) {
        return usage.prompt() * pricePerMillionIn / 1e6 + usage.completion() * pricePerMillionOut / 1e6;
    }
}
