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
 * (no call, empty answer), each of its near misses, each collateral probe (the solution plus one more write on rows
 * it did not touch) and each padding probe (the reference answer plus other candidates) do not. This is what
 * `awm check` prints and what accepts a world.
 */
public final class WorldCheck {

    private static final java.time.Duration PYTHON_TIMEOUT = java.time.Duration.ofSeconds(30);
    static final String PYTHON_NOT_RUN = "was not run: imported Python code runs only on request, in a sandbox (awm check --run-python-verifiers)";

    private WorldCheck() {}

    /** Collateral probes of a task or world: run = rejected + paid + refused + unchanged. */
    public record Probes(int run, int rejected, int paid, int refused, int unchanged) {
        static final Probes NONE = new Probes(0, 0, 0, 0, 0);

        public int inconclusive() {
            return refused + unchanged;
        }

        Probes plus(Probes o) {
            return new Probes(run + o.run, rejected + o.rejected, paid + o.paid, refused + o.refused, unchanged + o.unchanged);
        }
    }

    /** Padding probes of a task or world; {@code unproven} lists answer checks that could not be probed, and why. */
    public record Padding(int run, int rejected, List<String> unproven) {
        static final Padding NONE = new Padding(0, 0, List.of());

        Padding plus(Padding o) {
            List<String> all = new ArrayList<>(unproven);
            all.addAll(o.unproven);
            return new Padding(run + o.run, rejected + o.rejected, List.copyOf(all));
        }
    }

    /**
     * @param footprint what an episode of the task may change; null when the task has no verifier
     * @param awmPython what AWM's own Python verifier says, and why it disagrees where it does; null when there is none
     */
    public record TaskOutcome(int task, boolean solved, boolean passedByNothing, int nearMisses, int nearMissesRejected, int alternatives,
            int alternativesPaid, Footprint footprint, Probes probes, Padding padding, List<String> errors, String awmPython) {}

    /** @param alternatives other correct ways to do the tasks, of which {@code alternativesPaid} the verifiers pay (all, when right) */
    public record Report(String world, int tables, int seedRows, int tools, int tasks, int solved, int passedByNothing,
            int nearMisses, int nearMissesRejected, int alternatives, int alternativesPaid, Probes probes, Padding padding, List<String> errors,
            List<TaskOutcome> outcomes) {

        /** What AWM's Python verifiers (imported worlds only) say, task by task: information, not a failure. */
        public List<String> awmPythonNotes() {
            List<TaskOutcome> with = outcomes.stream().filter(o -> o.awmPython() != null).toList();
            if (!with.isEmpty() && with.stream().allMatch(o -> o.awmPython().equals(PYTHON_NOT_RUN))) {
                return List.of("AWM's Python verifiers (" + with.size() + " tasks) were not run: imported Python code runs only on request, in a sandbox (awm check --run-python-verifiers)");
            }
            return with.stream().map(o -> "task " + o.task() + ": AWM's Python verifier " + o.awmPython()).toList();
        }

        public boolean ok() {
            return errors.isEmpty() && tasks > 0 && solved == tasks && passedByNothing == 0 && nearMissesRejected == nearMisses && alternativesPaid == alternatives && probes.paid() == 0
                    && padding.rejected() == padding.run();
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
     * the same proof can go through MCP. Collateral probes call tools on instances directly: they test the
     * verifier, not the transport.
     */
    public static Report run(WorldRuntime rt, Function<Instance, TaskRun.ToolCaller> callerFor, PythonVerifier.Sandbox python) {
        World w = rt.world;
        List<String> errors = new ArrayList<>(rt.problems());
        if (rt.buildProblems().isEmpty()) errors.addAll(staticProblems(rt));
        List<TaskOutcome> outcomes = new ArrayList<>();
        int solved = 0, nothing = 0, misses = 0, rejected = 0, alternatives = 0, alternativesPaid = 0;
        Probes probes = Probes.NONE;
        Padding padding = Padding.NONE;
        if (rt.servable()) {
            try (Scorer scorer = new Scorer(rt)) {
                CollateralProbes collateral = CollateralProbes.plan(rt);
                for (int i = 0; i < w.tasks().size(); i++) {
                    TaskSpec spec = w.verifier(i).orElse(null);
                    TaskOutcome o = spec == null ? new TaskOutcome(i, false, false, 0, 0, 0, 0, null, Probes.NONE, Padding.NONE, List.of("no verifier"), null)
                            : checkTask(rt, scorer, collateral, spec, callerFor, python);
                    outcomes.add(o);
                    if (o.solved()) solved++;
                    if (o.passedByNothing()) nothing++;
                    misses += o.nearMisses();
                    rejected += o.nearMissesRejected();
                    alternatives += o.alternatives();
                    alternativesPaid += o.alternativesPaid();
                    probes = probes.plus(o.probes());
                    padding = padding.plus(o.padding());
                    for (String e : o.errors()) errors.add("task " + i + ": " + e);
                }
            }
        }
        return new Report(w.scenario(), w.tables().size(), w.seedRowCount(), w.toolCount(), w.tasks().size(), solved, nothing, misses, rejected, alternatives, alternativesPaid,
                probes, padding, List.copyOf(errors), List.copyOf(outcomes));
    }

    private static TaskOutcome checkTask(WorldRuntime rt, Scorer scorer, CollateralProbes collateral, TaskSpec spec, Function<Instance, TaskRun.ToolCaller> callerFor,
            PythonVerifier.Sandbox python) {
        byte[] initial = rt.initialImage();
        Footprint footprint = scorer.footprint(spec);
        List<String> errors = new ArrayList<>(footprint.problems());
        boolean solved = false;
        byte[] solvedImage = null;
        Probes probes = Probes.NONE;
        Padding padding = Padding.NONE;
        try (Instance instance = rt.newInstance()) {
            List<TaskRun.Step> steps = TaskRun.solve(spec, callerFor.apply(instance));
            TaskRun.Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (last != null && last.result().error()) {
                errors.add("reference call " + steps.size() + " (" + last.tool() + ") failed: " + last.result().text());
            } else {
                solvedImage = instance.image();
                Verifier.Verdict v = scorer.score(spec, initial, solvedImage, spec.solution().answer());
                solved = v.complete();
                if (!solved) errors.add("the reference solution does not complete it: " + failed(v));
            }
            if (solved) {
                probes = collateralProbes(collateral.run(scorer, spec, instance), errors);
                PaddingProbes.Outcome p = PaddingProbes.run(spec, initial, solvedImage);
                padding = new Padding(p.run(), p.rejected(), p.unproven());
                errors.addAll(p.failures());
            }
        } catch (Exception e) {
            errors.add("the reference solution could not run: " + reason(e));
        }
        boolean nothing = scorer.score(spec, initial, initial, "").complete();
        if (nothing) errors.add("doing nothing already passes every check");
        int rejected = 0;
        List<byte[]> missImages = new ArrayList<>();
        for (TaskSpec.NearMiss miss : spec.nearMisses()) {
            try (Instance instance = rt.newInstance()) {
                TaskRun.run(miss.calls(), callerFor.apply(instance), false);
                byte[] image = instance.image();
                missImages.add(image);
                if (scorer.score(spec, initial, image, miss.answer()).complete()) {
                    errors.add("the near miss '" + miss.why() + "' passes every check; the verifier must reject it");
                } else {
                    rejected++;
                }
            } catch (Exception e) {
                missImages.add(null);
                errors.add("the near miss '" + miss.why() + "' could not run: " + reason(e));
            }
        }
        int paid = 0;
        for (TaskSpec.Alternative alt : spec.alternatives()) {
            try (Instance instance = rt.newInstance()) {
                List<TaskRun.Step> steps = TaskRun.run(alt.calls(), callerFor.apply(instance), false);
                Verifier.Verdict v = scorer.score(spec, initial, instance.image(), alt.answer());
                if (v.complete()) paid++;
                else errors.add("the alternative '" + alt.why() + "' is a correct episode the verifier refuses: " + failed(v)
                        + (steps.stream().anyMatch(st -> st.result().error()) ? " (one of its calls failed: " + steps.stream().filter(st -> st.result().error()).findFirst().orElseThrow().result().text() + ")" : "")
                        + "; widen the footprint (unchanged_except, any_rows, may_insert) or loosen the check, or drop the alternative if it is not right");
            } catch (Exception e) {
                errors.add("the alternative '" + alt.why() + "' could not run: " + reason(e));
            }
        }
        return new TaskOutcome(spec.index(), solved, nothing, spec.nearMisses().size(), rejected, spec.alternatives().size(), paid, footprint, probes, padding, List.copyOf(errors),
                AwmPythonVerdicts.explain(rt, spec, initial, solvedImage, missImages, python, PYTHON_TIMEOUT));
    }

    private static Probes collateralProbes(List<CollateralProbes.Probe> run, List<String> errors) {
        int rejected = 0, paid = 0, refused = 0, unchanged = 0;
        for (CollateralProbes.Probe p : run) {
            switch (p.result()) {
                case REJECTED -> rejected++;
                case PAID -> {
                    paid++;
                    errors.add("collateral probe paid: after the reference solution, " + p.evidence() + "; the verifier still pays, so it would reward this damage: add a check, or narrow unchanged_except / any_rows");
                }
                case REFUSED -> refused++;
                case UNCHANGED -> unchanged++;
            }
        }
        return new Probes(run.size(), rejected, paid, refused, unchanged);
    }

    /** Every check must be a single SELECT that prepares against the two states, before anything runs. */
    static List<String> staticProblems(WorldRuntime rt) {
        List<String> problems = new ArrayList<>();
        byte[] image = rt.initialImage();
        try (SQLiteConnection db = Sqlite.openPair(image, image)) {
            List<String> tables = rt.world.tables().stream().map(World.Table::name).toList();
            for (TaskSpec spec : rt.world.verifiers()) {
                for (String declaration : List.of("unchanged_except", "any_rows", "may_insert")) {
                    List<String> named = switch (declaration) {
                        case "any_rows" -> spec.anyRows();
                        case "may_insert" -> spec.mayInsert();
                        default -> spec.unchangedExcept();
                    };
                    for (String t : named == null ? List.<String>of() : named) {
                        if (!tables.contains(t)) problems.add("task " + spec.index() + ": " + declaration + " names " + t + ", which is not a table of this world");
                    }
                }
                List<TaskSpec.Check> all = new ArrayList<>(spec.checks());
                all.addAll(spec.answerChecks());
                for (int i = 0; i < all.size(); i++) {
                    TaskSpec.Check c = all.get(i);
                    String at = "task " + spec.index() + " check " + (i + 1) + " ('" + c.message() + "')";
                    String problem = statementProblem(db, c.sql());
                    if (problem != null) problems.add(at + ": " + problem);
                    if (c.candidates() != null) {
                        if (c.match() == TaskSpec.Match.NONE) problems.add(at + ": \"candidates\" belong to checks that name values, not to an \"absent\" check");
                        String p = statementProblem(db, c.candidates());
                        if (p != null) problems.add(at + ": its \"candidates\": " + p);
                    }
                }
            }
        } catch (SQLException e) {
            problems.add("the verifiers could not be checked: " + e.getMessage());
        }
        return problems;
    }

    /** Why {@code sql} cannot be a check (not one SELECT, parameters, does not prepare), or null. */
    private static String statementProblem(SQLiteConnection db, String sql) {
        SqlText text = SqlText.parse(sql);
        String refusal = text.refusal(SqlText.READ_KEYWORDS);
        if (refusal != null) return "the statement " + refusal;
        if (!text.params().isEmpty()) return "checks take no parameters; found " + text.params().get(0);
        try (PreparedStatement ps = db.prepareStatement(text.jdbc())) {
            return null; // prepared: tables and columns exist in main and initial
        } catch (SQLException e) {
            return "does not prepare against the schema: " + Sqlite.message(e);
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "an unexpected error" : e.getMessage();
    }

    private static String failed(Verifier.Verdict v) {
        return v.checks().stream().filter(c -> !c.passed()).map(c -> "'" + c.message() + "' (" + c.detail() + ")").reduce((a, b) -> a + ", " + b).orElse("no check ran");
    }
}
