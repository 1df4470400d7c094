package dev.awm.server;

import dev.awm.episode.EpisodeStats;
import dev.awm.episode.Episodes;
import dev.awm.runtime.WorldRuntime;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /health}, {@code /schema} and {@code /metadata} as OpenEnv serves them, and {@code /metrics} in Prometheus'
 * text format.
 */
final class InfoServlet extends HttpServlet {

    static final String VERSION = InfoServlet.class.getPackage().getImplementationVersion() == null ? "dev" : InfoServlet.class.getPackage().getImplementationVersion();

    private final Episodes episodes;
    private final long startNanos = System.nanoTime();
    private long lastCalls, lastNanos = startNanos;
    private double callsPerSecond;

    InfoServlet(Episodes episodes) {
        this.episodes = episodes;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/health" -> JsonHttp.write(resp, 200, null, Map.of("status", "healthy"));
            case "/metadata" -> JsonHttp.write(resp, 200, null, metadata());
            case "/schema" -> JsonHttp.write(resp, 200, null, OpenEnvSchema.SCHEMA);
            case "/metrics" -> metrics(resp);
            default -> JsonHttp.error(resp, 404, "not_found", "no such endpoint: " + req.getRequestURI(), false, null);
        }
    }

    private Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "awm");
        m.put("description", "Executable worlds for tool-using agents: " + episodes.worlds().size() + " worlds ("
                + String.join(", ", episodes.worlds().stream().map(w -> w.world.scenario()).toList())
                + "). Reset with data {world, task}; step with list_tools, call_tool or final_answer; the reward comes with the final answer.");
        m.put("readme_content", null);
        m.put("version", VERSION);
        m.put("author", null);
        m.put("documentation_url", null);
        return m;
    }

    private synchronized double callsPerSecond(long calls) {
        long now = System.nanoTime();
        if (now - lastNanos >= 1_000_000_000L) {
            callsPerSecond = (calls - lastCalls) / ((now - lastNanos) / 1e9);
            lastCalls = calls;
            lastNanos = now;
        }
        return callsPerSecond;
    }

    private void metrics(HttpServletResponse resp) throws IOException {
        EpisodeStats s = episodes.stats;
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "awm_episodes_active", "Live episodes.", episodes.active());
        gauge(out, "awm_episodes_max", "The most live episodes the server allows (--max-sessions).", episodes.max());
        counter(out, "awm_episodes_created_total", "Episodes created (forks included).", s.created.sum() + s.forked.sum());
        counter(out, "awm_episodes_deleted_total", "Episodes deleted by their clients.", s.deleted.sum());
        counter(out, "awm_episodes_reclaimed_total", "Episodes reclaimed after being idle.", s.reclaimed.sum());
        counter(out, "awm_episodes_refused_total", "Creates refused at capacity (429).", s.refused.sum());
        counter(out, "awm_evaluations_total", "Episodes scored.", s.evaluations.sum());
        counter(out, "awm_evaluations_reused_total", "Evaluations that reused the verifier's reading of a final state already scored (same task, same state): only the answer was judged.",
                episodes.evaluationsReused());
        out.append("# HELP awm_tool_calls_total Tool calls, by outcome: ok, or an error of the agent or of the environment.\n# TYPE awm_tool_calls_total counter\n");
        out.append("awm_tool_calls_total{outcome=\"ok\"} ").append(s.callsOk.sum()).append('\n');
        out.append("awm_tool_calls_total{outcome=\"agent_error\"} ").append(s.callsAgentError.sum()).append('\n');
        out.append("awm_tool_calls_total{outcome=\"environment_error\"} ").append(s.callsEnvironmentError.sum()).append('\n');
        gauge(out, "awm_tool_calls_per_second", "Tool calls per second, over the interval since this was last read (at least 1 s).", callsPerSecond(s.calls()));
        out.append("# HELP awm_tool_call_seconds Time to run one tool call on its instance.\n# TYPE awm_tool_call_seconds histogram\n");
        long[] counts = s.latencyCounts();
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            String le = i < EpisodeStats.LATENCY_BUCKETS.length ? String.format(Locale.ROOT, "%s", EpisodeStats.LATENCY_BUCKETS[i]) : "+Inf";
            out.append("awm_tool_call_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        out.append("awm_tool_call_seconds_sum ").append(String.format(Locale.ROOT, "%.6f", s.latencySeconds())).append('\n');
        out.append("awm_tool_call_seconds_count ").append(cumulative).append('\n');
        Runtime rt = Runtime.getRuntime();
        gauge(out, "awm_process_resident_memory_bytes", "Resident memory of the server process.", ResidentMemory.self());
        gauge(out, "awm_jvm_heap_used_bytes", "Java heap in use.", rt.totalMemory() - rt.freeMemory());
        gauge(out, "awm_uptime_seconds", "Seconds since the server started.", (System.nanoTime() - startNanos) / 1e9);
        gauge(out, "awm_connections_idle", "Connections holding a world's initial state, compiled and ready for the next episode.",
                episodes.worlds().stream().mapToInt(WorldRuntime::idleConnections).sum());
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            counter(out, "awm_jit_compile_seconds_total", "Time the JIT compilers have spent compiling; while it grows the server is still warming up.",
                    jit.getTotalCompilationTime() / 1e3);
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        metric(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        metric(out, name, help, "counter", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.3f", value)).append('\n');
    }
}
