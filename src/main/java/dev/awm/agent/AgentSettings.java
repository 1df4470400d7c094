package dev.awm.agent;

/**
 * How the agent talks to the model and when an episode ends.
 *
 * @param historyWindow null keeps the whole history; N keeps the system prompt, the task, the list_tools exchange and
 *     the last N turns in each request (AWM's history-aware setting)
 * @param requireThinking a turn whose reasoning is empty is a format error (awm style, for thinking models)
 * @param endOnFormatError the paper's rule (true): the first format error ends the episode with reward -1; false
 *     hands the error back to the model and goes on, counting it
 * @param toolResultsAsUser send tool results as user messages ("Tool response:\n..."), as AWM's agent does for servers
 *     other than a local vLLM; false sends them as {@code tool} messages
 */
public record AgentSettings(Style style, int maxTurns, Integer historyWindow, boolean requireThinking, boolean endOnFormatError, boolean toolResultsAsUser) {

    /** The two ways an agent sees a world's tools. */
    public enum Style {
        /** AWM's prompt interface: two meta-tools in {@code <tool_call>} tags, as the Arctic-AWM models were trained. */
        AWM,
        /** OpenAI function calling with the world's own tools and their JSON Schemas. */
        NATIVE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final int DEFAULT_MAX_TURNS = 30;

    public AgentSettings {
        if (maxTurns < 1) throw new IllegalArgumentException("--max-turns must be at least 1");
        if (historyWindow != null && historyWindow < 1) throw new IllegalArgumentException("--history-window must be at least 1 (leave it out to keep the whole history)");
    }

    /** The paper's rules and AWM's defaults for {@code style} against the endpoint at {@code baseUrl}. */
    public static AgentSettings defaults(Style style, String baseUrl) {
        return new AgentSettings(style, DEFAULT_MAX_TURNS, null, false, true, !AwmFormat.isLocal(baseUrl));
    }

    public AgentSettings withMaxTurns(int turns) {
        return new AgentSettings(style, turns, historyWindow, requireThinking, endOnFormatError, toolResultsAsUser);
    }

    public AgentSettings withHistoryWindow(Integer window) {
        return new AgentSettings(style, maxTurns, window, requireThinking, endOnFormatError, toolResultsAsUser);
    }

    public AgentSettings withRequireThinking(boolean require) {
        return new AgentSettings(style, maxTurns, historyWindow, require, endOnFormatError, toolResultsAsUser);
    }

    public AgentSettings withEndOnFormatError(boolean end) {
        return new AgentSettings(style, maxTurns, historyWindow, requireThinking, end, toolResultsAsUser);
    }

    public AgentSettings withToolResultsAsUser(boolean asUser) {
        return new AgentSettings(style, maxTurns, historyWindow, requireThinking, endOnFormatError, asUser);
    }
}
