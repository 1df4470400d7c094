package dev.awm.synth;

import dev.awm.verify.WorldCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the proof {@code awm check} runs ({@link WorldCheck.Report}) the way the verifier and red-team stages need it:
 * the errors of each task, the rest, and the near misses a verifier paid for. Everything that depends on the wording
 * or shape of the report is here, so that a change of the report changes only this class.
 */
final class ProofReader {

    private static final Pattern TASK = Pattern.compile("^task (\\d+)\\b[: ]\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern VERIFIER_LINE = Pattern.compile("gen_verifier\\.jsonl line (\\d+): (.*)$", Pattern.DOTALL);
    private static final Pattern PAID = Pattern.compile("the near miss '(.*)' passes every check");

    private ProofReader() {}

    /** Each task's errors, by task index, in the words of the report. */
    static Map<Integer, List<String>> taskErrors(WorldCheck.Report r) {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        for (String e : r.errors()) {
            Matcher m = TASK.matcher(e);
            if (m.matches()) out.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /** Errors about the world rather than one task (its build, its tools, a malformed verifier line). */
    static List<String> worldErrors(WorldCheck.Report r) {
        return r.errors().stream().filter(e -> !TASK.matcher(e).matches()).toList();
    }

    /** The 1-based line of gen_verifier.jsonl a world error is about, or -1. */
    static int verifierLine(String error) {
        Matcher m = VERIFIER_LINE.matcher(error);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The {@code why} of each near miss of task {@code task} that the verifier paid a reward for. */
    static List<String> paidNearMisses(WorldCheck.Report r, int task) {
        List<String> out = new ArrayList<>();
        for (String e : taskErrors(r).getOrDefault(task, List.of())) {
            Matcher m = PAID.matcher(e);
            if (m.find()) out.add(m.group(1));
        }
        return out;
    }
}
