package dev.awm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands as a user types them: output, exit codes and the messages for bad input. */
class CliTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpDocumentsEveryCommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo", "worlds", "check", "call", "env", "verify", "bench");
        assertThat(run("check", "--help").out()).contains("--dir", "--world", "Exit codes");
    }

    @Test
    void worldsListsCountsAndSaysWhatIsMissing() {
        Run r = run("worlds", "--dir", "../shared/awm1k");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("e_commerce_33\\s+19\\s+133\\s+40\\s+10\\s+ready");
        assertThat(r.out()).contains("code_hosting_2").contains("no seed data");
        assertThat(run("worlds").out()).contains("ready");
    }

    @Test
    void checkExitsZeroOnlyWhenEveryWorldPasses() {
        Run ok = run("check", "--dir", "src/test/resources/worlds");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).containsPattern("tiny_shop\\s+3\\s+4\\s+2\\s+2/2\\s+0\\s+5/5\\s+3/3\\s+1\\s+3/3\\s+0\\s+ok");
        Run missing = run("check", "--dir", "src/test/resources/worlds", "--world", "nope");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no world named 'nope'").contains("tiny_shop");
        Run notADir = run("check", "--dir", "does/not/exist");
        assertThat(notADir.exit()).isEqualTo(2);
        assertThat(notADir.err()).contains("no such directory");
        Run nothingToCheck = run("check", "--dir", "../shared/awm1k", "--world", "code_hosting_2");
        assertThat(nothingToCheck.exit()).isEqualTo(1);
        assertThat(nothingToCheck.out()).contains("FAILED").contains("no seed data");
    }

    @Test
    void checkPrintsFootprintsWhenVerboseAndEverythingAsJson() {
        Run verbose = run("check", "--dir", "src/test/resources/worlds", "-v");
        assertThat(verbose.out()).contains("task 0 footprint: cart_items(rows)", "task 1 footprint: nothing may change",
                "task 1 probes: 2 run, 1 rejected, 0 paid, 1 refused by the tool, 0 changed nothing; padding: 3/3 rejected");
        Run json = run("check", "--dir", "src/test/resources/worlds", "--json");
        assertThat(json.exit()).isZero();
        var shop = Json.parse(json.out()).path("worlds").get(0);
        assertThat(shop.path("world").asString()).isEqualTo("tiny_shop");
        assertThat(shop.path("probes").path("rejected").asInt()).isEqualTo(3);
        assertThat(shop.path("probes").path("inconclusive").asInt()).isEqualTo(1);
        assertThat(shop.path("padding_probes").path("rejected").asInt()).isEqualTo(3);
        assertThat(shop.path("task_results").get(0).path("footprint").path("cart_items").asString()).isEqualTo("rows");
        assertThat(shop.path("task_results").get(1).path("near_misses").path("rejected").asInt()).isEqualTo(2);
    }

    @Test
    void demoSolvesEveryTaskThroughMcpAndSaysHowToConnectAnAgent() {
        Run r = run("demo", "--dir", "src/test/resources/worlds");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("tiny_shop\\s+3\\s+6\\s+4\\s+2\\s+2/2\\s+0\\s+5/5\\s+3/3\\s+3/3\\s+\\d+\\s+ok");
        assertThat(r.out()).contains("2 of 2 tasks solved through MCP by their reference solutions, 0 passed by doing nothing, 5 of 5 near misses, 3 of 3 collateral probes"
                + " and 3 of 3 padding probes rejected").contains("awm env start --world tiny_shop");
    }

    @Test
    void verifyScoresAnEpisodeFromItsDatabaseFiles(@TempDir Path dir) throws Exception {
        WorldRuntime shop = TestWorlds.tinyShopRuntime();
        Path fin = dir.resolve("final.db");
        try (Instance i = shop.newInstance()) {
            i.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
            Files.write(fin, i.image());
        }
        String[] base = {"verify", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--final", fin.toString()};
        Run done = run(concat(base, "--task", "0"));
        assertThat(done.exit()).isZero();
        assertThat(done.out()).contains("tiny_shop task 0: COMPLETE (3 of 3 checks passed)");
        Run notDone = run(concat(base, "--task", "1", "--answer", "The Red Mug, $9.00", "--json"));
        assertThat(notDone.exit()).isEqualTo(1);
        assertThat(Json.parse(notDone.out()).path("fraction_passed").asDouble()).isEqualTo(0.0);
        Path notADb = Files.writeString(dir.resolve("x.db"), "hello");
        assertThat(run("verify", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--task", "0", "--final", notADb.toString()).err())
                .contains("is not a SQLite database");
        assertThat(run(concat(base, "--task", "7")).err()).contains("no verifier for task 7");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void callRunsOneToolAndReportsErrorsOnStderr() {
        Run ok = run("call", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "search_products", "{\"query\": \"Tea\"}");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("Teapot").doesNotContain("Mug");
        Run bad = run("call", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "add_to_cart", "{\"product_id\": 2}");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("Only 0 of Red Mug in stock");
        Run notJson = run("call", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "get_cart", "{oops");
        assertThat(notJson.exit()).isEqualTo(2);
        assertThat(notJson.err()).contains("ARGS is not JSON");
    }
}
