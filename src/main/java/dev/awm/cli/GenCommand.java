package dev.awm.cli;

import dev.awm.llm.LlmClient;
import dev.awm.llm.LlmConfig;
import dev.awm.runtime.Json;
import dev.awm.synth.BundledAnswers;
import dev.awm.synth.BundledLlmServer;
import dev.awm.synth.GenDir;
import dev.awm.synth.GenReport;
import dev.awm.synth.GenSettings;
import dev.awm.synth.Pipeline;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(name = "gen", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Make worlds with any OpenAI-compatible LLM, and prove them.",
            "%nStages, as in AWM: scenario (seed platforms -> apps), tasks, db (schema), sample (seed rows), env (SQL toolset), verifier (verifiers, reference solutions, near misses), redteam (an LLM tries to be paid for wrong episodes; any it is paid for tightens the verifier). `gen all` runs them all and proves each world as `awm check` does; only proven worlds are accepted.",
            "%nEach stage reads the earlier stages' files in --out DIR (one directory per world, in AWM's stage layout) and writes its own, so every result is a file you can read, edit and rerun from. A failed guarantee goes back to the LLM with the concrete error, up to --max-attempts; a world that still fails moves to DIR/rejected/ with its reason. Every LLM answer is cached under DIR/llm_cache: a rerun or a resume after a crash pays nothing for what was answered.",
            "%nThe LLM: AWM_LLM_BASE_URL, AWM_LLM_API_KEY, AWM_LLM_MODEL (OPENAI_BASE_URL and OPENAI_API_KEY as fallbacks), or --base-url and --model. See docs/pipeline.md for OpenAI, vLLM and Ollama.",
            "%nExamples:",
            "  awm gen all --out worlds --target-count 20",
            "  awm gen all --from ../awm1k --out awm1k-filled      # fill what AWM-1K worlds lack, then prove them"},
        subcommands = {GenCommand.Scenario.class, GenCommand.Tasks.class, GenCommand.Db.class, GenCommand.Sample.class, GenCommand.Env.class,
            GenCommand.Verifier.class, GenCommand.Redteam.class, GenCommand.All.class, GenCommand.Bench.class})
final class GenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every stage takes. */
    static final class Options {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The output directory: new, empty, or one awm gen wrote.")
        Path out;

        @Option(names = "--from", paramLabel = "DIR", description = "Import the worlds of an AWM stage file set (such as AWM-1K's) into --out first; the stages then fill only what they lack.")
        Path from;

        @Option(names = "--target-count", paramLabel = "N", description = "How many worlds to make. Default: 10, or none beyond the imported ones with --from.")
        Integer targetCount;

        @Option(names = "--tasks-per-world", defaultValue = "10", description = "Tasks per world. Default: ${DEFAULT-VALUE}.")
        int tasksPerWorld;

        @Option(names = "--seeds", paramLabel = "FILE", description = "A JSONL file of {\"name\", \"description\"} seed platforms. Default: ~100 platforms shipped with awm.")
        Path seeds;

        @Option(names = "--only", paramLabel = "WORLD", split = ",", description = "Work only on these worlds (comma-separated).")
        List<String> only;

        @Option(names = "--concurrency", defaultValue = "16", description = "LLM requests in flight at once. Default: ${DEFAULT-VALUE}.")
        int concurrency;

        @Option(names = "--max-attempts", defaultValue = "4", description = "Attempts per item (the first answer and its repairs). Default: ${DEFAULT-VALUE}.")
        int maxAttempts;

        @Option(names = "--model", description = "The chat model. Default: $AWM_LLM_MODEL.")
        String model;

        @Option(names = "--base-url", paramLabel = "URL", description = "The OpenAI-compatible endpoint, e.g. http://localhost:8000/v1. Default: $AWM_LLM_BASE_URL, $OPENAI_BASE_URL, else OpenAI's.")
        String baseUrl;

        @Option(names = "--embedding-model", description = "An embedding model for near-duplicate scenarios. Default: $AWM_LLM_EMBEDDING_MODEL; without one, scenarios are compared by their words.")
        String embeddingModel;

        @Option(names = "--offline", description = "Replay the recorded cache only; a request it never recorded is an error naming the stage and world.")
        boolean offline;

        @Option(names = "--no-structured-output", description = "For endpoints without response_format json_schema: ask for JSON in words and parse it tolerantly.")
        boolean noStructuredOutput;

        @Option(names = "--max-completion-tokens", defaultValue = "32768", description = "max_completion_tokens per request (0 sends none). Default: ${DEFAULT-VALUE}.")
        int maxCompletionTokens;

        @Option(names = "--temperature", description = "Sampling temperature. Default: the server's (reasoning models take none).")
        Double temperature;

        @Option(names = {"--llm-extra", "--extra-body"}, paramLabel = "JSON", description = "Extra fields for every request body, e.g. '{\"chat_template_kwargs\": {\"enable_thinking\": false}}'.")
        String llmExtra;

        @Option(names = "--price-in", defaultValue = "0", description = "Price per million prompt tokens, for the cost column.")
        double priceIn;

        @Option(names = "--price-out", defaultValue = "0", description = "Price per million completion tokens, for the cost column.")
        double priceOut;

        @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for one LLM answer. Default: ${DEFAULT-VALUE}.")
        int timeout;

        @Option(names = "--cache", paramLabel = "DIR", description = "Where LLM answers are kept. Default: DIR/llm_cache.")
        Path cache;

        @Option(names = "--min-tables", defaultValue = "15", description = "Fewest tables a schema may have. Default: ${DEFAULT-VALUE}.")
        int minTables;

        @Option(names = "--max-tables", defaultValue = "25", description = "Most tables a schema may have. Default: ${DEFAULT-VALUE}.")
        int maxTables;

        @Option(names = "--min-tools", defaultValue = "20", description = "Fewest tools a toolset may have. Default: ${DEFAULT-VALUE}.")
        int minTools;

        @Option(names = "--min-seed-rows", defaultValue = "50", description = "Fewest seed rows. Default: ${DEFAULT-VALUE}.")
        int minSeedRows;

        @Option(names = "--category-cap", defaultValue = "0", description = "Most worlds per category. Default: max(2, 10% of the target).")
        int categoryCap;

        @Option(names = "--hacks-per-task", defaultValue = "3", description = "Red-team episodes asked for per task (0 skips the red team). Default: ${DEFAULT-VALUE}.")
        int hacksPerTask;

        @Option(names = "--no-progress", description = "No progress bars (they show only on a terminal anyway).")
        boolean noProgress;

        GenSettings settings() {
            int target = targetCount != null ? targetCount : from != null ? 0 : 10;
            return new GenSettings(target, tasksPerWorld, seeds, only, from, maxAttempts, minTables, maxTables, minTools, minSeedRows, categoryCap, 0.85, 0.6, hacksPerTask);
        }

        LlmConfig llm(Path defaultCache) {
            JsonNode extra = null;
            if (llmExtra != null) {
                try {
                    extra = Json.parse(llmExtra);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--llm-extra is not JSON; give an object such as '{\"chat_template_kwargs\": {\"enable_thinking\": false}}'");
                }
            }
            return LlmConfig.fromEnvironment(System.getenv()).withEndpoint(baseUrl, model).withEmbeddingModel(embeddingModel != null ? embeddingModel : LlmConfig.fromEnvironment(System.getenv()).embeddingModel())
                    .withGeneration(!noStructuredOutput, maxCompletionTokens, temperature, extra).withLimits(concurrency, 8, Duration.ofSeconds(timeout), Duration.ofSeconds(1))
                    .withPrices(priceIn, priceOut).withCache(cache != null ? cache : defaultCache, offline);
        }
    }

    /** Runs one stage (or all) and prints the stage table; exit 1 when a world was rejected or (all) the target is not met. */
    abstract static class StageCommand implements Callable<Integer> {
        @Mixin
        Options options;

        @Spec
        CommandSpec spec;

        abstract String stage();

        @Override
        public Integer call() {
            try {
                return generate();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }

        private Integer generate() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            GenDir dir = new GenDir(options.out);
            Files.createDirectories(options.out);
            GenSettings settings = options.settings();
            LlmClient llm = new LlmClient(options.llm(dir.cache()));
            llm.preflight();
            Pipeline pipeline = new Pipeline(dir, llm, settings, !options.noProgress && System.console() != null);
            if (options.from != null) out.printf("Imported %d world(s) from %s%n", pipeline.importFrom(options.from), options.from);
            int rejectedBefore = dir.rejected().size();
            if (stage().equals("all")) pipeline.all();
            else pipeline.run(stage());
            GenReport report = pipeline.report();
            report.write();
            out.print(report.table());
            out.println("Report: " + dir.report());
            out.flush();
            if (stage().equals("all")) {
                int wanted = Math.max(settings.targetCount(), dir.worlds().size());
                return report.accepted().size() >= wanted ? 0 : 1;
            }
            return dir.rejected().size() > rejectedBefore ? 1 : 0;
        }
    }

    @Command(name = "scenario", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Pick and describe scenarios from the seed platforms (suitability with a reason, near duplicates and category caps), until DIR holds --target-count worlds.")
    static final class Scenario extends StageCommand {
        String stage() {
            return "scenario";
        }
    }

    @Command(name = "tasks", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, description = "Write each world's tasks (gen_tasks.jsonl).")
    static final class Tasks extends StageCommand {
        String stage() {
            return "tasks";
        }
    }

    @Command(name = "db", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, description = "Design each world's schema (gen_db.jsonl): every DDL executes, 15-25 tables, foreign keys declared.")
    static final class Db extends StageCommand {
        String stage() {
            return "db";
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, description = "Write each world's seed rows (gen_sample.jsonl): every INSERT lands with foreign keys on.")
    static final class Sample extends StageCommand {
        String stage() {
            return "sample";
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Write each world's SQL toolset (gen_envs.jsonl): it passes the static checker, every tool runs, every task is reachable. Replaces AWM's Python toolsets of imported worlds.")
    static final class Env extends StageCommand {
        String stage() {
            return "env";
        }
    }

    @Command(name = "verifier", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Write verifiers, reference solutions and near misses (gen_verifier.jsonl), until awm check's proof passes for every task.")
    static final class Verifier extends StageCommand {
        String stage() {
            return "verifier";
        }
    }

    @Command(name = "redteam", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Let an LLM that sees tasks and tools but not verifiers try to be paid for wrong episodes; each one paid becomes a near miss and tightens its verifier.")
    static final class Redteam extends StageCommand {
        String stage() {
            return "redteam";
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Run every stage, then prove each world as `awm check` does; only proven worlds are accepted. Exit 0 when --target-count worlds are proven.")
    static final class All extends StageCommand {
        String stage() {
            return "all";
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Measure the pipeline's own work: `gen all` of N worlds against an instant stand-in LLM that answers from the bundled worlds.",
                "%nThree runs: a first run, a fully cached rerun (a new output directory replaying the first run's cache offline), and a rerun in place (nothing left to do). Run it on an otherwise idle machine."})
    static final class Bench implements Callable<Integer> {
        @Option(names = "--worlds", defaultValue = "20", description = "Worlds to make. Default: ${DEFAULT-VALUE}.")
        int worlds;

        @Option(names = "--keep", paramLabel = "DIR", description = "Keep the outputs in DIR (default: a temporary directory, deleted).")
        Path keep;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path root = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("awm-gen-bench");
            List<String> bundled = List.of("airline booking", "apartment rentals", "banking", "clinic", "hr payroll", "issue tracker", "library", "restaurant", "smart home");
            StringBuilder seeds = new StringBuilder();
            for (int i = 0; i < worlds; i++) {
                String name = bundled.get(i % bundled.size()) + " " + (i / bundled.size() + 1);
                seeds.append(WorldFiles.JSON.writeValueAsString(WorldFiles.JSON.createObjectNode().put("name", name).put("description", "bench seed for " + BundledAnswers.bundledFor(name)))).append('\n');
            }
            Path seedFile = Files.writeString(root.resolve("seeds.jsonl"), seeds.toString());
            GenSettings settings = new GenSettings(worlds, 10, seedFile, List.of(), null, 4, 15, 25, 20, 50, 1000, 0.85, 1.01, 2);
            List<String> lines = new ArrayList<>();
            try (BundledLlmServer llm = new BundledLlmServer()) {
                Path cache = root.resolve("cache");
                LlmConfig config = LlmConfig.fromEnvironment(java.util.Map.of()).withEndpoint(llm.baseUrl(), BundledLlmServer.MODEL).withLimits(16, 2, Duration.ofSeconds(60), Duration.ofMillis(10));
                lines.add(run("first run (instant LLM)", root.resolve("run1"), new LlmClient(config.withCache(cache, false)), settings));
                lines.add(run("fully cached rerun (offline)", root.resolve("run2"), new LlmClient(config.withCache(cache, true)), settings));
                lines.add(run("rerun in place (resume)", root.resolve("run2"), new LlmClient(config.withCache(cache, true)), settings));
            } finally {
                if (keep == null) deleteTree(root);
            }
            out.printf("awm gen all --target-count %d against an instant stand-in LLM, %d cores, JDK %s%n", worlds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            lines.forEach(out::println);
            out.flush();
            return 0;
        }

        private static String run(String what, Path dir, LlmClient llm, GenSettings settings) {
            long t0 = System.nanoTime(), cpu0 = cpuNanos();
            Pipeline p = new Pipeline(new GenDir(dir), llm, settings, System.console() != null);
            p.all();
            double s = (System.nanoTime() - t0) / 1e9, cpu = (cpuNanos() - cpu0) / 1e9;
            GenReport r = p.report();
            r.write();
            long sent = llm.usage().all().values().stream().mapToLong(u -> u.requests()).sum(), cached = llm.usage().all().values().stream().mapToLong(u -> u.cached()).sum();
            return String.format(Locale.ROOT, "  %-30s %6.1f s wall, %5.1f s CPU   %d worlds proven, %d requests sent, %d replayed from the cache", what, s, cpu,
                    r.accepted().size(), sent, cached);
        }

        /** CPU time of this process (all threads, the stand-in LLM's included): a shared machine inflates wall time, not this. */
        private static long cpuNanos() {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
        }

        private static void deleteTree(Path p) throws IOException {
            try (var s = Files.walk(p)) {
                for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
            }
        }
    }
}
