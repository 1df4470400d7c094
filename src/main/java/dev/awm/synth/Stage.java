package dev.awm.synth;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stage that runs world by world: it asks the LLM for its file's content, checks the guarantees of the stage, and
 * repairs through {@link Repair} until they hold or the attempts run out. Only an answer that passes is written.
 */
abstract class Stage {

    final Gen gen;
    private final String name, output, partsField, keyField;
    private final List<String> needs;

    /**
     * @param output the stage file this stage writes
     * @param needs the stage files it reads
     * @param partsField the list an answer holds ({@link Repair})
     * @param keyField what names an item of it; null when each answer replaces the whole list
     */
    Stage(Gen gen, String name, String output, List<String> needs, String partsField, String keyField) {
        this.gen = gen;
        this.name = name;
        this.output = output;
        this.needs = needs;
        this.partsField = partsField;
        this.keyField = keyField;
    }

    final String name() {
        return name;
    }

    final String output() {
        return output;
    }

    final List<String> needs() {
        return needs;
    }

    final String partsField() {
        return partsField;
    }

    final String keyField() {
        return keyField;
    }

    boolean perPart() {
        return false;
    }

    abstract List<dev.awm.llm.ChatRequest> first(String world);

    /** The request a repair of one item continues, when {@link #perPart()}. */
    dev.awm.llm.ChatRequest base(String world, String part) {
        return first(world).get(0);
    }

    /** The failed guarantees of a candidate; {@code fresh} is false for a file imported as it was published. */
    abstract List<Problem> check(String world, ObjectNode candidate, boolean fresh);

    /** The stage file's lines for a candidate that passed. */
    abstract List<JsonNode> lines(String world, ObjectNode candidate);

    /** An imported output as a candidate, to check and repair; null when it must be made anew. */
    ObjectNode existing(String world) {
        return null;
    }

    void settle(String world, ObjectNode candidate) {}

    /** Called after a passing candidate's output is written, for what else it changes. */
    void written(String world, ObjectNode candidate) {}

    /** Makes (or checks and repairs an imported) output for {@code world}. */
    StageResult run(String world, StageStats stats) {
        ObjectNode start = gen.dir.has(world, output()) ? existing(world) : null;
        boolean fresh = start == null;
        Repair.Outcome o = Repair.run(gen.llm, work(world, fresh), gen.settings.maxAttempts(), start, stats.inRepair::incrementAndGet);
        if (o.ok()) {
            if (fresh || o.attempts() > 1) {
                gen.dir.write(world, output(), lines(world, o.best()));
                written(world, o.best());
            }
            return fresh || o.attempts() > 1 ? StageResult.of(o) : StageResult.kept();
        }
        gen.dir.write(world, "best_attempt." + output(), List.of(o.best()));
        return StageResult.of(o);
    }

    Repair.Work work(String world, boolean fresh) {
        Stage s = this;
        return new Repair.Work() {
            List<dev.awm.llm.ChatRequest> first;

            public String stage() {
                return s.name();
            }

            public String world() {
                return world;
            }

            public String partsField() {
                return s.partsField();
            }

            public String keyField() {
                return s.keyField();
            }

            public List<dev.awm.llm.ChatRequest> first() {
                if (first == null) first = s.first(world);
                return first;
            }

            public dev.awm.llm.ChatRequest base(String part) {
                return part == null || !s.perPart() ? first().get(0) : s.base(world, part);
            }

            public List<Problem> check(ObjectNode candidate) {
                return s.check(world, candidate, fresh);
            }

            public boolean perPart() {
                return s.perPart();
            }

            public void settle(ObjectNode candidate) {
                s.settle(world, candidate);
            }
        };
    }
}
