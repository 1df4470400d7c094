package dev.awm.cli;

import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "env", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, description = "Serve one world instance to an agent over MCP.",
        subcommands = EnvCommand.Start.class)
final class EnvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            usageHelpAutoWidth = true,
            description = {"Serve one instance of a world at http://HOST:PORT/mcp.",
                "%nMCP Streamable HTTP, as AWM's environment server does. Every MCP session sees the same instance. Stop with Ctrl-C. See the world's tasks with `awm worlds --world W --tasks`.",
                "%nExample:  awm env start --world banking_1 --port 8001"})
    static final class Start implements Callable<Integer> {

        @Mixin
        WorldOptions options;

        @Option(names = "--port", defaultValue = "8001", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE} (this machine only).")
        String host;

        @Option(names = "--save", paramLabel = "DIR", description = "When the server stops, write DIR/initial.db and DIR/final.db, the inputs of `awm verify`.")
        Path save;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            WorldRuntime rt = options.loadOne();
            if (!rt.servable()) throw new IllegalStateException(rt.world.scenario() + " cannot be served: " + String.join("; ", rt.problems()));
            Instance instance = rt.newInstance();
            McpEndpoint endpoint = new McpEndpoint(rt, "/mcp", session -> instance);
            HttpServer http = new HttpServer(host, port).mount("/mcp", endpoint.servlet).start();
            PrintWriter out = spec.commandLine().getOut();
            if (save != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> saveStates(rt, instance, out)));
            }
            out.printf("Serving %s (%d tools, %d tasks) at http://%s:%d/mcp%n", rt.world.scenario(), rt.tools().size(), rt.world.tasks().size(), host, http.port());
            out.println("Point any MCP client (Streamable HTTP) at that URL. Tasks: awm worlds --world " + rt.world.scenario() + " --tasks. Ctrl-C stops"
                    + (save == null ? "." : " and saves the states to " + save + "."));
            out.flush();
            http.join();
            return 0;
        }

        private void saveStates(WorldRuntime rt, Instance instance, PrintWriter out) {
            try {
                Files.createDirectories(save);
                Files.write(save.resolve("initial.db"), rt.initialImage());
                Files.write(save.resolve("final.db"), instance.image());
                out.printf("%nSaved %s and %s. Score a task with:%n  awm verify%s --world %s --task N --initial %s --final %s --answer \"...\"%n",
                        save.resolve("initial.db"), save.resolve("final.db"), options.dir == null ? "" : " --dir " + options.dir, rt.world.scenario(),
                        save.resolve("initial.db"), save.resolve("final.db"));
            } catch (IOException | RuntimeException e) {
                out.println("awm: could not save the states to " + save + ": " + e.getMessage());
            }
            out.flush();
        }
    }
}
