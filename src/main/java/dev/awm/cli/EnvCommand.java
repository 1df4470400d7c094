package dev.awm.cli;

import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "env", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, description = "Serve one world instance to an agent over MCP.",
        subcommands = {EnvCommand.Start.class, CommandLine.HelpCommand.class})
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
                "%nThe server's MCP instructions tell the agent what the world is, that it acts for the logged-in user (user id 1), and the world's current date and time (its clock, which tasks such as \"tomorrow\" depend on). They are printed at start: give them to your agent yourself (in its system prompt) if your MCP client ignores server instructions.",
                "%nExample:  awm env start --world banking_1 --port 8001 --save run1"})
    static final class Start implements Callable<Integer> {

        static final String INITIAL = "initial.db", FINAL = "final.db";

        @Mixin
        WorldOptions.One options;

        @Option(names = "--port", defaultValue = "8001", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE} (this machine only).")
        String host;

        @Option(names = "--save", paramLabel = "DIR", description = "Write DIR/initial.db at start and DIR/final.db when the server stops: the inputs of `awm verify`. DIR is created if needed; one that already holds those files is refused unless --overwrite is given.")
        Path save;

        @Option(names = "--overwrite", description = "Let --save replace the initial.db and final.db of an earlier episode.")
        boolean overwrite;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            // The HTTP server starts while the world loads, on another core; a client that connects as soon as the port
            // opens waits for the world rather than failing.
            WhenReady mcp = new WhenReady();
            HttpServer http = new HttpServer(host, port).mount("/mcp", mcp);
            CompletableFuture<HttpServer> listening = CompletableFuture.supplyAsync(http::start);
            WorldRuntime rt;
            Instance instance;
            try {
                rt = options.load();
                if (!rt.servable()) throw new IllegalStateException(rt.world.scenario() + " cannot be served: " + String.join("; ", rt.problems()));
                if (save != null) prepareSaveDirectory();
                instance = rt.newInstance();
                mcp.target.complete(new McpEndpoint(rt, "/mcp", session -> instance).servlet);
                listening.join();
            } catch (RuntimeException e) {
                mcp.target.completeExceptionally(e);
                listening.handle((started, failed) -> started).join();
                http.close();
                throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (save != null) {
                write(save.resolve(INITIAL), rt.initialImage());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> saveFinalState(rt, instance, out)));
            }
            out.printf("Serving %s (%d tools, %d tasks) at http://%s:%d/mcp%n", rt.world.scenario(), rt.tools().size(), rt.world.tasks().size(), host, http.port());
            out.println("Point any MCP client (Streamable HTTP) at that URL. Tasks: awm worlds --world " + rt.world.scenario() + " --tasks.");
            out.println("The server's instructions to the agent (give them to it yourself if your client ignores them):");
            McpEndpoint.instructions(rt).lines().forEach(l -> out.println("  " + l));
            out.println("Ctrl-C stops" + (save == null ? "." : " and saves the final state to " + save.resolve(FINAL) + " (the initial one is in " + save.resolve(INITIAL) + ")."));
            out.flush();
            http.join();
            return 0;
        }

        /** Serves MCP once the world is loaded. */
        private static final class WhenReady extends HttpServlet {
            final CompletableFuture<HttpServlet> target = new CompletableFuture<>();

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                target.join().service(req, resp);
            }
        }

        /** Refuses, before anything is served, a --save that could not take both files or would overwrite an episode's. */
        private void prepareSaveDirectory() {
            if (Files.exists(save) && !Files.isDirectory(save)) {
                throw new IllegalArgumentException("--save " + save + " is a file; name a directory to hold " + INITIAL + " and " + FINAL);
            }
            try {
                Files.createDirectories(save);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot create the --save directory " + save + ": " + FileErrors.describe(e));
            }
            if (!Files.isWritable(save)) throw new IllegalArgumentException("cannot write in the --save directory " + save + "; choose one you can write to");
            for (String name : new String[] {INITIAL, FINAL}) {
                if (!overwrite && Files.exists(save.resolve(name))) {
                    throw new IllegalArgumentException(save + " already holds " + name + " from an earlier episode; choose another --save directory, or add --overwrite to replace it");
                }
            }
        }

        private static void write(Path file, byte[] image) {
            try {
                Files.write(file, image);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write " + file + ": " + FileErrors.describe(e));
            }
        }

        private void saveFinalState(WorldRuntime rt, Instance instance, PrintWriter out) {
            try {
                write(save.resolve(FINAL), instance.image());
                out.printf("%nSaved %s. Score a task with:%n  awm verify%s --world %s --task N --initial %s --final %s --answer \"...\"%n",
                        save.resolve(FINAL), options.dir == null ? "" : " --dir " + options.dir, rt.world.scenario(), save.resolve(INITIAL), save.resolve(FINAL));
            } catch (RuntimeException e) {
                out.println("awm: could not save the final state to " + save.resolve(FINAL) + ": " + e.getMessage());
            }
            out.flush();
        }
    }
}
