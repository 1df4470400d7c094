package dev.awm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.WorldCheck;
import dev.awm.world.WorldFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The verifier and red-team stages: a verifier that pays for doing nothing is repaired; a hack the first verifier pays tightens it. */
class VerifierStagesTest {

    @AutoClose
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    @TempDir
    Path dir;


    static Predicate<ScriptedLlmServer.Request> about(String stage, int task) {
        return r -> r.chat() && r.stage().equals(stage) && r.world().equals("library_1") && r.allText().contains("\nTask " + task + ": ");
    }

    static JsonNode[] bundledLines() {
        return BundledAnswers.file("library_1", GenDir.VERIFIER);
    }

    static String answer(JsonNode line) {
        ObjectNode item = (ObjectNode) line.deepCopy();
        item.remove("scenario");
        ObjectNode out = WorldFiles.JSON.createObjectNode();
        out.putArray("verifiers").add(item);
        return WorldFiles.JSON.writeValueAsString(out);
    }

    Pipeline upToEnv() throws Exception {
        Pipeline p = GenTestSupport.pipeline(dir.resolve("out"), llm, GenTestSupport.settings(1, GenTestSupport.seeds(dir, "Library")));
        for (String s : List.of("scenario", "tasks", "db", "sample", "env")) p.run(s);
        return p;
    }

    @Test
    void aVerifierThatPaysForDoingNothingGoesBackWithTheProofsError() throws Exception {
        ObjectNode lax = (ObjectNode) bundledLines()[0].deepCopy();
        ObjectNode verifier = (ObjectNode) lax.get("verifier");
        verifier.removeAll();
        verifier.putArray("checks").addObject().put("sql", "SELECT COUNT(*) > 0 FROM main.users").put("message", "the user exists");
        lax.putArray("near_misses");
        llm.on(about("verifier", 0), Reply.content(answer(lax)));
        GenTestSupport.answerWell(llm);
        Pipeline p = upToEnv();
        p.run("verifier");

        List<ScriptedLlmServer.Request> task0 = llm.chatRequests().stream().filter(about("verifier", 0)).toList();
        assertThat(task0).hasSize(2);
        assertThat(task0.get(1).lastUser()).contains("task 0: doing nothing already passes every check").contains("at least 2 near misses");
        assertThat(llm.chatRequests().stream().filter(r -> r.stage().equals("verifier"))).as("only the failing task is asked again").hasSize(11);
        GenDir out = new GenDir(dir.resolve("out"));
        assertThat(WorldFiles.JSON.readTree(out.lines("library_1", GenDir.VERIFIER).get(0)).path("verifier")).isEqualTo(bundledLines()[0].path("verifier"));
        assertThat(p.report().json().path("stages").get(5).path("repaired").asInt()).isEqualTo(1);
    }

    @Test
    void aRecordATaskNeedsButTheDataLacksIsAddedThroughTheVerifierRepair() throws Exception {
        ObjectNode sample = (ObjectNode) WorldFiles.JSON.readTree(BundledAnswers.answer("sample", "library_1", WorldFiles.JSON.createObjectNode()));
        String hold5 = null;
        for (JsonNode t : sample.get("tables")) {
            if (!t.path("table_name").asString().equals("holds")) continue;
            ArrayNode inserts = (ArrayNode) t.get("insert_statements");
            for (int i = 0; i < inserts.size(); i++) {
                if (inserts.get(i).asString().contains("VALUES (5,")) {
                    hold5 = inserts.get(i).asString();
                    inserts.remove(i);
                    break;
                }
            }
        }
        assertThat(hold5).isNotNull();
        ObjectNode fixed = (ObjectNode) WorldFiles.JSON.readTree(answer(bundledLines()[2]));
        ((ObjectNode) fixed.get("verifiers").get(0)).putArray("seed_rows").addObject().put("table_name", "holds").putArray("insert_statements").add(hold5);
        llm.on(r -> r.chat() && r.stage().equals("sample") && r.world().equals("library_1"), Reply.json(sample));
        llm.on(about("verifier", 2), Reply.content(answer(bundledLines()[2])), Reply.json(fixed));
        GenTestSupport.answerWell(llm);
        Pipeline p = upToEnv();
        for (String s : List.of("verifier", "redteam", "proof")) p.run(s);

        List<ScriptedLlmServer.Request> task2 = llm.chatRequests().stream().filter(about("verifier", 2)).toList();
        assertThat(task2).hasSize(2);
        assertThat(task2.get(1).lastUser()).contains("task 2: reference call 4 (cancel_hold) failed");
        GenDir out = new GenDir(dir.resolve("out"));
        assertThat(String.join("\n", out.lines("library_1", GenDir.SAMPLE))).contains(hold5);
        assertThat(out.lines("library_1", GenDir.VERIFIER).get(2)).doesNotContain("seed_rows");
        assertThat(p.accepted()).containsExactly("library_1");
    }

    @Test
    void aHackTheFirstVerifierPaysBecomesANearMissAndTightensIt() throws Exception {
        // A realistic lax verifier: one without its footprint (or checking only part of the task), which pays for a wrong episode.
        JsonNode[] lines = bundledLines();
        int task = -1;
        JsonNode hack = null;
        ObjectNode lax = null;
        for (int t = 0; t < 2 * lines.length && hack == null; t++) {
            ObjectNode weak = (ObjectNode) lines[t % lines.length].deepCopy();
            ObjectNode v = (ObjectNode) weak.get("verifier");
            v.remove("unchanged_except");
            if (t >= lines.length && v.path("checks").size() > 1) { // second pass: a verifier that checks only the first thing the task asks
                ArrayNode one = WorldFiles.JSON.createArrayNode().add(v.get("checks").get(0));
                v.set("checks", one);
            }
            Map<String, List<String>> files = new LinkedHashMap<>();
            for (String f : List.of(GenDir.SCENARIO, GenDir.TASKS, GenDir.DB, GenDir.SAMPLE, GenDir.ENVS)) {
                files.put(f, java.util.Arrays.stream(BundledAnswers.file("library_1", f)).map(WorldFiles.JSON::writeValueAsString).toList());
            }
            files.put(GenDir.VERIFIER, List.of(WorldFiles.JSON.writeValueAsString(weak)));
            WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(WorldFiles.fromLines(files, "test").get(0)));
            List<String> paid = ProofReader.paidNearMisses(r, t % lines.length);
            ArrayNode kept = WorldFiles.JSON.createArrayNode();
            for (JsonNode m : weak.path("near_misses")) if (paid.contains(m.path("why").asString())) hack = hack == null ? m : hack; else kept.add(m);
            if (hack != null && kept.size() >= 2) {
                weak.set("near_misses", kept);
                lax = weak;
                task = t % lines.length;
            } else {
                hack = null;
            }
        }
        assertThat(lax).as("library_1 has a task whose near miss only part of its verifier rejects").isNotNull();
        ObjectNode hacks = WorldFiles.JSON.createObjectNode();
        hacks.putArray("hacks").addObject().put("why", "did the task, and also " + hack.path("why").asString()).set("calls", hack.path("calls"));
        ((ObjectNode) hacks.get("hacks").get(0)).put("answer", hack.path("answer").asString(""));
        llm.on(about("verifier", task), Reply.content(answer(lax)));
        llm.on(about("redteam", task), Reply.json(hacks));
        GenTestSupport.answerWell(llm);
        Pipeline p = upToEnv();
        for (String s : List.of("verifier", "redteam", "proof")) p.run(s);

        JsonNode redteam = null;
        for (JsonNode s : p.report().json().path("stages")) if (s.path("stage").asString().equals("redteam")) redteam = s;
        assertThat(redteam.path("hacks tried").asInt()).isEqualTo(1 + 2 * 9);
        assertThat(redteam.path("hacks paid").asInt()).isEqualTo(1);
        assertThat(redteam.path("verifiers tightened").asInt()).isEqualTo(1);
        List<ScriptedLlmServer.Request> repairs = new ArrayList<>(llm.chatRequests().stream().filter(about("verifier", task)).toList());
        assertThat(repairs).hasSize(2);
        assertThat(repairs.get(1).lastUser()).contains("the near miss 'red team: did the task, and also").contains("passes every check");
        GenDir out = new GenDir(dir.resolve("out"));
        JsonNode tightened = WorldFiles.JSON.readTree(out.lines("library_1", GenDir.VERIFIER).get(task));
        assertThat(tightened.path("verifier")).isEqualTo(lines[task].path("verifier"));
        assertThat(tightened.path("near_misses").toString()).contains("red team: did the task, and also");
        assertThat(p.accepted()).containsExactly("library_1");
    }
}
