package dev.awm.cli;

import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Scorer;
import dev.awm.verify.Verifier;
import dev.awm.world.TaskSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Score one episode: a task's checks over the final database and the agent's answer.",
            "%nThe final state is a SQLite file, such as the final.db that `awm env start --save DIR` writes when it stops. The initial state defaults to the world's fresh state; pass --initial for worlds whose seed rows depend on the clock (AWM-1K's use datetime('now')).",
            "%nExample:  awm verify --world banking_1 --task 4 --final run/final.db --answer \"Moved $300.\""},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:complete", "1:not complete", "2:bad input"})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Option(names = "--task", required = true, description = "The task's index (see awm worlds --tasks).")
    int task;

    @Option(names = "--final", required = true, paramLabel = "DB", description = "The database after the episode.")
    Path fin;

    @Option(names = "--initial", paramLabel = "DB", description = "The database before the episode. Default: the world's initial state.")
    Path initial;

    @Option(names = "--answer", description = "The agent's final answer. Default: none.", defaultValue = "")
    String answer;

    @Option(names = "--answer-file", paramLabel = "FILE", description = "Read the final answer from FILE instead.")
    Path answerFile;

    @Option(names = "--json", description = "Print the verdict as JSON: complete, reward (0 or 1), fraction of checks passed, and each check.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        WorldRuntime rt = options.loadOne();
        TaskSpec spec_ = rt.world.verifier(task).orElseThrow(() -> new IllegalArgumentException(
                rt.world.scenario() + " has no verifier for task " + task + " (it has " + rt.world.verifiers().size() + " tasks with verifiers, numbered from 0)"));
        byte[] before = initial == null ? rt.initialImage() : readDatabase(initial);
        byte[] after = readDatabase(fin);
        String text = answerFile == null ? answer : Files.readString(answerFile);
        Verifier.Verdict v = new Scorer(rt).score(spec_, before, after, text);
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

    private static byte[] readDatabase(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such database file: " + file);
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 100 || !new String(bytes, 0, 15, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3")) {
            throw new IllegalArgumentException(file + " is not a SQLite database");
        }
        if (bytes[18] == 2 || bytes[19] == 2) {
            // A WAL-mode file (checkpointed, as a closed database is) loads in memory only as a rollback-journal one.
            bytes[18] = 1;
            bytes[19] = 1;
        }
        return bytes;
    }
}
