package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConnection;

/** The page-level shortcut of StateDiff: a table whose pages are the same is the same, and any change is seen. */
class BtreePagesTest {

    final byte[] initial = TestWorlds.tinyShopRuntime().initialImage();

    static byte[] after(byte[] image, String... statements) throws SQLException {
        try (SQLiteConnection db = Sqlite.open(image); Statement s = db.createStatement()) {
            for (String sql : statements) s.execute(sql);
            return Sqlite.image(db);
        }
    }

    static long root(byte[] image, String table) throws SQLException {
        try (SQLiteConnection db = Sqlite.open(image)) {
            return ((Number) Sqlite.query(db, "SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'").get(0).get("rootpage")).longValue();
        }
    }

    @Test
    void onlyTheChangedTableDiffers() throws SQLException {
        byte[] changed = after(initial, "UPDATE products SET stock = 9 WHERE id = 3");
        assertThat(BtreePages.same(initial, initial, root(initial, "products"))).isTrue();
        assertThat(BtreePages.same(initial, changed, root(initial, "products"))).isFalse();
        assertThat(BtreePages.same(initial, changed, root(initial, "cart_items"))).isTrue();
        assertThat(StateDiff.between(initial, changed).tables()).containsOnlyKeys("products");
    }

    @Test
    void aChangeDeepInAnOverflowPageIsSeen() throws SQLException {
        // A title far longer than a page lives mostly in overflow pages; change only its last character.
        String longTitle = "x".repeat(20_000);
        byte[] big = after(initial, "UPDATE products SET title = '" + longTitle + "a' WHERE id = 2", "INSERT INTO products VALUES (4, 'Jug', 5, 1)");
        byte[] bigChanged = after(big, "UPDATE products SET title = '" + longTitle + "b' WHERE id = 2");
        long root = root(big, "products");
        assertThat(BtreePages.same(big, big, root)).isTrue();
        assertThat(BtreePages.same(big, bigChanged, root)).isFalse();
        StateDiff.Update u = StateDiff.between(big, bigChanged).tables().get("products").updated().get(0);
        assertThat(u.key()).isEqualTo(Map.of("id", 2L));
        assertThat(u.changes()).containsOnlyKeys("title");
    }

    @Test
    void aTableSpreadOverInteriorPagesIsWalkedWhole() throws SQLException {
        StringBuilder rows = new StringBuilder("INSERT INTO products (id, title, price, stock) SELECT 100 + value, 'Product ' || value || ' ' || hex(randomblob(40)), 1, 1"
                + " FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 3000) SELECT value FROM n)");
        byte[] many = after(initial, rows.toString());
        byte[] oneMore = after(many, "UPDATE products SET stock = 2 WHERE id = 2900");
        long root = root(many, "products");
        assertThat(BtreePages.same(many, many, root)).isTrue();
        assertThat(BtreePages.same(many, oneMore, root)).isFalse();
        assertThat(StateDiff.between(many, oneMore).tables().get("products").updated()).singleElement()
                .satisfies(u -> assertThat(u.changes()).isEqualTo(Map.of("stock", java.util.Arrays.asList(1L, 2L))));
    }

    @Test
    void anythingUnexpectedAnswersNotTheSame() {
        byte[] garbage = new byte[initial.length];
        assertThat(BtreePages.same(garbage, garbage, 2)).isFalse();
        assertThat(BtreePages.same(initial, initial, 10_000)).as("a root past the end").isFalse();
        byte[] cut = java.util.Arrays.copyOf(initial, 4096);
        assertThat(BtreePages.same(initial, cut, 2)).isFalse();
    }
}
