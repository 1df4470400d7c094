package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.world.Tool;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolsetCheckerTest {

    /** The problems the static check finds in one tool, written as in gen_envs.jsonl, over the test shop's schema. */
    static List<String> problems(String toolJson) {
        List<String> parse = new ArrayList<>();
        List<Tool> tools = WorldFiles.parseToolset(Json.parse("{\"tools\": [" + toolJson + "]}"), parse);
        assertThat(parse).as("the tool parses").isEmpty();
        return WorldRuntime.load(WorldFiles.withTools(TestWorlds.tinyShop(), tools)).toolProblems();
    }

    static String tool(String steps) {
        return tool("{\"q\": {\"type\": \"string\", \"description\": \"text\"}}", steps);
    }

    static String tool(String properties, String steps) {
        return "{\"name\": \"t\", \"description\": \"A test tool.\", \"inputSchema\": {\"type\": \"object\", \"properties\": " + properties + "}, \"steps\": " + steps + "}";
    }

    /** Whether the one tool written as in gen_envs.jsonl is marked destructive (MCP's destructiveHint). */
    static boolean destructive(String steps) {
        List<Tool> tools = WorldFiles.parseToolset(Json.parse("{\"tools\": [" + tool(steps) + "]}"), new ArrayList<>());
        WorldRuntime rt = WorldRuntime.load(WorldFiles.withTools(TestWorlds.tinyShop(), tools));
        assertThat(rt.toolProblems()).isEmpty();
        return rt.tools().get(0).destructive;
    }

    @Test
    void aToolIsDestructiveWhenItMayChangeOrRemoveExistingRowsHoweverItsSqlIsWritten() {
        assertThat(destructive("[{\"read\": \"SELECT * FROM products WHERE title = :q\", \"as\": \"x\"}]")).isFalse();
        assertThat(destructive("[{\"write\": \"INSERT INTO cart_items (user_id, product_id, quantity, added_at) VALUES (:user_id, 1, 1, :now)\"}]")).isFalse();
        assertThat(destructive("[{\"write\": \"UPDATE products SET title = :q WHERE id = 1\"}]")).isTrue();
        assertThat(destructive("[{\"write\": \"WITH gone AS (SELECT id FROM cart_items WHERE user_id = :user_id) DELETE FROM cart_items WHERE id IN (SELECT id FROM gone)\"}]")).isTrue();
        assertThat(destructive("[{\"write\": \"INSERT INTO cart_items (user_id, product_id, quantity, added_at) VALUES (:user_id, 1, 1, :now) "
                + "ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = quantity + 1\"}]")).as("an upsert overwrites").isTrue();
        assertThat(destructive("[{\"write\": \"REPLACE INTO cart_items (user_id, product_id, quantity, added_at) VALUES (:user_id, 1, 1, :now)\"}]")).isTrue();
    }

    @Test
    void theTestShopsOwnToolsPass() {
        assertThat(TestWorlds.tinyShopRuntime().toolProblems()).isEmpty();
        assertThat(TestWorlds.tinyShopRuntime().servable()).isTrue();
    }

    @Test
    void unknownTablesAndColumnsAreNamedWithTheStep() {
        assertThat(problems(tool("[{\"read\": \"SELECT pricee FROM products\", \"as\": \"x\"}]")))
                .singleElement().asString().contains("tool t, step 1 (read)").contains("no such column: pricee");
        assertThat(problems(tool("[{\"write\": \"DELETE FROM carts WHERE id = :q\"}]")))
                .singleElement().asString().contains("step 1 (write)").contains("no such table: carts");
    }

    @Test
    void unknownParametersAndFieldsAreNamed() {
        assertThat(problems(tool("[{\"read\": \"SELECT * FROM products WHERE title = :title\", \"as\": \"x\"}]")))
                .singleElement().asString().contains(":title is neither a parameter");
        assertThat(problems(tool("[{\"read\": \"SELECT id, price FROM products WHERE title = :q\", \"as\": \"p\", \"one\": true},"
                + " {\"read\": \"SELECT :p.cost\", \"as\": \"y\"}]")))
                .singleElement().asString().contains(":p.cost names no column of p (it has id, price)");
        assertThat(problems(tool("[{\"read\": \"SELECT id FROM products\", \"as\": \"ps\"}, {\"read\": \"SELECT :ps.id\", \"as\": \"y\"}]")))
                .singleElement().asString().contains("a list of rows");
        assertThat(problems(tool("[{\"read\": \"SELECT id FROM products\", \"as\": \"ps\"}]").replace("\"steps\"", "\"output\": {\"x\": \"$nope\"}, \"steps\"")))
                .singleElement().asString().contains("output").contains("$nope");
    }

    @Test
    void forbiddenStatementsAreRefused() {
        assertThat(problems(tool("[{\"write\": \"PRAGMA foreign_keys = OFF\"}]"))).singleElement().asString().contains("starts with PRAGMA");
        assertThat(problems(tool("[{\"write\": \"DROP TABLE products\"}]"))).singleElement().asString().contains("starts with DROP");
        assertThat(problems(tool("[{\"read\": \"SELECT 1; DELETE FROM products\", \"as\": \"x\"}]"))).singleElement().asString().contains("more than one statement");
        assertThat(problems(tool("[{\"read\": \"DELETE FROM products\", \"as\": \"x\"}]"))).singleElement().asString().contains("only SELECT, WITH");
        assertThat(problems(tool("[{\"read\": \"SELECT * FROM products WHERE id = ?\", \"as\": \"x\"}]"))).singleElement().asString().contains("write parameters as :name");
    }

    @Test
    void aReadOrGuardThatCanWriteIsRefused() {
        assertThat(problems(tool("[{\"read\": \"WITH x AS (SELECT 1) DELETE FROM cart_items RETURNING *\", \"as\": \"x\"}]")))
                .singleElement().asString().contains("step 1 (read): can change the database, which a read step may not");
        assertThat(problems(tool("[{\"guard\": \"WITH x AS (SELECT 1) UPDATE products SET stock = 0 RETURNING 1\", \"error\": \"e\"}]")))
                .singleElement().asString().contains("step 1 (guard): can change the database");
        assertThat(problems(tool("[{\"read\": \"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r\", \"as\": \"x\"}]"))).isEmpty();
    }

    @Test
    void schemasMustDescribeEveryParameter() {
        assertThat(problems(tool("{\"q\": {\"type\": \"string\"}}", "[{\"read\": \"SELECT :q\", \"as\": \"x\"}]")))
                .singleElement().asString().contains("parameter q has no \"description\"");
        assertThat(problems(tool("{\"now\": {\"type\": \"string\", \"description\": \"d\"}}", "[{\"read\": \"SELECT :now\", \"as\": \"x\"}]")))
                .singleElement().asString().contains("shadows the built-in :now");
    }
}
