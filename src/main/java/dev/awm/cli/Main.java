package dev.awm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "awm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true,
        description = {
            "Executable worlds for tool-using AI agents.",
            "%nA world is a simulated app (a shop, a bank, a clinic) made of data: a SQLite schema and seed rows, tools written as SQL programs, and tasks with verifiers and reference solutions. awm checks worlds, serves them over MCP, and resets or forks their instances in microseconds.",
            "%nWithout --dir, commands use the worlds bundled in awm. --dir reads a world set in AWM's stage layout (gen_db.jsonl, gen_sample.jsonl, gen_tasks.jsonl, gen_envs.jsonl, gen_verifier.jsonl), such as AWM-1K's.",
            ""},
        subcommands = {DemoCommand.class, WorldsCommand.class, CheckCommand.class, CallCommand.class, EnvCommand.class, ServeCommand.class, VerifyCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Start with: awm demo",
            "Then:       awm worlds --tasks, awm check, awm env start --world banking_1",
            "Formats:    docs/world-format.md"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"awm " + (v == null ? "dev" : v)};
        }
    }
}
