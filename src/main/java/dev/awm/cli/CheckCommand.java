package dev.awm.cli;

import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.PythonVerifier;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Prove worlds: every task solvable, and no verifier pays for a wrong episode.",
            "%nEach world must load whole, each tool must pass the static check against the schema, and for every task the reference solution, run on a fresh instance, must complete it, while none of these may: doing nothing; the task's near misses (plausible wrong attempts written beside the solution); collateral probes (the solution plus one more write, by each write tool of the world, on rows the solution did not touch); padding probes (the reference answer plus other candidates of an answer check).",
            "%nColumns: near-misses and padding count rejected/run; probes counts rejected/conclusive, and inconcl. the probes a tool refused or that changed nothing. Prints a table and exits 1 when any world fails. Worlds that cannot be checked yet (no toolset or verifiers) are listed and skipped unless named with --world or --all is given."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every world passed", "1:a world failed (its errors are listed)", "2:bad input"})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Option(names = "--all", description = "Also list the worlds that cannot be checked yet (no toolset or verifiers) as failures. By default they are listed and skipped.")
    boolean strict;

    @Option(names = "--run-python-verifiers", description = "Also run the Python verifiers that imported AWM worlds bring (gen_verifier.pure_code.jsonl), beside awm's own, in a bubblewrap sandbox (no network, no host files, CPU/memory/process limits). Refused when no sandbox can start here.")
    boolean runPython;

    @Option(names = {"-v", "--verbose"}, description = "Also print each task's footprint (what an episode may change), its probes, and the answer checks that could not be probed.")
    boolean verbose;

    @Option(names = "--json", description = "Print one JSON object instead of the table: per world and per task, what was proven and what failed.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<World> worlds = options.load();
        PythonVerifier.Sandbox python = runPython ? PythonVerifier.sandbox() : null;
        if (!json) out.printf("%-26s %6s %5s %5s %6s %10s %11s %12s %9s %8s %8s %6s%n", "world", "tables", "tools", "tasks", "solved", "by-nothing", "near-misses", "alternatives", "probes", "inconcl.", "padding", "errors");
        boolean[] failed = {false};
        int[] skipped = {0};
        List<Object> reports = new ArrayList<>();
        boolean named = options.worlds != null && !options.worlds.isEmpty();
        // worlds are proven side by side, one per core, and printed in order
        Parallel.inOrder(worlds, w -> (w.tools().isEmpty() || w.verifiers().isEmpty()) && !strict && !named ? null : WorldCheck.run(WorldRuntime.load(w), python), (w, r) -> {
            if (r == null) {
                skipped[0]++;
                String why = w.problems().isEmpty() ? "" : w.problems().get(0);
                if (json) reports.add(fields("world", w.scenario(), "skipped", why));
                else out.printf("%-26s %6d %5d %5d %6s %10s %11s %12s %9s %8s %8s %6s  skipped: %s%n", w.scenario(), w.tables().size(), w.toolCount(), w.tasks().size(), "-", "-", "-", "-", "-", "-", "-", "-", why);
                return;
            }
            failed[0] |= !r.ok();
            if (json) {
                reports.add(json(r));
                return;
            }
            WorldCheck.Probes p = r.probes();
            out.printf("%-26s %6d %5d %5d %6s %10d %11s %12s %9s %8d %8s %6d  %s%n", r.world(), r.tables(), r.tools(), r.tasks(), r.solved() + "/" + r.tasks(), r.passedByNothing(),
                    r.nearMissesRejected() + "/" + r.nearMisses(), r.alternativesPaid() + "/" + r.alternatives(), p.rejected() + "/" + (p.rejected() + p.paid()), p.inconclusive(),
                    r.padding().rejected() + "/" + r.padding().run(), r.errors().size(), r.ok() ? "ok" : "FAILED");
            for (String e : r.errors()) out.println("    - " + e);
            for (String n : r.awmPythonNotes()) out.println("    note: " + n);
            if (verbose) {
                for (WorldCheck.TaskOutcome o : r.outcomes()) {
                    if (o.footprint() != null) out.printf("    task %d footprint: %s%n", o.task(), o.footprint().describe());
                    WorldCheck.Probes tp = o.probes();
                    out.printf("    task %d probes: %d run, %d rejected, %d paid, %d refused by the tool, %d changed nothing; padding: %d/%d rejected%n",
                            o.task(), tp.run(), tp.rejected(), tp.paid(), tp.refused(), tp.unchanged(), o.padding().rejected(), o.padding().run());
                    for (String u : o.padding().unproven()) out.printf("    task %d %s%n", o.task(), u);
                }
            }
            out.flush();
        });
        if (json) out.println(Json.write(fields("ok", !failed[0] && skipped[0] < worlds.size(), "worlds", reports)));
        out.flush();
        if (skipped[0] == worlds.size()) {
            spec.commandLine().getErr().println("awm: no world here has both a SQL toolset and verifiers to check");
            return 1;
        }
        return failed[0] ? 1 : 0;
    }

    private static Map<String, Object> json(WorldCheck.Report r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("world", r.world());
        o.put("ok", r.ok());
        o.put("tables", r.tables());
        o.put("tools", r.tools());
        o.put("tasks", r.tasks());
        o.put("solved", r.solved());
        o.put("passed_by_nothing", r.passedByNothing());
        o.put("near_misses", fields("run", r.nearMisses(), "rejected", r.nearMissesRejected()));
        o.put("alternatives", fields("run", r.alternatives(), "paid", r.alternativesPaid()));
        o.put("probes", probes(r.probes()));
        o.put("padding_probes", fields("run", r.padding().run(), "rejected", r.padding().rejected()));
        o.put("errors", r.errors());
        o.put("awm_python", r.awmPythonNotes());
        List<Object> tasks = new ArrayList<>();
        for (WorldCheck.TaskOutcome t : r.outcomes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", t.task());
            m.put("solved", t.solved());
            m.put("passed_by_nothing", t.passedByNothing());
            m.put("near_misses", fields("run", t.nearMisses(), "rejected", t.nearMissesRejected()));
            m.put("alternatives", fields("run", t.alternatives(), "paid", t.alternativesPaid()));
            if (t.footprint() != null) {
                Map<String, String> footprint = new LinkedHashMap<>();
                t.footprint().tables().forEach((table, rule) -> footprint.put(table, rule.kind().name().toLowerCase(java.util.Locale.ROOT)));
                m.put("footprint", footprint);
            }
            m.put("probes", probes(t.probes()));
            m.put("padding_probes", fields("run", t.padding().run(), "rejected", t.padding().rejected(), "unproven", t.padding().unproven()));
            m.put("errors", t.errors());
            if (t.awmPython() != null) m.put("awm_python", t.awmPython());
            tasks.add(m);
        }
        o.put("task_results", tasks);
        return o;
    }

    private static Map<String, Object> probes(WorldCheck.Probes p) {
        return fields("run", p.run(), "rejected", p.rejected(), "paid", p.paid(), "inconclusive", p.inconclusive(), "refused_by_tool", p.refused(),
                "changed_nothing", p.unchanged());
    }

    /** A JSON object with its fields in the order given: name, value, name, value, ... */
    private static Map<String, Object> fields(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], nameValue[i + 1]);
        return m;
    }
}
