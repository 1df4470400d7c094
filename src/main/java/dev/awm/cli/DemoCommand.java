package dev.awm.cli;

import dev.awm.mcp.McpEndpoint;
import dev.awm.mcp.McpToolClient;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Serve the bundled worlds and solve every task through MCP (offline, no key).",
            "%nLoads the worlds, serves each over MCP on this machine, runs every task's reference solution and near misses through an MCP client over HTTP, each on a fresh instance, verifies the results (the solution must pass; doing nothing and every near miss must fail), runs awm check's collateral and padding probes (directly on instances: they test the verifiers, not the transport), and prints a table."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    WorldOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        List<World> worlds = options.load();
        List<WorldRuntime> runtimes = EvalCommand.servable(worlds, out);
        List<McpEndpoint> endpoints = new ArrayList<>();
        java.util.Map<WorldRuntime, AtomicReference<Instance>> current = new java.util.HashMap<>();
        HttpServer http = new HttpServer("127.0.0.1", 0);
        for (WorldRuntime rt : runtimes) {
            AtomicReference<Instance> bound = current.computeIfAbsent(rt, w -> new AtomicReference<>());
            McpEndpoint e = new McpEndpoint(rt, "/worlds/" + rt.world.scenario() + "/mcp", session -> bound.get());
            endpoints.add(e);
            http.mount("/worlds/" + rt.world.scenario() + "/mcp", e.servlet);
        }
        http.start();
        String base = "http://127.0.0.1:" + http.port();
        out.printf("Serving %d worlds over MCP at %s/worlds/{world}/mcp (loaded in %d ms)%n%n", runtimes.size(), base, (System.nanoTime() - start) / 1_000_000);
        out.printf("%-22s %6s %6s %5s %5s %8s %10s %11s %12s %9s %8s %7s  %s%n", "world", "tables", "rows", "tools", "tasks", "solved", "by-nothing", "near-misses", "alternatives", "probes", "padding", "ms", "result");
        out.flush();
        List<WorldCheck.Report> reports = new ArrayList<>();
        try {
            // worlds are proven side by side, one per core, and printed in order
            Parallel.inOrder(runtimes, rt -> {
                long t0 = System.nanoTime();
                try (McpToolClient client = new McpToolClient(base, "/worlds/" + rt.world.scenario() + "/mcp")) {
                    WorldCheck.Report report = WorldCheck.run(rt, instance -> {
                        current.get(rt).set(instance);
                        return client;
                    });
                    return java.util.Map.entry(report, (System.nanoTime() - t0) / 1_000_000);
                }
            }, (rt, done) -> {
                WorldCheck.Report r = done.getKey();
                reports.add(r);
                WorldCheck.Probes p = r.probes();
                out.printf("%-22s %6d %6d %5d %5d %8s %10d %11s %12s %9s %8s %7d  %s%n", r.world(), r.tables(), r.seedRows(), r.tools(), r.tasks(), r.solved() + "/" + r.tasks(),
                        r.passedByNothing(), r.nearMissesRejected() + "/" + r.nearMisses(), r.alternativesPaid() + "/" + r.alternatives(), p.rejected() + "/" + (p.run() - p.inconclusive()),
                        r.padding().rejected() + "/" + r.padding().run(), done.getValue(), r.ok() ? "ok" : "FAILED");
                for (String e : r.errors()) out.println("    - " + e);
                out.flush();
            });
        } finally {
            endpoints.forEach(McpEndpoint::close);
            http.close();
        }
        long failed = reports.stream().filter(r -> !r.ok()).count();
        out.printf("%n%d of %d tasks solved through MCP by their reference solutions, %d passed by doing nothing, %d of %d near misses, %d of %d collateral probes"
                + " and %d of %d padding probes rejected, %d of %d alternative solutions paid%s. %.1f s in all.%n",
                sum(reports, WorldCheck.Report::solved), sum(reports, WorldCheck.Report::tasks), sum(reports, WorldCheck.Report::passedByNothing),
                sum(reports, WorldCheck.Report::nearMissesRejected), sum(reports, WorldCheck.Report::nearMisses),
                sum(reports, r -> r.probes().rejected()), sum(reports, r -> r.probes().run() - r.probes().inconclusive()),
                sum(reports, r -> r.padding().rejected()), sum(reports, r -> r.padding().run()),
                sum(reports, WorldCheck.Report::alternativesPaid), sum(reports, WorldCheck.Report::alternatives),
                failed == 0 ? "" : " (" + failed + " world(s) FAILED)", (System.nanoTime() - start) / 1e9);
        out.printf("%nPoint your own agent at a world:%n  ./awm env start --world %s --port 8001     # then connect an MCP client to http://127.0.0.1:8001/mcp%n",
                runtimes.get(0).world.scenario());
        return failed == 0 ? 0 : 1;
    }

    private static int sum(List<WorldCheck.Report> reports, java.util.function.ToIntFunction<WorldCheck.Report> count) {
        return reports.stream().mapToInt(count).sum();
    }
}
