package dev.awm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A statement of a tool or verifier with its {@code :name} / {@code :name.field} parameters found and replaced by
 * {@code ?}, so that every value reaches SQLite as a bound parameter. Quotes and comments are skipped, so a colon
 * inside a string literal is just text.
 *
 * @param jdbc the statement with {@code ?} in place of each parameter
 * @param params the parameters in order of appearance (a name may repeat)
 * @param keyword the first keyword, upper-case (SELECT, WITH, INSERT, ...)
 * @param trailing text after the statement's end (a top-level {@code ;}, or in a CREATE TRIGGER the {@code ;} after
 *     its body's END) that is not blank: a second statement, which is refused
 */
public record SqlText(String source, String jdbc, List<Param> params, String keyword, String trailing) {

    /** {@code :name} is {@code Param(name, null)}; {@code :name.field} is {@code Param(name, field)}. */
    public record Param(String name, String field) {
        @Override
        public String toString() {
            return ":" + name + (field == null ? "" : "." + field);
        }
    }

    public static final Set<String> TOOL_KEYWORDS = Set.of("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "REPLACE");
    public static final Set<String> READ_KEYWORDS = Set.of("SELECT", "WITH");

    public static SqlText parse(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<Param> params = new ArrayList<>();
        String trailing = "";
        int n = sql.length();
        int i = 0;
        // A trigger's body holds statements ended by ';'; the trigger itself ends at "; END" (as sqlite3_complete reads it).
        List<String> head = leadingWords(sql, 3);
        boolean inTriggerBody = head.size() >= 2 && head.get(0).equals("CREATE")
                && (head.get(1).equals("TRIGGER") || head.size() == 3 && head.get(2).equals("TRIGGER") && TEMP.contains(head.get(1)));
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == close) {
                        if (close != ']' && j + 1 < n && sql.charAt(j + 1) == close) { j += 2; continue; }
                        break;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                out.append(sql, i, j);
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(sql, i, j);
                i = j;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                j = j < 0 ? n : j + 2;
                out.append(sql, i, j);
                i = j;
            } else if (c == ':' && i + 1 < n && isIdentStart(sql.charAt(i + 1)) && (i == 0 || sql.charAt(i - 1) != ':')) {
                int j = i + 1;
                while (j < n && isIdentPart(sql.charAt(j))) j++;
                String name = sql.substring(i + 1, j);
                String field = null;
                if (j + 1 < n && sql.charAt(j) == '.' && isIdentStart(sql.charAt(j + 1))) {
                    int k = j + 1;
                    while (k < n && isIdentPart(sql.charAt(k))) k++;
                    field = sql.substring(j + 1, k);
                    j = k;
                }
                params.add(new Param(name, field));
                out.append('?');
                i = j;
            } else if (c == ';' && inTriggerBody) {
                int end = skipBlank(sql, i + 1);
                if (end + 3 <= n && sql.regionMatches(true, end, "END", 0, 3) && (end + 3 == n || !isIdentPart(sql.charAt(end + 3)))) {
                    out.append(sql, i, end + 3);
                    i = end + 3;
                    inTriggerBody = false;
                } else {
                    out.append(c);
                    i++;
                }
            } else if (c == ';') {
                trailing = sql.substring(i + 1).strip();
                while (trailing.startsWith(";")) trailing = trailing.substring(1).strip();
                break;
            } else {
                out.append(c);
                i++;
            }
        }
        return new SqlText(sql, out.toString().strip(), List.copyOf(params), head.isEmpty() ? "" : head.get(0), trailing);
    }

    private static final Set<String> TEMP = Set.of("TEMP", "TEMPORARY");

    /** Up to {@code n} leading keywords, upper-case (CREATE, UNIQUE, INDEX), skipping comments; they say what kind of statement it is. */
    public List<String> leadingWords(int n) {
        return leadingWords(source, n);
    }

    /** Why this statement may not run in a tool or verifier, or null when it may. */
    public String refusal(Set<String> allowed) {
        if (!trailing.isEmpty()) return "holds more than one statement (text after ';'): write one statement per step";
        if (!allowed.contains(keyword)) return "starts with " + (keyword.isEmpty() ? "nothing" : keyword) + "; only " + String.join(", ", allowed.stream().sorted().toList()) + " are allowed";
        if (jdbc.toLowerCase(Locale.ROOT).contains("load_extension")) return "calls load_extension, which is not allowed";
        return null;
    }

    private static List<String> leadingWords(String sql, int n) {
        List<String> words = new ArrayList<>(n);
        int i = skipBlank(sql, 0);
        while (words.size() < n && i < sql.length() && Character.isLetter(sql.charAt(i))) {
            int j = i;
            while (j < sql.length() && Character.isLetter(sql.charAt(j))) j++;
            words.add(sql.substring(i, j).toUpperCase(Locale.ROOT));
            if (j < sql.length() && isIdentPart(sql.charAt(j))) break; // a name such as t2, not a keyword
            i = skipBlank(sql, j);
        }
        return words;
    }

    /** The index of the first character at or after {@code i} that is neither white space nor inside a comment. */
    private static int skipBlank(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            if (Character.isWhitespace(sql.charAt(i))) i++;
            else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else break;
        }
        return i;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
