package dev.awm.runtime;

import static dev.awm.runtime.InstanceFailureTest.FLOOD;
import static dev.awm.runtime.InstanceFailureTest.NO_ARGS;
import static dev.awm.runtime.InstanceFailureTest.shopWith;
import static dev.awm.runtime.InstanceTest.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.TestWorlds;
import dev.awm.world.World;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Episodes on connections lent by their world's pool behave as on connections of their own: they start at the
 * initial state whatever the episode before did, end in the same state, survive SQLite undoing the whole episode,
 * and never leave anything for the next episode.
 */
class WarmPoolTest {

    /** A write that SQLite stops with its time budget, which makes SQLite roll back the whole transaction. */
    static final String SLOW_WRITE = "{\"name\": \"slow_write\", \"description\": \"d\", " + NO_ARGS + ", \"steps\": [{\"write\": \"UPDATE products SET stock = stock"
            + " WHERE (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r) > 0\"}]}";

    final WorldRuntime shop = TestWorlds.tinyShopRuntime();

    @Test
    void theNextEpisodeOnALentConnectionStartsAtTheInitialStateByteForByte() {
        byte[] template = shop.initialImage();
        try (Instance a = shop.newInstance()) {
            assertThat(a.warm()).isTrue();
            assertThat(a.image()).isEqualTo(template);
            assertThat(call(a, "add_to_cart", "{\"product_id\": 1, \"quantity\": 2}").error()).isFalse();
            assertThat(a.image()).as("an image includes the episode's open transaction").isNotEqualTo(template);
        }
        assertThat(shop.warm.idle()).isEqualTo(1);
        try (Instance b = shop.newInstance()) {
            assertThat(shop.warm.idle()).as("b borrowed a's connection").isZero();
            assertThat(call(b, "get_cart", "{}").text()).isEqualTo("[]");
            assertThat(b.image()).isEqualTo(template);
        }
    }

    @Test
    void anEpisodeEndsInTheSameStateOnALentConnectionAsOnItsOwn() throws Exception {
        try (Instance warm = shop.newInstance(); Instance own = Instance.of(shop, shop.initialImage())) {
            assertThat(own.warm()).isFalse();
            for (Instance i : List.of(warm, own)) {
                call(i, "add_to_cart", "{\"product_id\": 1, \"quantity\": 2}");
                call(i, "add_to_cart", "{\"product_id\": 3, \"quantity\": 9}"); // refused by its guard
                call(i, "add_to_cart", "{\"product_id\": 3}");
                call(i, "remove_from_cart", "{\"product_id\": 1}");
            }
            assertThat(warm.stateHash()).isEqualTo(own.stateHash());
            try (Instance copy = Instance.of(shop, warm.image())) {
                assertThat(copy.stateHash()).isEqualTo(own.stateHash());
            }
        }
    }

    @Test
    void whenSqliteUndoesTheWholeEpisodeItsEarlierCallsRunAgain() {
        WorldRuntime rt = shopWith(200, SLOW_WRITE, FLOOD);
        for (String undoesAll : List.of("slow_write", "flood")) {
            try (Instance i = rt.newInstance()) {
                assertThat(i.warm()).isTrue();
                assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").error()).isFalse();
                assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").error()).isFalse();
                String before = i.stateHash();
                ToolResult r = call(i, undoesAll, "{}");
                assertThat(r.error()).isTrue();
                assertThat(r.kind()).isEqualTo(ToolResult.ErrorKind.AGENT);
                assertThat(i.stateHash()).as("the episode's earlier calls were run again").isEqualTo(before);
                assertThat(call(i, "add_to_cart", "{\"product_id\": 3}").error()).isFalse();
                assertThat(call(i, "get_cart", "{}").text()).contains("Blue Mug").contains("Teapot");
            }
        }
    }

    @Test
    void anEpisodeThatCannotBeRunAgainTheSameWayIsLostLoudlyAndResetRecoversIt() {
        WorldRuntime rt = shopWith(200, SLOW_WRITE);
        try (Instance i = rt.newInstance()) {
            assertThat(call(i, "add_to_cart", "{\"product_id\": 1}").error()).isFalse();
            i.beforeStep = step -> {
                if (step.sql().startsWith("INSERT")) throw new IllegalStateException("the add fails when run again");
            };
            assertThat(call(i, "slow_write", "{}").error()).isTrue();
            i.beforeStep = null;
            ToolResult next = call(i, "get_cart", "{}");
            assertThat(next.error()).isTrue();
            assertThat(next.kind()).as("not the agent's fault").isEqualTo(ToolResult.ErrorKind.ENVIRONMENT);
            assertThat(next.text()).contains("state was lost");
            assertThatThrownBy(i::image).isInstanceOf(Instance.LostState.class).hasMessageContaining("state was lost");
            i.reset();
            assertThat(call(i, "get_cart", "{}").text()).isEqualTo("[]");
            assertThat(i.image()).isEqualTo(rt.initialImage());
        }
    }

    @Test
    void aForkOfAnEpisodeThatWroteNothingIsLentAConnectionToo() {
        try (Instance parent = shop.newInstance()) {
            call(parent, "get_cart", "{}");
            try (Instance fork = parent.fork()) {
                assertThat(fork.warm()).isTrue();
                call(fork, "add_to_cart", "{\"product_id\": 1}");
                assertThat(call(parent, "get_cart", "{}").text()).isEqualTo("[]");
                try (Instance grandchild = fork.fork()) {
                    assertThat(grandchild.warm()).as("a state other than the initial one gets a copy of its own").isFalse();
                    assertThat(grandchild.stateHash()).isEqualTo(fork.stateHash());
                }
            }
        }
    }

    @Test
    void resetAndRestoringTheInitialStateGoBackToALentConnection() {
        try (Instance i = shop.newInstance()) {
            call(i, "add_to_cart", "{\"product_id\": 1}");
            byte[] changed = i.image();
            i.restore(changed);
            assertThat(i.warm()).isFalse();
            assertThat(call(i, "get_cart", "{}").text()).contains("Blue Mug");
            i.restore(shop.initialImage());
            assertThat(i.warm()).isTrue();
            assertThat(call(i, "get_cart", "{}").text()).isEqualTo("[]");
            call(i, "add_to_cart", "{\"product_id\": 2}");
            i.reset();
            assertThat(i.image()).isEqualTo(shop.initialImage());
        }
    }

    @Test
    void aWorldWhoseToolsGiveOtherAnswersWhenRunAgainGetsConnectionsOfItsOwn() {
        WorldRuntime rt = InstanceTest.withTool("{\"name\": \"lucky\", \"description\": \"d\", " + NO_ARGS + ", \"steps\": [{\"write\": \"UPDATE products SET stock = abs(random()) % 10 WHERE id = 1\"}]}");
        assertThat(rt.warm).isNull();
        try (Instance i = rt.newInstance()) {
            assertThat(i.warm()).isFalse();
            assertThat(call(i, "lucky", "{}").error()).isFalse();
        }
        assertThat(WarmPool.suits(shop.world, shop.tools())).isTrue();
        assertThat(InstanceTest.withTool("{\"name\": \"dated\", \"description\": \"d\", " + NO_ARGS
                + ", \"steps\": [{\"read\": \"SELECT date('now', '-1 day') AS d, :now AS at\"}]}").warm).as("the clock is no reason").isNotNull();
        World shop = TestWorlds.tinyShop();
        List<World.Table> tables = new ArrayList<>(shop.tables());
        tables.add(new World.Table("tokens", "CREATE TABLE tokens (id INTEGER PRIMARY KEY, token TEXT DEFAULT (hex(randomblob(8))))", List.of()));
        WorldRuntime randomSchema = WorldRuntime.load(new World(shop.scenario(), shop.name(), shop.description(), shop.now(), shop.tasks(), tables, shop.seed(),
                shop.tools(), shop.verifiers(), shop.pythonVerifiers(), shop.problems()));
        assertThat(randomSchema.problems()).isEmpty();
        assertThat(randomSchema.warm).as("a random default in the schema").isNull();
    }

    @Test
    void idleConnectionsAreBoundedAndClosedAfterAWhile() {
        List<Instance> many = new ArrayList<>();
        for (int n = 0; n < WarmPool.MAX_IDLE + 5; n++) many.add(shop.newInstance());
        many.forEach(Instance::close);
        assertThat(shop.warm.idle()).isEqualTo(WarmPool.MAX_IDLE);
        assertThat(shop.trimIdleConnections()).as("none has been idle for long").isZero();
        assertThat(shop.warm.trim(0)).isEqualTo(WarmPool.MAX_IDLE);
        assertThat(shop.warm.idle()).isZero();
        try (Instance i = shop.newInstance()) {
            assertThat(call(i, "get_cart", "{}").text()).isEqualTo("[]");
        }
    }

    @Test
    void episodesOnManyThreadsNeverSeeEachOthersWrites() throws Exception {
        byte[] template = shop.initialImage();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int n = 0; n < 100; n++) {
                        try (Instance i = shop.newInstance()) {
                            if (!call(i, "get_cart", "{}").text().equals("[]")) wrong.add("episode started with another's cart");
                            int product = (thread + n) % 2 == 0 ? 1 : 3, quantity = 1 + n % 2; // product 2 is out of stock
                            call(i, "add_to_cart", "{\"product_id\": " + product + ", \"quantity\": " + quantity + "}");
                            try (Instance fork = n % 5 == 0 ? i.fork() : null) {
                                String cart = call(fork == null ? i : fork, "get_cart", "{}").text();
                                if (cart.split("product_id").length != 2 || !cart.contains("\"product_id\":" + product)) wrong.add("cart " + cart);
                            }
                        }
                    }
                    return null;
                });
            }
        }
        assertThat(wrong).isEmpty();
        try (Instance after = shop.newInstance()) {
            assertThat(after.image()).isEqualTo(template);
        }
        assertThat(shop.warm.idle()).isBetween(1, WarmPool.MAX_IDLE);
    }
}
