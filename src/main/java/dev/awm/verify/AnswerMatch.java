package dev.awm.verify;

import dev.awm.world.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges an answer check that names values: every expected value must be named (with {@code "any": true}, one form
 * of each row), and with candidates no other candidate may be. A value counts as named only where it is not part of
 * a longer named value: "Mug" is not named by "Blue Mug" when both are values of the check. An answer that hedges
 * ("maybe") or offers something else beside an expected value ("X or Y") fails, whatever it names.
 */
final class AnswerMatch {

    private AnswerMatch() {}

    static Verifier.CheckResult judge(TaskSpec.Check c, List<Map<String, Object>> rows, List<Object> others, AnswerText answer) {
        List<Object> all = new ArrayList<>();
        for (Map<String, Object> row : rows) for (Object v : row.values()) if (Verifier.isValue(v)) all.add(v);
        int expectedCount = all.size();
        all.addAll(others);
        List<List<AnswerText.Span>> spans = spans(answer, all, expectedCount);
        List<Boolean> named = named(all, spans, expectedCount);
        List<String> missing = new ArrayList<>();
        int at = 0;
        for (Map<String, Object> row : rows) {
            List<String> rowMissing = new ArrayList<>();
            boolean rowNamed = false;
            for (Object v : row.values()) {
                if (!Verifier.isValue(v)) continue;
                boolean n = named.get(at++);
                if (!n) rowMissing.add(AnswerText.show(v));
                rowNamed |= n;
            }
            if (c.match() != TaskSpec.Match.ANY_PER_ROW) missing.addAll(rowMissing);
            else if (!rowNamed && !rowMissing.isEmpty()) missing.add(String.join(" or ", rowMissing));
        }
        List<String> namedOthers = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) if (named.get(expectedCount + i)) namedOthers.add(AnswerText.show(others.get(i)));
        if (expectedCount == 0) return new Verifier.CheckResult("answer", c.message(), false, "the check read no value to look for");
        if (!missing.isEmpty()) return new Verifier.CheckResult("answer", c.message(), false, "missing from the answer: " + String.join(", ", missing));
        if (!namedOthers.isEmpty()) return new Verifier.CheckResult("answer", c.message(), false, "names other candidates too: " + String.join(", ", namedOthers));
        List<AnswerText.Span> expectedSpans = new ArrayList<>();
        for (int i = 0; i < expectedCount; i++) expectedSpans.addAll(spans.get(i));
        String hedge = answer.hedge(expectedSpans);
        if (hedge != null) return new Verifier.CheckResult("answer", c.message(), false, "hedges ('" + hedge + "'): a final answer must commit to what it states");
        String alternative = answer.alternative(expectedSpans);
        if (alternative != null) return new Verifier.CheckResult("answer", c.message(), false, "offers an alternative to what it should state: '" + alternative + "'");
        String found = "all " + expectedCount + " values found";
        return new Verifier.CheckResult("answer", c.message(), true, c.candidates() == null ? found : found + ", no other of " + others.size() + " candidates named");
    }

    /**
     * For each value, whether the answer names it somewhere that is not inside a longer mention of another value,
     * where one of the two is a candidate (from index {@code expected} on): "Mug" inside "Blue Mug" names only the
     * Blue Mug. Expected values never hide each other, so without candidates this is plain "the answer contains it".
     * Other candidates must stand as whole words ({@link AnswerText#findWords}).
     */
    static List<Boolean> named(AnswerText answer, List<Object> values, int expected) {
        return named(values, spans(answer, values, expected), expected);
    }

    /** Where the answer mentions each value: expected ones as {@link AnswerText#find}s them, candidates as whole words. */
    private static List<List<AnswerText.Span>> spans(AnswerText answer, List<Object> values, int expected) {
        List<List<AnswerText.Span>> spans = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) spans.add(i < expected ? answer.find(values.get(i)) : answer.findWords(values.get(i)));
        return spans;
    }

    private static List<Boolean> named(List<Object> values, List<List<AnswerText.Span>> spans, int expected) {
        List<Boolean> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            boolean any = false;
            for (AnswerText.Span s : spans.get(i)) {
                if (!insideAnother(s, i, values, spans, expected)) {
                    any = true;
                    break;
                }
            }
            out.add(any);
        }
        return out;
    }

    private static boolean insideAnother(AnswerText.Span s, int self, List<Object> values, List<List<AnswerText.Span>> spans, int expected) {
        for (int j = 0; j < spans.size(); j++) {
            if (j == self || (self < expected && j < expected) || AnswerText.same(values.get(j), values.get(self))) continue;
            for (AnswerText.Span t : spans.get(j)) if (s.within(t)) return true;
        }
        return false;
    }
}
