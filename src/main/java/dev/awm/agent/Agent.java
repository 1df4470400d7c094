package dev.awm.agent;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.Episode.Call;
import dev.awm.agent.Episode.CallOutcome;
import dev.awm.agent.Episode.Outcome;
import dev.awm.agent.Episode.Step;
import dev.awm.agent.McpTools.ErrorKind;
import dev.awm.llm.ChatRequest;
import dev.awm.llm.ChatResponse;
import dev.awm.llm.LlmClient;
import dev.awm.llm.LlmConfig;
import dev.awm.llm.LlmException;
import dev.awm.llm.Message;
import dev.awm.llm.ToolCall;
import dev.awm.llm.Usage;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * The agent loop: asks the model, runs the calls it makes on the world's MCP server, and applies the paper's format
 * rules as it goes (docs/rewards.md). In awm style the model sees AWM's system prompt and two meta-tools in
 * {@code <tool_call>} tags; in native style, the world's tools as OpenAI functions. One turn is one model reply.
 */
public final class Agent {

    /** LLM requests of the agent are named this stage (in usage counts and the X-AWM-Stage header). */
    public static final String STAGE = "agent";

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** Compiled input schemas by their JSON text, shared by episodes (an eval sees the same few hundred again and again). */
    private static final Map<String, Optional<Schema>> COMPILED = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Schema>> eldest) {
            return size() > 4_096;
        }
    });

    /** Told of each turn as it ends, to print the conversation as it goes. */
    public interface Listener {
        default void tools(List<ToolInfo> tools) {}

        default void turn(Step step) {}
    }

    /** How a turn ended the episode: the final answer (or none), the outcome and why. */
    private record Ending(String answer, Outcome outcome, String detail) {}

    /** What to do: the task's text, and the world and task index it comes from when it has them. */
    public record Task(String world, Integer taskId, String text) {}

    private final LlmClient llm;
    private final AgentSettings settings;

    public Agent(LlmClient llm, AgentSettings settings) {
        this.llm = llm;
        this.settings = settings;
    }

    public AgentSettings settings() {
        return settings;
    }

    public LlmConfig llmConfig() {
        return llm.config();
    }

    /** Runs one episode of {@code task} against the tools of {@code world}. Never throws for what the model or the world does. */
    public Episode run(Task task, McpTools world, Listener listener) {
        return new Run(task, world, listener).go();
    }

    /** AWM's agent's generation settings: temperature 1.0 and 2048 completion tokens. */
    public static final double AWM_TEMPERATURE = 1.0;
    public static final int AWM_MAX_TOKENS = 2048;

    /**
     * The model configuration for {@code style}: what is given, else AWM's settings in awm style (temperature 1.0,
     * 2048 tokens, and for a local endpoint the vLLM extras that turn Qwen3's thinking on) and the server's defaults in
     * native style.
     */
    public static LlmConfig modelConfig(LlmConfig base, Style style, Double temperature, Integer maxTokens, JsonNode extraBody) {
        boolean awm = style == Style.AWM;
        Double t = temperature != null ? temperature : awm ? AWM_TEMPERATURE : null;
        int max = maxTokens != null ? maxTokens : awm ? AWM_MAX_TOKENS : 0;
        JsonNode extra = extraBody != null ? extraBody : awm && AwmFormat.isLocal(base.baseUrl()) ? AwmFormat.vllmExtras() : null;
        return base.withGeneration(false, max, t, extra);
    }

    /** The system prompt of native style: what the server says about the world, and how to finish. */
    static String nativeSystemPrompt(String instructions) {
        return "You are an agent acting in an application through its tools, on behalf of its logged-in user."
                + (instructions.isBlank() ? "" : "\n\n" + instructions.strip())
                + "\n\nCall the tools you need to do what the user asks. When you are done, or it cannot be done, reply with your final answer and call no tool.";
    }

    private final class Run {
        final Task task;
        final McpTools world;
        final Listener listener;
        final long start = System.nanoTime();
        final List<Message> messages = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        final Map<String, ToolInfo> tools = new LinkedHashMap<>();
        List<ToolInfo> toolList = List.of();
        boolean listed;
        int listTurn = -1;
        int worldCalls, successful, toolErrors, formatErrors;
        long prompt, completion, reasoning, modelNanos, toolNanos;
        Outcome ended;
        String endDetail;

        Run(Task task, McpTools world, Listener listener) {
            this.task = task;
            this.world = world;
            this.listener = listener == null ? new Listener() {} : listener;
        }

        Episode go() {
            try {
                toolList = world.tools();
            } catch (McpTools.Unreachable e) {
                return finish(null, Outcome.ENVIRONMENT_ERROR, e.getMessage());
            }
            toolList.forEach(t -> tools.put(t.name(), t));
            listener.tools(toolList);
            messages.add(Message.system(settings.style() == Style.AWM ? AwmFormat.SYSTEM_PROMPT : nativeSystemPrompt(world.instructions())));
            messages.add(Message.user(task.text()));
            for (int turn = 1; turn <= settings.maxTurns(); turn++) {
                ChatRequest request = ChatRequest.of(STAGE, task.world(), window());
                if (settings.style() == Style.NATIVE) request = request.withTools(functions(), null);
                long t0 = System.nanoTime();
                ChatResponse reply;
                try {
                    reply = llm.chat(request);
                } catch (LlmException e) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    modelNanos += System.nanoTime() - t0;
                    step(new Step(turn, null, null, List.of(), "model_error", e.getMessage(), ms, Usage.NONE));
                    return finish(null, Outcome.MODEL_ERROR, e.getMessage());
                }
                long modelMs = (System.nanoTime() - t0) / 1_000_000;
                modelNanos += System.nanoTime() - t0;
                prompt += reply.usage().prompt();
                completion += reply.usage().completion();
                reasoning += reply.usage().reasoning();
                Ending r = settings.style() == Style.AWM ? awmTurn(turn, reply, modelMs) : nativeTurn(turn, reply, modelMs);
                if (r != null) return finish(r.answer(), r.outcome(), r.detail());
            }
            return finish(null, Outcome.TURN_LIMIT, "the model was still calling tools after " + settings.maxTurns() + " turns");
        }

        /** The messages to send: everything, or the system prompt, the task, the list_tools exchange and the last N turns. */
        List<Message> window() {
            if (settings.historyWindow() == null) return List.copyOf(messages);
            List<Integer> starts = new ArrayList<>();
            for (int i = 2; i < messages.size(); i++) if (messages.get(i).role().equals("assistant")) starts.add(i);
            TreeSet<Integer> kept = new TreeSet<>(starts.subList(Math.max(0, starts.size() - settings.historyWindow()), starts.size()));
            if (listTurn >= 0) kept.add(listTurn);
            List<Message> out = new ArrayList<>(messages.subList(0, 2));
            for (int s : kept) {
                int next = starts.indexOf(s) + 1 < starts.size() ? starts.get(starts.indexOf(s) + 1) : messages.size();
                out.addAll(messages.subList(s, next));
            }
            return out;
        }

        List<JsonNode> functions() {
            return toolList.stream().map(t -> ChatRequest.functionTool(t.name(), t.description(), t.inputSchema())).toList();
        }

        /** A format error at this point: counted; it ends the episode under the paper's rule. */
        boolean formatError() {
            formatErrors++;
            return settings.endOnFormatError();
        }

        Ending awmTurn(int turn, ChatResponse reply, long modelMs) {
            String content = reply.content() == null ? "" : reply.content();
            AwmFormat.Split split = AwmFormat.split(content, reply.reasoning());
            messages.add(Message.assistant(content));
            int assistantAt = messages.size() - 1;
            if (settings.requireThinking() && split.thinking().isBlank()) {
                String why = "the reply has no reasoning (empty <think>), and this run requires the model to think before it acts";
                if (formatError()) {
                    step(new Step(turn, content, split.thinking(), List.of(), "format_error", why, modelMs, reply.usage()));
                    return new Ending(null, Outcome.FORMAT_ERROR, why);
                }
            }
            List<AwmFormat.Call> parsed = AwmFormat.calls(split.visible());
            if (parsed.isEmpty()) return answer(turn, content, split, modelMs, reply.usage());
            long stamp = System.currentTimeMillis();
            List<Call> calls = new ArrayList<>();
            Call first = awmCall(parsed.get(0), "call_" + stamp + "_0");
            calls.add(first);
            for (int i = 1; i < parsed.size(); i++) {
                AwmFormat.Call skipped = parsed.get(i);
                calls.add(new Call("call_" + stamp + "_" + i, skipped.name(), skipped.arguments(), null, null, null, CallOutcome.SKIPPED,
                        "only the first call of a turn runs", 0));
            }
            if (first.outcome() == CallOutcome.OK && AwmFormat.LIST_TOOLS.equals(first.name())) listTurn = assistantAt;
            String result = settings.toolResultsAsUser() ? AwmFormat.asUserMessage(first.result()) : first.result();
            messages.add(settings.toolResultsAsUser() ? Message.user(result) : Message.tool(first.id(), result));
            return afterCalls(turn, content, split, calls, modelMs, reply.usage());
        }

        Call awmCall(AwmFormat.Call c, String id) {
            if (c.unreadable() != null) return refused(id, c.name(), c.arguments(), null, null, c.unreadable());
            switch (c.name()) {
                case AwmFormat.LIST_TOOLS -> {
                    if (listed) return refused(id, c.name(), c.arguments(), null, null, "list_tools was called again; it must be called once, first");
                    listed = true;
                    return new Call(id, c.name(), c.arguments(), null, null, AwmFormat.toolList(toolList), CallOutcome.OK, null, 0);
                }
                case AwmFormat.CALL_TOOL -> {
                    if (!listed) return refused(id, c.name(), c.arguments(), null, null, "call_tool came before list_tools; list_tools must be the first call");
                    AwmFormat.Target t = AwmFormat.target(c.arguments());
                    if (t.problem() != null) return refused(id, c.name(), c.arguments(), t.tool(), null, t.problem());
                    return worldCall(id, c.name(), c.arguments(), t.tool(), t.arguments());
                }
                default -> {
                    return refused(id, c.name(), c.arguments(), null, null,
                            "there is no function '" + c.name() + "'; only list_tools and call_tool are available");
                }
            }
        }

        Ending nativeTurn(int turn, ChatResponse reply, long modelMs) {
            String content = reply.content() == null ? "" : reply.content();
            AwmFormat.Split split = AwmFormat.split(content, reply.reasoning());
            List<ToolCall> asked = new ArrayList<>();
            for (ToolCall c : reply.toolCalls()) { // some servers send no call ids; tool results must name one
                asked.add(c.id() == null || c.id().isBlank() ? new ToolCall("call_" + turn + "_" + asked.size(), c.name(), c.arguments()) : c);
            }
            messages.add(asked.isEmpty() ? Message.assistant(content) : Message.assistant(reply.content(), asked));
            if (settings.requireThinking() && split.thinking().isBlank()) {
                String why = "the reply has no reasoning, and this run requires the model to think before it acts";
                if (formatError()) {
                    step(new Step(turn, content, split.thinking(), List.of(), "format_error", why, modelMs, reply.usage()));
                    return new Ending(null, Outcome.FORMAT_ERROR, why);
                }
            }
            if (asked.isEmpty()) return answer(turn, content, split, modelMs, reply.usage());
            List<Call> calls = new ArrayList<>();
            for (ToolCall c : asked) {
                Call done = nativeCall(c);
                calls.add(done);
                messages.add(Message.tool(c.id(), done.result()));
                if (ends(done)) break;
            }
            return afterCalls(turn, content, split, calls, modelMs, reply.usage());
        }

        Call nativeCall(ToolCall c) {
            JsonNode written = text(c.arguments());
            if (!tools.containsKey(c.name())) {
                return refused(c.id(), c.name(), written, null, null, "there is no tool named '" + c.name() + "'");
            }
            JsonNode args;
            try {
                args = c.arguments() == null || c.arguments().isBlank() ? WorldFiles.JSON.createObjectNode() : WorldFiles.JSON.readTree(c.arguments());
            } catch (RuntimeException e) {
                return refused(c.id(), c.name(), written, c.name(), null, "the arguments for " + c.name() + " are not valid JSON: " + AwmFormat.abbreviate(c.arguments()));
            }
            if (args == null || !args.isObject()) return refused(c.id(), c.name(), written, c.name(), null, "the arguments for " + c.name() + " must be a JSON object of named arguments");
            return worldCall(c.id(), c.name(), args, c.name(), args);
        }

        /** The arguments text as JSON when it is JSON, else as a string. */
        JsonNode text(String arguments) {
            try {
                if (arguments != null && !arguments.isBlank()) return WorldFiles.JSON.readTree(arguments);
            } catch (RuntimeException ignored) {
                // kept as written below
            }
            return WorldFiles.JSON.getNodeFactory().stringNode(arguments == null ? "" : arguments);
        }

        /** A call of a world tool: checked against its schema, then run on the MCP server. */
        Call worldCall(String id, String name, JsonNode written, String tool, JsonNode args) {
            ToolInfo info = tools.get(tool);
            if (info == null) return refused(id, name, written, tool, args, "there is no tool named '" + tool + "'; list_tools shows the tools there are");
            String misfit = misfit(info, args);
            if (misfit != null) return refused(id, name, written, tool, args, misfit);
            long t0 = System.nanoTime();
            McpTools.Reply reply = world.call(tool, args);
            long nanos = System.nanoTime() - t0;
            toolNanos += nanos;
            worldCalls++;
            CallOutcome outcome = switch (reply.kind()) {
                case NONE -> CallOutcome.OK;
                case AGENT -> CallOutcome.TOOL_ERROR;
                case ENVIRONMENT -> CallOutcome.ENVIRONMENT_ERROR;
            };
            if (reply.kind() == ErrorKind.NONE) successful++;
            if (reply.kind() == ErrorKind.AGENT) toolErrors++;
            String result = reply.kind() == ErrorKind.NONE ? reply.text() : AwmFormat.error(reply.text());
            return new Call(id, name, written, tool, args, result, outcome, reply.detail(), nanos / 1_000_000);
        }

        /** Why {@code args} do not fit the tool's schema, or null when they do (or the schema cannot be read). */
        String misfit(ToolInfo info, JsonNode args) {
            Schema schema = info.inputSchema() == null || info.inputSchema().isEmpty() ? null
                    : COMPILED.computeIfAbsent(info.inputSchema().toString(), text -> {
                        try {
                            return Optional.of(SCHEMAS.getSchema(info.inputSchema()));
                        } catch (RuntimeException e) {
                            return Optional.empty(); // a schema this validator cannot read: the server still checks the arguments
                        }
                    }).orElse(null);
            if (schema == null) return null;
            List<Error> errors;
            try {
                errors = schema.validate(args);
            } catch (RuntimeException e) {
                return null;
            }
            if (errors.isEmpty()) return null;
            return "the arguments for " + info.name() + " do not fit its schema: " + String.join("; ", errors.stream().map(Error::getMessage).toList());
        }

        Call refused(String id, String name, JsonNode written, String tool, JsonNode args, String why) {
            formatErrors++;
            return new Call(id, name, written, tool, args, AwmFormat.error(why), CallOutcome.FORMAT_ERROR, why, 0);
        }

        boolean ends(Call c) {
            return c.outcome() == CallOutcome.ENVIRONMENT_ERROR || c.outcome() == CallOutcome.FORMAT_ERROR && settings.endOnFormatError();
        }

        Ending afterCalls(int turn, String content, AwmFormat.Split split, List<Call> calls, long modelMs, Usage usage) {
            for (Call c : calls) {
                if (c.outcome() == CallOutcome.ENVIRONMENT_ERROR) {
                    step(new Step(turn, content, split.thinking(), calls, "environment_error", c.detail(), modelMs, usage));
                    return new Ending(null, Outcome.ENVIRONMENT_ERROR, c.detail());
                }
                if (c.outcome() == CallOutcome.FORMAT_ERROR && settings.endOnFormatError()) {
                    step(new Step(turn, content, split.thinking(), calls, "format_error", c.detail(), modelMs, usage));
                    return new Ending(null, Outcome.FORMAT_ERROR, c.detail());
                }
            }
            step(new Step(turn, content, split.thinking(), calls, "call", null, modelMs, usage));
            return null;
        }

        /** A reply without a call: the final answer, unless nothing was ever done on the world. */
        Ending answer(int turn, String content, AwmFormat.Split split, long modelMs, Usage usage) {
            if (successful == 0) {
                formatErrors++;
                String why = "the model answered without a successful tool call" + (settings.style() == Style.AWM ? " beyond list_tools" : "");
                step(new Step(turn, content, split.thinking(), List.of(), "format_error", why, modelMs, usage));
                return new Ending(split.visible(), Outcome.FORMAT_ERROR, why);
            }
            step(new Step(turn, content, split.thinking(), List.of(), "final", null, modelMs, usage));
            return new Ending(split.visible(), Outcome.ANSWERED, null);
        }

        void step(Step s) {
            steps.add(s);
            listener.turn(s);
        }

        Episode finish(String answer, Outcome outcome, String detail) {
            return new Episode(task.world(), task.taskId(), task.text(), settings, llm.config().model(), world.url(), List.copyOf(steps), List.copyOf(messages),
                    answer, outcome, detail, worldCalls, successful, toolErrors, formatErrors, new Usage(prompt, completion, reasoning),
                    modelNanos / 1_000_000, toolNanos / 1_000_000, (System.nanoTime() - start) / 1_000_000);
        }
    }
}
