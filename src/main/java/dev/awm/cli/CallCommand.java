package dev.awm.cli;

import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.ToolResult;
import dev.awm.runtime.WorldRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "call", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Run one tool on a fresh instance and print what an agent would see.",
            "%nExample:  awm call --world banking_1 list_accounts '{}'",
            "%nA result goes to stdout (exit 0); an error the agent would get goes to stderr (exit 1)."})
final class CallCommand implements Callable<Integer> {

    @Mixin
    WorldOptions.One options;

    @Parameters(index = "0", paramLabel = "TOOL", description = "The tool's name (see awm worlds --tools).")
    String tool;

    @Parameters(index = "1", paramLabel = "ARGS", defaultValue = "{}", description = "The arguments as a JSON object. Default: {}.")
    String arguments;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        WorldRuntime rt = options.load();
        if (!rt.buildProblems().isEmpty()) throw new IllegalStateException(rt.world.scenario() + " cannot be instantiated: " + String.join("; ", rt.buildProblems()));
        try (Instance instance = rt.newInstance()) {
            ToolResult r;
            try {
                r = instance.call(tool, Json.parse(arguments));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("ARGS is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            (r.error() ? spec.commandLine().getErr() : spec.commandLine().getOut()).println(r.error() ? "error: " + r.text() : r.text());
            return r.error() ? 1 : 0;
        }
    }
}
