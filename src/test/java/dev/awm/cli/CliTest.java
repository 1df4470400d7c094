package dev.awm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.WorldFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The commands as a user types them: output, exit codes and the messages for bad input. */
public class CliTest {

    /** What a command printed and its exit code. */
    public record Run(int exit, String out, String err) {}

    /** Runs {@code awm ARGS} in this JVM, as a user types it. */
    public static Run run(String... args) {
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
    void worldsCountsAwm1kFilesAsPublished() {
        Run r = run("worlds", "--dir", TestWorlds.awm1kDir().toString(), "--world", "e_commerce_33");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("e_commerce_33\\s+19\\s+133\\s+40\\s+10\\s+ready");
        assertThat(run("worlds").out()).contains("ready");
    }

    @Test
    void checkExitsZeroOnlyWhenEveryWorldPasses() {
        Run ok = run("check", "--dir", "src/test/resources/worlds");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).containsPattern("tiny_shop\\s+3\\s+4\\s+2\\s+2/2\\s+0\\s+5/5\\s+1/1\\s+3/3\\s+1\\s+3/3\\s+0\\s+ok");
        Run missing = run("check", "--dir", "src/test/resources/worlds", "--world", "nope");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no world named 'nope'").contains("tiny_shop");
        Run notADir = run("check", "--dir", "does/not/exist");
        assertThat(notADir.exit()).isEqualTo(2);
        assertThat(notADir.err()).contains("no such directory");
    }

    /** Two worlds as AWM-1K publishes some: one without seed rows or a toolset, one whose toolset is AWM's Python. */
    static Path lackingWorlds(Path dir) throws Exception {
        String table = "{\"name\": \"users\", \"ddl\": \"CREATE TABLE users (id INTEGER PRIMARY KEY)\", \"indexes\": []}";
        Files.writeString(dir.resolve("gen_tasks.jsonl"), "{\"scenario\": \"bare\", \"tasks\": [\"a\"]}\n{\"scenario\": \"python\", \"tasks\": [\"a\"]}\n");
        Files.writeString(dir.resolve("gen_db.jsonl"), "{\"scenario\": \"bare\", \"db_schema\": {\"tables\": [" + table + "]}}\n"
                + "{\"scenario\": \"python\", \"db_schema\": {\"tables\": [" + table + "]}}\n");
        Files.writeString(dir.resolve("gen_envs.jsonl"), "{\"scenario\": \"python\", \"full_code\": \"from fastapi import FastAPI\"}\n");
        return dir;
    }

    @Test
    void whatAWorldLacksIsSaidWithHintsThatNameOnlyRealCommands(@TempDir Path tmp) throws Exception {
        String dir = lackingWorlds(tmp).toString();
        Run worlds = run("worlds", "--dir", dir);
        assertThat(worlds.exit()).isZero();
        assertThat(worlds.out()).contains("bare").contains("no seed data").contains("no SQL toolset (gen_envs.jsonl)")
                .contains("AWM Python code").contains(WorldFiles.NO_SQL_TOOLSET_HINT);
        Run check = run("check", "--dir", dir, "--world", "bare");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("FAILED");
        Run serve = run("env", "start", "--dir", dir, "--world", "python", "--port", "0");
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.err()).contains("python cannot be served").contains("no SQL toolset");
        assertThat(worlds.out()).contains("awm gen all --from");
        for (String said : new String[] {worlds.out(), check.out() + check.err(), serve.err()}) assertNamesOnlyRealCommands(said);
    }

    /** Every `awm COMMAND [SUBCOMMAND]` in {@code text} is a command awm has. */
    static void assertNamesOnlyRealCommands(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`awm ([a-z]+)(?: ([a-z]+))?").matcher(text);
        while (m.find()) {
            CommandLine command = Main.commandLine().getSubcommands().get(m.group(1));
            assertThat(command).as("awm " + m.group(1) + " in: " + text).isNotNull();
            if (m.group(2) != null && !command.getSubcommands().isEmpty()) {
                assertThat(command.getSubcommands()).as("awm " + m.group(1) + " " + m.group(2)).containsKey(m.group(2));
            }
        }
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
        assertThat(r.out()).containsPattern("tiny_shop\\s+3\\s+6\\s+4\\s+2\\s+2/2\\s+0\\s+5/5\\s+1/1\\s+3/3\\s+3/3\\s+\\d+\\s+ok");
        assertThat(r.out()).contains("2 of 2 tasks solved through MCP by their reference solutions, 0 passed by doing nothing, 5 of 5 near misses, 3 of 3 collateral probes"
                + " and 3 of 3 padding probes rejected").contains("awm env start --world tiny_shop");
    }

    @Test
    void verifyReplaysToolCallsOnAFreshInstanceAndScoresWhatTheyLeave(@TempDir Path dir) throws Exception {
        Path calls = Files.writeString(dir.resolve("calls.json"), "[{\"tool\": \"add_to_cart\", \"arguments\": {\"product_id\": 1, \"quantity\": 2}},"
                + " {\"tool\": \"add_to_cart\", \"arguments\": {\"product_id\": 99}}]");
        String[] base = {"verify", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--task", "0"};
        Run done = run(concat(base, "--calls", calls.toString()));
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).contains("call 1 add_to_cart: {").contains("call 2 add_to_cart: error: No product has id 99").contains("tiny_shop task 0: COMPLETE");
        Path collateral = Files.writeString(dir.resolve("more.json"), "[{\"tool\": \"add_to_cart\", \"arguments\": {\"product_id\": 1, \"quantity\": 2}},"
                + " {\"tool\": \"add_to_cart\", \"arguments\": {\"product_id\": 3}}]");
        Run paidNothing = run(concat(base, "--calls", collateral.toString(), "--json"));
        assertThat(paidNothing.exit()).isEqualTo(1);
        assertThat(Json.parse(paidNothing.out()).path("reward").asInt()).isZero();
        assertThat(run(concat(base, "--calls", calls.toString(), "--final", calls.toString())).err()).contains("one of --final or --calls");
        assertThat(run(concat(base, "--calls", Files.writeString(dir.resolve("bad.json"), "{\"tool\": 1}").toString())).err()).contains("must hold a JSON array");
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

    @Test
    @Timeout(60) // a --save that is not refused would serve until stopped
    void saveRefusesAFileOrAnEarlierEpisodeBeforeServing(@TempDir Path dir) throws Exception {
        String[] start = {"env", "start", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--port", "0"};
        Path file = Files.writeString(dir.resolve("run1"), "notes");
        Run aFile = run(concat(start, "--save", file.toString()));
        assertThat(aFile.exit()).isEqualTo(2);
        assertThat(aFile.err()).contains("--save " + file + " is a file").contains("directory");
        assertThat(Files.readString(file)).isEqualTo("notes");

        Path earlier = Files.createDirectories(dir.resolve("run2"));
        Files.writeString(earlier.resolve("final.db"), "the last episode");
        Run reused = run(concat(start, "--save", earlier.toString()));
        assertThat(reused.exit()).isEqualTo(2);
        assertThat(reused.err()).contains("already holds final.db").contains("--overwrite");
        assertThat(Files.readString(earlier.resolve("final.db"))).isEqualTo("the last episode");
        assertThat(earlier.resolve("initial.db")).doesNotExist();

        // With --overwrite the directory is accepted: what fails next is the port, taken here on purpose.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run overwrite = run("env", "start", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--port", String.valueOf(taken.getLocalPort()),
                    "--save", earlier.toString(), "--overwrite");
            assertThat(overwrite.exit()).isEqualTo(2);
            assertThat(overwrite.err()).contains("cannot listen").doesNotContain("--save");
        }
    }

    @Test
    void answerFileErrorsArePlainAndDashReadsStandardInput(@TempDir Path dir) throws Exception {
        Path initial = Files.write(dir.resolve("initial.db"), TestWorlds.tinyShopRuntime().initialImage());
        String[] base = {"verify", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--task", "1", "--final", initial.toString()};
        Run missing = run(concat(base, "--answer-file", dir.resolve("answer.txt").toString()));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the answer file " + dir.resolve("answer.txt") + ": no such file").doesNotContain("Exception");

        InputStream stdin = VerifyCommand.stdin;
        try {
            VerifyCommand.stdin = new ByteArrayInputStream("The Blue Mug, at $12.50.".getBytes(StandardCharsets.UTF_8));
            Run piped = run(concat(base, "--answer-file", "-"));
            assertThat(piped.exit()).as(piped.out() + piped.err()).isZero();
            assertThat(piped.out()).contains("COMPLETE");
        } finally {
            VerifyCommand.stdin = stdin;
        }
        Files.writeString(dir.resolve("answer.txt"), "The Blue Mug, at $12.50.");
        assertThat(run(concat(base, "--answer-file", dir.resolve("answer.txt").toString())).exit()).isZero();

        Run both = run(concat(base, "--answer", "12.50", "--answer-file", dir.resolve("answer.txt").toString()));
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void verifyRefusesDatabasesOfAnotherWorld(@TempDir Path dir) throws Exception {
        Path own = Files.write(dir.resolve("own.db"), TestWorlds.tinyShopRuntime().initialImage());
        Path other = Files.write(dir.resolve("other.db"), WorldRuntime.load(WorldFiles.bundled().get(0)).initialImage());
        String[] base = {"verify", "--dir", "src/test/resources/worlds", "--world", "tiny_shop", "--task", "1", "--answer", "12.50"};
        Run fin = run(concat(base, "--final", other.toString()));
        assertThat(fin.exit()).isEqualTo(2);
        assertThat(fin.err()).contains(other + " is not a state of tiny_shop: its schema differs from the world's (it lacks or changes table cart_items, table products");
        Run init = run(concat(base, "--initial", other.toString(), "--final", own.toString()));
        assertThat(init.exit()).isEqualTo(2);
        assertThat(init.err()).contains(other + " is not a state of tiny_shop");

        // One index more is another schema too.
        try (SQLiteConnection db = Sqlite.open(TestWorlds.tinyShopRuntime().initialImage())) {
            db.createStatement().execute("CREATE INDEX extra ON products (price)");
            Files.write(dir.resolve("altered.db"), Sqlite.image(db));
        }
        assertThat(run(concat(base, "--final", dir.resolve("altered.db").toString())).err()).contains("its schema differs from the world's (it adds index extra)");
        assertThat(run(concat(base, "--final", own.toString())).exit()).isZero();
    }

    @Test
    void versionComesFromTheBuild() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).matches("awm \\d+\\.\\d+\\.\\d+\\S*( \\(git [0-9a-f]{7,}(, with uncommitted changes)?\\))?");
    }

    @Test
    void helpSaysOneWorldWhereOneIsTakenAndReachesNestedCommands() {
        for (String command : new String[] {"call", "verify"}) {
            assertThat(run(command, "--help").out()).contains("--world=WORLD").doesNotContain("comma-separated");
        }
        assertThat(run("env", "start", "--help").out()).contains("--world=WORLD").doesNotContain("comma-separated");
        assertThat(run("check", "--help").out()).contains("comma-separated");

        Run nested = run("help", "env", "start");
        assertThat(nested.exit()).isZero();
        assertThat(nested.out()).contains("Usage: awm env start").contains("--save").contains("user id 1");
        assertThat(run("env", "help", "start").out()).contains("Usage: awm env start");
        Run unknown = run("help", "env", "stop");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no command 'stop' in awm env; its commands: start");
    }

    @Test
    void worldsJsonGivesScriptsEveryToolAndTask() {
        Run r = run("worlds", "--dir", "src/test/resources/worlds", "--json");
        assertThat(r.exit()).isZero();
        JsonNode shop = Json.parse(r.out()).path("worlds").get(0);
        assertThat(shop.path("world").asString()).isEqualTo("tiny_shop");
        assertThat(shop.path("ready").asBoolean()).isTrue();
        assertThat(shop.path("now").asString()).isEqualTo("2026-03-15 10:00:00");
        JsonNode add = shop.path("tools").valueStream().filter(t -> t.path("name").asString().equals("add_to_cart")).findFirst().orElseThrow();
        assertThat(add.path("description").asString()).contains("Add a product");
        assertThat(add.path("readOnly").asBoolean(true)).isFalse();
        assertThat(add.path("inputSchema").path("required").get(0).asString()).isEqualTo("product_id");
        assertThat(shop.path("tools")).hasSize(4);
        assertThat(shop.path("tasks").get(1).path("task").asString()).isEqualTo("What is the price of the cheapest product in stock?");
        assertThat(shop.path("tasks").get(1).path("verifier").asBoolean()).isTrue();
    }
}
