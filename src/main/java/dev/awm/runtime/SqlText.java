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
 * @param trailing text after a top-level {@code ;} that is not blank: a second statement, which is refused
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
            } else if (c == ';') {
                trailing = sql.substring(i + 1).strip();
                while (trailing.startsWith(";")) trailing = trailing.substring(1).strip();
                break;
            } else {
                out.append(c);
                i++;
            }
        }
        return new SqlText(sql, out.toString().strip(), List.copyOf(params), firstKeyword(sql), trailing);
    }

    /** Why this statement may not run in a tool or verifier, or null when it may. */
    public String refusal(Set<String> allowed) {
        if (!trailing.isEmpty()) return "holds more than one statement (text after ';'): write one statement per step";
        if (!allowed.contains(keyword)) return "starts with " + (keyword.isEmpty() ? "nothing" : keyword) + "; only " + String.join(", ", allowed.stream().sorted().toList()) + " are allowed";
        if (jdbc.toLowerCase(Locale.ROOT).contains("load_extension")) return "calls load_extension, which is not allowed";
        return null;
    }

    private static String firstKeyword(String sql) {
        String s = sql.strip();
        while (s.startsWith("--") || s.startsWith("/*")) {
            int end = s.startsWith("--") ? s.indexOf('\n') : s.indexOf("*/");
            if (end < 0) return "";
            s = s.substring(end + (s.startsWith("--") ? 1 : 2)).strip();
        }
        int j = 0;
        while (j < s.length() && Character.isLetter(s.charAt(j))) j++;
        return s.substring(0, j).toUpperCase(Locale.ROOT);
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
