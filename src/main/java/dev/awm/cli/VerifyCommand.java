package dev.awm.cli;

import dev.awm.runtime.Json;
import dev.awm.runtime.Sqlite;
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
        if (task == null || fin == null) throw new IllegalArgumentException("give a run directory (awm verify RUN_DIR), or --task and --final (with --world)");
        if (scoring.mode() != dev.awm.agent.Scoring.Mode.CODE) throw new IllegalArgumentException("--mode judge needs the trajectory: give a run directory (awm verify RUN_DIR)");
        WorldRuntime rt = options.load();
        TaskSpec spec_ = rt.world.verifier(task).orElseThrow(() -> new IllegalArgumentException(
                rt.world.scenario() + " has no verifier for task " + task + " (it has " + rt.world.verifiers().size() + " tasks with verifiers, numbered from 0)"));
        byte[] before = initial == null ? rt.initialImage() : rt.checkState(Sqlite.readImage(initial), initial.toString());
        byte[] after = rt.checkState(Sqlite.readImage(fin), fin.toString());
        Verifier.Verdict v;
        try (Scorer scorer = new Scorer(rt)) {
            v = scorer.score(spec_, before, after, answerText());
        }
        PrintWriter out = spec.commandLine().getOut();
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
