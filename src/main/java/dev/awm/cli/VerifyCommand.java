package dev.awm.cli;

import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Scorer;
import dev.awm.verify.Verifier;
import dev.awm.world.TaskSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Score one episode: a task's checks over the final database and the agent's answer.",
            "%nThe final state is a SQLite file, such as the final.db that `awm env start --save DIR` writes when it stops. The initial state defaults to the world's fresh state; pass --initial for worlds whose seed rows depend on the clock (AWM-1K's use datetime('now')). Both must be states of the world named: a database with another schema is refused.",
            "%nExample:  awm verify --world banking_1 --task 4 --final run/final.db --answer \"Moved $300.\"",
            "%nWith --calls FILE instead of --final, the episode is replayed: its tool calls run on a fresh instance and the state they leave is scored. Handy for asking whether a verifier would pay an episode you have in mind.",
            "%nawm verify RUN_DIR scores a run directory of `awm agent` (or AWM's agent): its trajectory.json, initial.db and final.db; --mode judge asks an LLM judge too.",
            "Example:  awm verify runs/20260101_120000_banking_1_task_4 --mode judge"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:complete", "1:not complete", "2:bad input"})
final class VerifyCommand implements Callable<Integer> {

    /** Where --answer-file - reads from; a test may set another stream. */
    static InputStream stdin = System.in;

    @Mixin
    WorldOptions.One options;

    @Parameters(arity = "0..1", paramLabel = "RUN_DIR", description = "A run directory to score, instead of --task, --final and --answer.")
    Path runDir;

    @Mixin
    AgentCommand.ScoringOptions scoring;

    @Option(names = "--task", description = "The task's index (see awm worlds --tasks).")
    Integer task;

    @Option(names = "--final", paramLabel = "DB", description = "The database after the episode.")
    Path fin;

    @Option(names = "--calls", paramLabel = "FILE", description = "Instead of --final: replay these tool calls on a fresh instance and score the state they leave. "
            + "FILE holds a JSON array [{\"tool\": ..., \"arguments\": {...}}, ...] (- reads standard input); failed calls are shown and skipped, as an agent would go on.")
    String calls;

    @Option(names = "--initial", paramLabel = "DB", description = "The database before the episode. Default: the world's initial state.")
    Path initial;

    @ArgGroup(exclusive = true)
    Answer answer;

    static final class Answer {
        @Option(names = "--answer", paramLabel = "TEXT", description = "The agent's final answer. Default: none.")
        String text;

        @Option(names = "--answer-file", paramLabel = "FILE", description = "Read the final answer from FILE instead (- reads standard input).")
        String file;
    }

    @Option(names = "--json", description = "Print the verdict as JSON: complete, reward (0 or 1), fraction of checks passed, and each check.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        if (runDir != null) return AgentCommand.verifyRunDir(runDir, options.dir, options.world, scoring, json, spec.commandLine().getOut());
        if (task == null || (fin == null) == (calls == null)) {
            throw new IllegalArgumentException("give a run directory (awm verify RUN_DIR), or --task with one of --final or --calls (and --world)");
        }
        if (scoring.mode() != dev.awm.agent.Scoring.Mode.CODE) throw new IllegalArgumentException("--mode judge needs the trajectory: give a run directory (awm verify RUN_DIR)");
        WorldRuntime rt = options.load();
        TaskSpec spec_ = rt.world.verifier(task).orElseThrow(() -> new IllegalArgumentException(
                rt.world.scenario() + " has no verifier for task " + task + " (it has " + rt.world.verifiers().size() + " tasks with verifiers, numbered from 0)"));
        PrintWriter out = spec.commandLine().getOut();
        byte[] before = initial == null ? rt.initialImage() : rt.checkState(Sqlite.readImage(initial), initial.toString());
        byte[] after = fin != null ? rt.checkState(Sqlite.readImage(fin), fin.toString()) : replay(rt, before, out);
        Verifier.Verdict v;
        try (Scorer scorer = new Scorer(rt)) {
            v = scorer.score(spec_, before, after, answerText());
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("world", rt.world.scenario());
            o.put("task", task);
            o.put("complete", v.complete());
            o.put("reward", v.complete() ? 1 : 0);
            o.put("fraction_passed", v.fractionPassed());
            o.put("checks", v.checks());
            out.println(Json.write(o));
        } else {
            out.printf("%s task %d: %s (%d of %d checks passed)%n", rt.world.scenario(), task, v.complete() ? "COMPLETE" : "NOT COMPLETE", v.passed(), v.checks().size());
            for (Verifier.CheckResult c : v.checks()) out.printf("  %s %-9s %s  [%s]%n", c.passed() ? "pass" : "FAIL", c.kind(), c.message(), c.detail());
        }
        out.flush();
        return v.complete() ? 0 : 1;
    }

    /** Runs --calls on an instance at {@code before} and returns the state they leave; each call's outcome is printed unless --json. */
    private byte[] replay(WorldRuntime rt, byte[] before, PrintWriter out) {
        if (!rt.servable()) throw new IllegalStateException(rt.world.scenario() + " cannot run tools: " + String.join("; ", rt.problems()));
        JsonNode list;
        try {
            list = Json.parse(new String(calls.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(calls)), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the calls file " + calls + ": " + FileErrors.describe(e));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the calls file " + calls + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!list.isArray() || list.valueStream().anyMatch(c -> !c.path("tool").isString())) {
            throw new IllegalArgumentException("the calls file " + calls + " must hold a JSON array of {\"tool\": name, \"arguments\": {...}}");
        }
        try (Instance instance = rt.newInstance()) {
            instance.restore(before);
            int n = 0;
            for (JsonNode c : list) {
                ToolResult r = instance.call(c.get("tool").asString(), c.path("arguments").isMissingNode() ? null : c.get("arguments"));
                if (!json) out.printf("call %d %s: %s%n", ++n, c.get("tool").asString(), (r.error() ? "error: " : "") + AgentCommand.Transcript.shorten(r.text(), 200));
            }
            return instance.image();
        }
    }

    private String answerText() {
        if (answer == null) return "";
        if (answer.file == null) return answer.text;
        try {
            byte[] bytes = answer.file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(answer.file));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the answer file " + answer.file + ": " + FileErrors.describe(e));
        }
    }

    /** A database file that is a state of {@code rt}'s world: a SQLite file whose schema is the world's. */
}
