package dev.awm.runtime;

import static dev.awm.runtime.InstanceTest.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.TestWorlds;
import dev.awm.world.Tool;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An instance survives every way a call can fail: the next call starts clean and nothing of the failed one stays. */
class InstanceFailureTest {

    static final String NO_ARGS = "\"inputSchema\": {\"type\": \"object\", \"properties\": {}}";
    static final String COUNT_TO = "{\"name\": \"count_to\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"description\": \"d\"}}},"
            + " \"steps\": [{\"read\": \"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < :n) SELECT COUNT(*) AS c FROM r\", \"as\": \"x\", \"one\": true}]}";
    static final String FLOOD = "{\"name\": \"flood\", \"description\": \"d\", " + NO_ARGS + ", \"steps\": [{\"write\": \"INSERT INTO users (name)"
            + " WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 200000) SELECT printf('%0200d', n) FROM r\"}]}";
    static final String WIPE_THEN_REFUSE = "{\"name\": \"wipe_then_refuse\", \"description\": \"d\", " + NO_ARGS + ","
            + " \"steps\": [{\"write\": \"DELETE FROM cart_items\"}, {\"guard\": \"SELECT 0\", \"error\": \"refused\"}]}";
    static final String DUPLICATE_OR_ROLLBACK = "{\"name\": \"rename_twice\", \"description\": \"d\", " + NO_ARGS + ","
            + " \"steps\": [{\"write\": \"INSERT OR ROLLBACK INTO users (id, name) VALUES (1, 'twice')\"}]}";

    static WorldRuntime shopWith(long callBudgetMillis, String... extraTools) {
        List<Tool> all = new ArrayList<>(TestWorlds.tinyShop().tools().orElseThrow());
        all.addAll(InstanceTest.tools(String.join(",", extraTools)));
        return WorldRuntime.load(WorldFiles.withTools(TestWorlds.tinyShop(), all), callBudgetMillis);
    }

    @Test
    void aCallStoppedByTheTimeBudgetLeavesItsToolWorking() {
        try (Instance i = shopWith(200, COUNT_TO).newInstance()) {
            ToolResult slow = call(i, "count_to", "{\"n\": 100000000000}");
            assertThat(slow.text()).contains("longer than its time budget of 200 ms");
            assertThat(slow.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(call(i, "count_to", "{\"n\": 10}").text()).isEqualTo("{\"c\":10}");
        }
    }

    @Test
    void aCallStoppedByTheRowCapLeavesItsToolWorking() {
        String listTo = COUNT_TO.replace("SELECT COUNT(*) AS c FROM r\", \"as\": \"x\", \"one\": true", "SELECT n FROM r\", \"as\": \"x\"");
        try (Instance i = shopWith(2_000, listTo).newInstance()) {
            assertThat(call(i, "count_to", "{\"n\": 1000}").text()).contains("more than 500 rows");
            assertThat(call(i, "count_to", "{\"n\": 2}").text()).isEqualTo("[{\"n\":1},{\"n\":2}]");
        }
    }

    @Test
    void afterSqliteRollsBackByItselfTheNextCallsAreStillAllOrNothing() {
        WorldRuntime rt = shopWith(2_000, FLOOD, WIPE_THEN_REFUSE, DUPLICATE_OR_ROLLBACK);
        for (String rollsBackByItself : List.of("flood", "rename_twice")) {
            try (Instance i = rt.newInstance()) {
                assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").error()).isFalse();
                String before = i.stateHash();
                ToolResult r = call(i, rollsBackByItself, "{}");
                assertThat(r.error()).isTrue();
                assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
                assertThat(i.stateHash()).isEqualTo(before);

                assertThat(call(i, "wipe_then_refuse", "{}").text()).isEqualTo("refused");
                assertThat(i.stateHash()).as("the guard's refusal undid the delete").isEqualTo(before);

                assertThat(call(i, "add_to_cart", "{\"product_id\": 3}").error()).isFalse();
                assertThat(call(i, "get_cart", "{}").text()).contains("Blue Mug").contains("Teapot");
                try (Instance fork = i.fork()) {
                    assertThat(fork.stateHash()).as("the write was committed").isEqualTo(i.stateHash()).isNotEqualTo(before);
                }
            }
        }
    }

    @Test
    void anErrorThrownMidCallLeavesNothingHalfDone() {
        WorldRuntime rt = shopWith(2_000, "{\"name\": \"wipe_then_read\", \"description\": \"d\", " + NO_ARGS + ","
                + " \"steps\": [{\"write\": \"DELETE FROM cart_items\"}, {\"read\": \"SELECT COUNT(*) AS n FROM cart_items\", \"as\": \"x\", \"one\": true}]}");
        try (Instance i = rt.newInstance()) {
            call(i, "add_to_cart", "{\"product_id\": 1}");
            String before = i.stateHash();
            i.beforeStep = step -> {
                if (step instanceof Tool.Read) throw new OutOfMemoryError("Java heap space");
            };
            ToolResult r = call(i, "wipe_then_read", "{}");
            assertThat(r.error()).isTrue();
            assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.ENVIRONMENT);
            assertThat(r.text()).contains("ran out of memory").contains("not a fault of the request").doesNotContain("Error").doesNotContain("java");
            i.beforeStep = null;
            assertThat(i.stateHash()).isEqualTo(before);
            assertThat(call(i, "add_to_cart", "{\"product_id\": 3}").error()).isFalse();
            try (Instance fork = i.fork()) {
                assertThat(call(fork, "get_cart", "{}").text()).as("the next commit carried no half of the failed call").contains("Blue Mug").contains("Teapot");
            }
        }
    }

    /** A tool that reads {@code rows} rows of {@code width} characters each and outputs {@code output}. */
    static String filler(String name, int rows, int width, String output) {
        return "{\"name\": \"" + name + "\", \"description\": \"d\", " + NO_ARGS + ", \"steps\": [{\"read\": \"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL"
                + " SELECT n + 1 FROM r WHERE n < " + rows + ") SELECT n, printf('%.*c', " + width + ", 'x') AS filler FROM r\", \"as\": \"x\"}], \"output\": " + output + "}";
    }

    @Test
    void theReadCapStopsACallWhileItReadsAndTheOutputCapHolds() {
        WorldRuntime rt = shopWith(2_000, filler("huge", 500, 900_000, "{\"count\": 1}"), filler("wide", 30, 9_000, "{\"a\": \"$x\"}"));
        try (Instance i = rt.newInstance()) {
            ToolResult r = call(i, "huge", "{}");
            assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(r.text()).isEqualTo("huge read more than the 1000000 characters a call may read. Narrow the request with filters or a smaller limit. Nothing was changed.");
            assertThat(call(i, "wide", "{}").text()).isEqualTo("wide produced more than the 200000 characters a call may return. Narrow the request with filters or a smaller limit. Nothing was changed.");
        }
    }

    @Test
    void hugeOrDeepArgumentsAreRefusedBeforeTheyRun() {
        try (Instance i = TestWorlds.tinyShopRuntime().newInstance()) {
            String deep = "{\"query\": " + "[".repeat(200) + "]".repeat(200) + "}";
            ToolResult r = call(i, "search_products", deep);
            assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(r.text()).isEqualTo("Invalid arguments for search_products: arguments: nested more than 32 levels deep. Nothing was changed.");
            String big = "{\"query\": \"" + "x".repeat(200_000) + "\"}";
            assertThat(call(i, "search_products", big).text()).contains("more than 100000 characters in all");
            String many = "{\"query\": [" + String.join(",", java.util.Collections.nCopies(20_000, "1")) + "]}";
            assertThat(call(i, "search_products", many).text()).contains("more than 12500 values in one list or object");
        }
        World rentals = WorldFiles.bundled().stream().filter(w -> w.scenario().equals("apartment_rentals_1")).findFirst().orElseThrow();
        try (Instance i = WorldRuntime.load(rentals).newInstance()) {
            String wrong = "{\"amenities\": [" + String.join(",", java.util.Collections.nCopies(50, "\"pool\"")) + "]}";
            assertThat(call(i, "search_listings", wrong).text()).contains("amenities.9: does not have a value").doesNotContain("amenities.10:")
                    .contains("; and 40 more problems. Nothing was changed.");
        }
    }

    @Test
    @Timeout(30)
    void aPatternThatBacktracksForeverIsStopped() {
        WorldRuntime rt = shopWith(2_000, "{\"name\": \"find\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {"
                + "\"q\": {\"type\": \"string\", \"pattern\": \"(.*a){12}$\", \"description\": \"d\"}}}, \"steps\": [{\"read\": \"SELECT :q AS q\", \"as\": \"x\", \"one\": true}]}");
        try (Instance i = rt.newInstance()) {
            ToolResult r = call(i, "find", "{\"q\": \"" + "a".repeat(40) + "!\"}");
            assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(r.text()).contains("took too long to check against the tool's \"pattern\"");
            String twelve = "a".repeat(12);
            assertThat(call(i, "find", "{\"q\": \"" + twelve + "\"}").text()).isEqualTo("{\"q\":\"" + twelve + "\"}");
        }
    }

    @Test
    void aTriggerThatNeverEndsIsStoppedWithItsCall() {
        World shop = TestWorlds.tinyShop();
        String cross = String.join(", ", java.util.stream.IntStream.range(0, 30).mapToObj(n -> "products p" + n).toList());
        List<World.Table> tables = new ArrayList<>(shop.tables());
        tables.add(new World.Table("spin", "CREATE TABLE spin (n INTEGER)",
                List.of("CREATE TRIGGER spin_on_add AFTER INSERT ON cart_items WHEN NEW.user_id = 1 BEGIN INSERT INTO spin SELECT COUNT(*) FROM " + cross + "; END")));
        WorldRuntime rt = WorldRuntime.load(new World(shop.scenario(), shop.name(), shop.description(), shop.now(), shop.tasks(), tables, shop.seed(),
                shop.tools(), shop.verifiers(), shop.pythonVerifiers(), shop.problems()), 200);
        assertThat(rt.problems()).isEmpty();
        try (Instance i = rt.newInstance()) {
            assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").text()).contains("longer than its time budget of 200 ms");
            assertThat(call(i, "get_cart", "{}").text()).isEqualTo("[]");
        }
    }

    @Test
    void errorsSayWhoseFaultTheyAre() {
        try (Instance i = TestWorlds.tinyShopRuntime().newInstance()) {
            assertThat(call(i, "nope", "{}").kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(call(i, "add_to_cart", "{}").kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(call(i, "add_to_cart", "{\"product_id\": 99}").kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
            assertThat(call(i, "get_cart", "{}").kind()).isNull();
            i.close();
            ToolResult closed = call(i, "get_cart", "{}");
            assertThat(closed.kind()).isEqualTo(ToolResult.ErrorKind.ENVIRONMENT);
            assertThat(closed.kind().wireName()).isEqualTo("environment");
            assertThat(closed.text()).contains("has been closed");
        }
    }

    /** {@code image} with one row of the heavy table gone, so that a diff must read that table (unchanged tables are skipped unread). */
    static byte[] withHeavyRowDeleted(byte[] image) {
        try (org.sqlite.SQLiteConnection db = Sqlite.open(image); java.sql.Statement s = db.createStatement()) {
            s.execute("DELETE FROM heavy WHERE id = 1");
            return Sqlite.image(db);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test shop with a table of 2,000 rows whose {@code v} is computed by {@code expression} each time it is read. */
    static World withComputedColumn(String expression) {
        World shop = TestWorlds.tinyShop();
        List<World.Table> tables = new ArrayList<>(shop.tables());
        tables.add(new World.Table("heavy", "CREATE TABLE heavy (id INTEGER PRIMARY KEY, v AS (" + expression + ") VIRTUAL)", List.of()));
        List<World.SeedTable> seed = new ArrayList<>(shop.seed());
        seed.add(new World.SeedTable("heavy", List.of("INSERT INTO heavy (id) SELECT n FROM (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000) SELECT n FROM r)")));
        return new World(shop.scenario(), shop.name(), shop.description(), shop.now(), shop.tasks(), tables, seed, shop.tools(), shop.verifiers(), shop.pythonVerifiers(), shop.problems());
    }

    @Test
    @Timeout(60)
    void aStateHashOrDiffThatWouldNeverEndStopsWithinItsBudget() {
        WorldRuntime rt = WorldRuntime.load(withComputedColumn("length(printf('%.*c', 1000000 - id, 'x'))"));
        assertThat(rt.buildProblems()).isEmpty();
        try (Instance i = rt.newInstance()) {
            assertThatThrownBy(() -> i.stateHash(300_000_000L)).isInstanceOf(TimeBudget.Exceeded.class)
                    .hasMessage("Hashing the state took longer than its budget of 300 ms and was stopped: the database holds more than can be read in that time.");
            assertThat(call(i, "get_cart", "{}").text()).as("the instance still works").isEqualTo("[]");
        }
        byte[] image = rt.initialImage(), changed = withHeavyRowDeleted(image);
        assertThatThrownBy(() -> StateDiff.between(image, changed, 300_000_000L)).isInstanceOf(TimeBudget.Exceeded.class)
                .hasMessage("Computing the state diff took longer than its budget of 300 ms and was stopped: the database holds more than can be read in that time.");
    }

    @Test
    void aDiffOfComputedColumnsFarLargerThanTheDatabaseIsRefused() {
        byte[] image = WorldRuntime.load(withComputedColumn("printf('%.*c', 100000, 'x')")).initialImage();
        assertThatThrownBy(() -> StateDiff.between(image, withHeavyRowDeleted(image))).hasMessageStartingWith("cannot diff the two states: they read as more than");
    }
}
