package dev.awm.cli;

import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.Tool;
import dev.awm.world.World;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--json", description = "Print every world as JSON, for scripts: {\"worlds\": [{world, name, description, now, tables, seed_rows, ready, problems, tools: [{name, description, readOnly, inputSchema}], tasks: [{index, task, verifier}]}]}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> worlds = new ArrayList<>();
            for (World w : options.load()) worlds.add(describe(WorldRuntime.load(w)));
            out.println(Json.write(Map.of("worlds", worlds)));
            out.flush();
            return;
        }
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

    private static Map<String, Object> describe(WorldRuntime rt) {
        World w = rt.world;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("world", w.scenario());
        o.put("name", w.name());
        o.put("description", w.description());
        o.put("now", rt.now);
        o.put("tables", w.tables().size());
        o.put("seed_rows", w.seedRowCount());
        o.put("ready", rt.problems().isEmpty());
        o.put("problems", rt.problems());
        List<Map<String, Object>> tools = new ArrayList<>();
        for (var compiled : rt.tools()) {
            Tool t = compiled.tool;
            Map<String, Object> tool = new LinkedHashMap<>();
            tool.put("name", t.name());
            tool.put("description", t.description());
            tool.put("readOnly", t.readOnly());
            tool.put("inputSchema", t.inputSchema());
            tools.add(tool);
        }
        o.put("tools", tools);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < w.tasks().size(); i++) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("index", i);
            task.put("task", w.tasks().get(i));
            task.put("verifier", w.verifier(i).isPresent());
            tasks.add(task);
        }
        o.put("tasks", tasks);
        return o;
    }

    private static String firstSentence(String s) {
        int dot = s.indexOf(". ");
        String one = dot > 0 ? s.substring(0, dot + 1) : s;
        return one.length() > 90 ? one.substring(0, 87) + "..." : one;
    }
}
