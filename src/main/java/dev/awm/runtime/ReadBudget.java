package dev.awm.runtime;

/**
 * The characters one tool call may read from its database into bindings, spent value by value as rows are read, so
 * that a call asking for too much fails while reading instead of after building an answer of any size in memory.
 */
final class ReadBudget {

    private final long limit;
    private long left;

    ReadBudget(long chars) {
        this.limit = chars;
        this.left = chars;
    }

    void spend(Object value) {
        long cost = switch (value) {
            case null -> 4;
            case String s -> s.length() + 2L;
            case byte[] b -> b.length * 4L / 3 + 2;
            default -> 8;
        };
        left -= cost;
        if (left < 0) throw new Exceeded(limit);
    }

    /** Thrown when a call has read more than its budget. */
    static final class Exceeded extends RuntimeException {
        final long limit;

        Exceeded(long limit) {
            super("read more than " + limit + " characters", null, false, false);
            this.limit = limit;
        }
    }
}
