package dev.awm.synth;

import static dev.awm.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.cli.CliTest.Run;
import dev.awm.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `awm gen` as a user types it: three proven worlds that `awm check` proves and `awm demo` serves, reruns for free, clear errors. */
class GenCliTest {

    ScriptedLlmServer llm;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        llm = new ScriptedLlmServer();
        GenTestSupport.answerWell(llm);
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    String[] gen(String stage, Path out, String... more) throws Exception {
        Path seeds = GenTestSupport.seeds(dir, "Banking", "Issue tracker", "Smart home");
        String[] base = {"gen", stage, "--out", out.toString(), "--seeds", seeds.toString(), "--base-url", llm.baseUrl(), "--model", ScriptedLlmServer.MODEL, "--no-progress"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void genAllMakesThreeWorldsThatCheckProvesAndMcpServes() throws Exception {
        Path out = dir.resolve("worlds");
        Run r = run(gen("all", out, "--target-count", "3", "--price-in", "0.4", "--price-out", "1.6"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("verifier\\s+3\\s+0\\s+0\\s+0\\s+3\\s+30\\s+0").contains("red team: 60 hacks tried, 0 paid")
                .contains("3 world(s) proven and accepted").contains("banking_1, issue_tracker_1, smart_home_1");
        assertThat(Files.readString(out.resolve("gen_report.json"))).contains("\"accepted\"").contains("\"cost\"");

        Run check = run("check", "--dir", out.toString());
        assertThat(check.exit()).as(check.out()).isZero();
        Run demo = run("demo", "--dir", out.toString());
        assertThat(demo.exit()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("30 of 30 tasks solved through MCP");

        int asked = llm.chatRequests().size();
        Run again = run(gen("all", out, "--target-count", "3"));
        assertThat(again.exit()).isZero();
        assertThat(llm.chatRequests()).as("a rerun of finished work asks nothing").hasSize(asked);
    }

    @Test
    void badInputGetsAPlainSentence() throws Exception {
        Run seeds = run("gen", "all", "--out", dir.resolve("a").toString(), "--seeds", dir.resolve("nope.jsonl").toString(), "--base-url", llm.baseUrl(), "--model", ScriptedLlmServer.MODEL);
        assertThat(seeds.exit()).isEqualTo(2);
        assertThat(seeds.err()).contains("the seed file").contains("does not exist");

        Files.writeString(dir.resolve("notes.txt"), "mine");
        Run foreign = run(gen("tasks", dir));
        assertThat(foreign.exit()).isEqualTo(2);
        assertThat(foreign.err()).contains("holds notes.txt, which awm gen did not write");

        Run model = run("gen", "tasks", "--out", dir.resolve("b").toString(), "--base-url", llm.baseUrl(), "--model", "gpt-9");
        assertThat(model.exit()).isEqualTo(2);
        assertThat(model.err()).contains("serves no model named 'gpt-9'").doesNotContain("Exception");

        Run extra = run(gen("tasks", dir.resolve("c"), "--llm-extra", "{oops"));
        assertThat(extra.err()).contains("--llm-extra is not JSON");
        assertThat(run("gen", "--help").out()).contains("scenario", "redteam", "bench", "AWM_LLM_BASE_URL");
    }
}
