package dev.awm.cli;

import dev.awm.runtime.WorldRuntime;
import dev.awm.server.AwmServer;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Serve every world's episodes to RL trainers: awm's control API, OpenEnv, NeMo Gym and MCP.",
            "%nLoads every bundled world (and those of each --dir) once and holds many live episodes (an instance of a world with a task, its step count, tool-call log and verdict), reachable through:",
            "  /v1/episodes                 awm's control API: create, fork, reset, step, evaluate, diff, delete (JSON; request_id makes retries safe)",
            "  /v1/episodes/{id}/mcp        each episode as an MCP server (Streamable HTTP)",
            "  /worlds/{world}/mcp          a fresh episode per MCP session, as awm demo serves",
            "  /ws                          OpenEnv's WebSocket protocol (reset with data {world, task}); /health, /schema, /metadata",
            "  /seed_session, /verify       NeMo Gym's resources-server routes",
            "  /metrics                     Prometheus metrics;  /v1/worlds, /v1/capacity",
            "%nPython trainers: pip install ./clients/python (see clients/python/README.md). Stop with Ctrl-C or SIGTERM: calls in flight finish first.",
            "%nExample:  awm serve --port 8000 --max-sessions 2048 --idle-timeout 10m"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "Also serve the worlds of DIR (AWM's stage layout); repeatable. A world named like a bundled one replaces it.")
    List<Path> dirs = new ArrayList<>();

    @Option(names = {"-w", "--world"}, paramLabel = "WORLD", split = ",", description = "Serve only these worlds (comma-separated). Default: every servable world.")
    List<String> only;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE} (this machine only). Any other address needs --token.")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "4096",
            description = "Most live episodes at once; past it a create gets 429 (OpenEnv: CAPACITY_REACHED). Each costs about 0.5 MB. Default: ${DEFAULT-VALUE}.")
    int maxSessions;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Reclaim episodes (and MCP sessions) unused for this long: 90s, 10m, 1h. Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--token", paramLabel = "T", description = "Require 'Authorization: Bearer T' on every request but /health. Default: $AWM_TOKEN; required when --host is not this machine.")
    String token;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", description = "Allow browser requests from ORIGIN (scheme://host:port); repeatable. Local origins are always allowed.")
    List<String> allowedOrigins = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long start = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        List<WorldRuntime> worlds = new ArrayList<>();
        for (WorldRuntime rt : worlds().parallelStream().map(WorldRuntime::load).toList()) { // independent worlds load on every core
            World w = rt.world;
            if (rt.servable()) worlds.add(rt);
            else out.printf("skipping %s: %s%n", w.scenario(), rt.problems().isEmpty() ? "no tools" : rt.problems().get(0) + (rt.problems().size() > 1 ? " (and " + (rt.problems().size() - 1) + " more)" : ""));
        }
        if (worlds.isEmpty()) throw new IllegalStateException("no world here can be served");
        String t = token != null ? token : System.getenv("AWM_TOKEN");
        AwmServer server = new AwmServer(worlds, new AwmServer.Options(host, port, maxSessions, idleTimeout, t, allowedOrigins)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "awm-serve-shutdown"));
        String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
        int tasks = worlds.stream().mapToInt(w -> w.world.verifiers().size()).sum();
        out.printf("Serving %d worlds (%d tasks) at %s, ready in %d ms%n", worlds.size(), tasks, base, (System.nanoTime() - start) / 1_000_000);
        out.printf("  control API  %s/v1/episodes    OpenEnv  %s/ws    NeMo Gym  %s/seed_session%n", base, base.replaceFirst("^http", "ws"), base);
        out.printf("  MCP          %s/v1/episodes/{id}/mcp, %s/worlds/{world}/mcp    metrics  %s/metrics%n", base, base, base);
        out.printf("  at most %d live episodes, idle ones reclaimed after %s%s. Ctrl-C stops.%n", maxSessions, DurationConverter.show(idleTimeout),
                t == null ? "" : "; every request needs its bearer token");
        out.flush();
        server.join();
        return 0;
    }

    private List<World> worlds() {
        Map<String, World> byName = new LinkedHashMap<>();
        List<String> bundled = WorldFiles.bundledNames();
        if (dirs.isEmpty() && only != null && !only.isEmpty() && bundled.containsAll(only)) bundled = only; // read only what is served
        for (World w : WorldFiles.bundled(bundled)) byName.put(w.scenario(), w);
        for (Path d : dirs) for (World w : WorldFiles.load(d)) byName.put(w.scenario(), w);
        if (only == null || only.isEmpty()) return List.copyOf(byName.values());
        List<World> chosen = new ArrayList<>();
        for (String name : only) {
            World w = byName.get(name);
            if (w == null) throw new IllegalArgumentException("no world named '" + name + "'; worlds here: " + String.join(", ", byName.keySet()));
            chosen.add(w);
        }
        return chosen;
    }

    /** Durations as people write them: 90s, 10m, 1h, 500ms; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)?").matcher(v);
            if (!m.matches()) throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; write it as 90s, 10m or 1h");
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) throw new CommandLine.TypeConversionException("the duration must be more than zero");
            return d;
        }

        static String show(Duration d) {
            long s = d.toSeconds();
            return s % 3600 == 0 && s > 0 ? s / 3600 + " h" : s % 60 == 0 && s > 0 ? s / 60 + " min" : d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
        }
    }
}
