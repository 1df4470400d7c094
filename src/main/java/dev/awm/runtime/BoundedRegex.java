package dev.awm.runtime;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressions;
import java.util.regex.Pattern;

/**
 * A JSON Schema {@code pattern} that may run for a bounded time. The pattern comes from a world file and the text from
 * an agent, and a pattern such as {@code (a+)+$} backtracks for ages over a few dozen characters; the text is read
 * through a view that gives up past the deadline, as the JDK's own expression would read it otherwise.
 */
final class BoundedRegex implements RegularExpression {

    /** The time all the pattern matching of one validation may take. */
    static final long BUDGET_NANOS = 100_000_000L;
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    /** Thrown when matching took longer than {@link #BUDGET_NANOS}. */
    static final class TooSlow extends RuntimeException {
        TooSlow() {
            super("pattern matching took too long", null, false, false);
        }
    }

    private final Pattern pattern;

    BoundedRegex(String regex) {
        this.pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(RegularExpressions.replaceDollarAnchors(regex)));
    }

    /** Runs {@code validation} with every pattern it matches sharing one deadline, {@link #BUDGET_NANOS} away. */
    static <T> T bounded(java.util.function.Supplier<T> validation) {
        DEADLINE.set(System.nanoTime() + BUDGET_NANOS);
        try {
            return validation.get();
        } finally {
            DEADLINE.remove();
        }
    }

    @Override
    public boolean matches(String value) {
        Long deadline = DEADLINE.get();
        return pattern.matcher(new Deadlined(value, deadline != null ? deadline : System.nanoTime() + BUDGET_NANOS)).find();
    }

    /** The text, read through a clock check every 1,024 characters read. */
    private static final class Deadlined implements CharSequence {
        private final String text;
        private final long deadlineNanos;
        private int reads;

        Deadlined(String text, long deadlineNanos) {
            this.text = text;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0x3FF) == 0 && System.nanoTime() > deadlineNanos) throw new TooSlow();
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadlined(text.substring(start, end), deadlineNanos);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
