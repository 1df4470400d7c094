package dev.awm.verify;

import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Proves a world: for every task, its reference solution run on a fresh instance completes it, and doing nothing
 * (no call, empty answer) does not. This is what `awm check` prints and what accepts a world.
 */
public final class WorldCheck {

    private WorldCheck() {}

    public record TaskOutcome(int task, boolean solved, boolean passedByNothing, String error) {}

    public record Report(String world, int tables, int seedRows, int tools, int tasks, int solved, int passedByNothing,
            List<String> errors, List<TaskOutcome> outcomes) {
        public boolean ok() {
            return errors.isEmpty() && tasks > 0 && solved == tasks && passedByNothing == 0;
        }
    }

    /** Checks {@code rt}, calling tools on instances directly. */
    public static Report run(WorldRuntime rt) {
        return run(rt, instance -> instance::call);
    }

    /**
     * Checks {@code rt}, calling each solution's tools through {@code callerFor} (given the fresh instance the
     * solution must act on), so the same proof can go through MCP.
     */
    public static Report run(WorldRuntime rt, Function<Instance, TaskRun.ToolCaller> callerFor) {
        World w = rt.world;
        List<String> errors = new ArrayList<>(rt.problems());
        List<TaskOutcome> outcomes = new ArrayList<>();
        int solved = 0, nothing = 0;
        if (rt.buildProblems().isEmpty() && rt.servable()) {
            for (int i = 0; i < w.tasks().size(); i++) {
                TaskSpec spec = w.verifier(i).orElse(null);
                if (spec == null) {
                    outcomes.add(new TaskOutcome(i, false, false, "no verifier"));
                    continue;
                }
                TaskOutcome o = checkTask(rt, spec, callerFor);
                outcomes.add(o);
                if (o.solved()) solved++;
                if (o.passedByNothing()) nothing++;
                if (o.error() != null) errors.add("task " + i + ": " + o.error());
            }
        }
        return new Report(w.scenario(), w.tables().size(), w.seedRowCount(), w.toolCount(), w.tasks().size(), solved, nothing,
                List.copyOf(errors), List.copyOf(outcomes));
    }

    private static TaskOutcome checkTask(WorldRuntime rt, TaskSpec spec, Function<Instance, TaskRun.ToolCaller> callerFor) {
        byte[] initial = rt.initialImage();
        Verifier.Verdict nothing = Verifier.score(spec, initial, initial, "");
        String error = null;
        boolean solved = false;
        try (Instance instance = rt.newInstance()) {
            List<TaskRun.Step> steps = TaskRun.solve(spec, callerFor.apply(instance));
            TaskRun.Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (last != null && last.result().error()) {
                error = "reference call " + steps.size() + " (" + last.tool() + ") failed: " + last.result().text();
            } else {
                Verifier.Verdict v = Verifier.score(spec, initial, instance.image(), spec.solution().answer());
                solved = v.complete();
                if (!solved) error = "the reference solution does not complete it: " + failed(v);
            }
        } catch (Exception e) {
            error = "the reference solution could not run: " + e;
        }
        if (nothing.complete()) error = (error == null ? "" : error + "; ") + "doing nothing already passes every check";
        return new TaskOutcome(spec.index(), solved, nothing.complete(), error);
    }

    private static String failed(Verifier.Verdict v) {
        return v.checks().stream().filter(c -> !c.passed()).map(c -> "'" + c.message() + "' (" + c.detail() + ")").reduce((a, b) -> a + ", " + b).orElse("no check ran");
    }
}
