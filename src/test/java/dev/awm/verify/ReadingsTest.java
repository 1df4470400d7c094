package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Episodes that end in a state already scored reuse its reading: their verdicts must be exactly those read afresh. */
class ReadingsTest {

    final WorldRuntime shop = TestWorlds.tinyShopRuntime();
    final byte[] initial = shop.initialImage();

    @Test
    void anEpisodeEndingInAStateAlreadyScoredIsJudgedOnItsAnswerAlone() {
        TaskSpec task = TestWorlds.tinyShop().verifier(1).orElseThrow();
        try (Scorer scorer = new Scorer(shop)) {
            for (String answer : List.of("The Blue Mug, at $12.50", "The Red Mug at $9.00", "", "The Blue Mug, at $12.50")) {
                assertThat(scorer.score(task, initial, initial.clone(), answer)).as(answer).isEqualTo(fresh(task, initial, answer));
            }
            assertThat(scorer.readingsReusedAndRead()).containsExactly(3, 1);
        }
    }

    @Test
    void aStateThatDiffersInAnyByteIsReadAgainAndAnEqualOneReachedAgainIsReused() {
        TaskSpec task = TestWorlds.tinyShop().verifier(0).orElseThrow();
        try (Scorer scorer = new Scorer(shop)) {
            assertThat(scorer.score(task, initial, initial, "").complete()).isFalse();
            byte[] once = after("{\"product_id\": 1, \"quantity\": 2}");
            assertThat(scorer.score(task, initial, once, "").complete()).isTrue();
            byte[] other = after("{\"product_id\": 1, \"quantity\": 3}");
            assertThat(scorer.score(task, initial, other, "")).isEqualTo(fresh(task, other, ""));
            assertThat(scorer.readingsReusedAndRead()).containsExactly(0, 3);
            assertThat(scorer.score(task, initial, after("{\"product_id\": 1, \"quantity\": 2}"), "").complete()).isTrue();
            assertThat(scorer.readingsReusedAndRead()).containsExactly(1, 3);
        }
    }

    @Test
    void aReadingBelongsToItsTaskAndItsInitialState() {
        TaskSpec add = TestWorlds.tinyShop().verifier(0).orElseThrow(), price = TestWorlds.tinyShop().verifier(1).orElseThrow();
        byte[] added = after("{\"product_id\": 1, \"quantity\": 2}");
        try (Scorer scorer = new Scorer(shop)) {
            scorer.score(add, initial, added, "");
            assertThat(scorer.score(price, initial, added, "The Blue Mug, at $12.50")).isEqualTo(fresh(price, added, "The Blue Mug, at $12.50"));
            Verifier.Verdict fromAdded = scorer.score(add, added, added, "");
            assertThat(fromAdded.complete()).as("nothing was added since the later start").isFalse();
            assertThat(scorer.readingsReusedAndRead()).containsExactly(0, 3);
        }
    }

    @Test
    void checksThatReadTheClockOrRandomNumbersOrFailedToRunAreReadEveryTime() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec random = new TaskSpec(1, base.task(), List.of(new TaskSpec.Check("SELECT abs(random()) >= 0", "random")), base.answerChecks(), base.solution());
        TaskSpec clock = new TaskSpec(1, base.task(), List.of(new TaskSpec.Check("SELECT date('now') > '2000-01-01'", "clock")), base.answerChecks(), base.solution());
        TaskSpec broken = new TaskSpec(1, base.task(), List.of(new TaskSpec.Check("SELECT COUNT(*) FROM main.no_such_table", "broken")), base.answerChecks(), base.solution());
        try (Scorer scorer = new Scorer(shop)) {
            for (TaskSpec t : List.of(random, clock, broken)) {
                scorer.score(t, initial, initial, "The Blue Mug, at $12.50");
                scorer.score(t, initial, initial, "The Blue Mug, at $12.50");
            }
            assertThat(scorer.readingsReusedAndRead()[0]).isZero();
            assertThat(scorer.score(broken, initial, initial, "The Blue Mug, at $12.50").checks()).filteredOn(c -> !c.passed()).singleElement()
                    .satisfies(c -> assertThat(c.detail()).contains("no such table"));
        }
    }

    /** The verdict a scorer that has read nothing before gives. */
    private Verifier.Verdict fresh(TaskSpec task, byte[] fin, String answer) {
        try (Scorer scorer = new Scorer(shop)) {
            return scorer.score(task, initial, fin, answer);
        }
    }

    private byte[] after(String addToCart) {
        try (Instance i = shop.newInstance()) {
            i.call("add_to_cart", Json.parse(addToCart));
            return i.image();
        }
    }
}
