package dev.awm.cli;

import dev.awm.bench.Bench;
import dev.awm.bench.ServeBench;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {EvalCommand.Bench.class, ServeBenchCommand.class},
        usageHelpAutoWidth = true,
        description = {"Measure instance create/reset/fork, memory and MCP calls per second.",
            "%nRuns on one world (default: the largest bundled one): instance create, reset and fork times, resident memory of many live instances, and MCP tool calls per second over HTTP from many concurrent sessions, each with its own instance, with the load client in the same JVM. Run it on an otherwise idle machine; numbers vary between runs."})
final class BenchCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Option(names = "--repeat", defaultValue = "20000", description = "Timed repetitions of create, reset and fork. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--instances", defaultValue = "1024", description = "Live instances for the memory measurement (0 skips it). Default: ${DEFAULT-VALUE}.")
    int instances;

    @Option(names = "--sessions", defaultValue = "256", description = "Concurrent MCP sessions for the HTTP load (0 skips it). Default: ${DEFAULT-VALUE}.")
    int sessions;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of the measured HTTP load. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds of the same load before measuring (JIT, first statements). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--tool", description = "The tool to time in process and over MCP. Default: the first read-only tool a reference solution calls.")
    String tool;

    @Option(names = "--args", defaultValue = "{}", description = "Its arguments as a JSON object. Default: ${DEFAULT-VALUE}.")
    String arguments;

    @Option(names = "--serve", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Then run `awm bench serve` with its defaults (--no-serve skips it). Default: ${DEFAULT-VALUE}.")
    boolean serve;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        WorldRuntime world = options.load().stream().map(WorldRuntime::load).filter(WorldRuntime::servable)
                .max(Comparator.comparingInt(WorldRuntime::templateBytes))
                .orElseThrow(() -> new IllegalStateException("no servable world to measure"));
        if (tool != null && world.world.tool(tool).isEmpty()) throw new IllegalArgumentException(world.world.scenario() + " has no tool named " + tool);
        Bench bench = new Bench(world, out, tool == null ? null : new TaskSpec.Call(tool, Json.parse(arguments)));
        bench.describe();
        if (instances > 0) bench.memory(instances); // first, before the timing loops leave garbage in the heap
        bench.instances(repeat);
        if (sessions > 0) bench.mcp(sessions, warmup, seconds);
        out.flush();
        if (serve) {
            out.println();
            new ServeBench(ServeBench.DEFAULTS, out).run();
        }
        return 0;
    }
}
