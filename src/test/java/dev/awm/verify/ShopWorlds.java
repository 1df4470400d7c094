package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import dev.awm.world.Tool;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.List;

/** The test shop with more tools and other tasks, for verifier tests. */
final class ShopWorlds {

    /** Writes outside the cart: the collateral damage the footprint must refuse. */
    static final String SET_PRICE = tool("set_price", "{\"product_id\": {\"type\": \"integer\", \"description\": \"d\"}, \"price\": {\"type\": \"number\", \"minimum\": 0, \"description\": \"d\"}}", "[\"product_id\", \"price\"]",
            "UPDATE products SET price = :price WHERE id = :product_id");
    static final String RESTOCK = tool("restock", "{\"product_id\": {\"type\": \"integer\", \"description\": \"d\"}, \"amount\": {\"type\": \"integer\", \"minimum\": 1, \"default\": 5, \"description\": \"d\"}}", "[\"product_id\"]",
            "UPDATE products SET stock = stock + :amount WHERE id = :product_id");
    static final String RENAME = tool("rename_product", "{\"product_id\": {\"type\": \"integer\", \"description\": \"d\"}, \"title\": {\"type\": \"string\", \"description\": \"d\"}}", "[\"product_id\", \"title\"]",
            "UPDATE products SET title = :title WHERE id = :product_id");
    static final String SET_QUANTITY = tool("set_line_quantity", "{\"line_id\": {\"type\": \"integer\", \"description\": \"d\"}, \"quantity\": {\"type\": \"integer\", \"minimum\": 1, \"description\": \"d\"}}", "[\"line_id\", \"quantity\"]",
            "UPDATE cart_items SET quantity = :quantity WHERE id = :line_id");
    /** Succeeds and changes nothing. */
    static final String TOUCH = tool("touch_product", "{\"product_id\": {\"type\": \"integer\", \"description\": \"d\"}}", "[\"product_id\"]",
            "UPDATE products SET stock = stock WHERE id = :product_id");
    static final String DELETE_LINE = tool("delete_line", "{\"line_id\": {\"type\": \"integer\", \"description\": \"d\"}}", "[\"line_id\"]", "DELETE FROM cart_items WHERE id = :line_id");

    private ShopWorlds() {}

    private static String tool(String name, String properties, String required, String write) {
        return "{\"name\": \"" + name + "\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": " + properties + ", \"required\": " + required
                + ", \"additionalProperties\": false}, \"steps\": [{\"write\": \"" + write + "\", \"as\": \"done\"}, {\"guard\": \"SELECT :done.changes > 0\", \"error\": \"No such row.\"}]}";
    }

    /** The shop with its own tools and {@code extraTools}, whose tasks are {@code specs} (indexed 0, 1, ...). */
    static WorldRuntime shop(List<TaskSpec> specs, String... extraTools) {
        World w = TestWorlds.tinyShop();
        List<Tool> tools = new ArrayList<>(w.tools().orElseThrow());
        if (extraTools.length > 0) {
            List<String> problems = new ArrayList<>();
            tools.addAll(WorldFiles.parseToolset(Json.parse("{\"tools\": [" + String.join(",", extraTools) + "]}"), problems));
            assertThat(problems).isEmpty();
        }
        World withTools = WorldFiles.withTools(w, tools);
        WorldRuntime rt = WorldRuntime.load(new World(w.scenario(), w.name(), w.description(), w.now(), specs.stream().map(TaskSpec::task).toList(), w.tables(), w.seed(),
                withTools.tools(), specs, java.util.Map.of(), List.of()));
        assertThat(rt.problems()).isEmpty();
        return rt;
    }

    static TaskSpec.Call call(String tool, String arguments) {
        return new TaskSpec.Call(tool, Json.parse(arguments));
    }

    /** "Set the Blue Mug's price to 10.", checked only on the Blue Mug's price. */
    static TaskSpec setPrice(List<String> unchangedExcept, List<String> anyRows) {
        return new TaskSpec(0, "Set the Blue Mug's price to 10.", List.of(new TaskSpec.Check("SELECT price = 10 FROM main.products WHERE id = 1", "the Blue Mug costs 10")),
                List.of(), unchangedExcept, anyRows, new TaskSpec.Solution(List.of(call("set_price", "{\"product_id\": 1, \"price\": 10}")), "Done."), List.of(), null);
    }
}
