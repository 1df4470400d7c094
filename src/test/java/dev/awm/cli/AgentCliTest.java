package dev.awm.cli;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.agent.ShopModel;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** awm agent, awm verify RUN_DIR, awm eval and awm bench eval as a user types them. */
class AgentCliTest {

    @AutoClose
    final ScriptedLlmServer llm;
    @TempDir
    Path tmp;

    AgentCliTest() throws Exception {
        llm = new ScriptedLlmServer();
    }

    String[] agent(String... more) {
        List<String> args = new ArrayList<>(List.of("agent", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--base-url", llm.baseUrl(), "--model",
                ScriptedLlmServer.MODEL));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void agentPrintsTheConversationAndTheVerdictAndVerifyScoresItsRunDirectoryAgain() throws Exception {
        llm.always(stage("agent"), ShopModel.reply());
        Path dir = tmp.resolve("run");
        CliTest.Run r = CliTest.run(agent("--task", "0", "--out", dir.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Task (tiny_shop #0): Put 2 Blue Mugs in my cart.").contains("awm style")
                .contains("-> list_tools").contains("<- Available MCP Tools (4 tools)").contains("-> search_products {\"query\":\"Blue Mug\"}")
                .contains("-> add_to_cart").contains("answer: Added 2 Blue Mugs.")
                .contains("Verdict: COMPLETE, reward 1.0 (3 of 3 checks passed)").contains("awm verify " + dir);

        CliTest.Run verified = CliTest.run("verify", dir.toString(), "--dir", "src/test/resources/worlds");
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("tiny_shop task 0").contains("Verdict: COMPLETE, reward 1.0").contains("pass state  2 Blue Mugs in the cart");
        CliTest.Run json = CliTest.run("verify", dir.toString(), "--dir", "src/test/resources/worlds", "--json");
        assertThat(WorldFiles.JSON.readTree(json.out()).path("reward").asDouble()).isEqualTo(1.0);

        // a run directory of AWM's own agent: its fields only, the answer in the last assistant message after its reasoning
        Path awm = tmp.resolve("awm-run");
        Files.createDirectories(awm);
        Files.copy(dir.resolve("initial.db"), awm.resolve("initial.db"));
        Files.copy(dir.resolve("final.db"), awm.resolve("final.db"));
        Files.writeString(awm.resolve("trajectory.json"), "{\"scenario\": \"tiny_shop\", \"task_id\": 0, \"task\": \"Put 2 Blue Mugs in my cart.\", \"trajectory\": [], "
                + "\"messages\": [{\"role\": \"assistant\", \"content\": \"<think>Maybe 3?</think>Added 2 Blue Mugs.\"}]}");
        CliTest.Run theirs = CliTest.run("verify", awm.toString(), "--dir", "src/test/resources/worlds");
        assertThat(theirs.exit()).as(theirs.err()).isZero();
        assertThat(theirs.out()).contains("Verdict: COMPLETE");

        // a final.db of another world is refused, not scored 0 or 1
        Files.write(awm.resolve("final.db"), dev.awm.runtime.WorldRuntime.load(WorldFiles.bundled().get(0)).initialImage());
        CliTest.Run otherWorld = CliTest.run("verify", awm.toString(), "--dir", "src/test/resources/worlds");
        assertThat(otherWorld.exit()).isEqualTo(2);
        assertThat(otherWorld.err()).contains("final.db is not a state of tiny_shop: its schema differs");

        llm.on(stage("judge"), Reply.content("{\"reasoning\": \"Two mugs are in the cart.\", \"classification\": \"complete\"}"));
        CliTest.Run judged = CliTest.run("verify", dir.toString(), "--dir", "src/test/resources/worlds", "--mode", "judge", "--judge-base-url", llm.baseUrl(), "--judge-model",
                ScriptedLlmServer.MODEL, "--llm-cache", tmp.resolve("cache").toString());
        assertThat(judged.exit()).as(judged.err()).isZero();
        assertThat(judged.out()).contains("judge: complete: Two mugs are in the cart.");
        CliTest.Run again = CliTest.run("verify", dir.toString(), "--dir", "src/test/resources/worlds", "--mode", "judge", "--judge-base-url", llm.baseUrl(), "--judge-model",
                ScriptedLlmServer.MODEL, "--llm-cache", tmp.resolve("cache").toString());
        assertThat(again.out()).contains("judge: complete (cached)");
    }

    @Test
    void aFailedTaskExitsOneAndAFreeTextTaskIsUnverifiedInCodeMode() {
        llm.always(stage("agent"), ShopModel.reply());
        CliTest.Run failed = CliTest.run(agent("--task", "1", "--out", tmp.resolve("a").toString(), "--quiet"));
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("Verdict: INCOMPLETE, reward 0.0").contains("FAIL answer names the lowest price in stock").doesNotContain("[turn");
        CliTest.Run free = CliTest.run(agent("--task", "Put 2 Blue Mugs in my cart.", "--out", tmp.resolve("b").toString(), "--json"));
        assertThat(free.exit()).isEqualTo(1);
        assertThat(WorldFiles.JSON.readTree(free.out()).path("verdict").asString()).isEqualTo("unverified");
    }

    @Test
    void badInputIsAPlainSentence() {
        CliTest.Run noTask = CliTest.run(agent("--task", "7"));
        assertThat(noTask.exit()).isEqualTo(2);
        assertThat(noTask.err()).contains("tiny_shop has no task 7 (it has 2, numbered from 0");
        assertThat(CliTest.run(agent("--task", "0", "--style", "react")).err()).contains("--style must be awm or native, not 'react'");
        assertThat(CliTest.run(agent("--task", "0", "--extra-body", "{nope")).err()).contains("--extra-body is not valid JSON");
        assertThat(CliTest.run("agent", "--mcp-url", "http://127.0.0.1:1/mcp", "--task", "3").err()).contains("is a task index: name its world with --world");
        CliTest.Run noModel = CliTest.run("agent", "--dir", "src/test/resources/worlds", "--task", "0", "--base-url", llm.baseUrl(), "--model", "gpt-9");
        assertThat(noModel.exit()).isEqualTo(2);
        assertThat(noModel.err()).contains("serves no model named 'gpt-9'").doesNotContain("Exception");
        CliTest.Run noWorld = CliTest.run("verify", tmp.resolve("nothing").toString());
        assertThat(noWorld.err()).contains("no such run directory");
        assertThat(CliTest.run("verify", "--world", "tiny_shop", "--dir", "src/test/resources/worlds").err()).contains("give a run directory (awm verify RUN_DIR), or --task with one of --final or --calls");
    }

    @Test
    void evalPrintsTheTableWritesTheReportResumesAndCompares() throws Exception {
        llm.always(stage("agent"), ShopModel.reply());
        Path a = tmp.resolve("a");
        String[] eval = {"eval", "--dir", "src/test/resources/worlds", "--base-url", llm.baseUrl(), "--model", ScriptedLlmServer.MODEL, "--k", "2", "--concurrency", "4",
            "--out", a.toString()};
        CliTest.Run r = CliTest.run(eval);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 episodes run").containsPattern("tiny_shop\\s+4\\s+50.0%\\s+50.0%\\s+50.0%\\s+0.500")
                .containsPattern("all\\s+4\\s+50.0%").contains("report.html");
        assertThat(a.resolve("report.html")).exists();
        assertThat(a.resolve("results.jsonl")).exists();
        CliTest.Run resumed = CliTest.run(eval);
        assertThat(resumed.out()).contains("0 episodes run").contains("4 were recorded already");
        CliTest.Run other = CliTest.run("eval", "--dir", "src/test/resources/worlds", "--base-url", llm.baseUrl(), "--model", ScriptedLlmServer.MODEL, "--out", a.toString(), "--style", "native");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("other settings").contains("--fresh");

        Path b = tmp.resolve("b");
        Files.createDirectories(b);
        List<String> lines = Files.readAllLines(a.resolve("results.jsonl"));
        Files.write(b.resolve("results.jsonl"), lines.stream().map(l -> l.replace("\"verdict\":\"incomplete\"", "\"verdict\":\"complete\"")).toList());
        CliTest.Run compared = CliTest.run("eval", "compare", a.toString(), b.toString());
        assertThat(compared.exit()).isZero();
        assertThat(compared.out()).contains("tiny_shop #1").contains("0/2").contains("2/2").contains("B wins").contains("A wins 0 tasks, B wins 1, 1 ties");
        CliTest.Run report = CliTest.run("eval", "report", a.toString());
        assertThat(report.out()).containsPattern("all\\s+4\\s+50.0%");
    }

    @Test
    void benchEvalMeasuresTheEvalWithTheReferenceModel() {
        CliTest.Run r = CliTest.run("bench", "eval", "--dir", "src/test/resources/worlds", "--k", "2", "--concurrency", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 tasks in 1 worlds, k = 2 (4 episodes)").containsPattern("all\\s+4\\s+100.0%").contains("Eval of 4 episodes");
    }
}
