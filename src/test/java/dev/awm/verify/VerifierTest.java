package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {

    final WorldRuntime shop = TestWorlds.tinyShopRuntime();

    @Test
    void answersMatchNumbersAsPeopleWriteThem() {
        assertThat(Verifier.AnswerMatch.contains("It costs $12.50.", 12.5)).isTrue();
        assertThat(Verifier.AnswerMatch.contains("It costs 12.5 dollars", 12.5)).isTrue();
        assertThat(Verifier.AnswerMatch.contains("Total: $1,234.00", 1234.0)).isTrue();
        assertThat(Verifier.AnswerMatch.contains("There are 3 left", 3L)).isTrue();
        assertThat(Verifier.AnswerMatch.contains("There are 30 left", 3L)).isFalse();
        assertThat(Verifier.AnswerMatch.contains("It costs $112.50", 12.5)).isFalse();
        assertThat(Verifier.AnswerMatch.contains("the BLUE mug", "Blue Mug")).isTrue();
        assertThat(Verifier.AnswerMatch.contains("the red mug", "Blue Mug")).isFalse();
    }

    @Test
    void checksReadTheInitialAndFinalStates() {
        TaskSpec task = TestWorlds.tinyShop().verifier(0).orElseThrow();
        byte[] initial = shop.initialImage();
        assertThat(Verifier.score(task, initial, initial, "").complete()).isFalse();
        try (Instance i = shop.newInstance()) {
            i.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
            Verifier.Verdict v = Verifier.score(task, initial, i.image(), "");
            assertThat(v.complete()).isTrue();
            assertThat(v.fractionPassed()).isEqualTo(1.0);
            i.call("add_to_cart", Json.parse("{\"product_id\": 3}"));
            Verifier.Verdict extra = Verifier.score(task, initial, i.image(), "");
            assertThat(extra.complete()).as("an extra cart line breaks 'nothing else changed'").isFalse();
            assertThat(extra.checks()).filteredOn(c -> !c.passed()).singleElement().extracting(Verifier.CheckResult::message).isEqualTo("one line added, nothing else");
        }
    }

    @Test
    void answerChecksNeedTheValueInTheAnswer() {
        TaskSpec task = TestWorlds.tinyShop().verifier(1).orElseThrow();
        byte[] initial = shop.initialImage();
        assertThat(Verifier.score(task, initial, initial, "The Blue Mug, at $12.50").complete()).isTrue();
        Verifier.Verdict wrong = Verifier.score(task, initial, initial, "The Red Mug at $9.00");
        assertThat(wrong.complete()).isFalse();
        assertThat(wrong.checks().get(1).detail()).contains("missing from the answer: 12.50");
    }

    @Test
    void absentAnswerChecksRejectAnswersThatNameWrongValues() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec strict = new TaskSpec(1, base.task(), base.checks(), List.of(base.answerChecks().get(0),
                new TaskSpec.Check("SELECT title FROM initial.products WHERE stock = 0", "does not offer an out-of-stock product", TaskSpec.Match.NONE)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(Verifier.score(strict, initial, initial, "The Blue Mug, at $12.50").complete()).isTrue();
        Verifier.Verdict both = Verifier.score(strict, initial, initial, "The Blue Mug at $12.50, or the Red Mug at $9.00");
        assertThat(both.complete()).isFalse();
        assertThat(both.checks().get(2).detail()).isEqualTo("names what it should not: Red Mug");
    }

    @Test
    void brokenCheckSqlIsFoundBeforeAnythingRuns() {
        World w = TestWorlds.tinyShop();
        TaskSpec typo = new TaskSpec(0, w.tasks().get(0), List.of(new TaskSpec.Check("SELECT COUNT(*) FROM main.cart_itemz", "typo")), List.of(),
                w.verifier(0).orElseThrow().solution());
        TaskSpec param = new TaskSpec(1, w.tasks().get(1), List.of(new TaskSpec.Check("SELECT :x", "param")), List.of(), w.verifier(1).orElseThrow().solution());
        World broken = new World(w.scenario(), w.name(), w.description(), w.now(), w.tasks(), w.tables(), w.seed(), w.tools(), List.of(typo, param), java.util.Map.of(), List.of());
        assertThat(WorldCheck.staticProblems(WorldRuntime.load(broken)))
                .anyMatch(p -> p.startsWith("task 0 check 1 ('typo'): does not prepare") && p.contains("no such table: main.cart_itemz"))
                .anyMatch(p -> p.startsWith("task 1 check 1 ('param'): checks take no parameters"));
    }

    @Test
    void anyPerRowChecksAcceptEitherFormOfEachValue() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec forms = new TaskSpec(1, base.task(), List.of(), List.of(new TaskSpec.Check(
                "SELECT title, 'product #' || id FROM initial.products WHERE stock > 0 ORDER BY id", "names each product in stock", TaskSpec.Match.ANY_PER_ROW)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(Verifier.score(forms, initial, initial, "The Blue Mug and the Teapot").complete()).isTrue();
        assertThat(Verifier.score(forms, initial, initial, "product #1 and the teapot").complete()).isTrue();
        Verifier.Verdict half = Verifier.score(forms, initial, initial, "Just the Blue Mug");
        assertThat(half.complete()).isFalse();
        assertThat(half.checks().get(0).detail()).isEqualTo("missing from the answer: Teapot or product #3");
    }

    @Test
    void unchangedExceptCatchesCollateralDamageAnywhere() {
        TaskSpec base = TestWorlds.tinyShop().verifier(0).orElseThrow();
        TaskSpec guarded = new TaskSpec(0, base.task(), base.checks(), List.of(), List.of("cart_items"), base.solution(), List.of());
        WorldRuntime rt = dev.awm.runtime.InstanceTestSupport.withRestock();
        byte[] initial = rt.initialImage();
        try (Instance i = rt.newInstance()) {
            i.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
            assertThat(Verifier.score(guarded, initial, i.image(), "").complete()).isTrue();
            i.call("restock", Json.parse("{}"));
            Verifier.Verdict v = Verifier.score(guarded, initial, i.image(), "");
            assertThat(v.complete()).isFalse();
            assertThat(v.checks()).filteredOn(c -> !c.passed()).singleElement()
                    .satisfies(c -> assertThat(c.detail()).isEqualTo("also changed: products (0 inserted, 1 updated, 0 deleted)"));
        }
    }

    @Test
    void checksCannotWrite() {
        TaskSpec sneaky = new TaskSpec(0, "x", List.of(new TaskSpec.Check("DELETE FROM main.products", "m")), List.of(), new TaskSpec.Solution(List.of(), ""));
        Verifier.Verdict v = Verifier.score(sneaky, shop.initialImage(), shop.initialImage(), "");
        assertThat(v.complete()).isFalse();
        assertThat(v.checks().get(0).detail()).contains("only SELECT, WITH");
    }

    @Test
    void worldCheckProvesSolutionsAndCatchesVerifiersThatPassByDoingNothing() {
        WorldCheck.Report ok = WorldCheck.run(shop);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.solved()).isEqualTo(2);
        assertThat(ok.nearMisses()).isEqualTo(4);
        assertThat(ok.nearMissesRejected()).isEqualTo(4);

        World w = TestWorlds.tinyShop();
        TaskSpec lax = new TaskSpec(0, w.tasks().get(0), List.of(new TaskSpec.Check("SELECT COUNT(*) >= 0 FROM main.cart_items", "always true")), List.of(),
                w.verifier(0).orElseThrow().solution());
        TaskSpec right = w.verifier(1).orElseThrow();
        TaskSpec.NearMiss notAMiss = new TaskSpec.NearMiss("actually right", right.solution().calls(), right.solution().answer());
        TaskSpec wrongSolution = new TaskSpec(1, w.tasks().get(1), right.checks(), right.answerChecks(),
                new TaskSpec.Solution(List.of(new TaskSpec.Call("add_to_cart", Json.parse("{\"product_id\": 2}"))), "12.50"), List.of(notAMiss));
        World broken = new World(w.scenario(), w.name(), w.description(), w.now(), w.tasks(), w.tables(), w.seed(), w.tools(), List.of(lax, wrongSolution), java.util.Map.of(), List.of());
        WorldCheck.Report bad = WorldCheck.run(WorldRuntime.load(broken));
        assertThat(bad.ok()).isFalse();
        assertThat(bad.passedByNothing()).isEqualTo(1);
        assertThat(bad.errors()).anyMatch(e -> e.startsWith("task 0") && e.contains("doing nothing already passes"))
                .anyMatch(e -> e.startsWith("task 1") && e.contains("reference call 1 (add_to_cart) failed") && e.contains("Only 0 of Red Mug"))
                .anyMatch(e -> e.startsWith("task 1") && e.contains("near miss 'actually right' passes every check"));
        assertThat(bad.nearMissesRejected()).isZero();
    }
}
