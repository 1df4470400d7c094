/**
 * An OpenAI-compatible LLM client: chat completions (structured outputs, tool calls, reasoning models) and
 * embeddings, on the JDK's {@code java.net.http.HttpClient} and the Jackson 3 the MCP SDK already brings.
 *
 * <pre>{@code
 * LlmConfig config = LlmConfig.fromEnvironment(System.getenv())     // AWM_LLM_BASE_URL / _API_KEY / _MODEL, OPENAI_* fallbacks
 *         .withEndpoint(baseUrlFlag, modelFlag)                     // flags win; null keeps the environment's
 *         .withCache(Path.of("out/llm_cache"), false);              // content-addressed; true = offline replay only
 * LlmClient llm = new LlmClient(config);
 * llm.preflight();                                                  // endpoint up? key accepted? model served? (seconds)
 *
 * ChatResponse r = llm.chat(ChatRequest.of("tasks", "banking_1", List.of(Message.system("..."), Message.user("...")))
 *         .withSchema(schema));                                     // response_format json_schema "awm_tasks"
 * JsonNode answer = r.json();                                       // tolerant: fences, prose, <think>; JsonAnswer.Unreadable says why not
 * r.reasoning(); r.truncated(); r.usage(); r.cached();
 *
 * // native tool calling, as an agent loop needs it
 * ChatResponse turn = llm.chat(ChatRequest.of("agent", "banking_1", messages)
 *         .withTools(List.of(ChatRequest.functionTool("list_accounts", "...", inputSchema)), null));
 * for (ToolCall c : turn.toolCalls()) { ... messages.add(Message.tool(c.id(), resultText)); }
 *
 * List<double[]> vectors = llm.embed("scenario", texts);             // /embeddings with AWM_LLM_EMBEDDING_MODEL
 * llm.usage().stage("tasks");                                       // requests, cached, retries, tokens, cost
 * }</pre>
 *
 * Every call is safe from many threads; at most {@code concurrency} requests are in flight. 429, 5xx, timeouts and
 * dropped connections are retried with exponential backoff and jitter, honouring Retry-After. Any other refusal is
 * an {@link dev.awm.llm.LlmException} whose message says what to change.
 */
package dev.awm.llm;
