package dev.awm.agent;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The interface AWM's agent gives a model (awm/core/agent.py), which the Arctic-AWM models were trained on: its
 * system prompt, the tool list {@code list_tools} returns, {@code <tool_call>} blocks in the reply text, the
 * {@code mcp_tool_} name prefix, and the extra body fields it sends a local vLLM. Everything here must stay as AWM
 * has it, oddities included, so that those models see exactly what they were trained on.
 */
public final class AwmFormat {

    public static final String LIST_TOOLS = "list_tools", CALL_TOOL = "call_tool", PREFIX = "mcp_tool_";

    /** AWM's system prompt, byte for byte (its typo "Toolss" and its uneven indentation included). */
    public static final String SYSTEM_PROMPT = resource("awm_system_prompt.txt");

    private static final Pattern TOOL_CALL = Pattern.compile("(?s)<tool_call>\\s*(.*?)\\s*</tool_call>");
    private static final Pattern THINK = Pattern.compile("(?s)<think>(.*?)</think>");

    private AwmFormat() {}

    private static String resource(String name) {
        try (InputStream in = AwmFormat.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the resource " + name + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True for an endpoint on this machine, where AWM's agent assumes a vLLM server (tool messages, vLLM extras). */
    public static boolean isLocal(String baseUrl) {
        try {
            String host = URI.create(baseUrl).getHost();
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The body fields AWM's agent adds for a local vLLM: Qwen3 thinking on, at least 16 tokens. */
    public static ObjectNode vllmExtras() {
        ObjectNode extra = WorldFiles.JSON.createObjectNode();
        extra.put("add_generation_prompt", true);
        extra.put("min_tokens", 16);
        extra.putObject("chat_template_kwargs").put("enable_thinking", true);
        return extra;
    }

    /** A tool result as AWM's agent sends it back as a user message to servers other than a local vLLM. */
    public static String asUserMessage(String toolResult) {
        return "Tool response:\n" + toolResult;
    }

    /** A failed call's result as AWM's agent shows it to the model. */
    public static String error(String text) {
        return "Error: " + text;
    }

    // ---- reasoning ----

    /** A reply split into its reasoning and what it says outside it. */
    public record Split(String thinking, String visible) {}

    /**
     * Separates reasoning from the reply: the server's reasoning field, {@code <think>...</think>} blocks, text before a
     * {@code </think>} whose opening tag was in the prompt, and an unclosed {@code <think>} (all the rest is thinking).
     * Nothing in the reasoning is ever read for tool calls or as the answer.
     */
    public static Split split(String content, String reasoningField) {
        StringBuilder thinking = new StringBuilder(reasoningField == null ? "" : reasoningField.strip());
        String c = content == null ? "" : content;
        int close = c.indexOf("</think>"), open = c.indexOf("<think>");
        if (close >= 0 && (open < 0 || close < open)) {
            append(thinking, c.substring(0, close));
            c = c.substring(close + "</think>".length());
        }
        Matcher m = THINK.matcher(c);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            append(thinking, m.group(1));
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        c = rest.toString();
        open = c.indexOf("<think>");
        if (open >= 0) {
            append(thinking, c.substring(open + "<think>".length()));
            c = c.substring(0, open);
        }
        return new Split(thinking.toString().strip(), c.strip());
    }

    private static void append(StringBuilder b, String text) {
        if (text.isBlank()) return;
        if (!b.isEmpty()) b.append("\n");
        b.append(text.strip());
    }

    // ---- calls ----

    /**
     * One {@code <tool_call>} block: the function named and its arguments, or why it could not be read.
     *
     * @param arguments the "arguments" value as written (an object, a string of JSON, null...)
     */
    public record Call(String name, JsonNode arguments, String unreadable) {}

    /**
     * The {@code <tool_call>} blocks in {@code visible} (reply text without reasoning), in order. A name with the
     * {@code mcp_tool_} prefix is a call_tool of that tool, as AWM's parser reads it; a list around the object is
     * unwrapped. A block that is not a JSON object, or a {@code <tool_call>} never closed, is a call that could not be read.
     */
    public static List<Call> calls(String visible) {
        List<Call> out = new ArrayList<>();
        Matcher m = TOOL_CALL.matcher(visible);
        int end = 0;
        while (m.find()) {
            out.add(call(m.group(1)));
            end = m.end();
        }
        if (visible.indexOf("<tool_call>", end) >= 0) {
            out.add(new Call(null, null, "a <tool_call> tag is never closed with </tool_call>"));
        }
        return out;
    }

    private static Call call(String body) {
        JsonNode data;
        try {
            data = WorldFiles.JSON.readTree(body);
        } catch (RuntimeException e) {
            return new Call(null, null, "the <tool_call> does not hold valid JSON: " + abbreviate(body));
        }
        if (data != null && data.isArray() && !data.isEmpty() && data.get(0).isObject()) data = data.get(0);
        if (data == null || !data.isObject()) return new Call(null, null, "the <tool_call> must hold a JSON object {\"name\": ..., \"arguments\": ...}");
        String name = data.path("name").isString() ? data.get("name").asString() : "";
        JsonNode arguments = data.has("arguments") ? data.get("arguments") : WorldFiles.JSON.createObjectNode();
        if (name.startsWith(PREFIX)) {
            ObjectNode wrapped = WorldFiles.JSON.createObjectNode();
            wrapped.put("tool_name", name);
            wrapped.set("arguments", truthy(arguments) ? arguments : WorldFiles.JSON.createObjectNode());
            return new Call(CALL_TOOL, wrapped, null);
        }
        return new Call(name, arguments, null);
    }

    /** The world tool and its arguments a call_tool names; {@code problem} says why they cannot be used. */
    public record Target(String tool, JsonNode arguments, String problem) {}

    /** Reads call_tool's {@code tool_name} (prefix removed) and {@code arguments} (an object, or a string of one; empty means none). */
    public static Target target(JsonNode callArguments) {
        JsonNode args = callArguments;
        if (args != null && args.isString()) {
            try {
                args = args.asString().isBlank() ? WorldFiles.JSON.createObjectNode() : WorldFiles.JSON.readTree(args.asString());
            } catch (RuntimeException e) {
                return new Target(null, null, "the arguments of call_tool are not valid JSON");
            }
        }
        if (args == null || !args.isObject()) return new Target(null, null, "call_tool needs {\"tool_name\": ..., \"arguments\": ...}");
        String tool = args.path("tool_name").isString() ? args.get("tool_name").asString() : "";
        if (tool.startsWith(PREFIX)) tool = tool.substring(PREFIX.length());
        if (tool.isBlank()) return new Target(null, null, "call_tool names no tool_name");
        JsonNode inner = args.get("arguments");
        if (inner == null || inner.isNull()) return new Target(tool, WorldFiles.JSON.createObjectNode(), null);
        if (inner.isString()) {
            String text = inner.asString();
            if (text.isBlank()) return new Target(tool, WorldFiles.JSON.createObjectNode(), null);
            try {
                inner = WorldFiles.JSON.readTree(text);
            } catch (RuntimeException e) {
                return new Target(tool, null, "the arguments for " + tool + " are not valid JSON: " + abbreviate(text));
            }
        }
        if (!inner.isObject()) return new Target(tool, null, "the arguments for " + tool + " must be a JSON object of named arguments");
        return new Target(tool, inner, null);
    }

    // ---- the tool list ----

    /** What list_tools returns: every tool with the {@code mcp_tool_} prefix, its description and its parameters, as AWM words it. */
    public static String toolList(List<ToolInfo> tools) {
        List<ToolInfo> actual = tools.stream().filter(t -> !t.name().equals(LIST_TOOLS)).toList();
        StringBuilder b = new StringBuilder("Available MCP Tools (" + actual.size() + " tools):\n" + "=".repeat(80) + "\n\n");
        int i = 1;
        for (ToolInfo t : actual) {
            String name = t.name().startsWith(PREFIX) ? t.name() : PREFIX + t.name();
            String[] lines = (t.description() == null ? "" : t.description()).split("\n", -1);
            b.append(i++).append(". ").append(name).append("\n");
            b.append("   Description: ").append(lines[0].strip()).append("\n");
            if (lines.length > 1) {
                List<String> more = new ArrayList<>();
                for (int k = 1; k < lines.length; k++) more.add(lines[k].strip());
                for (String line : String.join("\n", more).strip().split("\n", -1)) if (!line.isBlank()) b.append("   ").append(line).append("\n");
            }
            JsonNode schema = t.inputSchema() == null ? WorldFiles.JSON.createObjectNode() : t.inputSchema();
            if (truthy(schema.path("properties"))) {
                b.append("   Parameters:\n");
                parameters(b, schema.path("properties"), schema.path("required"), 6);
            } else {
                b.append("   Parameters: None\n");
            }
            b.append("\n");
        }
        return b.toString().strip();
    }

    private static void parameters(StringBuilder b, JsonNode properties, JsonNode required, int indent) {
        String pad = " ".repeat(indent);
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
            JsonNode info = p.getValue();
            boolean isRequired = false;
            for (JsonNode r : required) isRequired |= r.isString() && r.asString().equals(p.getKey());
            JsonNode type = info.get("type");
            String typeText = type == null ? "unknown" : pyStr(type);
            b.append(pad).append("- ").append(p.getKey()).append(": ").append(typeText).append(isRequired ? " (required)" : " (optional)").append("\n");
            if (truthy(info.path("description"))) b.append(pad).append("  Description: ").append(pyStr(info.get("description"))).append("\n");
            if (info.has("default") && !info.get("default").isNull()) b.append(pad).append("  Default: ").append(pyStr(info.get("default"))).append("\n");
            if (truthy(info.path("enum"))) b.append(pad).append("  Allowed values: ").append(pyStr(info.get("enum"))).append("\n");
            if ("object".equals(typeText) && truthy(info.path("properties"))) {
                b.append(pad).append("  Properties:\n");
                parameters(b, info.path("properties"), info.path("required"), indent + 4);
            }
        }
    }

    /** Python's truth value of a JSON value (missing counts as absent). */
    private static boolean truthy(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return false;
        if (n.isContainer()) return !n.isEmpty();
        if (n.isString()) return !n.asString().isEmpty();
        if (n.isBoolean()) return n.asBoolean();
        if (n.isNumber()) return n.asDouble() != 0;
        return true;
    }

    /** Python's {@code str()} of the value json.loads would give. */
    static String pyStr(JsonNode n) {
        return n.isString() ? n.asString() : pyRepr(n);
    }

    /** Python's {@code repr()} of the value json.loads would give. */
    static String pyRepr(JsonNode n) {
        if (n == null || n.isNull()) return "None";
        if (n.isBoolean()) return n.asBoolean() ? "True" : "False";
        if (n.isIntegralNumber()) return n.bigIntegerValue().toString();
        if (n.isNumber()) return pyFloat(n.asDouble());
        if (n.isString()) return pyQuote(n.asString());
        if (n.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode c : n) items.add(pyRepr(c));
            return "[" + String.join(", ", items) + "]";
        }
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) items.add(pyQuote(e.getKey()) + ": " + pyRepr(e.getValue()));
        return "{" + String.join(", ", items) + "}";
    }

    private static String pyFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        double a = Math.abs(d);
        if (a != 0 && (a < 1e-4 || a >= 1e16)) {
            String s = Double.toString(d).replace("E", "e");
            int e = s.indexOf('e');
            String mantissa = s.substring(0, e).replaceAll("\\.0$", ""), exp = s.substring(e + 1);
            return mantissa + "e" + (exp.startsWith("-") ? "-" + pad2(exp.substring(1)) : "+" + pad2(exp));
        }
        String plain = new BigDecimal(Double.toString(d)).toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    private static String pad2(String digits) {
        return digits.length() < 2 ? "0" + digits : digits;
    }

    private static String pyQuote(String s) {
        char q = s.contains("'") && !s.contains("\"") ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(q);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == q) b.append('\\').append(c);
                    else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append(q).toString();
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }
}
