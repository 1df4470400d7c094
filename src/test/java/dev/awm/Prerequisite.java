package dev.awm;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Something a test needs from the machine (Node.js, the AWM-1K files): where it is missing the test is skipped with
 * a message saying what to install or download, except under CI=true, where it fails, so CI never passes by skipping.
 */
public final class Prerequisite {

    private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();

    private Prerequisite() {}

    public static void require(boolean present, String whatIsMissing) {
        if (present) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(whatIsMissing + " (CI=true, so this fails instead of being skipped)");
        // Maven's console counts skipped tests but shows no reason: say it once, on the test output it does show.
        if (TOLD.add(whatIsMissing)) System.out.println("[SKIPPED] " + whatIsMissing + " (tests that need it are skipped)");
        Assumptions.abort(whatIsMissing);
    }
}
