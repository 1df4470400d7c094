package dev.awm.bench;

import dev.awm.runtime.Json;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code awm bench serve}: {@code awm serve} measured as a trainer uses it, with the server in its own process and the
 * load client here. Start times (serve with every bundled world; env start to its first answered tool call), tool
 * calls through MCP against the same calls through the plain JSON control API on the same server, a GRPO step
 * (groups of forks stepped, scored and deleted), many concurrent episodes for minutes with the server's resident
 * memory over time, and a churn of created and abandoned episodes with the memory before and after.
 */
public final class ServeBench {

    /** The benchmark's sizes; {@link #DEFAULTS} are those the README's figures come from. */
    public record Options(int startRuns, int sessions, int warmupSeconds, int seconds, int groups, int forks, int callsPerEpisode, int clients,
            int soakEpisodes, int soakSeconds, int churnEpisodes) {}

    public static final Options DEFAULTS = new Options(5, 256, 5, 10, 128, 8, 10, 64, 2000, 600, 100_000);

    /** A task with the calls an episode of it makes and the answer it gives. */
    private record Work(String world, int task, List<TaskSpec.Call> calls, String answer) {}

    private final Options o;
    private final PrintWriter out;
    private final List<Work> work = new ArrayList<>();

    public ServeBench(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
        for (World w : WorldFiles.bundled()) {
            TaskSpec.Call read = w.verifiers().stream().flatMap(v -> v.solution().calls().stream())
                    .filter(c -> w.tool(c.tool()).map(t -> t.readOnly()).orElse(false)).findFirst().orElse(null);
            for (TaskSpec t : w.verifiers()) {
                List<TaskSpec.Call> calls = new ArrayList<>(t.solution().calls());
                while (read != null && calls.size() < o.callsPerEpisode()) calls.add(read); // reads pad the episode without changing its outcome
                work.add(new Work(w.scenario(), t.index(), calls, t.solution().answer()));
            }
        }
    }

    public void run() throws Exception {
        out.printf("awm bench serve: the server runs as its own process (%s), the load client in this one. %d cores, load average %s at the start.%n%n",
                String.join(" ", ServerProcess.command("serve")), Runtime.getRuntime().availableProcessors(), loadAverage());
        out.flush();
        if (o.startRuns() > 0) starts();
        try (ServerProcess server = ServerProcess.start("serve", "--port", "0", "--max-sessions", String.valueOf(Math.max(4096, o.soakEpisodes() + o.sessions() * 2)))) {
            int port = server.awaitPort(120);
            if (o.sessions() > 0) {
                // Both faces warm the server before either is measured: measured first on a server a few seconds old, the
                // JSON API ran while C2 still compiled what both faces use, and MCP inherited the warm-up.
                toolCalls(port, false, false);
                toolCalls(port, true, false);
                toolCalls(port, false, true);
                toolCalls(port, true, true);
            }
            if (o.groups() > 0) grpoStep(server, port);
            if (o.soakEpisodes() > 0) soak(server, port);
        }
        if (o.churnEpisodes() > 0) churn();
        out.printf("%nLoad average at the end: %s. On a shared machine these figures are lower bounds; rerun on an idle one.%n", loadAverage());
        out.flush();
    }

    // ----- start times

    private void starts() throws Exception {
        ServerProcess.start("--version").close(); // lets ./awm record its class cache (in the background), then waits for it
        for (int i = 0; i < 600 && Files.exists(Path.of("target/awm.aot.lock")); i++) Thread.sleep(200);
        double[] serve = new double[o.startRuns()], env = new double[o.startRuns()];
        for (int i = -1; i < o.startRuns(); i++) { // run -1 is not timed: the OS caches the jar and the worlds
            try (ServerProcess p = ServerProcess.start("serve", "--port", "0")) {
                int port = p.awaitPort(120);
                try (RawHttp http = new RawHttp("127.0.0.1", port)) {
                    if (http.send("GET", "/health", null, Map.of()).status() != 200) throw new IllegalStateException("/health did not answer 200");
                }
                if (i >= 0) serve[i] = (System.nanoTime() - p.startNanos) / 1e9;
            }
            try (ServerProcess p = ServerProcess.start("env", "start", "--world", "banking_1", "--port", String.valueOf(freePort()))) {
                int port = p.awaitPort(120);
                try (RawMcpSession mcp = new RawMcpSession("127.0.0.1", port, "/mcp")) {
                    mcp.open();
                    RawHttp.Response r = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_accounts\",\"arguments\":{}}}");
                    if (r.status() != 200 || !r.body().contains("\"result\"")) throw new IllegalStateException("env start's first call failed: " + r.body());
                }
                if (i >= 0) env[i] = (System.nanoTime() - p.startNanos) / 1e9;
            }
        }
        Arrays.sort(serve);
        Arrays.sort(env);
        row("awm serve: every bundled world ready", String.format("median %.2f s, best %.2f s (%d runs)", serve[serve.length / 2], serve[0], serve.length), "< 3 s");
        row("awm env start: first tool call answered", String.format("median %.2f s, best %.2f s (%d runs)", env[env.length / 2], env[0], env.length), "< 0.5 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ----- tool calls: MCP per episode against the plain JSON control API

    private String create(RawHttp http, Work w) throws IOException {
        RawHttp.Response r = http.post("/v1/episodes", Json.write(Map.of("world", w.world(), "task", w.task())), Map.of());
        if (r.status() != 201) throw new IOException("create failed: HTTP " + r.status() + " " + r.body());
        return Json.parse(r.body()).path("episode_id").asString();
    }

    private static String stepBody(TaskSpec.Call c) {
        return Json.write(Map.of("tool", c.tool(), "arguments", c.arguments() == null ? Map.of() : Json.plain(c.arguments())));
    }

    /** {@code sessions} episodes calling a read-only tool concurrently, over MCP or over the control API. */
    private void toolCalls(int port, boolean mcp, boolean measure) throws Exception {
        Work w = work.stream().filter(x -> x.world().equals("issue_tracker_1")).findFirst().orElse(work.get(0));
        TaskSpec.Call read = w.calls().get(w.calls().size() - 1);
        List<Load.Call> callers = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (RawHttp admin = new RawHttp("127.0.0.1", port)) {
            for (int i = 0; i < o.sessions(); i++) {
                String id = create(admin, w);
                ids.add(id);
                if (mcp) {
                    RawMcpSession s = new RawMcpSession("127.0.0.1", port, "/v1/episodes/" + id + "/mcp");
                    s.open();
                    open.add(s);
                    String body = Json.write(Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params",
                            Map.of("name", read.tool(), "arguments", read.arguments() == null ? Map.of() : Json.plain(read.arguments()))));
                    callers.add(() -> {
                        RawHttp.Response r = s.post(body);
                        return r.status() == 200 && r.body().contains("\"result\"") && !r.body().contains("\"isError\":true");
                    });
                } else {
                    RawHttp h = new RawHttp("127.0.0.1", port);
                    open.add(h);
                    String path = "/v1/episodes/" + id + "/step", body = stepBody(read);
                    callers.add(() -> {
                        RawHttp.Response r = h.post(path, body, Map.of());
                        return r.status() == 200 && r.body().contains("\"is_error\":false");
                    });
                }
            }
            Load l = Load.run(callers, measure ? 0 : o.warmupSeconds(), measure ? o.seconds() : 0);
            if (measure) row(mcp ? "tools/call over MCP (per-episode URL)" : "step over the JSON control API (no MCP SDK)",
                    String.format("%,.0f calls/s, p50 %.1f ms, p99 %.1f ms, %d errors (%s, %d episodes, %d s)", l.rate(), l.p(0.5), l.p(0.99), l.errors(), read.tool(),
                            o.sessions(), o.seconds()), mcp ? ">= 80% of the JSON API's calls/s" : ">= 8,000/s, p99 < 100 ms at 256");
            for (AutoCloseable c : open) c.close();
            for (String id : ids) admin.send("DELETE", "/v1/episodes/" + id, null, Map.of());
        }
    }

    // ----- a GRPO step

    /**
     * GRPO steps measured on a warm server, as a trainer's server runs for hours: after its first step (shown apart),
     * steps run until the JIT compiles for less than {@link #SETTLED} of a step's wall time (at most
     * {@link #MAX_WARMUP_STEPS}); on two cores C2 took a third of the server's CPU through the steps right after the first.
     */
    static final int GRPO_STEPS = 3, MAX_WARMUP_STEPS = 12;
    static final double SETTLED = 0.03;

    private void grpoStep(ServerProcess server, int port) throws Exception {
        int episodes = o.groups() * o.forks();
        List<String> steps = new ArrayList<>();
        double[] walls = new double[GRPO_STEPS], cpus = new double[GRPO_STEPS];
        int warmups = 0;
        for (int s = -1; s < GRPO_STEPS; s++) {
            AtomicInteger paid = new AtomicInteger(), failed = new AtomicInteger();
            AtomicLong requests = new AtomicLong();
            double reused0 = metric(port, "awm_evaluations_reused_total"), jit0 = metric(port, "awm_jit_compile_seconds_total");
            double cpu0 = server.cpuSeconds();
            long t0 = System.nanoTime();
            grpoGroups(port, o.groups(), paid, failed, requests);
            double wall = (System.nanoTime() - t0) / 1e9, cpu = server.cpuSeconds() - cpu0, jit = metric(port, "awm_jit_compile_seconds_total") - jit0;
            String what = s < 0 ? "first" : s == 0 && jit > SETTLED * wall && warmups < MAX_WARMUP_STEPS ? "warming" : "measured";
            steps.add(String.format("%s %.2f s wall, %.2f s server CPU (JIT %.2f s), %d/%d paid, %d failed, %.0f evaluations reused a reading", what, wall, cpu, jit,
                    paid.get(), episodes, failed.get(), metric(port, "awm_evaluations_reused_total") - reused0));
            if (s == -1) {
                steps.add(String.format("(%,d requests, %d clients)", requests.get(), Math.min(o.clients(), o.groups())));
            } else if (what.equals("warming")) {
                warmups++;
                s--; // the server is still compiling: this step did not count
            } else {
                walls[s] = wall;
                cpus[s] = cpu;
            }
        }
        Arrays.sort(walls);
        Arrays.sort(cpus);
        row("GRPO step: " + o.groups() + " tasks x " + o.forks() + " forks",
                String.format("warm: median %.2f s wall, %.2f s server CPU over %d steps, measured after %d further steps until the JIT settled; %s", walls[GRPO_STEPS / 2],
                        cpus[GRPO_STEPS / 2], GRPO_STEPS, warmups, String.join("; ", steps)),
                "server's share < 3 s");
    }

    /** A counter's value in the server's /metrics. */
    private static double metric(int port, String name) throws IOException {
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            for (String line : http.send("GET", "/metrics", null, Map.of()).body().split("\n")) {
                if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new IOException("the server's /metrics has no " + name);
    }

    /** {@code groups} tasks, each created and forked into a group whose episodes run their calls, are scored and deleted. */
    private void grpoGroups(int port, int groups, AtomicInteger paid, AtomicInteger failed, AtomicLong requests) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < Math.min(o.clients(), groups); c++) {
                clients.add(pool.submit((Callable<Void>) () -> {
                    try (RawHttp http = new RawHttp("127.0.0.1", port)) {
                        for (int g = next.getAndIncrement(); g < groups; g = next.getAndIncrement()) {
                            Work w = work.get(g % work.size());
                            List<String> group = new ArrayList<>();
                            group.add(create(http, w));
                            for (int f = 1; f < o.forks(); f++) {
                                RawHttp.Response r = http.post("/v1/episodes/" + group.get(0) + "/fork", "{}", Map.of());
                                group.add(Json.parse(r.body()).path("episode_id").asString());
                            }
                            requests.addAndGet(o.forks());
                            for (String id : group) {
                                for (TaskSpec.Call call : w.calls()) {
                                    RawHttp.Response r = http.post("/v1/episodes/" + id + "/step", stepBody(call), Map.of());
                                    if (r.status() != 200) failed.incrementAndGet();
                                }
                                RawHttp.Response score = http.post("/v1/episodes/" + id + "/evaluate", Json.write(Map.of("answer", w.answer())), Map.of());
                                if (Json.parse(score.body()).path("reward").asDouble() == 1.0) paid.incrementAndGet();
                                http.send("DELETE", "/v1/episodes/" + id, null, Map.of());
                                requests.addAndGet(w.calls().size() + 2);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
        }
    }

    // ----- many episodes for minutes

    private void soak(ServerProcess server, int port) throws Exception {
        Work w = work.stream().filter(x -> x.world().equals("issue_tracker_1")).findFirst().orElse(work.get(0));
        TaskSpec.Call read = w.calls().get(w.calls().size() - 1);
        String body = stepBody(read);
        List<Load.Call> callers = new ArrayList<>();
        List<RawHttp> conns = new ArrayList<>();
        try (RawHttp admin = new RawHttp("127.0.0.1", port)) {
            for (int i = 0; i < o.soakEpisodes(); i++) {
                String path = "/v1/episodes/" + create(admin, w) + "/step";
                RawHttp h = new RawHttp("127.0.0.1", port);
                conns.add(h);
                callers.add(() -> {
                    RawHttp.Response r = h.post(path, body, Map.of());
                    return r.status() == 200 && r.body().contains("\"is_error\":false");
                });
            }
        }
        List<String> curve = new ArrayList<>();
        int every = Math.max(1, o.soakSeconds() / 10);
        Thread sampler = Thread.ofVirtual().start(() -> {
            for (int t = 0; t <= o.soakSeconds(); t += every) {
                curve.add(String.format("%ds %,d MB", t, server.residentBytes() >> 20));
                try {
                    Thread.sleep(every * 1000L);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Load l = Load.run(callers, 0, o.soakSeconds());
        sampler.interrupt();
        for (RawHttp h : conns) h.close();
        row(String.format("%,d concurrent episodes for %d s", o.soakEpisodes(), o.soakSeconds()),
                String.format("%,.0f calls/s, p50 %.1f ms, p99 %.1f ms, %d errors; resident memory: %s", l.rate(), l.p(0.5), l.p(0.99), l.errors(), String.join(", ", curve)),
                "no error, memory flat");
    }

    // ----- churn

    private void churn() throws Exception {
        try (ServerProcess server = ServerProcess.start("serve", "--port", "0", "--idle-timeout", "3s")) {
            int port = server.awaitPort(120);
            Work w = work.get(0);
            String step = stepBody(w.calls().get(w.calls().size() - 1));
            churnRound(port, w, step, Math.min(o.churnEpisodes(), Math.max(2_000, o.churnEpisodes() / 5)), 0); // warm-up: the JIT, caches and pools settle
            waitForNoEpisodes(port);
            long before = settled(server);
            AtomicLong peak = new AtomicLong(before);
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(server.residentBytes(), Math::max);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long t0 = System.nanoTime();
            int abandoned = churnRound(port, w, step, o.churnEpisodes(), 10);
            double seconds = (System.nanoTime() - t0) / 1e9;
            waitForNoEpisodes(port);
            sampler.interrupt();
            long after = settled(server);
            row(String.format("churn: %,d episodes created and deleted or abandoned", o.churnEpisodes()),
                    String.format("resident %,d MB before, %,d MB peak, %,d MB after (%+.0f%%); %,d abandoned and reclaimed; %.0f episodes/s",
                            before >> 20, peak.get() >> 20, after >> 20, 100.0 * (after - before) / before, abandoned, o.churnEpisodes() / seconds),
                    "after within 10% of before");
        }
    }

    /** Creates {@code n} episodes, one step each; deletes them, except every {@code abandonEvery}-th (0: none), left to the sweeper. */
    private int churnRound(int port, Work w, String step, int n, int abandonEvery) throws Exception {
        AtomicInteger next = new AtomicInteger(), abandoned = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < o.clients(); c++) {
                clients.add(pool.submit((Callable<Void>) () -> {
                    try (RawHttp http = new RawHttp("127.0.0.1", port)) {
                        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            RawHttp.Response r = http.post("/v1/episodes", Json.write(Map.of("world", w.world(), "task", w.task())), Map.of());
                            if (r.status() == 429) {
                                Thread.sleep(200);
                                continue;
                            }
                            String id = Json.parse(r.body()).path("episode_id").asString();
                            http.post("/v1/episodes/" + id + "/step", step, Map.of());
                            if (abandonEvery > 0 && i % abandonEvery == 0) abandoned.incrementAndGet();
                            else http.send("DELETE", "/v1/episodes/" + id, null, Map.of());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
        }
        return abandoned.get();
    }

    /** Resident memory once the server has been idle through two of its periodic collections and trims (every 15 s, see ./awm). */
    private static long settled(ServerProcess server) throws InterruptedException {
        long least = server.residentBytes();
        for (int i = 0; i < 8; i++) {
            Thread.sleep(5_000);
            least = Math.min(least, server.residentBytes());
        }
        return least;
    }

    private static void waitForNoEpisodes(int port) throws Exception {
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            for (int i = 0; i < 600; i++) {
                if (Json.parse(http.send("GET", "/v1/capacity", null, Map.of()).body()).path("active").asInt() == 0) return;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("abandoned episodes were not reclaimed within 60 s");
    }

    private void row(String what, String measured, String target) {
        out.printf("%-46s %s   target: %s%n", what, measured, target);
        out.flush();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
