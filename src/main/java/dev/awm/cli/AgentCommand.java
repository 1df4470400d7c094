package dev.awm.cli;

import dev.awm.agent.Agent;
import dev.awm.agent.AgentSettings;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.AwmFormat;
import dev.awm.agent.Episode;
import dev.awm.agent.EpisodeRunner;
import dev.awm.agent.EpisodeServer;
import dev.awm.agent.Judge;
import dev.awm.agent.RunDirectory;
import dev.awm.agent.Scoring;
import dev.awm.agent.ToolInfo;
import dev.awm.agent.Verdict;
import dev.awm.llm.LlmClient;
import dev.awm.llm.LlmConfig;
import dev.awm.llm.LlmException;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Verifier;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(name = "agent", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run an LLM agent on one task of a world, and score it.",
            "%nStarts a fresh instance of the world, serves it over MCP on a free port of this machine, and connects the agent to it as an MCP client over HTTP, so the agent sees exactly what any agent sees. The conversation is printed as it goes. The run directory gets trajectory.json, initial.db, final.db (the same artefacts as AWM's agent, so `awm verify RUN_DIR` and AWM's verify read them) and result.json (the verdict, the reward and its components).",
            "%nThe model is any OpenAI-compatible endpoint (OpenAI, vLLM, SGLang, Ollama), configured by AWM_LLM_BASE_URL, AWM_LLM_API_KEY and AWM_LLM_MODEL (OPENAI_BASE_URL and OPENAI_API_KEY as fallbacks), or by --base-url and --model.",
            "%nRewards follow the AWM paper (docs/rewards.md): a format error ends the episode with -1, an environment error with 0; otherwise 1.0 when the task is complete (0.1 when the judge says partially complete), 0 else.",
            "%nExamples:",
            "  awm agent --world banking_1 --task 4 \\",
            "      --base-url http://localhost:8000/v1 --model Snowflake/Arctic-AWM-4B",
            "  awm agent --world clinic_1 --style native --model gpt-4.1 \\",
            "      --task \"Book me the earliest dermatology slot\"",
            "  awm agent --mcp-url http://127.0.0.1:8001/mcp --task \"List my accounts\""},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:complete", "1:not complete (or not verifiable)", "2:bad input or an endpoint that cannot be reached"})
final class AgentCommand implements Callable<Integer> {

    @Mixin
    WorldOptions.One options;

    @Option(names = "--task", required = true, paramLabel = "N|TEXT", description = "The task: its index in the world (see awm worlds --tasks), or free text (then only --mode judge can score it).")
    String task;

    @Option(names = "--mcp-url", paramLabel = "URL", description = "Act on a world served elsewhere (any MCP server over Streamable HTTP) instead of a fresh local instance. Its databases are not at hand, so the code checks cannot run.")
    String mcpUrl;

    @Option(names = "--out", paramLabel = "DIR", description = "The run directory. Default: runs/<time>_<world>_task_<n>.")
    Path outDir;

    @Mixin
    ModelOptions model;

    @Mixin
    AgentOptions agent;

    @Mixin
    ScoringOptions scoring;

    @Option(names = "--quiet", description = "Print only the verdict, not the conversation.")
    boolean quiet;

    @Option(names = "--json", description = "Print result.json instead of the human summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean index = task.strip().matches("\\d+");
        WorldRuntime rt = null;
        if (mcpUrl == null || options.world != null) {
            rt = options.load();
            if (mcpUrl == null && !rt.servable()) throw new IllegalStateException(rt.world.scenario() + " cannot be served: " + String.join("; ", rt.problems()));
        } else if (index) {
            throw new IllegalArgumentException("--task " + task.strip() + " is a task index: name its world with --world, or give the task as text");
        }
        Integer taskId = null;
        String text = task;
        TaskSpec taskSpec = null;
        if (index) {
            taskId = Integer.parseInt(task.strip());
            if (taskId >= rt.world.tasks().size()) {
                throw new IllegalArgumentException(rt.world.scenario() + " has no task " + taskId + " (it has " + rt.world.tasks().size() + ", numbered from 0; see awm worlds --world "
                        + rt.world.scenario() + " --tasks)");
            }
            text = rt.world.tasks().get(taskId);
            taskSpec = rt.world.verifier(taskId).orElse(null);
        }
        String world = rt == null ? null : rt.world.scenario();
        Style style = agent.style();
        LlmClient llm = new LlmClient(model.config(style, 1));
        preflight(llm);
        Scoring scorer = scoring.scoring();
        Agent a = new Agent(llm, agent.settings(llm.config().baseUrl()));
        Path dir = outDir != null ? outDir : RunDirectory.defaultFor(world, taskId);
        Agent.Listener printer = quiet || json ? null : new Transcript(out);
        if (!quiet && !json) {
            out.printf("Task%s: %s%nModel: %s at %s (%s style)%n", world == null ? "" : " (" + world + (taskId == null ? "" : " #" + taskId) + ")", text,
                    llm.config().model(), llm.config().baseUrl(), style.label());
            out.flush();
        }
        Agent.Task t = new Agent.Task(world, taskId, text);
        EpisodeRunner.Finished f;
        if (mcpUrl != null) {
            f = new EpisodeRunner(null, a, scorer).runRemote(mcpUrl, t, dir, printer);
        } else {
            try (EpisodeServer server = new EpisodeServer()) {
                f = new EpisodeRunner(server, a, scorer).run(rt, t, taskSpec, dir, null, printer);
            }
        }
        if (json) {
            out.println(Json.write(f.result()));
        } else {
            out.println();
            printVerdict(out, f.verdict(), f.episode().outcome(), f.episode().detail());
            out.printf("%nRun directory: %s%nScore it again: awm verify %s%s%n", dir, dir, scorer.mode() == Scoring.Mode.JUDGE ? " --mode judge" : "");
        }
        out.flush();
        return f.verdict().complete() ? 0 : 1;
    }

    /** Checks in seconds that the endpoint answers, takes the key and serves the model; says which is wrong if not. */
    static void preflight(LlmClient llm) {
        try {
            llm.preflight();
        } catch (LlmException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The verdict in words: label, reward, how the episode ended, each check, the judge's reasoning. */
    static void printVerdict(PrintWriter out, Verdict v, Episode.Outcome outcome, String detail) {
        out.printf("Verdict: %s, reward %s%s%n", v.label().replace('_', ' ').toUpperCase(Locale.ROOT), v.reward() == null ? "none" : fmt(v.reward()),
                v.code() == null ? "" : " (" + v.code().passed() + " of " + v.code().checks().size() + " checks passed)");
        if (outcome != Episode.Outcome.ANSWERED) out.printf("  the episode ended: %s%s%n", outcome.label().replace('_', ' '), detail == null ? "" : ": " + detail);
        if (v.code() != null) {
            for (Verifier.CheckResult c : v.code().checks()) out.printf("  %s %-6s %s  [%s]%n", c.passed() ? "pass" : "FAIL", c.kind(), c.message(), c.detail());
        }
        if (v.judge() != null) {
            out.printf("  judge: %s%n", v.judge().ok() ? v.judge().classification() + (v.judge().cached() ? " (cached)" : "") + ": " + v.judge().reasoning() : "no verdict: " + v.judge().error());
        }
        if (v.note() != null) out.printf("  note: %s%n", v.note());
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(d);
    }

    /**
     * {@code awm verify RUN_DIR}: the task's checks over the run's databases and final answer, or the judge over
     * those and the trajectory. Reached from VerifyCommand.
     *
     * @param worldDir --dir, or null for the bundled worlds
     * @param worldName --world, or null to take the world the trajectory names
     */
    static int verifyRunDir(Path runDir, Path worldDir, String worldName, ScoringOptions scoring, boolean json, PrintWriter out) {
        RunDirectory.Saved saved = RunDirectory.read(runDir);
        String name = worldName != null ? worldName : saved.world();
        WorldRuntime rt = null;
        if (name != null) {
            List<World> all = worldDir == null ? WorldFiles.bundled() : WorldFiles.load(worldDir);
            World w = all.stream().filter(x -> x.scenario().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    runDir + " is an episode of " + name + ", which is not in " + (worldDir == null ? "the bundled worlds" : worldDir) + ": pass the world set with --dir"));
            rt = WorldRuntime.load(w);
        }
        Integer taskId = saved.taskId();
        TaskSpec taskSpec = rt == null || taskId == null ? null : rt.world.verifier(taskId).orElse(null);
        if (rt != null && taskId != null && taskSpec == null && scoring.mode() == Scoring.Mode.CODE) {
            throw new IllegalArgumentException(name + " has no verifier for task " + taskId + "; score this run with --mode judge");
        }
        if (rt != null && saved.fin() != null) rt.checkState(saved.fin(), runDir.resolve(RunDirectory.FINAL).toString());
        if (rt != null && saved.initial() != null) rt.checkState(saved.initial(), runDir.resolve(RunDirectory.INITIAL).toString());
        byte[] initial = saved.initial() != null ? saved.initial() : rt == null ? null : rt.initialImage();
        Scoring scorer = scoring.scoring();
        Verdict v = scorer.score(saved.outcome(), new Scoring.Evidence(rt, taskSpec, initial, saved.fin(), saved.task(), saved.finalAnswer(), saved.trajectory().path("trajectory")));
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("run_dir", runDir.toString());
            o.put("world", name);
            o.put("task_id", taskId);
            o.put("mode", v.mode());
            o.put("outcome", saved.outcome().label());
            o.put("verdict", v.label());
            o.put("reward", v.reward());
            o.put("complete", v.complete());
            o.put("note", v.note());
            o.put("checks", v.code() == null ? List.of() : v.code().checks());
            if (v.judge() != null) o.put("judge", v.judge());
            out.println(Json.write(o));
        } else {
            out.printf("%s: %s%s%n", runDir, name == null ? "a free-text task" : name + (taskId == null ? "" : " task " + taskId), saved.fin() == null ? " (no final.db: the checks cannot run)" : "");
            printVerdict(out, v, saved.outcome(), saved.trajectory().path("outcome_detail").asString(null));
        }
        out.flush();
        return v.complete() ? 0 : 1;
    }

    /** Prints the conversation as it goes: each turn's reasoning and text shortened, its calls, and what they returned. */
    static final class Transcript implements Agent.Listener {
        private final PrintWriter out;

        Transcript(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void tools(List<ToolInfo> tools) {
            out.printf("Tools: %d, served over MCP%n", tools.size());
            out.flush();
        }

        @Override
        public void turn(Episode.Step s) {
            out.printf("%n[turn %d] %.1f s, %d tokens%n", s.turn(), s.modelMillis() / 1000.0, s.usage().prompt() + s.usage().completion());
            if (s.reasoning() != null && !s.reasoning().isBlank()) out.printf("  thinks: %s%n", shorten(s.reasoning(), 240));
            String says = s.content() == null ? "" : AwmFormat.split(s.content(), null).visible().replaceAll("(?s)<tool_call>.*?</tool_call>", "").strip();
            if (!says.isBlank()) out.printf(s.isFinal() ? "  answer: %s%n" : "  says: %s%n", s.isFinal() ? says : shorten(says, 300));
            for (Episode.Call c : s.calls()) {
                String args = c.toolArguments() != null ? Json.write(c.toolArguments()) : c.arguments() == null || c.arguments().isNull() ? "" : Json.write(c.arguments());
                out.printf("  -> %s %s%n", c.tool() != null ? c.tool() : c.name(), shorten(args, 200));
                String mark = switch (c.outcome()) {
                    case OK -> "<-";
                    case SKIPPED -> "   (skipped: only the first call of a turn runs)";
                    default -> "<- " + c.outcome().label().replace('_', ' ').toUpperCase(Locale.ROOT) + ":";
                };
                if (c.outcome() != Episode.CallOutcome.SKIPPED) {
                    out.printf("  %s %s%s%n", mark, shorten(c.result() == null ? "" : c.result(), 200), c.result() != null && c.result().length() > 200 ? " (" + c.result().length() + " chars)" : "");
                } else {
                    out.println("  " + mark);
                }
            }
            if (s.detail() != null && !s.isFinal()) out.printf("  !! %s: %s%n", s.outcome().replace('_', ' '), s.detail());
            out.flush();
        }

        static String shorten(String s, int max) {
            String one = s.replaceAll("\\s+", " ").strip();
            return one.length() <= max ? one : one.substring(0, max - 3) + "...";
        }
    }

    /** --model, --base-url and the model's generation settings. */
    static final class ModelOptions {
        @Option(names = "--model", paramLabel = "MODEL", description = "The model. Default: AWM_LLM_MODEL.")
        String model;

        @Option(names = "--base-url", paramLabel = "URL", description = "The OpenAI-compatible endpoint (OpenAI, vLLM, SGLang, Ollama), e.g. http://localhost:8000/v1. Default: AWM_LLM_BASE_URL, then OPENAI_BASE_URL, then OpenAI. The key comes from AWM_LLM_API_KEY or OPENAI_API_KEY.")
        String baseUrl;

        @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature. Default: 1.0 in awm style (as AWM's agent), the server's own in native style.")
        Double temperature;

        @Option(names = "--max-tokens", paramLabel = "N", description = "Completion tokens per turn (max_completion_tokens). Default: 2048 in awm style (as AWM's agent), the server's own in native style.")
        Integer maxTokens;

        @Option(names = {"--extra-body", "--llm-extra"}, paramLabel = "JSON", description = "Fields added to every request body, for reasoning models and vLLM, e.g. '{\"chat_template_kwargs\": {\"enable_thinking\": true}}' or '{\"reasoning_effort\": \"low\"}'. Default: in awm style against a local endpoint, AWM's vLLM fields (thinking on, at least 16 tokens).")
        String extraBody;

        @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "How long one model reply may take before it is retried. Default: ${DEFAULT-VALUE}.")
        int timeout;

        @Option(names = "--retries", defaultValue = "8", paramLabel = "N", description = "Retries of a request that times out or gets 429 or 5xx, with backoff; after them the episode is recorded as a model error. Default: ${DEFAULT-VALUE}.")
        int retries;

        LlmConfig config(Style style, int concurrency) {
            JsonNode extra = null;
            if (extraBody != null) {
                try {
                    extra = WorldFiles.JSON.readTree(extraBody);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--extra-body is not valid JSON; give an object such as '{\"chat_template_kwargs\": {\"enable_thinking\": true}}'");
                }
                if (!extra.isObject()) throw new IllegalArgumentException("--extra-body must be a JSON object, such as '{\"reasoning_effort\": \"low\"}'");
            }
            if (timeout < 1) throw new IllegalArgumentException("--timeout must be at least 1 second");
            if (retries < 0) throw new IllegalArgumentException("--retries cannot be negative");
            LlmConfig base = LlmConfig.fromEnvironment(System.getenv()).withEndpoint(baseUrl, model)
                    .withLimits(concurrency, retries, Duration.ofSeconds(timeout), Duration.ofSeconds(1));
            return Agent.modelConfig(base, style, temperature, maxTokens, extra);
        }
    }

    /** How the agent sees the world and when an episode ends. */
    static final class AgentOptions {
        @Option(names = "--style", defaultValue = "awm", paramLabel = "awm|native",
                description = "awm: AWM's prompt interface (list_tools and call_tool in <tool_call> tags), as the Arctic-AWM models were trained; native: OpenAI function calling with the world's tools. Default: ${DEFAULT-VALUE}.")
        String style;

        @Option(names = "--max-turns", defaultValue = "30", paramLabel = "N", description = "Model replies per episode. Default: ${DEFAULT-VALUE}.")
        int maxTurns;

        @Option(names = "--history-window", paramLabel = "N", description = "Send only the system prompt, the task, the list_tools exchange and the last N turns (AWM's history-aware setting; the paper uses 3, and 10 for long tasks). Default: the whole history.")
        Integer historyWindow;

        @Option(names = "--require-thinking", description = "A reply with empty reasoning is a format error (for thinking models such as Arctic-AWM).")
        boolean requireThinking;

        @Option(names = "--format-errors", defaultValue = "end", paramLabel = "end|continue",
                description = "end: the first format error ends the episode with reward -1 (the paper's rule); continue: hand the error back to the model and go on, counting it. Default: ${DEFAULT-VALUE}.")
        String formatErrors;

        @Option(names = "--tool-results", defaultValue = "auto", paramLabel = "auto|tool|user",
                description = "How awm style sends tool results: as tool messages (what a local vLLM gets from AWM's agent) or as user messages \"Tool response: ...\" (what other servers get). Default: ${DEFAULT-VALUE}, as AWM decides: tool for an endpoint on this machine.")
        String toolResults;

        Style style() {
            return switch (style.toLowerCase(Locale.ROOT)) {
                case "awm" -> Style.AWM;
                case "native" -> Style.NATIVE;
                default -> throw new IllegalArgumentException("--style must be awm or native, not '" + style + "'");
            };
        }

        AgentSettings settings(String baseUrl) {
            AgentSettings s = AgentSettings.defaults(style(), baseUrl).withMaxTurns(maxTurns).withHistoryWindow(historyWindow).withRequireThinking(requireThinking);
            s = switch (formatErrors.toLowerCase(Locale.ROOT)) {
                case "end" -> s.withEndOnFormatError(true);
                case "continue" -> s.withEndOnFormatError(false);
                default -> throw new IllegalArgumentException("--format-errors must be end or continue, not '" + formatErrors + "'");
            };
            return switch (toolResults.toLowerCase(Locale.ROOT)) {
                case "auto" -> s;
                case "tool" -> s.withToolResultsAsUser(false);
                case "user" -> s.withToolResultsAsUser(true);
                default -> throw new IllegalArgumentException("--tool-results must be auto, tool or user, not '" + toolResults + "'");
            };
        }
    }

    /** Code checks or the LLM judge, and where the judge is. */
    static final class ScoringOptions {
        @Option(names = "--mode", defaultValue = "code", paramLabel = "code|judge",
                description = "code: the task's checks over the two databases and the final answer; judge: those results, the row-level changes and the trajectory go to an LLM judge (complete / partially_complete / agent_error / environment_error). Default: ${DEFAULT-VALUE}.")
        String mode;

        @Option(names = "--judge-model", paramLabel = "MODEL", description = "The judge's model. Default: AWM_LLM_MODEL.")
        String judgeModel;

        @Option(names = "--judge-base-url", paramLabel = "URL", description = "The judge's endpoint. Default: AWM_LLM_BASE_URL (then OPENAI_BASE_URL); its key comes from AWM_LLM_API_KEY or OPENAI_API_KEY.")
        String judgeBaseUrl;

        @Option(names = "--llm-cache", paramLabel = "DIR", description = "Where judge answers are cached, so a rerun asks nothing twice. Default: ~/.cache/awm/llm.")
        Path cache;

        Scoring.Mode mode() {
            return switch (mode.toLowerCase(Locale.ROOT)) {
                case "code" -> Scoring.Mode.CODE;
                case "judge" -> Scoring.Mode.JUDGE;
                default -> throw new IllegalArgumentException("--mode must be code or judge, not '" + mode + "'");
            };
        }

        /** The scoring to use; in judge mode, checks first that the judge's endpoint answers and serves its model. */
        Scoring scoring() {
            if (mode() == Scoring.Mode.CODE) return Scoring.code();
            Path dir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "awm", "llm");
            // JSON asked for in words and read tolerantly, as AWM's judge does: any server can judge, structured outputs or not
            LlmConfig config = LlmConfig.fromEnvironment(System.getenv()).withEndpoint(judgeBaseUrl, judgeModel).withCache(dir, false)
                    .withGeneration(false, 0, null, null);
            LlmClient judge = new LlmClient(config);
            preflight(judge);
            return Scoring.judge(new Judge(judge));
        }

        String judgeModelName() {
            return mode() == Scoring.Mode.CODE ? null : judgeModel != null ? judgeModel : System.getenv("AWM_LLM_MODEL");
        }
    }
}
