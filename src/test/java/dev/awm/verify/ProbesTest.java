package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.world.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** awm check's collateral and padding probes find verifiers that would pay for damage or for an answer that names every option. */
class ProbesTest {

    @Test
    void aCollateralProbeTheVerifierPaysFailsTheWorldWithTheProbeAsEvidence() {
        // any_rows frees the whole products table, and the one check reads only the Blue Mug's price: a lax verifier.
        WorldCheck.Report lax = WorldCheck.run(ShopWorlds.shop(List.of(ShopWorlds.setPrice(null, List.of("products"))), ShopWorlds.SET_PRICE, ShopWorlds.RESTOCK));
        assertThat(lax.ok()).isFalse();
        assertThat(lax.probes().paid()).isEqualTo(2);
        assertThat(lax.errors()).contains(
                "task 0: collateral probe paid: after the reference solution, set_price {\"product_id\":2,\"price\":0}: products row id=2 updated (price: 9.0 -> 0.0);"
                        + " the verifier still pays, so it would reward this damage: add a check, or narrow unchanged_except / any_rows",
                "task 0: collateral probe paid: after the reference solution, restock {\"product_id\":2,\"amount\":5}: products row id=2 updated (stock: 0 -> 5);"
                        + " the verifier still pays, so it would reward this damage: add a check, or narrow unchanged_except / any_rows");

        // The same task with the default footprint refuses every write outside the Blue Mug's price.
        WorldCheck.Report strict = WorldCheck.run(ShopWorlds.shop(List.of(ShopWorlds.setPrice(null, List.of())), ShopWorlds.SET_PRICE, ShopWorlds.RESTOCK));
        assertThat(strict.errors()).isEmpty();
        assertThat(strict.probes().paid()).isZero();
        assertThat(strict.probes().rejected()).isEqualTo(strict.probes().run() - strict.probes().inconclusive()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void probesThatTheToolRefusesOrThatChangeNothingAreInconclusive() {
        WorldCheck.Report r = WorldCheck.run(TestWorlds.tinyShopRuntime());
        WorldCheck.TaskOutcome addMugs = r.outcomes().get(0);
        // add_to_cart (a third line) and remove_from_cart (of the solution's line) change the cart: both are rejected.
        assertThat(addMugs.probes()).isEqualTo(new WorldCheck.Probes(2, 2, 0, 0, 0));
        WorldCheck.Report shop = WorldCheck.run(ShopWorlds.shop(List.of(ShopWorlds.setPrice(null, List.of())), ShopWorlds.SET_PRICE, ShopWorlds.DELETE_LINE, ShopWorlds.TOUCH));
        // remove_from_cart finds nothing of user 1's to remove: refused; touch_product succeeds and changes nothing. The others change
        // something outside the Blue Mug's price: rejected.
        assertThat(shop.probes()).isEqualTo(new WorldCheck.Probes(5, 3, 0, 1, 1));
        assertThat(shop.probes().inconclusive()).isEqualTo(2);
    }

    @Test
    void paddingProbesFindAnAnswerCheckWithoutCandidates() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec.Solution say = new TaskSpec.Solution(base.solution().calls(), "The Blue Mug.");
        TaskSpec open = new TaskSpec(0, "Which product is cheapest in stock?", List.of(), List.of(new TaskSpec.Check(
                "SELECT title FROM initial.products WHERE id = 1", "names the Blue Mug")), say);
        WorldCheck.Report lax = WorldCheck.run(ShopWorlds.shop(List.of(open)));
        assertThat(lax.ok()).isFalse();
        assertThat(lax.errors()).containsExactly("task 0: answer check 'names the Blue Mug' pays the reference answer padded with 'Red Mug', 'Teapot'"
                + ": name the candidates so that the others are refused, e.g. \"candidates\": \"SELECT title FROM initial.products\"");

        TaskSpec closed = new TaskSpec(0, open.task(), List.of(), List.of(new TaskSpec.Check(
                "SELECT title FROM initial.products WHERE id = 1", "names the Blue Mug", TaskSpec.Match.ALL, "SELECT title FROM initial.products")), say);
        WorldCheck.Report ok = WorldCheck.run(ShopWorlds.shop(List.of(closed)));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.padding()).isEqualTo(new WorldCheck.Padding(3, 3, List.of())); // Red Mug, Teapot, then both at once
    }

    @Test
    void aComputedAnswerCannotBePaddedAndSaysSo() {
        TaskSpec base = TestWorlds.tinyShop().verifier(1).orElseThrow();
        TaskSpec computed = new TaskSpec(0, base.task(), List.of(), List.of(new TaskSpec.Check("SELECT MIN(price) FROM initial.products WHERE stock > 0", "names the price")),
                base.solution());
        WorldCheck.Report r = WorldCheck.run(ShopWorlds.shop(List.of(computed)));
        assertThat(r.errors()).isEmpty();
        assertThat(r.padding().unproven()).containsExactly("answer check 'names the price': its values are computed, not read from a column, so it cannot be padded;"
                + " if the answer picks from a set, name it with \"candidates\"");
    }
}
