package dev.awm.cli;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "worlds", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"List worlds with their tables, seed rows, tools and tasks.",
            "%nSays plainly what each world lacks (no seed data, a toolset that is AWM Python code, failing DDL or seed rows...) instead of failing."})
final class WorldsCommand implements Runnable {

    @Mixin
    WorldOptions options;

    @Option(names = "--tools", description = "Also list each world's tools.")
    boolean listTools;

    @Option(names = "--tasks", description = "Also list each world's tasks, numbered as verifiers and `awm check` number them.")
    boolean listTasks;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-26s %6s %6s %6s %6s  %s%n", "world", "tables", "rows", "tools", "tasks", "status");
        for (World w : options.load()) {
            WorldRuntime rt = WorldRuntime.load(w);
            String status = rt.problems().isEmpty() ? "ready" : rt.problems().size() + " problem(s)";
            out.printf("%-26s %6d %6d %6d %6d  %s%n", w.scenario(), w.tables().size(), w.seedRowCount(), w.toolCount(), w.tasks().size(), status);
            for (String p : rt.problems()) out.println("    - " + p);
            if (listTasks) {
                for (int i = 0; i < w.tasks().size(); i++) out.printf("    task %d: %s%n", i, w.tasks().get(i));
            }
            if (listTools) {
                rt.tools().forEach(t -> out.printf("    %-32s %s%n", t.tool.name() + (t.tool.readOnly() ? " (read)" : ""), firstSentence(t.tool.description())));
            }
        }
    }

    private static String firstSentence(String s) {
        int dot = s.indexOf(". ");
        String one = dot > 0 ? s.substring(0, dot + 1) : s;
        return one.length() > 90 ? one.substring(0, 87) + "..." : one;
    }
}
