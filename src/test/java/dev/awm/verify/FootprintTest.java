package dev.awm.verify;

import static dev.awm.verify.ShopWorlds.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deny by default: an episode may change only what the task's reference solution changes, unless the verifier says more. */
class FootprintTest {

    /** Runs {@code calls} on a fresh instance and scores the result with the reference answer. */
    static Verifier.Verdict episode(WorldRuntime rt, TaskSpec spec, TaskSpec.Call... calls) {
        try (Instance i = rt.newInstance(); Scorer scorer = new Scorer(rt)) {
            for (TaskSpec.Call c : calls) assertThat(i.call(c.tool(), c.arguments()).error()).as(c.tool() + " " + c.arguments()).isFalse();
            return scorer.score(spec, rt.initialImage(), i.image(), spec.solution().answer());
        }
    }

    static List<String> failed(Verifier.Verdict v) {
        return v.checks().stream().filter(c -> !c.passed()).map(Verifier.CheckResult::message).toList();
    }

    final TaskSpec addMugs = TestWorlds.tinyShop().verifier(0).orElseThrow();
    final TaskSpec.Call twoMugs = call("add_to_cart", "{\"product_id\": 1, \"quantity\": 2}");

    @Test
    void aVerifierWithoutDeclarationsRefusesAWriteToATableItsSolutionLeavesAlone() {
        WorldRuntime rt = ShopWorlds.shop(List.of(addMugs), ShopWorlds.RESTOCK);
        assertThat(episode(rt, addMugs, twoMugs).complete()).isTrue();
        Verifier.Verdict v = episode(rt, addMugs, twoMugs, call("restock", "{\"product_id\": 2}"));
        assertThat(v.complete()).isFalse();
        assertThat(failed(v)).containsExactly("products row id=2 was updated (stock: 0 -> 5), outside the task's footprint");
    }

    @Test
    void anUntouchedRowOfASolutionTableMayNotChangeNorColumnsTheSolutionLeftAlone() {
        TaskSpec setPrice = ShopWorlds.setPrice(null, List.of());
        WorldRuntime rt = ShopWorlds.shop(List.of(setPrice), ShopWorlds.SET_PRICE, ShopWorlds.RENAME);
        TaskSpec.Call solution = setPrice.solution().calls().get(0);
        assertThat(episode(rt, setPrice, solution).complete()).isTrue();
        assertThat(failed(episode(rt, setPrice, solution, call("set_price", "{\"product_id\": 3, \"price\": 1}"))))
                .containsExactly("products row id=3 was updated (price: 31.25 -> 1.0), outside the task's footprint");
        assertThat(failed(episode(rt, setPrice, solution, call("rename_product", "{\"product_id\": 1, \"title\": \"Cheap Mug\"}"))))
                .containsExactly("products row id=1 was updated (title: Blue Mug -> Cheap Mug), beyond the columns the task changes in it");
    }

    @Test
    void insertsBeyondTheSolutionsCountAreRefused() {
        WorldRuntime rt = ShopWorlds.shop(List.of(addMugs));
        Verifier.Verdict v = episode(rt, addMugs, twoMugs, call("add_to_cart", "{\"product_id\": 3}"));
        assertThat(failed(v)).contains("2 rows were inserted into cart_items (id=2, id=3); the task's footprint allows 1");
    }

    @Test
    void mayInsertLiftsTheInsertCountButHoldsExistingRows() {
        TaskSpec log = new TaskSpec(0, addMugs.task(), List.of(addMugs.checks().get(0)), List.of(), null, List.of(), addMugs.solution(), List.of(), null, List.of(), List.of("cart_items"));
        WorldRuntime rt = ShopWorlds.shop(List.of(log), ShopWorlds.SET_QUANTITY);
        try (Scorer scorer = new Scorer(rt)) {
            assertThat(scorer.footprint(log).describe()).isEqualTo("cart_items(rows, any inserts)");
        }
        assertThat(episode(rt, log, twoMugs, call("add_to_cart", "{\"product_id\": 3}")).complete()).as("a second line may be added").isTrue();
        assertThat(failed(episode(rt, log, twoMugs, call("set_line_quantity", "{\"line_id\": 1, \"quantity\": 3}"))))
                .containsExactly("cart_items row id=1 was updated (quantity: 1 -> 3), outside the task's footprint");
    }

    @Test
    void aRowTheSolutionDeletesMayNotBeUpdatedInstead() {
        TaskSpec remove = new TaskSpec(0, "Remove Bob's Teapot line.", List.of(new TaskSpec.Check(
                "SELECT NOT EXISTS (SELECT 1 FROM main.cart_items WHERE id = 1 AND quantity = 1)", "the line is gone (a lax check)")), List.of(),
                new TaskSpec.Solution(List.of(call("delete_line", "{\"line_id\": 1}")), "Removed."));
        WorldRuntime rt = ShopWorlds.shop(List.of(remove), ShopWorlds.DELETE_LINE, ShopWorlds.SET_QUANTITY);
        assertThat(episode(rt, remove, call("delete_line", "{\"line_id\": 1}")).complete()).isTrue();
        Verifier.Verdict changed = episode(rt, remove, call("set_line_quantity", "{\"line_id\": 1, \"quantity\": 3}"));
        assertThat(failed(changed)).containsExactly("cart_items row id=1 was updated (quantity: 1 -> 3); the task deletes it and changes nothing else there");
    }

    @Test
    void unchangedExceptMakesTheTablesTheSolutionLeavesAloneFreeAndFreezesTheRest() {
        TaskSpec alternative = new TaskSpec(0, addMugs.task(), addMugs.checks(), List.of(), List.of("cart_items", "products"), addMugs.solution(), List.of());
        WorldRuntime rt = ShopWorlds.shop(List.of(alternative), ShopWorlds.RESTOCK);
        try (Scorer scorer = new Scorer(rt)) {
            assertThat(scorer.footprint(alternative).describe()).isEqualTo("products(free) cart_items(rows)");
            assertThat(scorer.footprint(alternative).kind("users")).isEqualTo(Footprint.Kind.FROZEN);
        }
        assertThat(episode(rt, alternative, twoMugs, call("restock", "{\"product_id\": 2}")).complete()).as("products is an alternative path's table").isTrue();
        assertThat(failed(episode(rt, alternative, twoMugs, call("add_to_cart", "{\"product_id\": 3}")))).as("cart_items is still held to the solution's rows")
                .contains("2 rows were inserted into cart_items (id=2, id=3); the task's footprint allows 1");
    }

    @Test
    void anyRowsFreesATableOfTheFootprint() {
        TaskSpec free = ShopWorlds.setPrice(null, List.of("products"));
        WorldRuntime rt = ShopWorlds.shop(List.of(free), ShopWorlds.SET_PRICE);
        assertThat(episode(rt, free, free.solution().calls().get(0), call("set_price", "{\"product_id\": 3, \"price\": 1}")).complete()).isTrue();
    }

    @Test
    void awmCheckReportsASolutionThatChangesATableItsDeclarationOmits() {
        TaskSpec omits = new TaskSpec(0, addMugs.task(), addMugs.checks(), List.of(), List.of("products"), addMugs.solution(), List.of());
        TaskSpec outside = ShopWorlds.setPrice(null, List.of("cart_items"));
        WorldCheck.Report r = WorldCheck.run(ShopWorlds.shop(List.of(omits, new TaskSpec(1, outside.task(), outside.checks(), List.of(), null, List.of("cart_items"),
                outside.solution(), List.of(), null)), ShopWorlds.SET_PRICE));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).contains(
                "task 0: the reference solution changes cart_items, which unchanged_except does not list: add it to unchanged_except, or fix the solution",
                "task 1: any_rows names cart_items, which is outside the task's footprint: the reference solution does not change it");
        assertThat(r.errors()).anyMatch(e -> e.startsWith("task 0: the reference solution does not complete it") && e.contains("a row was inserted into cart_items (id=2), outside the task's footprint"));
    }
}
