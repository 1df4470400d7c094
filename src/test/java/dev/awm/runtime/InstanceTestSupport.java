package dev.awm.runtime;

/** Test worlds built from the test shop plus a tool, for tests outside this package. */
public final class InstanceTestSupport {

    private InstanceTestSupport() {}

    /** The test shop with a {@code restock} tool that adds 5 to product 2's stock. */
    public static WorldRuntime withRestock() {
        return InstanceTest.withTool("{\"name\": \"restock\", \"description\": \"d\", \"inputSchema\": {\"type\": \"object\", \"properties\": {}},"
                + " \"steps\": [{\"write\": \"UPDATE products SET stock = stock + 5 WHERE id = 2\"}]}");
    }
}
