package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.world.Tool;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceTest {

    final WorldRuntime shop = TestWorlds.tinyShopRuntime();

    static ToolResult call(Instance i, String tool, String args) {
        return i.call(tool, Json.parse(args));
    }

    @Test
    void aWriteToolChangesItsInstanceOnly() {
        try (Instance a = shop.newInstance(); Instance b = shop.newInstance()) {
            ToolResult r = call(a, "add_to_cart", "{\"product_id\": 1, \"quantity\": 2}");
            assertThat(r.error()).isFalse();
            assertThat(r.text()).contains("\"quantity\":2").contains("\"added_at\":\"2026-03-15 10:00:00\"");
            assertThat(call(a, "get_cart", "{}").text()).contains("Blue Mug");
            assertThat(call(b, "get_cart", "{}").text()).isEqualTo("[]");
            assertThat(a.stateHash()).isNotEqualTo(b.stateHash());
        }
    }

    @Test
    void badArgumentsNameTheFieldAndChangeNothing() {
        try (Instance i = shop.newInstance()) {
            String before = i.stateHash();
            assertThat(call(i, "add_to_cart", "{\"product_id\": \"one\"}").text()).contains("product_id").contains("integer");
            assertThat(call(i, "add_to_cart", "{\"quantity\": 0}").text()).contains("product_id: is required").contains("quantity");
            assertThat(call(i, "add_to_cart", "{\"product_id\": 1, \"qty\": 2}").text()).contains("qty: is not a parameter of add_to_cart");
            assertThat(call(i, "checkout", "{}").text()).startsWith("Unknown tool 'checkout'").contains("add_to_cart");
            assertThat(i.call("get_cart", Json.parse("[1]")).text()).contains("expected a JSON object");
            assertThat(i.stateHash()).isEqualTo(before);
        }
    }

    @Test
    void aFailedGuardAfterAWriteRollsTheWholeCallBack() {
        try (Instance i = shop.newInstance()) {
            String before = i.stateHash();
            ToolResult r = call(i, "add_to_cart", "{\"product_id\": 3, \"quantity\": 4}");
            assertThat(r.error()).isTrue();
            assertThat(r.text()).isEqualTo("Only 3 of Teapot in stock. Choose a smaller quantity.");
            // remove_from_cart deletes first, then its guard fails when nothing was deleted
            assertThat(call(i, "remove_from_cart", "{\"product_id\": 2}").text()).isEqualTo("Product 2 is not in your cart. See get_cart.");
            assertThat(i.stateHash()).isEqualTo(before);
        }
        WorldRuntime guarded = withTool("{\"name\": \"wipe_then_refuse\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                + " \"steps\": [{\"write\": \"DELETE FROM cart_items\"}, {\"guard\": \"SELECT 0\", \"error\": \"refused\"}]}");
        try (Instance i = guarded.newInstance()) {
            String before = i.stateHash();
            assertThat(call(i, "wipe_then_refuse", "{}").text()).isEqualTo("refused");
            assertThat(i.stateHash()).isEqualTo(before);
        }
    }

    @Test
    void constraintViolationsComeBackAsPlainErrors() {
        WorldRuntime rt = withTool("{\"name\": \"set_price\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {"
                + "\"id\": {\"type\": \"integer\", \"description\": \"d\"}, \"price\": {\"type\": \"number\", \"description\": \"d\"}}},"
                + " \"steps\": [{\"write\": \"UPDATE products SET price = :price WHERE id = :id\"}]}");
        try (Instance i = rt.newInstance()) {
            ToolResult r = call(i, "set_price", "{\"id\": 1, \"price\": -5}");
            assertThat(r.error()).isTrue();
            assertThat(r.text()).startsWith("The database refused the change: CHECK constraint failed").endsWith("Nothing was changed.");
            assertThat(call(i, "set_price", "{\"id\": 1, \"price\": 5}").text()).isEqualTo("{\"changes\":1}");
        }
    }

    @Test
    void callsThatRunTooLongOrReturnTooMuchAreStopped() {
        WorldRuntime rt = WorldRuntime.load(WorldFiles.withTools(TestWorlds.tinyShop(), tools(
                "{\"name\": \"forever\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                        + " \"steps\": [{\"read\": \"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) AS c FROM r\", \"as\": \"x\"}]},"
                        + "{\"name\": \"many\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                        + " \"steps\": [{\"read\": \"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000) SELECT n FROM r\", \"as\": \"x\"}]}")), 200);
        try (Instance i = rt.newInstance()) {
            assertThat(call(i, "forever", "{}").text()).contains("longer than its time budget of 200 ms");
            assertThat(call(i, "many", "{}").text()).contains("more than 500 rows");
            assertThat(call(i, "many", "{}").error()).isTrue();
        }
    }

    @Test
    void aRunawayWriteFillsItsInstanceNotTheHost() {
        WorldRuntime rt = withTool("{\"name\": \"flood\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                + " \"steps\": [{\"write\": \"INSERT INTO users (name) WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 200000)"
                + " SELECT printf('%0200d', n) FROM r\"}]}");
        try (Instance i = rt.newInstance()) {
            String before = i.stateHash();
            ToolResult r = call(i, "flood", "{}");
            assertThat(r.error()).isTrue();
            assertThat(r.text()).startsWith("The world's database is full");
            assertThat(i.stateHash()).isEqualTo(before);
            assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").error()).as("the instance still works").isFalse();
        }
    }

    @Test
    void resetAndForkCopyStatesExactly() {
        try (Instance a = shop.newInstance()) {
            String initial = a.stateHash();
            call(a, "add_to_cart", "{\"product_id\": 1}");
            String changed = a.stateHash();
            try (Instance fork = a.fork()) {
                assertThat(fork.stateHash()).isEqualTo(changed);
                call(fork, "add_to_cart", "{\"product_id\": 3}");
                assertThat(a.stateHash()).isEqualTo(changed);
                assertThat(fork.stateHash()).isNotEqualTo(changed);
            }
            a.reset();
            assertThat(a.stateHash()).isEqualTo(initial);
            assertThat(call(a, "get_cart", "{}").text()).isEqualTo("[]");
        }
    }

    @Test
    void theSameCallsFromTheSameStateGiveTheSameState() {
        try (Instance a = shop.newInstance(); Instance b = shop.newInstance()) {
            for (Instance i : List.of(a, b)) {
                call(i, "add_to_cart", "{\"product_id\": 1, \"quantity\": 2}");
                call(i, "add_to_cart", "{\"product_id\": 3}");
                call(i, "remove_from_cart", "{\"product_id\": 1}");
            }
            assertThat(a.stateHash()).isEqualTo(b.stateHash());
            assertThat(a.image()).isEqualTo(b.image());
        }
    }

    @Test
    void theDiffListsInsertedUpdatedAndDeletedRows() {
        try (Instance i = shop.newInstance()) {
            byte[] before = i.image();
            call(i, "add_to_cart", "{\"product_id\": 1}");
            byte[] middle = i.image();
            call(i, "add_to_cart", "{\"product_id\": 1, \"quantity\": 2}");
            call(i, "remove_from_cart", "{\"product_id\": 1}");
            StateDiff first = StateDiff.between(before, middle);
            assertThat(first.tables()).containsOnlyKeys("cart_items");
            assertThat(first.tables().get("cart_items").inserted()).singleElement().satisfies(row -> assertThat(row).containsEntry("product_id", 1L).containsEntry("quantity", 1L));
            assertThat(StateDiff.between(before, before).isEmpty()).isTrue();
            StateDiff second = StateDiff.between(middle, i.image());
            assertThat(second.tables().get("cart_items").deleted()).singleElement().satisfies(row -> assertThat(row).containsEntry("quantity", 1L));
        }
        WorldRuntime rt = withTool("{\"name\": \"restock\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                + " \"steps\": [{\"write\": \"UPDATE products SET stock = stock + 5 WHERE id = 2\"}]}");
        try (Instance i = rt.newInstance()) {
            byte[] before = i.image();
            call(i, "restock", "{}");
            StateDiff.Update u = StateDiff.between(before, i.image()).tables().get("products").updated().get(0);
            assertThat(u.key()).containsEntry("id", 2L);
            assertThat(u.changes()).containsOnlyKeys("stock").containsEntry("stock", List.of(0L, 5L));
        }
    }

    @Test
    void argumentsAreDataNeverSql() {
        try (Instance i = shop.newInstance()) {
            String before = i.stateHash();
            ToolResult r = call(i, "search_products", "{\"query\": \"'; DELETE FROM products; --\"}");
            assertThat(r.error()).isFalse();
            assertThat(r.text()).isEqualTo("{\"products\":[]}");
            assertThat(i.stateHash()).isEqualTo(before);
        }
    }

    @Test
    void concurrentCallsOnOneInstanceRunOneAtATime() throws Exception {
        WorldRuntime rt = withTool("{\"name\": \"restock\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                + " \"steps\": [{\"read\": \"SELECT stock FROM products WHERE id = 2\", \"as\": \"p\", \"one\": true},"
                + " {\"write\": \"UPDATE products SET stock = :p.stock + 1 WHERE id = 2\"}]}");
        try (Instance i = rt.newInstance(); var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) done.add(pool.submit(() -> {
                for (int n = 0; n < 100; n++) assertThat(call(i, "restock", "{}").error()).isFalse();
            }));
            for (var f : done) f.get();
            // a read-then-write per call: any interleaving of two calls would lose an increment
            assertThat(call(i, "search_products", "{\"query\": \"Red\"}").text()).contains("\"stock\":800");
        }
    }

    static List<Tool> tools(String json) {
        List<String> problems = new ArrayList<>();
        List<Tool> t = WorldFiles.parseToolset(Json.parse("{\"tools\": [" + json + "]}"), problems);
        assertThat(problems).isEmpty();
        return t;
    }

    static WorldRuntime withTool(String json) {
        List<Tool> all = new ArrayList<>(TestWorlds.tinyShop().tools().orElseThrow());
        all.addAll(tools(json));
        return WorldRuntime.load(WorldFiles.withTools(TestWorlds.tinyShop(), all));
    }
}
