package dev.awm.agent;

import dev.awm.runtime.Json;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.Scorer;
import dev.awm.verify.Verifier;
import dev.awm.world.TaskSpec;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Scores an episode: the task's code checks over its two databases and final answer, then (in judge mode) the
 * LLM judge, then the paper's reward rules. The one place the agent and eval reach the verifier.
 */
public final class Scoring {

    public enum Mode {
        CODE, JUDGE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What there is to judge an episode by.
     *
     * @param world null for an episode without a known world
     * @param spec the task's verifier, or null (a free-text task)
     * @param initial the database before the episode, or null when it is not at hand (a remote MCP server)
     * @param trajectory the run directory's trajectory entries
     */
    public record Evidence(WorldRuntime world, TaskSpec spec, byte[] initial, byte[] fin, String task, String answer, JsonNode trajectory) {}

    private final Judge judge;
    /** One scorer per world scored, so that each task's footprint is computed once per run. */
    private final Map<WorldRuntime, Scorer> scorers = new ConcurrentHashMap<>();

    private Scoring(Judge judge) {
        this.judge = judge;
    }

    public static Scoring code() {
        return new Scoring(null);
    }

    public static Scoring judge(Judge judge) {
        return new Scoring(judge);
    }

    public Mode mode() {
        return judge == null ? Mode.CODE : Mode.JUDGE;
    }

    public Verdict score(Episode.Outcome outcome, Evidence e) {
        boolean played = outcome == Episode.Outcome.ANSWERED || outcome == Episode.Outcome.TURN_LIMIT;
        boolean states = e.initial() != null && e.fin() != null;
        Verifier.Verdict code = played && e.spec() != null && states ? codeVerdict(e.world(), e.spec(), e.initial(), e.fin(), e.answer()) : null;
        Judge.Answer answer = null;
        if (played && judge != null) {
            JsonNode changes = states ? Json.tree(StateDiff.between(e.initial(), e.fin()).tables()) : null;
            answer = judge.judge(e.world() == null ? null : e.world().world.scenario(), e.task(), code == null ? null : Json.tree(code.checks()), changes, e.trajectory());
        }
        return Rewards.verdict(outcome, mode().label(), code, answer);
    }

    /** The task verifier's code-mode verdict, footprint included: the single call into dev.awm.verify. */
    private Verifier.Verdict codeVerdict(WorldRuntime world, TaskSpec spec, byte[] initial, byte[] fin, String answer) {
        return scorers.computeIfAbsent(world, Scorer::new).score(spec, initial, fin, answer);
    }
}
