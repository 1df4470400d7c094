package dev.awm.verify;

import dev.awm.runtime.ToolResult;
import dev.awm.world.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Runs a task's reference solution through any way of calling tools (the instance directly, or an MCP client),
 * and records what each call returned.
 */
public final class TaskRun {

    /** Calls one tool; implemented by the runtime's instance and by MCP clients alike. */
    @FunctionalInterface
    public interface ToolCaller {
        ToolResult call(String tool, JsonNode arguments) throws Exception;
    }

    public record Step(String tool, JsonNode arguments, ToolResult result) {}

    private TaskRun() {}

    /** Runs every call of the solution, in order, and stops at the first error. */
    public static List<Step> solve(TaskSpec spec, ToolCaller caller) throws Exception {
        return run(spec.solution().calls(), caller, true);
    }

    /** Runs {@code calls} in order; with {@code stopAtError} false, failed calls are kept and the rest still run, as an agent would go on. */
    public static List<Step> run(List<TaskSpec.Call> calls, ToolCaller caller, boolean stopAtError) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (TaskSpec.Call call : calls) {
            ToolResult r = caller.call(call.tool(), call.arguments());
            steps.add(new Step(call.tool(), call.arguments(), r));
            if (r.error() && stopAtError) break;
        }
        return steps;
    }
}
