package dev.awm.verify;

import dev.awm.runtime.Instance;
import dev.awm.runtime.SqlText;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sqlite.SQLiteConnection;

/**
 * Proves a world: for every task, its reference solution run on a fresh instance completes it, while doing nothing
 * (no call, empty answer) and each of its near misses do not. This is what `awm check` prints and what accepts a
 * world.
 */
public final class WorldCheck {

    private static final java.time.Duration PYTHON_TIMEOUT = java.time.Duration.ofSeconds(30);
    static final String PYTHON_NOT_RUN = "was not run: imported Python code runs only on request, in a sandbox (awm check --run-python-verifiers)";

    private WorldCheck() {}

    /** @param awmPython what AWM's own Python verifier says of the solution and of doing nothing, or null when there is none */
    public record TaskOutcome(int task, boolean solved, boolean passedByNothing, int nearMisses, int nearMissesRejected, List<String> errors, String awmPython) {}

    public record Report(String world, int tables, int seedRows, int tools, int tasks, int solved, int passedByNothing,
            int nearMisses, int nearMissesRejected, List<String> errors, List<TaskOutcome> outcomes) {

        /** What AWM's Python verifiers (imported worlds only) say, task by task: information, not a failure. */
        public List<String> awmPythonNotes() {
            List<TaskOutcome> with = outcomes.stream().filter(o -> o.awmPython() != null).toList();
            if (!with.isEmpty() && with.stream().allMatch(o -> o.awmPython().equals(PYTHON_NOT_RUN))) {
                return List.of("AWM's Python verifiers (" + with.size() + " tasks) were not run: imported Python code runs only on request, in a sandbox (awm check --run-python-verifiers)");
            }
            return with.stream().map(o -> "task " + o.task() + ": AWM's Python verifier " + o.awmPython()).toList();
        }

        public boolean ok() {
            return errors.isEmpty() && tasks > 0 && solved == tasks && passedByNothing == 0 && nearMissesRejected == nearMisses;
        }
    }

    /** Checks {@code rt}, calling tools on instances directly. */
    public static Report run(WorldRuntime rt) {
        return run(rt, instance -> instance::call);
    }

    /** As {@link #run(WorldRuntime)}, running AWM's Python verifiers (of imported worlds) in {@code python}; null runs none. */
    public static Report run(WorldRuntime rt, PythonVerifier.Sandbox python) {
        return run(rt, instance -> instance::call, python);
    }

    public static Report run(WorldRuntime rt, Function<Instance, TaskRun.ToolCaller> callerFor) {
        return run(rt, callerFor, null);
    }

    /**
     * Checks {@code rt}, calling tools through {@code callerFor} (given the fresh instance the calls must act on), so
     * the same proof can go through MCP.
     */
    public static Report run(WorldRuntime rt, Function<Instance, TaskRun.ToolCaller> callerFor, PythonVerifier.Sandbox python) {
        World w = rt.world;
        List<String> errors = new ArrayList<>(rt.problems());
        if (rt.buildProblems().isEmpty()) errors.addAll(staticProblems(rt));
        List<TaskOutcome> outcomes = new ArrayList<>();
        int solved = 0, nothing = 0, misses = 0, rejected = 0;
        if (rt.servable()) {
            for (int i = 0; i < w.tasks().size(); i++) {
                TaskSpec spec = w.verifier(i).orElse(null);
                if (spec == null) {
                    outcomes.add(new TaskOutcome(i, false, false, 0, 0, List.of("no verifier"), null));
                    continue;
                }
                TaskOutcome o = checkTask(rt, spec, callerFor, python);
                outcomes.add(o);
                if (o.solved()) solved++;
                if (o.passedByNothing()) nothing++;
                misses += o.nearMisses();
                rejected += o.nearMissesRejected();
                for (String e : o.errors()) errors.add("task " + i + ": " + e);
            }
        }
        return new Report(w.scenario(), w.tables().size(), w.seedRowCount(), w.toolCount(), w.tasks().size(), solved, nothing, misses, rejected,
                List.copyOf(errors), List.copyOf(outcomes));
    }

    private static TaskOutcome checkTask(WorldRuntime rt, TaskSpec spec, Function<Instance, TaskRun.ToolCaller> callerFor, PythonVerifier.Sandbox python) {
        byte[] initial = rt.initialImage();
        List<String> errors = new ArrayList<>();
        boolean solved = false;
        byte[] solvedImage = null;
        try (Instance instance = rt.newInstance()) {
            List<TaskRun.Step> steps = TaskRun.solve(spec, callerFor.apply(instance));
            TaskRun.Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (last != null && last.result().error()) {
                errors.add("reference call " + steps.size() + " (" + last.tool() + ") failed: " + last.result().text());
            } else {
                solvedImage = instance.image();
                Verifier.Verdict v = Verifier.score(spec, initial, solvedImage, spec.solution().answer());
                solved = v.complete();
                if (!solved) errors.add("the reference solution does not complete it: " + failed(v));
            }
        } catch (Exception e) {
            errors.add("the reference solution could not run: " + e);
        }
        boolean nothing = Verifier.score(spec, initial, initial, "").complete();
        if (nothing) errors.add("doing nothing already passes every check");
        int rejected = 0;
        for (TaskSpec.NearMiss miss : spec.nearMisses()) {
            try (Instance instance = rt.newInstance()) {
                TaskRun.run(miss.calls(), callerFor.apply(instance), false);
                if (Verifier.score(spec, initial, instance.image(), miss.answer()).complete()) {
                    errors.add("the near miss '" + miss.why() + "' passes every check; the verifier must reject it");
                } else {
                    rejected++;
                }
            } catch (Exception e) {
                errors.add("the near miss '" + miss.why() + "' could not run: " + e);
            }
        }
        return new TaskOutcome(spec.index(), solved, nothing, spec.nearMisses().size(), rejected, List.copyOf(errors),
                awmPython(rt, spec, initial, solvedImage, python));
    }

    /** Runs AWM's own verifier for the task in {@code python}'s sandbox, where the world was imported with one. */
    private static String awmPython(WorldRuntime rt, TaskSpec spec, byte[] initial, byte[] solvedImage, PythonVerifier.Sandbox python) {
        String code = rt.world.pythonVerifiers().get(spec.index());
        if (code == null || solvedImage == null) return null;
        if (python == null) return PYTHON_NOT_RUN;
        PythonVerifier.Outcome onSolution = PythonVerifier.run(python, code, initial, solvedImage, spec.solution().answer(), PYTHON_TIMEOUT);
        PythonVerifier.Outcome onNothing = PythonVerifier.run(python, code, initial, initial, "", PYTHON_TIMEOUT);
        return "says " + onSolution + " for the reference solution and " + onNothing + " for doing nothing"
                + (onSolution.complete() && !onNothing.complete() ? " (agrees)" : " (disagrees)");
    }

    /** Every check must be a single SELECT that prepares against the two states, before anything runs. */
    static List<String> staticProblems(WorldRuntime rt) {
        List<String> problems = new ArrayList<>();
        byte[] image = rt.initialImage();
        try (SQLiteConnection db = Sqlite.openPair(image, image)) {
            List<String> tables = rt.world.tables().stream().map(dev.awm.world.World.Table::name).toList();
            for (TaskSpec spec : rt.world.verifiers()) {
                if (spec.unchangedExcept() != null) {
                    for (String t : spec.unchangedExcept()) {
                        if (!tables.contains(t)) problems.add("task " + spec.index() + ": unchanged_except names " + t + ", which is not a table of this world");
                    }
                }
                List<TaskSpec.Check> all = new ArrayList<>(spec.checks());
                all.addAll(spec.answerChecks());
                for (int i = 0; i < all.size(); i++) {
                    String at = "task " + spec.index() + " check " + (i + 1) + " ('" + all.get(i).message() + "')";
                    SqlText sql = SqlText.parse(all.get(i).sql());
                    String refusal = sql.refusal(SqlText.READ_KEYWORDS);
                    if (refusal != null) {
                        problems.add(at + ": the statement " + refusal);
                    } else if (!sql.params().isEmpty()) {
                        problems.add(at + ": checks take no parameters; found " + sql.params().get(0));
                    } else {
                        try (PreparedStatement ps = db.prepareStatement(sql.jdbc())) {
                            // prepared: tables and columns exist in main and initial
                        } catch (SQLException e) {
                            problems.add(at + ": does not prepare against the schema: " + Sqlite.message(e));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            problems.add("the verifiers could not be checked: " + e.getMessage());
        }
        return problems;
    }

    private static String failed(Verifier.Verdict v) {
        return v.checks().stream().filter(c -> !c.passed()).map(c -> "'" + c.message() + "' (" + c.detail() + ")").reduce((a, b) -> a + ", " + b).orElse("no check ran");
    }
}
