package dev.awm.verify;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An agent's final answer, read the way a person would: where a database value is named in it. Text matches as
 * {@link #normalize} reads it (case, white space and typography aside); a number matches any number written in the
 * answer that equals it to the cent (19.5 is "19.50", "$19.5"; 4.0 is "4", "4.0"), with thousands separators, and
 * written in words ("eighty-five dollars"), but never as a fragment of a longer number (12 is not in 120 or 3.12) nor
 * inside a date or a clock time (4 is not in "2026-02-04" or "4:00"). A value named only under a negation ("it isn't
 * X", "not $85") is not named. {@link #hedge} and {@link #alternative} tell an answer that does not commit.
 */
final class AnswerText {

    /** Where a value is named: {@code [start, end)} of the answer. */
    record Span(int start, int end) {
        /** True when {@code other} covers this span and is longer: "Mug" inside "Blue Mug". */
        boolean within(Span other) {
            return other.start <= start && end <= other.end && other.end - other.start > end - start;
        }
    }

    /** A number as written in digits, thousands separators already removed: 1650, 19.5, 4.0. */
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("\\d+(?:\\.\\d+)?");
    /** Dates and clock times, whose digits are not numbers of their own: 2026-02-04, 3/14/2026, 08:04, 4:00:59. */
    private static final java.util.regex.Pattern DATE_OR_TIME = java.util.regex.Pattern.compile(
            "\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}/\\d{1,2}/\\d{2,4}|\\d{1,2}:\\d{2}(?::\\d{2})?");
    /** A word: letters, digits and apostrophes, with the separators inside a number or a code ("$1,650.00", "2026-04-10"). */
    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[\\p{L}\\p{N}$'](?:[\\p{L}\\p{N}$'.,:/-]*[\\p{L}\\p{N}'])?");
    /** Words that deny what follows them in the same clause (and any word ending in "n't"). */
    private static final Set<String> NEGATORS = Set.of("not", "no", "never", "neither", "nor", "without", "none", "cannot");
    /** Words after which a clause no longer denies: "not X but Y", "none except Y". */
    private static final Set<String> CLAUSE_TURNS = Set.of("but", "except", "only", "instead", "rather", "however");
    /** Words that mark an answer as a guess. */
    private static final List<String> HEDGES = List.of("maybe", "possibly", "perhaps", "probably", "not sure", "unsure", "i think", "i guess",
            "i believe", "or so", "not certain", "somewhere between", "anywhere between", "roughly", "approximately");
    /** Words that, right after "or", start a new clause (an offer, a question) rather than name another value. */
    private static final Set<String> CLAUSE_STARTS = Set.of("i", "you", "we", "it", "would", "should", "if", "let", "do", "can", "shall", "want",
            "need", "feel", "reply", "tell", "just", "else");

    private final String lower;
    /** {@code lower} without thousands separators, and where each of its characters is in {@code lower}. */
    private final String plain;
    private final int[] plainAt;
    private final List<NumberWords.Phrase> numberWords;
    /** Where dates and clock times stand in {@code plain}. */
    private final List<Span> datesAndTimes = new ArrayList<>();
    /** The answer's words in order. */
    private final List<Span> words = new ArrayList<>();

    AnswerText(String answer) {
        this.lower = normalize(answer == null ? "" : answer);
        StringBuilder p = new StringBuilder(lower.length());
        int[] at = new int[lower.length() + 1];
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) == ',' && thousandsSeparator(i)) continue;
            at[p.length()] = i;
            p.append(lower.charAt(i));
        }
        at[p.length()] = lower.length();
        this.plain = p.toString();
        this.plainAt = at;
        this.numberWords = NumberWords.find(lower);
        for (var m = DATE_OR_TIME.matcher(plain); m.find(); ) datesAndTimes.add(new Span(m.start(), m.end()));
        for (var m = WORD.matcher(lower); m.find(); ) words.add(new Span(m.start(), m.end()));
    }

    /** "1,250" and "1,234,567" but not "3,4" or "12,50". */
    private boolean thousandsSeparator(int i) {
        if (i == 0 || !Character.isDigit(lower.charAt(i - 1))) return false;
        int digits = 0;
        while (i + 1 + digits < lower.length() && Character.isDigit(lower.charAt(i + 1 + digits))) digits++;
        return digits == 3;
    }

    boolean names(Object value) {
        return !find(value).isEmpty();
    }

    /**
     * As {@link #find}, but text must stand as whole words (a plural "s" or "es", or "'s", may follow): how other
     * candidates are looked for, so that candidate "other" is not named by "another", nor "home" by "homework". An
     * expected value is looked for with {@link #find}, leniently, so that a right answer is not refused for its
     * grammar ("2 Blue Mugs").
     */
    List<Span> findWords(Object value) {
        List<Span> spans = find(value);
        if (value instanceof Number) return spans;
        List<Span> words = new ArrayList<>(spans.size());
        for (Span s : spans) {
            boolean startsWord = s.start == 0 || !Character.isLetterOrDigit(lower.charAt(s.start - 1)) || !Character.isLetterOrDigit(lower.charAt(s.start));
            int end = s.end;
            for (String suffix : new String[] {"'s", "es", "s"}) {
                if (lower.startsWith(suffix, end)) {
                    end += suffix.length();
                    break;
                }
            }
            boolean endsWord = end >= lower.length() || !Character.isLetterOrDigit(lower.charAt(end)) || !Character.isLetterOrDigit(lower.charAt(s.end - 1));
            if (startsWord && endsWord) words.add(s);
        }
        return words;
    }

    /** Every place the answer names {@code value}. NULL and blank text are never named. */
    List<Span> find(Object value) {
        List<Span> spans = new ArrayList<>();
        if (value == null || value.toString().isBlank()) return spans;
        if (value instanceof Number n) {
            BigDecimal exact = rounded(n);
            java.util.regex.Matcher m = NUMBER.matcher(plain);
            while (m.find()) {
                if (standalone(m.start(), m.end()) && !inDateOrTime(m.start(), m.end()) && new BigDecimal(m.group()).compareTo(exact) == 0) {
                    spans.add(new Span(plainAt[m.start()], plainAt[m.end() - 1] + 1));
                }
            }
            for (NumberWords.Phrase w : numberWords) {
                if (w.value().compareTo(exact) == 0) spans.add(new Span(w.start(), w.end()));
            }
        } else {
            String f = normalize(value.toString());
            for (int i = lower.indexOf(f); i >= 0; i = lower.indexOf(f, i + 1)) {
                if (digitEdgesStandalone(f, i, i + f.length())) spans.add(new Span(i, i + f.length()));
            }
        }
        spans.removeIf(this::negated);
        return spans;
    }

    private boolean inDateOrTime(int start, int end) {
        for (Span d : datesAndTimes) if (start < d.end && d.start < end) return true;
        return false;
    }

    /**
     * True when one of the three words before {@code s}, in its clause, denies it: "it isn't X", "not $85", "no longer
     * offline". A clause ends at punctuation and turns at "but", "except" and the like ("not A but X" names X).
     */
    boolean negated(Span s) {
        int next = s.start;
        for (int w = wordBefore(s.start), seen = 0; w >= 0 && seen < 3; w--, seen++) {
            Span word = words.get(w);
            if (breaks(word.end, next, ".,;:!?()[]\"\u2026")) return false;
            String text = lower.substring(word.start, word.end);
            if (CLAUSE_TURNS.contains(text)) return false;
            if (NEGATORS.contains(text) || text.endsWith("n't")) return true;
            next = word.start;
        }
        return false;
    }

    /** The index of the last word that ends at or before {@code at}, or -1. */
    private int wordBefore(int at) {
        int lo = 0, hi = words.size(); // words are in order: the first with end > at, minus one
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (words.get(mid).end > at) hi = mid;
            else lo = mid + 1;
        }
        return lo - 1;
    }

    /** Whether the text between two words holds one of {@code marks} (punctuation inside a word never counts). */
    private boolean breaks(int from, int to, String marks) {
        for (int i = from; i < to; i++) if (marks.indexOf(lower.charAt(i)) >= 0) return true;
        return false;
    }

    /** The first guess word of the answer ("maybe", "possibly", "I think"...) outside the {@code named} values, or null when it commits. */
    String hedge(List<Span> named) {
        for (String h : HEDGES) {
            for (int i = lower.indexOf(h); i >= 0; i = lower.indexOf(h, i + 1)) {
                int start = i, end = i + h.length();
                boolean word = (i == 0 || !Character.isLetterOrDigit(lower.charAt(i - 1))) && (end >= lower.length() || !Character.isLetterOrDigit(lower.charAt(end)));
                if (word && named.stream().noneMatch(n -> n.start <= start && end <= n.end)) return h;
            }
        }
        return null;
    }

    /**
     * Where the answer offers something else beside a named value: an "or" with a named value among the three words
     * on one side of it and, on the other, words that name none ("2F or 2R", "$85 or $75", "Wei Chen, or the building
     * manager"). An "or" between two named values ("Visa or Amex") is a list, and one that starts a clause ("..., or
     * would you like...") an offer. Returns the words around the "or", or null.
     */
    String alternative(List<Span> named) {
        for (int w = 1; w + 1 < words.size(); w++) {
            Span or = words.get(w);
            if (!lower.substring(or.start, or.end).equals("or")) continue;
            Span after = words.get(w + 1);
            if (CLAUSE_STARTS.contains(lower.substring(after.start, after.end)) || named.stream().anyMatch(n -> n.start <= or.start && or.end <= n.end)) continue;
            int from = w, to = w;
            while (from > 0 && w - from < 3 && !breaks(words.get(from - 1).end, words.get(from).start, ".;!?:\u2026")) from--;
            while (to + 1 < words.size() && to - w < 3 && !breaks(words.get(to).end, words.get(to + 1).start, ".;!?:\u2026")) to++;
            if (from == w || to == w) continue;
            int leftStart = words.get(from).start, rightEnd = words.get(to).end;
            boolean left = false, right = false;
            for (Span s : named) {
                left |= s.end > leftStart && s.start < or.start;
                right |= s.start >= or.end && s.start < rightEnd;
            }
            if (left != right) return lower.substring(leftStart, rightEnd);
        }
        return null;
    }

    /**
     * Text as a reader sees it: compatibility forms folded (NFKC), invisible format characters (zero-width spaces)
     * dropped, typographic quotes and dashes made plain, runs of white space made one space, lower case. Without it an
     * answer could name a candidate so that a person reads it and the check does not (a zero-width space inside "Teapot",
     * a Cyrillic letter inside "cancelled").
     */
    static String normalize(String text) {
        return plainAscii(text) ? text.toLowerCase(Locale.ROOT) : fold(text); // plain ASCII: what fold makes of it, at a tenth of the cost
    }

    /** {@link #normalize} in full. */
    static String fold(String text) {
        String n = Normalizer.normalize(vulgarFractions(text), Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(n.length());
        boolean space = false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (Character.getType(c) == Character.FORMAT) continue;
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = true;
                continue;
            }
            if (space && !out.isEmpty()) out.append(' ');
            space = false;
            out.append(switch (c) {
                case '\u2018', '\u2019', '\u201B', '\u2032' -> '\'';
                case '\u201C', '\u201D', '\u2033' -> '"';
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212' -> '-';
                default -> c;
            });
        }
        String lower = out.toString().toLowerCase(Locale.ROOT);
        StringBuilder folded = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) folded.append(LOOK_ALIKES.getOrDefault(lower.charAt(i), lower.charAt(i)));
        return folded.toString();
    }

    /**
     * Text that begins or ends with a digit (a unit "2F", a card number, a code "B22") must not run on into a longer
     * token there: unit "1" is not named by "$1,650" or "1BR", nor "305" by "1305 sq ft". Elsewhere text matches as a
     * plain substring, so "Blue Mug" is named by "2 Blue Mugs".
     */
    private boolean digitEdgesStandalone(String value, int start, int end) {
        if (Character.isDigit(value.charAt(0)) && start > 0) {
            char b = lower.charAt(start - 1);
            if (Character.isLetterOrDigit(b) || (b == '.' || b == ',') && start > 1 && Character.isDigit(lower.charAt(start - 2))) return false;
        }
        if (Character.isDigit(value.charAt(value.length() - 1)) && end < lower.length()) {
            char a = lower.charAt(end);
            if (Character.isLetterOrDigit(a) || (a == '.' || a == ',') && end + 1 < lower.length() && Character.isDigit(lower.charAt(end + 1))) return false;
        }
        return true;
    }

    /** Printable ASCII with single spaces between words: NFKC, the typography and the look-alikes leave it as it is. */
    private static boolean plainAscii(String text) {
        int n = text.length();
        if (n == 0 || text.charAt(0) == ' ' || text.charAt(n - 1) == ' ') return false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c > '~' || c < ' ' || c == ' ' && text.charAt(i - 1) == ' ') return false;
        }
        return true;
    }

    /** Cyrillic and Greek letters (lower case) that look like Latin ones, read as the Latin letter they look like. */
    private static final Map<Character, Character> LOOK_ALIKES = lookAlikes(
            "\u0430a\u0432b\u0435e\u043Ak\u043Cm\u043Dh\u043Eo\u0440p\u0441c\u0442t\u0443y\u0445x\u0456i\u0458j\u0455s\u0501d\u051Bq"
                    + "\u051Dw\u04CFl\u03B1a\u03B2b\u03B5e\u03B6z\u03B7n\u03B9i\u03BAk\u03BCu\u03BDv\u03BFo\u03C1p\u03C4t\u03C5u\u03C7x");

    private static Map<Character, Character> lookAlikes(String pairs) {
        Map<Character, Character> map = new java.util.HashMap<>();
        for (int i = 0; i + 1 < pairs.length(); i += 2) map.put(pairs.charAt(i), pairs.charAt(i + 1));
        return Map.copyOf(map);
    }

    /** "3½" as "3.5" and a lone "¾" as "0.75": NFKC alone would make "3½" read "31⁄2". */
    private static String vulgarFractions(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            String decimals = switch (text.charAt(i)) {
                case '\u00BD' -> ".5";
                case '\u00BC' -> ".25";
                case '\u00BE' -> ".75";
                default -> null;
            };
            if (decimals == null) out.append(text.charAt(i));
            else out.append(i > 0 && Character.isDigit(text.charAt(i - 1)) ? decimals : "0" + decimals);
        }
        return out.toString();
    }

    /** A number must not be a fragment of a longer one. */
    private boolean standalone(int start, int end) {
        boolean before = start > 0 && (Character.isDigit(plain.charAt(start - 1)) || (plain.charAt(start - 1) == '.' && start > 1 && Character.isDigit(plain.charAt(start - 2))));
        boolean after = end < plain.length() && (Character.isDigit(plain.charAt(end)) || (plain.charAt(end) == '.' && end + 1 < plain.length() && Character.isDigit(plain.charAt(end + 1))));
        return !before && !after;
    }

    static BigDecimal rounded(Number n) {
        BigDecimal d = n instanceof Long || n instanceof Integer ? BigDecimal.valueOf(n.longValue()) : BigDecimal.valueOf(n.doubleValue());
        return d.setScale(2, RoundingMode.HALF_UP);
    }

    /** The ways a value is written: text as it is; numbers plain and with two decimals. */
    static List<String> forms(Object v) {
        if (v instanceof Long || v instanceof Integer) return List.of(v.toString());
        if (v instanceof Number n) {
            double d = n.doubleValue();
            List<String> forms = new ArrayList<>();
            forms.add(String.format(Locale.ROOT, "%.2f", d));
            if (d == Math.rint(d)) forms.add(String.valueOf((long) d));
            forms.add(rounded(n).stripTrailingZeros().toPlainString());
            return forms;
        }
        return List.of(v.toString().strip());
    }

    static String show(Object v) {
        return forms(v).get(0);
    }

    /**
     * A set of values under {@link #same}, each normalized once: a candidate list of thousands of values is sorted out
     * in linear time rather than comparing every pair.
     */
    static final class Sameness {
        private final Set<BigDecimal> numbers = new java.util.HashSet<>();
        private final Set<String> textOfNumbers = new java.util.HashSet<>(), textOfText = new java.util.HashSet<>();

        void add(Object v) {
            String text = normalize(show(v));
            if (v instanceof Number n) {
                numbers.add(rounded(n));
                textOfNumbers.add(text);
            } else {
                textOfText.add(text);
            }
        }

        /** Whether a value {@link #same} as {@code v} was added. */
        boolean contains(Object v) {
            String text = normalize(show(v));
            if (v instanceof Number n) return numbers.contains(rounded(n)) || textOfText.contains(text);
            return textOfText.contains(text) || textOfNumbers.contains(text);
        }
    }

    /** Two database values that name the same thing: equal numbers (to the cent), or equal text ignoring case. */
    static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return rounded(x).compareTo(rounded(y)) == 0;
        return a != null && b != null && normalize(show(a)).equals(normalize(show(b)));
    }
}
