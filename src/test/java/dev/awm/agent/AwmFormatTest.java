package dev.awm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.world.WorldFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AWM's interface, as the Arctic-AWM models were trained on it: prompt, tool list, call parsing, reasoning. */
class AwmFormatTest {

    @Test
    void systemPromptIsAwmsByteForByte() {
        String p = AwmFormat.SYSTEM_PROMPT;
        assertThat(p).startsWith("        # MCP Toolss\n\n        You are at a MCP environment.");
        assertThat(p).contains("\n        1. list_tools\n    - Description: List all available MCP tools")
                .contains("\n2. call_tool\n    - Description: Call a MCP environment-specific tool\n")
                .contains("{\"name\": \"call_tool\", \"arguments\": {\"tool_name\": \"get_weather\", \"arguments\": \"{\"city\": \"Beijing\"}\"}}");
        assertThat(p).endsWith("        </tool_call>").hasSize(1_866);
    }

    /** The expected text is what AWM's format_tools_for_response returns for the same tools. */
    @Test
    void toolListIsWordedAsAwmWordsIt() {
        List<ToolInfo> tools = List.of(
                new ToolInfo("search_products", "Search products by a word.\nSecond line here.\n  third  ", WorldFiles.JSON.readTree("""
                        {"type":"object","properties":{"query":{"type":"string","description":"A word"},"in_stock":{"type":"boolean","default":false,"description":"Only stock"},
                        "kind":{"type":"string","enum":["a","b'c"],"default":"a"},"n":{"type":["integer","null"],"default":1.5},
                        "addr":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"integer","default":123}},"required":["city"]},
                        "tags":{"type":"array","items":{"type":"string"},"default":["x",1,null,true]}},"required":["query"]}""")),
                new ToolInfo("list_tools", "meta", WorldFiles.JSON.createObjectNode()),
                new ToolInfo("ping", "", WorldFiles.JSON.readTree("{\"type\":\"object\",\"properties\":{}}")),
                new ToolInfo("mcp_tool_x", "Already prefixed", WorldFiles.JSON.readTree("{\"type\":\"object\",\"properties\":{\"d\":{\"default\":{\"k\":\"v\",\"n\":2}}}}")));
        assertThat(AwmFormat.toolList(tools)).isEqualTo("Available MCP Tools (3 tools):\n"
                + "================================================================================\n\n"
                + "1. mcp_tool_search_products\n   Description: Search products by a word.\n   Second line here.\n   third\n   Parameters:\n"
                + "      - query: string (required)\n        Description: A word\n"
                + "      - in_stock: boolean (optional)\n        Description: Only stock\n        Default: False\n"
                + "      - kind: string (optional)\n        Default: a\n        Allowed values: ['a', \"b'c\"]\n"
                + "      - n: ['integer', 'null'] (optional)\n        Default: 1.5\n"
                + "      - addr: object (optional)\n        Properties:\n          - city: string (required)\n          - zip: integer (optional)\n            Default: 123\n"
                + "      - tags: array (optional)\n        Default: ['x', 1, None, True]\n\n"
                + "2. mcp_tool_ping\n   Description: \n   Parameters: None\n\n"
                + "3. mcp_tool_x\n   Description: Already prefixed\n   Parameters:\n      - d: unknown (optional)\n        Default: {'k': 'v', 'n': 2}");
    }

    @Test
    void pythonReprOfValues() {
        assertThat(AwmFormat.pyRepr(WorldFiles.JSON.readTree("[1e20, 0.00001, 2.0, \"a\\nb\", {\"x\": false}]"))).isEqualTo("[1e+20, 1e-05, 2.0, 'a\\nb', {'x': False}]");
    }

    @Test
    void callsAreReadFromTheTextOutsideReasoningOnly() {
        AwmFormat.Split s = AwmFormat.split("<think>I will call <tool_call>{\"name\": \"call_tool\"}</tool_call> maybe</think>\nThe answer is 4.", "more thought");
        assertThat(s.visible()).isEqualTo("The answer is 4.");
        assertThat(s.thinking()).contains("more thought", "maybe");
        assertThat(AwmFormat.calls(s.visible())).isEmpty();
        // the template opened <think>; the reply only closes it
        AwmFormat.Split opened = AwmFormat.split("plan: <tool_call>{\"name\": \"x\"}</tool_call></think>\n<tool_call>{\"name\": \"list_tools\", \"arguments\": null}</tool_call>", null);
        assertThat(AwmFormat.calls(opened.visible())).extracting(AwmFormat.Call::name).containsExactly("list_tools");
        // reasoning never closed: everything after <think> is reasoning
        assertThat(AwmFormat.split("ok <think>then <tool_call>{}</tool_call>", null).visible()).isEqualTo("ok");
        assertThat(AwmFormat.split("<think>\n\n</think>\n\nhi", null).thinking()).isEmpty();
    }

    @Test
    void callsAreParsedAsAwmParsesThem() {
        List<AwmFormat.Call> calls = AwmFormat.calls("""
                <tool_call>
                {"name": "mcp_tool_add_to_cart", "arguments": {"product_id": 1}}
                </tool_call>
                <tool_call>[{"name": "call_tool", "arguments": {"tool_name": "mcp_tool_x", "arguments": "{\\"a\\": 1}"}}]</tool_call>
                <tool_call>{"name": "call_tool", "arguments": {oops}</tool_call>
                <tool_call>{"name": "list_tools\"""");
        assertThat(calls).hasSize(4);
        assertThat(calls.get(0).name()).isEqualTo("call_tool");
        assertThat(AwmFormat.target(calls.get(0).arguments())).isEqualTo(new AwmFormat.Target("add_to_cart", WorldFiles.JSON.readTree("{\"product_id\": 1}"), null));
        assertThat(AwmFormat.target(calls.get(1).arguments()).tool()).isEqualTo("x");
        assertThat(AwmFormat.target(calls.get(1).arguments()).arguments().get("a").asInt()).isEqualTo(1);
        assertThat(calls.get(2).unreadable()).contains("not hold valid JSON");
        assertThat(calls.get(3).unreadable()).contains("never closed");
        assertThat(AwmFormat.target(WorldFiles.JSON.readTree("{\"tool_name\": \"t\", \"arguments\": \"\"}")).arguments()).isEmpty();
        assertThat(AwmFormat.target(WorldFiles.JSON.readTree("{\"tool_name\": \"t\", \"arguments\": \"{x\"}")).problem()).contains("not valid JSON");
        assertThat(AwmFormat.target(WorldFiles.JSON.readTree("{\"tool_name\": \"t\", \"arguments\": \"[1]\"}")).problem()).contains("JSON object");
    }

    @Test
    void localEndpointsAreTreatedAsVllm() {
        assertThat(AwmFormat.isLocal("http://localhost:8000/v1")).isTrue();
        assertThat(AwmFormat.isLocal("http://127.0.0.1:8000/v1")).isTrue();
        assertThat(AwmFormat.isLocal("https://api.openai.com/v1")).isFalse();
        assertThat(AwmFormat.vllmExtras().path("chat_template_kwargs").path("enable_thinking").asBoolean()).isTrue();
    }
}
