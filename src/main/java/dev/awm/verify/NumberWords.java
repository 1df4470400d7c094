package dev.awm.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers written in words, found in free text with where they are: cardinals ("seven", "eighty-five", "one hundred
 * and twenty", "twelve hundred", "one thousand two hundred fifty"), "and a half" ("a quarter", "three quarters"), "point" decimals ("two point
 * five"), and money ("eighty-five dollars and fifty cents", "85 dollars and 50 cents", "fifty cents").
 */
final class NumberWords {

    /** A number phrase: {@code text.substring(start, end)} reads as {@code value}. */
    record Phrase(int start, int end, BigDecimal value) {}

    private static final Map<String, Integer> SMALL = Map.ofEntries(
            Map.entry("zero", 0), Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5),
            Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11),
            Map.entry("twelve", 12), Map.entry("thirteen", 13), Map.entry("fourteen", 14), Map.entry("fifteen", 15), Map.entry("sixteen", 16),
            Map.entry("seventeen", 17), Map.entry("eighteen", 18), Map.entry("nineteen", 19));
    private static final Map<String, Integer> TENS = Map.of("twenty", 20, "thirty", 30, "forty", 40, "fifty", 50, "sixty", 60, "seventy", 70,
            "eighty", 80, "ninety", 90);
    private static final Map<String, Long> SCALES = Map.of("thousand", 1_000L, "million", 1_000_000L, "billion", 1_000_000_000L);
    /** Words before a lone "one" that make it a pronoun ("the one I booked"), not the number 1. */
    private static final List<String> PRONOUN_ONE = List.of("the", "this", "that", "which", "each", "every", "any", "no", "another", "a");

    private static final Pattern TOKEN = Pattern.compile("[a-z]+|\\d+(?:\\.\\d+)?");

    private NumberWords() {}

    private record Token(String text, int start, int end) {}

    static List<Phrase> find(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<Token> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(lower);
        while (m.find()) tokens.add(new Token(m.group(), m.start(), m.end()));
        List<Phrase> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            Parsed p = money(lower, tokens, i);
            if (p == null) p = amount(lower, tokens, i, false);
            if (p == null) {
                i++;
                continue;
            }
            boolean loneOne = p.next == i + 1 && tokens.get(i).text.equals("one");
            if (!(loneOne && i > 0 && PRONOUN_ONE.contains(tokens.get(i - 1).text) && adjacent(lower, tokens.get(i - 1), tokens.get(i)))) {
                out.add(new Phrase(tokens.get(i).start, tokens.get(p.next - 1).end, p.value));
            }
            i = p.next;
        }
        return out;
    }

    private record Parsed(BigDecimal value, int next) {}

    /** "X dollars [and Y cents]" or "Y cents", where X may be digits; null when the tokens at {@code i} are not money in words. */
    private static Parsed money(String text, List<Token> tokens, int i) {
        Parsed whole = amount(text, tokens, i, true);
        if (whole == null || whole.next >= tokens.size() || !adjacent(text, tokens.get(whole.next - 1), tokens.get(whole.next))) return null;
        String unit = tokens.get(whole.next).text;
        if (unit.equals("cents") || unit.equals("cent")) return new Parsed(whole.value.movePointLeft(2), whole.next + 1);
        if (!unit.equals("dollars") && !unit.equals("dollar") && !unit.equals("bucks")) return null;
        int j = whole.next + 1;
        if (j + 1 < tokens.size() && tokens.get(j).text.equals("and")) {
            Parsed cents = amount(text, tokens, j + 1, true);
            if (cents != null && cents.next < tokens.size() && tokens.get(cents.next).text.startsWith("cent") && cents.value.compareTo(BigDecimal.valueOf(100)) < 0) {
                return new Parsed(whole.value.add(cents.value.movePointLeft(2)), cents.next + 1);
            }
        }
        // "eighty-five dollars" is a number phrase; "85 dollars" already reads as 85.
        return tokens.get(i).text.chars().allMatch(Character::isDigit) ? null : new Parsed(whole.value, whole.next);
    }

    /** A cardinal in words at {@code i}, with "and a half" or "point ..." after it; with {@code digits}, also a number in digits. */
    private static Parsed amount(String text, List<Token> tokens, int i, boolean digits) {
        Token first = tokens.get(i);
        if (Character.isDigit(first.text.charAt(0))) return digits ? new Parsed(new BigDecimal(first.text), i + 1) : null;
        long total = 0, current = 0;
        String last = null; // "unit", "teen", "tens", "hundred", "scale", "and"
        int j = i, end = i;
        for (; j < tokens.size(); j++) {
            String w = tokens.get(j).text;
            if (j > i && !adjacent(text, tokens.get(j - 1), tokens.get(j))) break;
            Integer small = SMALL.get(w), tens = TENS.get(w);
            Long scale = SCALES.get(w);
            if (small != null && small < 10) {
                if (!(last == null || last.equals("tens") || last.equals("hundred") || last.equals("scale") || last.equals("and"))) break;
                current += small;
                last = "unit";
            } else if (small != null) {
                if (!(last == null || last.equals("hundred") || last.equals("scale") || last.equals("and"))) break;
                current += small;
                last = "teen";
            } else if (tens != null) {
                if (!(last == null || last.equals("hundred") || last.equals("scale") || last.equals("and"))) break;
                current += tens;
                last = "tens";
            } else if (w.equals("hundred")) {
                if (last == null || current == 0 || current % 100 == 0 || last.equals("hundred")) break;
                current *= 100;
                last = "hundred";
            } else if (scale != null) {
                if (last == null || current == 0 || last.equals("scale")) break;
                total += current * scale;
                current = 0;
                last = "scale";
            } else if (w.equals("and") && (last != null && (last.equals("hundred") || last.equals("scale")))
                    && j + 1 < tokens.size() && (SMALL.containsKey(tokens.get(j + 1).text) || TENS.containsKey(tokens.get(j + 1).text))) {
                last = "and";
                continue;
            } else {
                break;
            }
            end = j + 1;
        }
        if (end == i) return null;
        BigDecimal value = BigDecimal.valueOf(total + current);
        if (end + 2 < tokens.size() && tokens.get(end).text.equals("and") && tokens.get(end + 1).text.equals("a")) {
            String part = tokens.get(end + 2).text;
            if (part.equals("half")) return new Parsed(value.add(new BigDecimal("0.5")), end + 3);
            if (part.equals("quarter")) return new Parsed(value.add(new BigDecimal("0.25")), end + 3);
        }
        if (end + 3 < tokens.size() && tokens.get(end).text.equals("and") && tokens.get(end + 1).text.equals("three") && tokens.get(end + 2).text.equals("quarters")) {
            return new Parsed(value.add(new BigDecimal("0.75")), end + 3);
        }
        if (end + 1 < tokens.size() && tokens.get(end).text.equals("point")) {
            StringBuilder decimals = new StringBuilder();
            int k = end + 1;
            for (; k < tokens.size(); k++) {
                Integer d = SMALL.get(tokens.get(k).text);
                if (d == null || d > 9) break;
                decimals.append(d);
            }
            if (!decimals.isEmpty()) return new Parsed(new BigDecimal(value.toBigInteger() + "." + decimals), k);
        }
        return new Parsed(value, end);
    }

    /** Two tokens of one phrase are separated only by spaces or a hyphen. */
    private static boolean adjacent(String text, Token a, Token b) {
        for (int k = a.end; k < b.start; k++) {
            char c = text.charAt(k);
            if (c != ' ' && c != '-') return false;
        }
        return true;
    }
}
