package dev.awm.runtime;

import static dev.awm.runtime.InstanceFailureTest.FLOOD;
import static dev.awm.runtime.InstanceFailureTest.NO_ARGS;
import static dev.awm.runtime.InstanceFailureTest.shopWith;
import static dev.awm.runtime.InstanceTest.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.TestWorlds;
import java.util.ArrayList;
import java.util.List;
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
            assertThatThrownBy(i::image).hasMessageContaining("state was lost");
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
        assertThat(WarmPool.suits(shop.tools())).isTrue();
        assertThat(InstanceTest.withTool("{\"name\": \"dated\", \"description\": \"d\", " + NO_ARGS
                + ", \"steps\": [{\"read\": \"SELECT 'now' AS mode, :now AS at, date('2026-01-01') AS current_day\"}]}").warm).as("'now' as a value, not a time").isNotNull();
        assertThat(InstanceTest.withTool("{\"name\": \"today\", \"description\": \"d\", " + NO_ARGS
                + ", \"steps\": [{\"read\": \"SELECT date('now', '-1 day') AS d\"}]}").warm).isNull();
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
}
