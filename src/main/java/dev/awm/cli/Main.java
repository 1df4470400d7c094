package dev.awm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "awm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {
            "Executable worlds for tool-using AI agents.",
            "%nA world is a simulated app (a shop, a bank, a clinic) made of data: a SQLite schema and seed rows, tools written as SQL programs, and tasks with verifiers and reference solutions. awm checks worlds, serves them over MCP, and resets or forks their instances in microseconds.",
            "%nWithout --dir, commands use the worlds bundled in awm. --dir reads a world set in AWM's stage layout (gen_db.jsonl, gen_sample.jsonl, gen_tasks.jsonl, gen_envs.jsonl, gen_verifier.jsonl), such as AWM-1K's.",
            ""},
        footer = {"", "Start with: awm demo",
            "Then:       awm worlds --tasks, awm check, awm env start --world banking_1",
            "Formats:    docs/world-format.md"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** awm's commands, in the order its help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, WorldsCommand.class, CheckCommand.class, CallCommand.class, EnvCommand.class,
            ServeCommand.class, VerifyCommand.class, AgentCommand.class, EvalCommand.class, GenCommand.class, BenchCommand.class, Main.Help.class);

    public static void main(String[] args) {
        dev.awm.runtime.SqliteLibrary.useCopyBeside(dev.awm.runtime.SqliteLibrary.runningJar());
        System.exit(commandLine(args.length == 0 ? null : args[0]).execute(args));
    }

    /** awm with every command. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * awm with only the command named {@code first} when it names one, else with every command (for help, suggestions
     * and errors). picocli builds a command's model from its classes' annotations, which for all of awm's commands
     * took a quarter of a second of every start.
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Main());
        boolean named = COMMANDS.stream().anyMatch(c -> c != Help.class && c.getAnnotation(Command.class).name().equals(first));
        for (Class<?> c : COMMANDS) {
            if (!named || c.getAnnotation(Command.class).name().equals(first)) cl.addSubcommand(new CommandLine(c));
        }
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("awm: " + (e instanceof IllegalArgumentException || e instanceof IllegalStateException ? e.getMessage() : e.toString()));
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code awm help env start}: the help of a command at any depth (picocli's own help command reads one level). */
    @Command(name = "help", helpCommand = true, usageHelpAutoWidth = true,
            description = "Show the help of a command, e.g. awm help env start.")
    static final class Help implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its subcommands. Default: awm itself.")
        List<String> path = List.of();

        @Override
        public void run() {
            CommandLine command = spec.parent().commandLine();
            for (String name : path) {
                CommandLine sub = command.getSubcommands().get(name);
                if (sub == null) {
                    throw new IllegalArgumentException("no command '" + name + "' in " + command.getCommandSpec().qualifiedName()
                            + "; its commands: " + String.join(", ", command.getSubcommands().keySet()));
                }
                command = sub;
            }
            command.usage(spec.commandLine().getOut());
        }
    }

    /** The version and commit the build wrote into {@code dev/awm/version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/dev/awm/version.properties")) {
                if (in != null) p.load(in);
            }
            String version = filled(p.getProperty("version"));
            String commit = filled(p.getProperty("commit"));
            return new String[] {"awm " + (version == null ? "(version unknown: built without Maven)" : version)
                    + (commit == null ? "" : " (git " + commit + ("true".equals(p.getProperty("modified")) ? ", with uncommitted changes)" : ")"))};
        }

        /** A value the build filled in, or null where it left the placeholder (no git, or not built by Maven). */
        private static String filled(String value) {
            return value == null || value.isBlank() || value.contains("${") ? null : value;
        }
    }
}
