package dev.awm.synth;

/** How one world fared at one stage. {@code reason} says why it was rejected. */
record StageResult(Status status, int attempts, String reason) {

    enum Status { ACCEPTED, REPAIRED, KEPT, REJECTED }

    static StageResult of(Repair.Outcome o) {
        if (o.ok()) return new StageResult(o.repaired() ? Status.REPAIRED : Status.ACCEPTED, o.attempts(), null);
        return rejected(o.attempts(), o.problems().size() + " problem(s) left after " + o.attempts() + " attempt(s): "
                + String.join("; ", o.problems().stream().limit(5).map(Problem::message).toList()) + (o.problems().size() > 5 ? "; ..." : ""));
    }

    static StageResult kept() {
        return new StageResult(Status.KEPT, 0, null);
    }

    static StageResult rejected(int attempts, String reason) {
        return new StageResult(Status.REJECTED, attempts, reason);
    }
}
