package dev.awm.eval;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.TestWorlds;
import dev.awm.agent.Agent;
import dev.awm.agent.AgentSettings;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.EpisodeRunner;
import dev.awm.agent.EpisodeServer;
import dev.awm.agent.Scoring;
import dev.awm.agent.ShopModel;
import dev.awm.llm.LlmClient;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** awm eval over the tiny shop with a scripted model on real HTTP: the records, the numbers, a resume after a kill, compare. */
class EvalTest {

    static final WorldRuntime SHOP = TestWorlds.tinyShopRuntime();
    @AutoClose
    final ScriptedLlmServer llm;
    @TempDir
    Path tmp;

    EvalTest() throws Exception {
        llm = new ScriptedLlmServer();
    }

    EvalRunner runner(EpisodeServer server, Path out) {
        AgentSettings settings = AgentSettings.defaults(Style.AWM, llm.baseUrl());
        LlmClient client = new LlmClient(Agent.modelConfig(llm.config(), Style.AWM, null, null, null));
        return new EvalRunner(new EpisodeRunner(server, new Agent(client, settings), Scoring.code()), out);
    }

    @Test
    void anEvalRecordsEveryEpisodeWithItsRunDirectoryAndMeasuresIt() throws Exception {
        llm.always(stage("agent"), ShopModel.reply());
        Path out = tmp.resolve("eval");
        EvalRunner.Summary s;
        try (EpisodeServer server = new EpisodeServer()) {
            s = runner(server, out).run(List.of(SHOP), (w, t) -> true, 3, 4, false, null);
        }
        assertThat(s.ran()).isEqualTo(6);
        assertThat(s.episodes()).hasSize(6);
        List<JsonNode> lines = Results.episodes(out);
        assertThat(lines).extracting(l -> l.path("key").asString()).containsExactlyInAnyOrder("tiny_shop/0/0", "tiny_shop/0/1", "tiny_shop/0/2", "tiny_shop/1/0",
                "tiny_shop/1/1", "tiny_shop/1/2");
        for (JsonNode l : lines) {
            Path dir = out.resolve(l.path("run_dir").asString());
            assertThat(dir.resolve("trajectory.json")).exists();
            assertThat(dir.resolve("initial.db")).exists();
            assertThat(dir.resolve("final.db")).exists();
            assertThat(l.path("verdict").asString()).isEqualTo(l.path("task_id").asInt() == 0 ? "complete" : "incomplete");
        }
        Metrics m = Metrics.of(lines, 3);
        assertThat(m.overall().success()).isEqualTo(0.5);
        assertThat(m.overall().passAtK()).isEqualTo(0.5);
        assertThat(m.overall().passHatK()).isEqualTo(0.5);
        assertThat(m.overall().meanReward()).isEqualTo(0.5);
        assertThat(m.overall().meanTurns()).isEqualTo(3.5);
        assertThat(m.worlds()).hasSize(1);

        Path report = Report.write(out, WorldFiles.JSON.createObjectNode().put("model", "scripted <model>"), lines, m);
        String html = Files.readString(report);
        assertThat(html).doesNotContainPattern("(?i)<(script|link|img)[^>]+(src|href)=").doesNotContain("http://").doesNotContain("https://");
        assertThat(html).contains("scripted &lt;model&gt;").doesNotContain("</script><script>alert");
        assertThat(html).contains("\\u003c/script>");
    }

    @Test
    void passAtKAndPassHatK() {
        assertThat(Metrics.passAtK(4, 2, 2)).isCloseTo(1 - 1.0 / 6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Metrics.passHatK(4, 2, 2)).isCloseTo(1.0 / 6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Metrics.passAtK(4, 0, 4)).isZero();
        assertThat(Metrics.passAtK(4, 1, 4)).isEqualTo(1.0);
        assertThat(Metrics.passHatK(4, 3, 4)).isZero();
        assertThat(Metrics.passHatK(4, 4, 4)).isEqualTo(1.0);
    }

    @Test
    void anEvalKilledMidwayResumesWhereItStopped() throws Exception {
        llm.always(stage("agent"), ShopModel.reply());
        llm.delay(150); // slow enough to kill the eval between episodes
        Path out = tmp.resolve("eval");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.awm.cli.Main", "eval", "--dir", TestWorlds.TEST_WORLDS.toString(),
                "--base-url", llm.baseUrl(), "--model", ScriptedLlmServer.MODEL, "--k", "3", "--concurrency", "1", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path results = out.resolve(Results.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && (!Files.exists(results) || Files.readAllLines(results).size() < 2)) Thread.sleep(20);
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<String> before = Files.readAllLines(results);
        assertThat(before.size()).as("killed midway: " + Files.readString(tmp.resolve("child.log"))).isBetween(2, 5);
        Files.writeString(results, "{\"key\": \"tiny_shop/1/2\", \"verd", StandardOpenOption.APPEND); // as if killed while writing a line

        llm.delay(0);
        int asked = llm.chatRequests().size();
        ObjectNode settings = (ObjectNode) WorldFiles.JSON.readTree(Files.readString(out.resolve(EvalRunner.SETTINGS)));
        EvalRunner.prepare(out, settings, false);
        EvalRunner.Summary s;
        try (EpisodeServer server = new EpisodeServer()) {
            s = runner(server, out).run(List.of(SHOP), (w, t) -> true, 3, 2, false, null);
        }
        assertThat(s.resumed()).isEqualTo(before.size());
        assertThat(s.ran()).isEqualTo(6 - before.size());
        assertThat(s.episodes()).hasSize(6);
        List<String> after = Files.readAllLines(results);
        assertThat(after).hasSize(6).startsWith(before.toArray(String[]::new));
        assertThat(after).allSatisfy(l -> assertThat(WorldFiles.JSON.readTree(l).path("verdict").isString()).isTrue());
        // the episodes recorded before the kill were not asked again; each new one took 3 or 4 replies
        int newRequests = llm.chatRequests().size() - asked;
        assertThat(newRequests).isBetween(3 * s.ran(), 4 * s.ran());
    }

    @Test
    void aResumeWithOtherSettingsIsRefused() {
        ObjectNode a = WorldFiles.JSON.createObjectNode().put("model", "m").put("style", "awm");
        EvalRunner.prepare(tmp, a, false);
        assertThatThrownBy(() -> EvalRunner.prepare(tmp, a.deepCopy().put("style", "native"), false))
                .hasMessageContaining("other settings").hasMessageContaining("style was \"awm\", now \"native\"").hasMessageContaining("--fresh");
        EvalRunner.prepare(tmp, a.deepCopy().put("style", "native"), true);
    }

    @Test
    void aModelThatKeepsFailingIsRecordedAsThatEpisodesErrorAndRetriedOnRequest() {
        llm.always(stage("agent"), Reply.status(503, null));
        Path out = tmp.resolve("eval");
        try (EpisodeServer server = new EpisodeServer()) {
            EvalRunner.Summary s = runner(server, out).run(List.of(SHOP), (w, t) -> t == 0, 1, 1, false, null);
            assertThat(s.episodes()).hasSize(1);
            JsonNode line = s.episodes().get(0);
            assertThat(line.path("verdict").asString()).isEqualTo("model_error");
            assertThat(line.path("reward").isNull()).isTrue();
            assertThat(line.path("outcome_detail").asString()).contains("kept failing").contains("HTTP 503");
            llm.reset();
            llm.always(stage("agent"), ShopModel.reply());
            assertThat(runner(server, out).run(List.of(SHOP), (w, t) -> t == 0, 1, 1, false, null).ran()).as("recorded: not run again").isZero();
            EvalRunner.Summary retried = runner(server, out).run(List.of(SHOP), (w, t) -> t == 0, 1, 1, true, null);
            assertThat(retried.ran()).isEqualTo(1);
            assertThat(retried.episodes().get(0).path("verdict").asString()).isEqualTo("complete");
        }
    }

    @Test
    void compareCountsWinsLossesAndTies() {
        List<JsonNode> a = List.of(line("w", 0, "complete"), line("w", 0, "complete"), line("w", 1, "incomplete"), line("w", 2, "complete"));
        List<JsonNode> b = List.of(line("w", 0, "incomplete"), line("w", 0, "complete"), line("w", 1, "complete"), line("w", 3, "complete"));
        Compare c = Compare.of(a, b);
        assertThat(c.wins()).isEqualTo(1);
        assertThat(c.losses()).isEqualTo(1);
        assertThat(c.ties()).isZero();
        assertThat(c.onlyA()).isEqualTo(1);
        assertThat(c.onlyB()).isEqualTo(1);
    }

    static JsonNode line(String world, int task, String verdict) {
        return WorldFiles.JSON.createObjectNode().put("world", world).put("task_id", task).put("verdict", verdict);
    }
}
