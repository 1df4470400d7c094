package dev.awm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.llm.LlmClient;
import dev.awm.llm.LlmException;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Resume and cache: an interrupted run continues without asking again what was answered; a cached rerun asks nothing. */
class ResumeTest {

    @AutoClose
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    @TempDir
    Path dir;


    @Test
    void aRunStoppedMidStageResumesWithoutRepeatingAnAnsweredRequest() throws Exception {
        Path out = dir.resolve("out");
        GenSettings settings = GenTestSupport.settings(1, GenTestSupport.seeds(dir, "Library"));
        Predicate<ScriptedLlmServer.Request> lateTasks = r -> r.chat() && r.stage().equals("verifier") && r.allText().matches("(?s).*\nTask [5-9]: .*");
        llm.always(lateTasks, Reply.status(500, null));
        GenTestSupport.answerWell(llm);
        assertThatThrownBy(() -> GenTestSupport.pipeline(out, llm, settings).all())
                .isInstanceOf(LlmException.class).hasMessageContaining("kept failing for the verifier stage of library_1");
        Set<JsonNode> answered = new HashSet<>();
        for (ScriptedLlmServer.Request r : llm.chatRequests()) if (!lateTasks.test(r)) answered.add(r.body());
        assertThat(answered).hasSizeGreaterThan(5);
        assertThat(new GenDir(out).has("library_1", GenDir.VERIFIER)).as("nothing half-done is written").isFalse();

        llm.reset();
        GenTestSupport.answerWell(llm);
        Pipeline resumed = GenTestSupport.pipeline(out, llm, settings);
        resumed.all();
        assertThat(resumed.accepted()).containsExactly("library_1");
        List<ScriptedLlmServer.Request> second = llm.chatRequests();
        assertThat(second).noneMatch(r -> answered.contains(r.body()));
        assertThat(second.stream().filter(r -> r.stage().equals("verifier"))).hasSize(5);
    }

    @Test
    void aCachedRerunSendsNoRequestAndOfflineSaysWhatIsMissing() throws Exception {
        Path out = dir.resolve("out");
        GenSettings settings = GenTestSupport.settings(1, GenTestSupport.seeds(dir, "Clinic"));
        GenTestSupport.answerWell(llm);
        GenTestSupport.pipeline(out, llm, settings).all();
        int asked = llm.chatRequests().size();

        Path again = dir.resolve("again");
        LlmClient offline = new LlmClient(llm.config().withCache(out.resolve("llm_cache"), true));
        Pipeline replay = new Pipeline(new GenDir(again), offline, settings, false);
        replay.all();
        assertThat(replay.accepted()).containsExactly("clinic_1");
        assertThat(llm.chatRequests()).as("a cache hit sends no request").hasSize(asked);
        assertThat(Files.readString(again.resolve("clinic_1").resolve(GenDir.VERIFIER))).isEqualTo(Files.readString(out.resolve("clinic_1").resolve(GenDir.VERIFIER)));

        Path other = dir.resolve("other");
        GenSettings library = GenTestSupport.settings(1, GenTestSupport.seeds(dir.resolve("other-seeds").toFile().mkdirs() ? dir.resolve("other-seeds") : dir, "Library"));
        assertThatThrownBy(() -> new Pipeline(new GenDir(other), offline, library, false).all())
                .isInstanceOf(LlmException.class).hasMessageContaining("offline: no recorded answer for the scenario stage of library");
    }
    @Test
    void aWorldEditedAfterItsVerifiersPassedIsProvenAgainAndRejected() throws Exception {
        Path out = dir.resolve("out");
        GenTestSupport.answerWell(llm);
        Pipeline p = GenTestSupport.pipeline(out, llm, GenTestSupport.settings(1, GenTestSupport.seeds(dir, "Library")));
        for (String s : List.of("scenario", "tasks", "db", "sample", "env", "verifier", "redteam")) p.run(s);
        Path verifiers = out.resolve("library_1").resolve(GenDir.VERIFIER);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(verifiers));
        lines.set(0, lines.get(0).replaceFirst("\"checks\":\\[.*?\\],\"answer\"", "\"checks\":[{\"sql\":\"SELECT 1\",\"message\":\"always\"}],\"answer\":[],\"x\""));
        Files.write(verifiers, lines);
        p.run("proof");
        assertThat(p.accepted()).isEmpty();
        assertThat(new GenDir(out).rejection("library_1").path("reason").asString()).contains("task 0: doing nothing already passes every check");
    }
}
