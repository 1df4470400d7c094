package dev.awm.bench;

import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import dev.awm.server.ResidentMemory;
import dev.awm.world.TaskSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the DESIGN 9 targets on one world: instance create, reset and fork times, resident memory of many live
 * instances, and MCP tool calls over HTTP from many concurrent sessions (the load client runs in this JVM too).
 */
public final class Bench {

    private final WorldRuntime world;
    private final PrintWriter out;
    private final TaskSpec.Call typicalRead;

    /** @param typicalRead the call to time, or null for the first read-only call of the world's reference solutions */
    public Bench(WorldRuntime world, PrintWriter out, TaskSpec.Call typicalRead) {
        this.world = world;
        this.out = out;
        this.typicalRead = typicalRead != null ? typicalRead : firstCall(true);
    }

    /** Median and 99th percentile, in microseconds, of {@code op} run {@code n} times after a warm-up. */
    public record Timing(double medianMicros, double p99Micros) {
        /** The median and 99th percentile of {@code nanos} (sorted in place). */
        static Timing of(long[] nanos) {
            Arrays.sort(nanos);
            return new Timing(nanos[nanos.length / 2] / 1e3, nanos[(int) (nanos.length * 0.99)] / 1e3);
        }
    }

    public Timing time(int n, Runnable op) {
        for (int i = 0; i < Math.min(n, 2_000); i++) op.run();
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            op.run();
            t[i] = System.nanoTime() - s;
        }
        return Timing.of(t);
    }

    public void describe() {
        out.printf("World %s: template image %,d bytes, %d tables, %d seed rows, %d tools. JVM: %s, %d cores.%n%n", world.world.scenario(), world.templateBytes(),
                world.world.tables().size(), world.world.seedRowCount(), world.tools().size(), Runtime.version(), Runtime.getRuntime().availableProcessors());
    }

    public void instances(int n) {
        Timing create = time(n, () -> world.newInstance().close());
        Timing createCold = createWithNoneIdle(n);
        TaskSpec.Call read = typicalRead;
        Timing createAndCall = read == null ? null : time(n, () -> {
            try (Instance i = world.newInstance()) {
                i.call(read.tool(), read.arguments());
            }
        });
        try (Instance a = world.newInstance()) {
            TaskSpec.Call write = firstCall(false);
            Timing reset = time(n, () -> {
                if (write != null) a.call(write.tool(), write.arguments());
                a.reset();
            });
            Timing forkInitial = time(n, () -> a.fork().close());
            if (write != null) a.call(write.tool(), write.arguments());
            Timing fork = time(n, () -> a.fork().close());
            row("instance create (a warm connection of the pool)", create, "median < 300 us");
            row("instance create, no warm connection idle (copy of the template)", createCold, "median < 300 us");
            if (createAndCall != null) row("create + first call", createAndCall, "-");
            row("instance reset (after a write, which it includes)", reset, "median < 300 us");
            row("instance fork of the initial state (a warm connection)", forkInitial, "-");
            row("instance fork after a write (copy of the live state)", fork, "median < 300 us");
        }
        if (read != null) {
            try (Instance a = world.newInstance()) {
                row("tool call in process: " + read.tool(), time(n, () -> a.call(read.tool(), read.arguments())), "-");
            }
        }
    }

    /** Creates that find no idle warm connection: each opens a new one (instances are closed only after all are timed). */
    private Timing createWithNoneIdle(int n) {
        int count = Math.min(n, 2_000);
        long[] t = new long[count];
        List<Instance> open = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long s = System.nanoTime();
            open.add(world.newInstance());
            t[i] = System.nanoTime() - s;
        }
        open.forEach(Instance::close);
        return Timing.of(t);
    }

    public void memory(int count) {
        System.gc();
        long before = ResidentMemory.self();
        List<Instance> live = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instance instance = world.newInstance();
            if (typicalRead != null) instance.call(typicalRead.tool(), typicalRead.arguments()); // a used instance, statements cached
            live.add(instance);
        }
        System.gc();
        long after = ResidentMemory.self();
        out.printf("%-44s %,d used instances: process resident %,d MB (%,d MB before them, %.0f KB each)   target: 1,024 under 1,536 MB%n",
                "live instances", count, after >> 20, before >> 20, (after - before) / 1024.0 / count);
        out.flush();
        live.forEach(Instance::close);
    }

    /**
     * Tool calls through MCP over HTTP: {@code sessions} clients, each its own MCP session and instance, measured for
     * {@code seconds} after {@code warmupSeconds} of the same load (JIT compilation, first statements prepared).
     */
    public void mcp(int sessions, int warmupSeconds, int seconds) throws Exception {
        TaskSpec.Call call = typicalRead;
        if (call == null) {
            out.println("mcp: no read-only call among the reference solutions to use");
            return;
        }
        McpEndpoint endpoint = new McpEndpoint(world, "/mcp", McpEndpoint.Binding.freshPerSession(world));
        try (HttpServer http = new HttpServer("127.0.0.1", 0).mount("/mcp", endpoint.servlet).start();
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String body = Json.write(Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params",
                    Map.of("name", call.tool(), "arguments", call.arguments() == null || call.arguments().isNull() ? Map.of() : Json.plain(call.arguments()))));
            List<RawMcpSession> clients = new ArrayList<>();
            for (int i = 0; i < sessions; i++) clients.add(new RawMcpSession("127.0.0.1", http.port(), "/mcp"));
            for (Future<String> f : pool.invokeAll(clients.stream().map(c -> (Callable<String>) c::open).toList())) f.get();
            List<Load.Call> callers = new ArrayList<>();
            for (RawMcpSession c : clients) {
                callers.add(() -> {
                    RawHttp.Response r = c.post(body);
                    return r.status() == 200 && r.body().contains("\"result\"") && !r.body().contains("\"isError\":true");
                });
            }
            Load l = Load.run(callers, warmupSeconds, seconds);
            for (RawMcpSession c : clients) c.close();
            out.printf("%-44s %,.0f calls/s, p50 %.1f ms, p99 %.1f ms, %d errors (%s, %d sessions, %d s measured)   target: >= 8,000/s, p99 < 100 ms at 256%n",
                    "MCP tools/call over HTTP", l.rate(), l.p(0.5), l.p(0.99), l.errors(), call.tool(), sessions, seconds);
            out.flush();
        } finally {
            endpoint.close(); // closes the sessions' instances
        }
    }

    /** The first call of any reference solution that uses a read-only (or, with false, a writing) tool. */
    private TaskSpec.Call firstCall(boolean readOnly) {
        for (TaskSpec spec : world.world.verifiers()) {
            for (TaskSpec.Call c : spec.solution().calls()) {
                if (world.world.tool(c.tool()).map(t -> t.readOnly() == readOnly).orElse(false)) return c;
            }
        }
        return null;
    }

    private void row(String what, Timing t, String target) {
        out.printf("%-44s median %8.1f us   p99 %8.1f us   target: %s%n", what, t.medianMicros(), t.p99Micros(), target);
        out.flush();
    }
}
