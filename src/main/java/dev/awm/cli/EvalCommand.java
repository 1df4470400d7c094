package dev.awm.cli;

import dev.awm.agent.Agent;
import dev.awm.agent.AgentSettings;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.EpisodeRunner;
import dev.awm.agent.EpisodeServer;
import dev.awm.agent.Scoring;
import dev.awm.eval.Compare;
import dev.awm.eval.EvalRunner;
import dev.awm.eval.Metrics;
import dev.awm.eval.ReferenceModel;
import dev.awm.eval.Report;
import dev.awm.eval.Results;
import dev.awm.llm.LlmClient;
import dev.awm.llm.LlmConfig;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "eval", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Measure a model on every task of every world: success rate, pass@k, pass^k, rewards, errors, tokens and time.",
            "%nRuns each selected task k times, each on its own fresh instance served over MCP, many at once; verifies each; and writes DIR/results.jsonl (one line per episode, with its run directory) and DIR/report.html (a self-contained page: success per world, the reward distribution, turns against success, and each failed episode's trajectory one click away).",
            "%nAn interrupted eval resumes where it stopped: run the same command again. A model endpoint that refuses or times out is retried (--retries), then recorded as that episode's model error; --retry-errors runs those again.",
            "%nThe model and the agent take the options of `awm agent`.",
            "%nExamples:",
            "  awm eval --model Snowflake/Arctic-AWM-4B --base-url http://localhost:8000/v1 \\",
            "      --k 4 --concurrency 32",
            "  awm eval --model gpt-4.1 --style native --worlds banking_1,clinic_1 \\",
            "      --tasks 0-4",
            "  awm eval compare evals/a evals/b"},
        subcommands = {EvalCommand.CompareCommand.class, EvalCommand.ReportCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the eval ran (whatever the model scored)", "2:bad input or an endpoint that cannot be reached"})
final class EvalCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Option(names = "--worlds", paramLabel = "WORLD", split = ",", description = "The same as --world.")
    void worlds(List<String> names) {
        options.worlds = names;
    }

    @Option(names = "--tasks", paramLabel = "SPEC", description = "Only these tasks: indices and ranges for every world (0-4,7), or WORLD:N for one world's (banking_1:3). Default: every task.")
    String tasks;

    @Option(names = "--k", defaultValue = "1", paramLabel = "K", description = "Tries of each task, each on a fresh instance (pass@k and pass^k are over these). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N", description = "Episodes at once (and model requests in flight). Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--out", paramLabel = "DIR", description = "The eval directory. Default: evals/<model>-<style>; running the same command again resumes it.")
    Path out;

    @Option(names = "--fresh", description = "Start the eval in DIR over, forgetting what it recorded.")
    boolean fresh;

    @Option(names = "--retry-errors", description = "Run again the episodes recorded with a model error (the endpoint failed).")
    boolean retryErrors;

    @Mixin
    AgentCommand.ModelOptions model;

    @Mixin
    AgentCommand.AgentOptions agent;

    @Mixin
    AgentCommand.ScoringOptions scoring;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (k < 1) throw new IllegalArgumentException("--k must be at least 1");
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1");
        List<WorldRuntime> worlds = servable(options.load(), out);
        BiPredicate<String, Integer> select = selection(tasks, worlds);
        Style style = agent.style();
        LlmClient llm = new LlmClient(model.config(style, concurrency));
        AgentCommand.preflight(llm);
        Scoring scorer = scoring.scoring();
        AgentSettings settings = agent.settings(llm.config().baseUrl());
        Path dir = this.out != null ? this.out : Path.of("evals", (llm.config().model() + "-" + style.label()).replaceAll("[^A-Za-z0-9._-]+", "_"));
        ObjectNode fingerprint = fingerprint(llm.config(), settings, scorer, scoring.judgeModelName(), options.dir);
        EvalRunner.prepare(dir, fingerprint, fresh);
        out.printf("Evaluating %s (%s style, %s scoring) on %d worlds, k = %d, %d at once, in %s%n", llm.config().model(), style.label(), scorer.mode().label(),
                worlds.size(), k, concurrency, dir);
        out.flush();
        EvalRunner.Summary s;
        try (EpisodeServer server = new EpisodeServer()) {
            EvalRunner runner = new EvalRunner(new EpisodeRunner(server, new Agent(llm, settings), scorer), dir);
            s = runner.run(worlds, select, k, concurrency, retryErrors, progress(out));
        }
        finish(out, dir, fingerprint, s, k);
        return 0;
    }

    /** Prints the table and writes the report. */
    static void finish(PrintWriter out, Path dir, JsonNode settings, EvalRunner.Summary s, int k) {
        Metrics m = Metrics.of(s.episodes(), k);
        if (s.ran() > 0 || s.resumed() > 0) {
            out.printf("%n%d episodes run in %.1f s%s.%n", s.ran(), s.millis() / 1000.0, s.resumed() > 0 ? " (" + s.resumed() + " were recorded already)" : "");
        }
        out.println();
        printTable(out, m);
        Path report = Report.write(dir, settings, s.episodes(), m);
        out.printf("%nResults: %s%nReport:  %s%n", dir.resolve(Results.FILE), report);
        out.flush();
    }

    static List<WorldRuntime> servable(List<World> worlds, PrintWriter out) {
        List<WorldRuntime> runtimes = new ArrayList<>();
        for (World w : worlds) {
            WorldRuntime rt = WorldRuntime.load(w);
            if (rt.servable()) runtimes.add(rt);
            else out.printf("skipping %s: %s%n", w.scenario(), String.join("; ", rt.problems()));
        }
        if (runtimes.isEmpty()) throw new IllegalStateException("no world here can be served");
        return runtimes;
    }

    /** The settings a resumed eval must share with what it resumes. */
    static ObjectNode fingerprint(LlmConfig llm, AgentSettings a, Scoring scorer, String judgeModel, Path worldDir) {
        ObjectNode f = WorldFiles.JSON.createObjectNode();
        f.put("model", llm.model());
        f.put("base_url", llm.baseUrl());
        f.put("style", a.style().label());
        f.put("mode", scorer.mode().label());
        f.put("judge_model", judgeModel);
        f.put("max_turns", a.maxTurns());
        f.put("history_window", a.historyWindow());
        f.put("require_thinking", a.requireThinking());
        f.put("format_errors", a.endOnFormatError() ? "end" : "continue");
        f.put("tool_results", a.toolResultsAsUser() ? "user" : "tool");
        f.put("temperature", llm.temperature());
        f.put("max_tokens", llm.maxCompletionTokens());
        f.set("extra_body", llm.extraBody());
        f.put("worlds", worldDir == null ? "bundled" : worldDir.toAbsolutePath().normalize().toString());
        return f;
    }

    static EvalRunner.Progress progress(PrintWriter out) {
        long start = System.nanoTime();
        boolean console = System.console() != null;
        int[] complete = {0};
        return (line, done, total) -> {
            synchronized (complete) {
                if ("complete".equals(line.path("verdict").asString())) complete[0]++;
                boolean report = console || done == total || done % Math.max(1, total / 10) == 0;
                if (!report) return;
                String text = String.format(Locale.ROOT, "%d/%d episodes, %d complete this run, %.1f s", done, total, complete[0], (System.nanoTime() - start) / 1e9);
                if (console) {
                    System.err.print("\r" + text + (done == total ? "\n" : ""));
                    System.err.flush();
                } else {
                    out.println("  " + text);
                    out.flush();
                }
            }
        };
    }

    /** Task indices and ranges for every world, or WORLD:N for one world's; null selects every task. */
    static BiPredicate<String, Integer> selection(String spec, List<WorldRuntime> worlds) {
        if (spec == null || spec.isBlank()) return (w, t) -> true;
        List<BiPredicate<String, Integer>> parts = new ArrayList<>();
        for (String item : spec.split(",")) {
            String s = item.strip();
            String world = null;
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                world = s.substring(0, colon);
                s = s.substring(colon + 1);
                String w = world;
                if (worlds.stream().noneMatch(x -> x.world.scenario().equals(w))) {
                    throw new IllegalArgumentException("--tasks names world '" + world + "', which is not among the worlds evaluated: "
                            + String.join(", ", worlds.stream().map(x -> x.world.scenario()).toList()));
                }
            }
            if (!s.matches("\\d+(-\\d+)?")) {
                throw new IllegalArgumentException("--tasks takes indices and ranges such as 0-4,7 or banking_1:3, not '" + item.strip() + "'");
            }
            String[] range = s.split("-");
            int from = Integer.parseInt(range[0]), to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            String w = world;
            parts.add((name, t) -> (w == null || w.equals(name)) && t >= from && t <= to);
        }
        return (name, t) -> parts.stream().anyMatch(p -> p.test(name, t));
    }

    static void printTable(PrintWriter out, Metrics m) {
        String kk = String.valueOf(m.k());
        out.printf("%-22s %6s %8s %8s %8s %7s %6s %6s %7s %6s %9s %6s%n", "world", "eps", "success", "pass@" + kk, "pass^" + kk, "reward", "turns", "calls", "format",
                "env", "tokens/ep", "s/ep");
        List<Metrics.Group> rows = new ArrayList<>(m.worlds());
        rows.add(m.overall());
        for (Metrics.Group g : rows) {
            out.printf(Locale.ROOT, "%-22s %6d %7.1f%% %7.1f%% %7.1f%% %7s %6.1f %6.1f %6.1f%% %5.1f%% %9.0f %6.2f%n", g.name(), g.episodes(), 100 * g.success(),
                    100 * g.passAtK(), 100 * g.passHatK(), g.meanReward() == null ? "-" : String.format(Locale.ROOT, "%.3f", g.meanReward()), g.meanTurns(),
                    g.meanCalls(), 100 * g.formatErrorRate(), 100 * g.environmentErrorRate(), g.meanTokens(), g.meanSeconds());
        }
        if (m.overall().modelErrors() > 0) {
            out.printf("%n%d episodes could not be played to their end because the model's endpoint failed; rerun with --retry-errors.%n", m.overall().modelErrors());
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Compare two evals task by task: where A succeeds more often (a win), less often (a loss), or as often.",
                "%nA and B are eval directories or their results.jsonl files.", "%nExample:  awm eval compare evals/model-a evals/model-b"})
    static final class CompareCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A", description = "The first eval.")
        Path a;

        @Parameters(index = "1", paramLabel = "B", description = "The second eval.")
        Path b;

        @Option(names = "--all", description = "List every task, ties included. Default: only wins, losses and tasks one side lacks.")
        boolean all;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<JsonNode> left = Results.episodes(a), right = Results.episodes(b);
            Compare c = Compare.of(left, right);
            Metrics ma = Metrics.of(left, 1), mb = Metrics.of(right, 1);
            out.printf("A: %s  %d episodes, success %.1f%%, mean reward %s%n", a, left.size(), 100 * ma.overall().success(), reward(ma));
            out.printf("B: %s  %d episodes, success %.1f%%, mean reward %s%n%n", b, right.size(), 100 * mb.overall().success(), reward(mb));
            out.printf("%-32s %8s %8s  %s%n", "task", "A", "B", "");
            for (Compare.Row r : c.rows()) {
                if (!all && r.a() != null && r.b() != null && r.sign() == 0) continue;
                String verdict = r.a() == null ? "only in B" : r.b() == null ? "only in A" : r.sign() > 0 ? "A wins" : r.sign() < 0 ? "B wins" : "tie";
                out.printf("%-32s %8s %8s  %s%n", r.world() + " #" + r.task(), r.a() == null ? "-" : r.a().complete() + "/" + r.a().tries(),
                        r.b() == null ? "-" : r.b().complete() + "/" + r.b().tries(), verdict);
            }
            out.printf("%nA wins %d tasks, B wins %d, %d ties%s.%n", c.wins(), c.losses(), c.ties(),
                    c.onlyA() + c.onlyB() == 0 ? "" : "; " + c.onlyA() + " only in A, " + c.onlyB() + " only in B");
            out.flush();
            return 0;
        }

        private static String reward(Metrics m) {
            return m.overall().meanReward() == null ? "-" : String.format(Locale.ROOT, "%.3f", m.overall().meanReward());
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Print the table and write report.html again from an eval directory's results.jsonl.", "%nExample:  awm eval report evals/gpt-4.1-native"})
    static final class ReportCommand implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The eval directory.")
        Path dir;

        @Option(names = "--k", paramLabel = "K", description = "The k of pass@k and pass^k. Default: the most tries any task has.")
        Integer k;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<JsonNode> episodes = Results.episodes(dir);
            int kk = k != null ? k : Metrics.of(episodes, 1).tasks().stream().mapToInt(Metrics.TaskStats::tries).max().orElse(1);
            Path settings = dir.resolve(EvalRunner.SETTINGS);
            JsonNode s = Files.isRegularFile(settings) ? WorldFiles.JSON.readTree(Files.readString(settings)) : WorldFiles.JSON.createObjectNode();
            finish(spec.commandLine().getOut(), dir, s, new EvalRunner.Summary(0, 0, 0, episodes), kk);
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Measure awm eval's own cost: every task k times against an instant model that plays the reference solutions.",
                "%nThe model answers at once from 127.0.0.1, so the time is awm's: instances, MCP over HTTP, the agent loop, the LLM client, verification and run directories. Run it on an otherwise idle machine; numbers vary between runs.",
                "%nExample:  awm bench eval --k 4 --concurrency 32"})
    static final class Bench implements Callable<Integer> {
        @Mixin
        WorldOptions options;

        @Option(names = "--k", defaultValue = "4", paramLabel = "K", description = "Tries of each task. Default: ${DEFAULT-VALUE}.")
        int k;

        @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N", description = "Episodes at once. Default: ${DEFAULT-VALUE}.")
        int concurrency;

        @Option(names = "--style", defaultValue = "awm", paramLabel = "awm|native", description = "The agent's style. Default: ${DEFAULT-VALUE}.")
        String style;

        @Option(names = "--mistakes", defaultValue = "0", paramLabel = "SHARE", description = "The share of episodes in which the model errs (a format error, a call short, a vague answer), for a report with failures in it. Default: ${DEFAULT-VALUE}.")
        double mistakes;

        @Option(names = "--keep", paramLabel = "DIR", description = "Write the eval (results.jsonl, report.html, run directories) to DIR and keep it. Default: a temporary directory, deleted after.")
        Path keep;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            AgentCommand.AgentOptions agent = new AgentCommand.AgentOptions();
            agent.style = style;
            agent.formatErrors = "end";
            agent.toolResults = "auto";
            agent.maxTurns = AgentSettings.DEFAULT_MAX_TURNS;
            long start = System.nanoTime();
            List<WorldRuntime> worlds = servable(options.load(), out);
            double loaded = (System.nanoTime() - start) / 1e9;
            Path dir = keep != null ? keep : Files.createTempDirectory("awm-bench-eval");
            try (ReferenceModel model = new ReferenceModel(worlds, mistakes); EpisodeServer server = new EpisodeServer()) {
                LlmConfig config = Agent.modelConfig(LlmConfig.fromEnvironment(Map.of()).withEndpoint(model.baseUrl(), ReferenceModel.MODEL)
                        .withLimits(concurrency, 2, Duration.ofSeconds(60), Duration.ofMillis(100)), agent.style(), null, null, null);
                AgentSettings settings = agent.settings(config.baseUrl());
                ObjectNode fingerprint = fingerprint(config, settings, Scoring.code(), null, options.dir);
                EvalRunner.prepare(dir, fingerprint, true);
                int tasks = worlds.stream().mapToInt(w -> w.world.tasks().size()).sum();
                out.printf("awm bench eval: %d tasks in %d worlds, k = %d (%d episodes), %d at once, %s style, instant reference model%n", tasks, worlds.size(), k, tasks * k,
                        concurrency, settings.style().label());
                out.flush();
                EvalRunner runner = new EvalRunner(new EpisodeRunner(server, new Agent(new LlmClient(config), settings), Scoring.code()), dir);
                EvalRunner.Summary s = runner.run(worlds, (w, t) -> true, k, concurrency, false, null);
                finish(out, dir, fingerprint, s, k);
                double[] times = s.episodes().stream().mapToDouble(e -> e.path("seconds").path("total").asDouble()).sorted().toArray();
                out.printf(Locale.ROOT, "%nEval of %d episodes: %.2f s wall, %.1f episodes/s; one episode: median %.0f ms, p95 %.0f ms (model time included, about 0).%n",
                        s.ran(), s.millis() / 1000.0, s.ran() / Math.max(s.millis() / 1000.0, 1e-9), 1000 * at(times, 0.5), 1000 * at(times, 0.95));
                out.printf(Locale.ROOT, "Worlds loaded in %.2f s; the command so far (loading, eval, table, report): %.2f s, plus the JVM's start.%n", loaded,
                        (System.nanoTime() - start) / 1e9);
                out.flush();
            } finally {
                if (keep == null) deleteQuietly(dir);
            }
            return 0;
        }

        private static double at(double[] sorted, double q) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
        }

        private static void deleteQuietly(Path dir) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary directory: the system cleans it up in the end
            }
        }
    }
}
