package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Finds the JSON value in a model's text as models write it: bare, in a ```json fence, after a preamble or before a
 * closing remark, after {@code <think>} reasoning. {@link Unreadable} says what went wrong in words that can be sent
 * back to the model.
 */
public final class JsonAnswer {

    private static final Pattern THINK = Pattern.compile("(?s)<think(?:ing)?>.*?</think(?:ing)?>");
    private static final Pattern FENCE = Pattern.compile("(?s)```[A-Za-z0-9_-]*\\s*\\n?(.*?)```");

    private JsonAnswer() {}

    /** Why an answer could not be read as JSON. */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The first JSON object or array in {@code text}.
     *
     * @param finishReason the response's finish_reason, so that a cut-off answer is reported as such; may be null
     * @throws Unreadable when there is none
     */
    public static JsonNode parse(String text, String finishReason) {
        String t = THINK.matcher(text).replaceAll("");
        int openThink = t.indexOf("<think>");
        if (openThink >= 0 && t.indexOf('{', openThink) < 0) t = t.substring(0, openThink); // reasoning never closed
        Matcher fence = FENCE.matcher(t);
        while (fence.find()) {
            JsonNode n = firstValue(fence.group(1));
            if (n != null) return n;
        }
        int first = firstBracket(t, 0);
        boolean unclosed = first >= 0 && matchingEnd(t, first) < 0; // what is inside a cut-off answer is not the answer
        JsonNode n = unclosed ? null : firstValue(t);
        if (n != null) return n;
        if ("length".equals(finishReason)) {
            throw new Unreadable("the answer was cut off at the token limit before its JSON ended; answer more briefly (shorter texts, fewer items), with the whole JSON");
        }
        int start = firstBracket(t, 0);
        if (start < 0) throw new Unreadable("the answer holds no JSON object; answer with the JSON object only, no prose");
        throw new Unreadable("the JSON in the answer is malformed or incomplete near: " + abbreviate(t.substring(start)) + "; answer with one valid JSON object");
    }

    /** Tries each '{' or '[' in turn; returns the first that starts a complete, valid JSON value. */
    private static JsonNode firstValue(String t) {
        for (int start = firstBracket(t, 0); start >= 0; start = firstBracket(t, start + 1)) {
            int end = matchingEnd(t, start);
            if (end < 0) continue;
            try {
                JsonNode n = WorldFiles.JSON.readTree(t.substring(start, end + 1));
                if (n != null && (n.isObject() || n.isArray())) return n;
            } catch (RuntimeException e) {
                // not JSON from here; try the next bracket
            }
        }
        return null;
    }

    private static int firstBracket(String t, int from) {
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{' || c == '[') return i;
        }
        return -1;
    }

    /** The index of the bracket closing the one at {@code start}, skipping strings; -1 when it never closes. */
    private static int matchingEnd(String t, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
