package dev.awm.cli;

import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.PythonVerifier;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Prove worlds: every task solvable, no verifier passed by doing nothing.",
            "%nEach world must load whole, each tool must pass the static check against the schema, and for every task the reference solution, run on a fresh instance, must complete it while doing nothing does not, nor does any of the task's near misses (plausible wrong attempts written beside the solution; the near-misses column counts those rejected). Prints a table and exits 1 when any world fails. Worlds that cannot be checked yet (no toolset or verifiers) are listed and skipped unless named with --world or --all is given."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every world passed", "1:a world failed (its errors are listed)", "2:bad input"})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Option(names = "--all", description = "Also list the worlds that cannot be checked yet (no toolset or verifiers) as failures. By default they are listed and skipped.")
    boolean strict;

    @Option(names = "--run-python-verifiers", description = "Also run the Python verifiers that imported AWM worlds bring (gen_verifier.pure_code.jsonl), beside awm's own, in a bubblewrap sandbox (no network, no host files, CPU/memory/process limits). Refused when no sandbox can start here.")
    boolean runPython;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<World> worlds = options.load();
        PythonVerifier.Sandbox python = runPython ? PythonVerifier.sandbox() : null;
        out.printf("%-26s %6s %5s %5s %6s %10s %11s %6s%n", "world", "tables", "tools", "tasks", "solved", "by-nothing", "near-misses", "errors");
        boolean failed = false;
        int skipped = 0;
        for (World w : worlds) {
            if ((w.tools().isEmpty() || w.verifiers().isEmpty()) && !strict && (options.worlds == null || options.worlds.isEmpty())) {
                skipped++;
                out.printf("%-26s %6d %5d %5d %6s %10s %11s %6s  skipped: %s%n", w.scenario(), w.tables().size(), w.toolCount(), w.tasks().size(), "-", "-", "-", "-",
                        w.problems().isEmpty() ? "" : w.problems().get(0));
                continue;
            }
            WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(w), python);
            failed |= !r.ok();
            out.printf("%-26s %6d %5d %5d %6s %10d %11s %6d  %s%n", r.world(), r.tables(), r.tools(), r.tasks(), r.solved() + "/" + r.tasks(), r.passedByNothing(),
                    r.nearMissesRejected() + "/" + r.nearMisses(), r.errors().size(), r.ok() ? "ok" : "FAILED");
            for (String e : r.errors()) out.println("    - " + e);
            for (String n : r.awmPythonNotes()) out.println("    note: " + n);
        }
        out.flush();
        if (skipped == worlds.size()) {
            spec.commandLine().getErr().println("awm: no world here has both a SQL toolset and verifiers to check");
            return 1;
        }
        return failed ? 1 : 0;
    }
}
