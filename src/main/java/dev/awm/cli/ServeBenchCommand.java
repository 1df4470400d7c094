package dev.awm.cli;

import dev.awm.bench.ServeBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Measure awm serve as trainers use it, with the server in its own process.",
            "%nStart times (awm serve with every bundled world; awm env start to its first answered tool call), tool calls over MCP against the same calls over the JSON control API, a GRPO step (tasks x forks, each stepped, scored and deleted), many concurrent episodes for minutes with the server's resident memory over time, and a churn of created and abandoned episodes. The server is started through ./awm when run in the project, so its JVM options count. Run on an otherwise idle machine: the defaults take about 15 minutes.",
            "%nQuick look:  awm bench serve --soak-seconds 30 --churn 10000"})
final class ServeBenchCommand implements Callable<Integer> {

    private static final ServeBench.Options D = ServeBench.DEFAULTS;

    @Option(names = "--start-runs", description = "Timed starts of serve and of env start (0 skips them). Default: ${DEFAULT-VALUE}.")
    int startRuns = D.startRuns();

    @Option(names = "--sessions", description = "Concurrent episodes calling tools, over MCP and over the JSON API (0 skips). Default: ${DEFAULT-VALUE}.")
    int sessions = D.sessions();

    @Option(names = "--warmup", description = "Seconds of load on each face (the JSON API, then MCP) before either is measured. Default: ${DEFAULT-VALUE}.")
    int warmup = D.warmupSeconds();

    @Option(names = "--seconds", description = "Seconds of measured load. Default: ${DEFAULT-VALUE}.")
    int seconds = D.seconds();

    @Option(names = "--groups", description = "GRPO step: tasks, each one episode forked into a group (0 skips). Default: ${DEFAULT-VALUE}.")
    int groups = D.groups();

    @Option(names = "--forks", description = "GRPO step: episodes per group. Default: ${DEFAULT-VALUE}.")
    int forks = D.forks();

    @Option(names = "--calls", description = "GRPO step: tool calls per episode (the reference solution, padded with reads). Default: ${DEFAULT-VALUE}.")
    int calls = D.callsPerEpisode();

    @Option(names = "--clients", description = "Concurrent clients of the GRPO step and the churn. Default: ${DEFAULT-VALUE}.")
    int clients = D.clients();

    @Option(names = "--soak-episodes", description = "Concurrent episodes of the long run (0 skips it). Default: ${DEFAULT-VALUE}.")
    int soakEpisodes = D.soakEpisodes();

    @Option(names = "--soak-seconds", description = "Length of the long run. Default: ${DEFAULT-VALUE}.")
    int soakSeconds = D.soakSeconds();

    @Option(names = "--churn", description = "Episodes created and deleted (one in ten abandoned to the idle sweeper) (0 skips). Default: ${DEFAULT-VALUE}.")
    int churn = D.churnEpisodes();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        new ServeBench(new ServeBench.Options(startRuns, sessions, warmup, seconds, groups, forks, calls, clients, soakEpisodes, soakSeconds, churn), out).run();
        return 0;
    }
}
