package dev.awm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.llm.ScriptedLlmServer;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `awm gen all` against a scripted OpenAI-compatible server over real HTTP. */
class PipelineTest {

    ScriptedLlmServer llm;

    @BeforeEach
    void start() throws Exception {
        llm = new ScriptedLlmServer();
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    @Test
    void allOnThreeSeedsYieldsThreeProvenWorlds(@TempDir Path dir) throws Exception {
        GenTestSupport.answerWell(llm);
        Path out = dir.resolve("out");
        Pipeline p = GenTestSupport.pipeline(out, llm, GenTestSupport.settings(3, GenTestSupport.seeds(dir, "Banking", "Library", "Clinic")));
        p.all();
        GenReport r = p.report();
        System.out.println(r.table());
        assertThat(r.accepted()).containsExactlyInAnyOrder("banking_1", "library_1", "clinic_1");
        List<World> worlds = WorldFiles.load(out);
        assertThat(worlds).hasSize(3);
        for (World w : worlds) assertThat(WorldCheck.run(WorldRuntime.load(w)).ok()).as(w.scenario()).isTrue();
    }
}
