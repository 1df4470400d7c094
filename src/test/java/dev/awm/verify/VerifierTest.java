package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.World;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class VerifierTest {

    final WorldRuntime shop = TestWorlds.tinyShopRuntime();
    final Scorer scorer = new Scorer(shop);

    @Test
    void checksReadTheInitialAndFinalStates() {
        TaskSpec task = TestWorlds.tinyShop().verifier(0).orElseThrow();
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(task, initial, initial, "").complete()).isFalse();
        try (Instance i = shop.newInstance()) {
            i.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
            Verifier.Verdict v = scorer.score(task, initial, i.image(), "");
            assertThat(v.complete()).isTrue();
            assertThat(v.fractionPassed()).isEqualTo(1.0);
            assertThat(v.checks()).extracting(Verifier.CheckResult::kind).containsExactly("state", "state", "footprint");
        }
    }

    @Test
    void answerChecksNeedTheValueInTheAnswer() {
        TaskSpec task = TestWorlds.tinyShop().verifier(1).orElseThrow();
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(task, initial, initial, "The Blue Mug, at $12.50").complete()).isTrue();
        Verifier.Verdict wrong = scorer.score(task, initial, initial, "The Red Mug at $9.00");
        assertThat(wrong.complete()).isFalse();
        assertThat(wrong.checks()).filteredOn(c -> c.kind().equals("answer")).singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo("missing from the answer: 12.50"));
    }

    @Test
    void absentAnswerChecksRejectAnswersThatNameWrongValues() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec strict = new TaskSpec(1, base.task(), base.checks(), List.of(new TaskSpec.Check(base.answerChecks().get(0).sql(), "names the price"),
                new TaskSpec.Check("SELECT title FROM initial.products WHERE stock = 0", "does not offer an out-of-stock product", TaskSpec.Match.NONE)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(strict, initial, initial, "The Blue Mug, at $12.50").complete()).isTrue();
        Verifier.Verdict both = scorer.score(strict, initial, initial, "The Blue Mug at $12.50, or the Red Mug at $9.00");
        assertThat(both.complete()).isFalse();
        assertThat(both.checks()).filteredOn(c -> !c.passed()).extracting(Verifier.CheckResult::detail).contains("names what it should not: Red Mug");
    }

    @Test
    void anAbsentCheckWhoseColumnsShareANameStillLooksForEveryValue() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec strict = new TaskSpec(1, base.task(), base.checks(), List.of(new TaskSpec.Check(base.answerChecks().get(0).sql(), "names the price"),
                new TaskSpec.Check("SELECT NULL AS v, 'Red Mug' AS v", "does not offer the Red Mug", TaskSpec.Match.NONE)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(strict, initial, initial, "The Blue Mug at $12.50, and the Red Mug").complete()).isFalse();
    }

    @Test
    void anAnswerThatHedgesOrOffersAnAlternativeIsNotPaid() {
        TaskSpec task = TestWorlds.tinyShop().verifier(1).orElseThrow();
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(task, initial, initial, "The Blue Mug, at $12.50").complete()).isTrue();
        assertThat(scorer.score(task, initial, initial, "The Blue Mug, at $12.50 I think").checks()).filteredOn(c -> !c.passed())
                .extracting(Verifier.CheckResult::detail).allMatch(d -> d.startsWith("hedges ('i think')"));
        assertThat(scorer.score(task, initial, initial, "The Blue Mug, at $12.50 or $9.00").complete()).isFalse();
        assertThat(scorer.score(task, initial, initial, "The Blue Mug; it is not $12.50").complete()).isFalse();
    }

    @Test
    void closedWorldChecksRefusePaddedAnswers() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec which = new TaskSpec(1, "Which product in stock is cheapest?", List.of(), List.of(new TaskSpec.Check(
                "SELECT title FROM initial.products WHERE id = 1", "names the Blue Mug", TaskSpec.Match.ALL, "SELECT title FROM initial.products")), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(which, initial, initial, "The Blue Mug.").complete()).isTrue();
        Verifier.Verdict padded = scorer.score(which, initial, initial, "The Blue Mug, or perhaps the Teapot.");
        assertThat(padded.complete()).isFalse();
        assertThat(padded.checks()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> assertThat(c.detail()).isEqualTo("names other candidates too: Teapot"));
        assertThat(scorer.score(which, initial, initial, "").checks()).filteredOn(c -> !c.passed()).singleElement()
                .satisfies(c -> assertThat(c.detail()).isEqualTo("missing from the answer: Blue Mug"));
    }

    @Test
    void aCandidateInsideTheExpectedValueIsNotCountedAndALongerOneHidesTheExpected() {
        // Products "Blue Mug" and "Mug": the answer "the Blue Mug" names the Blue Mug only.
        World w = TestWorlds.tinyShop();
        TaskSpec base = w.verifier(1).orElseThrow();
        String values = "SELECT 'Blue Mug' AS t UNION ALL SELECT 'Mug' UNION ALL SELECT 'Teapot'";
        TaskSpec blueMug = new TaskSpec(1, "x", List.of(), List.of(new TaskSpec.Check("SELECT 'Blue Mug'", "names the Blue Mug", TaskSpec.Match.ALL, values)), base.solution());
        TaskSpec mug = new TaskSpec(1, "y", List.of(), List.of(new TaskSpec.Check("SELECT 'Mug'", "names the Mug", TaskSpec.Match.ALL, values)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(blueMug, initial, initial, "It is the Blue Mug.").complete()).isTrue();
        assertThat(scorer.score(mug, initial, initial, "It is the Mug.").complete()).isTrue();
        Verifier.Verdict wrong = scorer.score(mug, initial, initial, "It is the Blue Mug.");
        assertThat(wrong.complete()).as("the Blue Mug is another candidate, not the Mug").isFalse();
        assertThat(wrong.checks()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> assertThat(c.detail()).isEqualTo("missing from the answer: Mug"));
        assertThat(scorer.score(mug, initial, initial, "The Mug, not the Blue Mug.").complete()).as("a candidate ruled out by a negation is not named").isTrue();
        assertThat(scorer.score(mug, initial, initial, "The Mug, and the Blue Mug.").complete()).as("one named beside it is").isFalse();
    }

    @Test
    void brokenCheckSqlIsFoundBeforeAnythingRuns() {
        World w = TestWorlds.tinyShop();
        TaskSpec typo = new TaskSpec(0, w.tasks().get(0), List.of(new TaskSpec.Check("SELECT COUNT(*) FROM main.cart_itemz", "typo")), List.of(),
                w.verifier(0).orElseThrow().solution());
        TaskSpec param = new TaskSpec(1, w.tasks().get(1), List.of(new TaskSpec.Check("SELECT :x", "param")), List.of(new TaskSpec.Check("SELECT 1", "one",
                TaskSpec.Match.ALL, "SELECT nope FROM initial.products")), List.of("cart_itemz"), List.of("productz"), w.verifier(1).orElseThrow().solution(), List.of(), null);
        World broken = new World(w.scenario(), w.name(), w.description(), w.now(), w.tasks(), w.tables(), w.seed(), w.tools(), List.of(typo, param), java.util.Map.of(), List.of());
        assertThat(WorldCheck.staticProblems(WorldRuntime.load(broken)))
                .anyMatch(p -> p.startsWith("task 0 check 1 ('typo'): does not prepare") && p.contains("no such table: main.cart_itemz"))
                .anyMatch(p -> p.startsWith("task 1 check 1 ('param'): checks take no parameters"))
                .anyMatch(p -> p.startsWith("task 1 check 2 ('one'): its \"candidates\": does not prepare") && p.contains("no such column: nope"))
                .contains("task 1: unchanged_except names cart_itemz, which is not a table of this world", "task 1: any_rows names productz, which is not a table of this world");
    }

    @Test
    void anyPerRowChecksAcceptEitherFormOfEachValue() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec forms = new TaskSpec(1, base.task(), List.of(), List.of(new TaskSpec.Check(
                "SELECT title, 'product #' || id FROM initial.products WHERE stock > 0 ORDER BY id", "names each product in stock", TaskSpec.Match.ANY_PER_ROW)), base.solution());
        byte[] initial = shop.initialImage();
        assertThat(scorer.score(forms, initial, initial, "The Blue Mug and the Teapot").complete()).isTrue();
        assertThat(scorer.score(forms, initial, initial, "product #1 and the teapot").complete()).isTrue();
        Verifier.Verdict half = scorer.score(forms, initial, initial, "Just the Blue Mug");
        assertThat(half.complete()).isFalse();
        assertThat(half.checks()).filteredOn(c -> !c.passed()).singleElement().satisfies(c -> assertThat(c.detail()).isEqualTo("missing from the answer: Teapot or product #3"));
    }

    @Test
    void checksCannotWrite() {
        TaskSpec sneaky = new TaskSpec(0, "x", List.of(new TaskSpec.Check("DELETE FROM main.products", "m")), List.of(), new TaskSpec.Solution(List.of(), ""));
        Verifier.Verdict v = scorer.score(sneaky, shop.initialImage(), shop.initialImage(), "");
        assertThat(v.complete()).isFalse();
        assertThat(v.checks().get(0).detail()).contains("only SELECT, WITH");
    }

    @Test
    @Timeout(20)
    void aCheckThatNeverEndsIsStoppedAtItsBudget() {
        String forever = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) > 0 FROM r";
        TaskSpec hang = new TaskSpec(0, "x", List.of(new TaskSpec.Check(forever, "never ends"), new TaskSpec.Check(forever, "never ends either")), List.of(),
                new TaskSpec.Solution(List.of(), ""));
        try (Scorer quick = new Scorer(shop, Duration.ofMillis(200), Duration.ofMillis(300))) {
            Verifier.Verdict v = quick.score(hang, shop.initialImage(), shop.initialImage(), "");
            assertThat(v.complete()).isFalse();
            assertThat(v.checks().get(0).detail()).isEqualTo("the check ran longer than 200 ms and was stopped");
            assertThat(v.checks().get(1).detail()).isEqualTo("the verifier ran longer than 300 ms in all and this check was stopped");
            // the connection it ran on is reused, and its next verdict has a budget of its own
            TaskSpec ok = new TaskSpec(0, "x", List.of(new TaskSpec.Check("SELECT 1", "one")), List.of(), new TaskSpec.Solution(List.of(), ""));
            assertThat(quick.score(ok, shop.initialImage(), shop.initialImage(), "").complete()).isTrue();
        }
    }

    @Test
    void worldCheckProvesSolutionsAndCatchesVerifiersThatPassByDoingNothing() {
        WorldCheck.Report ok = WorldCheck.run(shop);
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.ok()).isTrue();
        assertThat(ok.solved()).isEqualTo(2);
        assertThat(ok.nearMisses()).isEqualTo(5);
        assertThat(ok.nearMissesRejected()).isEqualTo(5);
        assertThat(ok.outcomes().get(0).footprint().describe()).isEqualTo("cart_items(rows)");
        assertThat(ok.outcomes().get(1).footprint().describe()).isEqualTo("nothing may change");
        assertThat(ok.alternatives()).isEqualTo(1);
        assertThat(ok.alternativesPaid()).as("adding one mug twice is another right way").isEqualTo(1);

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

    @Test
    void aCorrectAlternativeTheVerifierRefusesFailsTheWorld() {
        World w = TestWorlds.tinyShop();
        TaskSpec base = w.verifier(0).orElseThrow();
        // a second way that is right, and one wrongly called right
        TaskSpec.Alternative twoSteps = new TaskSpec.Alternative("added one mug, then another", List.of(
                new TaskSpec.Call("add_to_cart", Json.parse("{\"product_id\": 1}")), new TaskSpec.Call("add_to_cart", Json.parse("{\"product_id\": 1}"))), "Added 2 Blue Mugs.");
        TaskSpec strict = new TaskSpec(0, base.task(), base.checks(), List.of(), null, List.of(), base.solution(), base.nearMisses(), null, List.of(twoSteps,
                        new TaskSpec.Alternative("a teapot instead, wrongly called right", List.of(new TaskSpec.Call("add_to_cart", Json.parse("{\"product_id\": 3}"))), "Done.")));
        World world = new World(w.scenario(), w.name(), w.description(), w.now(), w.tasks(), w.tables(), w.seed(), w.tools(), List.of(strict, w.verifier(1).orElseThrow()),
                java.util.Map.of(), List.of());
        WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(world));
        assertThat(r.alternatives()).isEqualTo(2);
        assertThat(r.alternativesPaid()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).singleElement().asString().startsWith("task 0: the alternative 'a teapot instead, wrongly called right' is a correct episode the verifier refuses: '2 Blue Mugs in the cart'");
    }
}
