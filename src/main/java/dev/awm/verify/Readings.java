package dev.awm.verify;

import dev.awm.world.TaskSpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The verifier's readings of recently scored final states, so that episodes ending in a state already read are judged
 * on their answer alone: the rollouts of a GRPO group often end alike (every rollout of a question that changes
 * nothing ends in the initial state). A reading is a function of the task and the two states, so one is reused only for
 * the same task, the same initial state and a final state equal byte for byte; it is keyed by the pages the final
 * state changed, which are few, so the memory it holds stays small. Readings of checks that failed to run, of final
 * states that changed many pages, and of tasks whose checks read the clock or random numbers are not kept.
 */
final class Readings {

    /** Readings kept per scorer; the least recently used goes first. */
    static final int KEEP = 64;
    /** A final state that changed more than this many bytes of pages is not kept. */
    static final int MAX_CHANGED_BYTES = 64 * 1024;
    private static final int PAGE = 4096; // compared in chunks of SQLite's default page size; any size of page compares correctly
    private static final Pattern UNSTABLE = Pattern.compile("(?i)\\b(random|randomblob|changes|total_changes|last_insert_rowid)\\s*\\(|'now'|\\bcurrent_(date|time|timestamp)\\b");

    /** The pages of a final state that differ from its initial state, with their bytes. */
    private record Key(TaskSpec task, byte[] initial, int length, int[] pages, byte[] bytes, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.task == task && k.length == length && k.hash == hash && Arrays.equals(k.pages, pages) && Arrays.equals(k.bytes, bytes)
                    && (k.initial == initial || Arrays.equals(k.initial, initial));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Key, Verifier.Reading> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Verifier.Reading> eldest) {
            return size() > KEEP;
        }
    };
    /** Whether each task's checks may be reused, by identity: a task's hash reads every check's text. */
    private final Map<TaskSpec, Boolean> stable = Collections.synchronizedMap(new IdentityHashMap<>());
    private long reused, read;

    /** The reading of {@code fin} for {@code task}: a kept one, or {@code read}'s (kept when it may be reused). */
    Verifier.Reading get(TaskSpec task, byte[] initial, byte[] fin, Supplier<Verifier.Reading> reading) {
        Key key = stable.computeIfAbsent(task, Readings::stable) ? key(task, initial, fin) : null;
        synchronized (kept) {
            Verifier.Reading r = key == null ? null : kept.get(key);
            if (r != null) {
                reused++;
                return r;
            }
            read++;
        }
        Verifier.Reading r = reading.get();
        if (key != null && r.allRan()) {
            synchronized (kept) {
                kept.put(key, r);
            }
        }
        return r;
    }

    /** How many verdicts reused a reading, and how many read their states. */
    long[] counts() {
        synchronized (kept) {
            return new long[] {reused, read};
        }
    }

    /** Whether every check of {@code task} reads only the two states (no clock, no random numbers, no connection state). */
    static boolean stable(TaskSpec task) {
        for (TaskSpec.Check c : task.checks()) if (UNSTABLE.matcher(c.sql()).find()) return false;
        for (TaskSpec.Check c : task.answerChecks()) {
            if (UNSTABLE.matcher(c.sql()).find() || c.candidates() != null && UNSTABLE.matcher(c.candidates()).find()) return false;
        }
        return true;
    }

    /** The key of {@code fin}, or null when it changed too much of {@code initial} to keep. */
    private static Key key(TaskSpec task, byte[] initial, byte[] fin) {
        int pages = (Math.max(initial.length, fin.length) + PAGE - 1) / PAGE;
        int[] changed = new int[8];
        int n = 0;
        for (int p = 0; p < pages; p++) {
            int from = p * PAGE, to = Math.min(fin.length, from + PAGE);
            boolean same = to - from == PAGE && from + PAGE <= initial.length && Arrays.equals(fin, from, to, initial, from, from + PAGE);
            if (same) continue;
            if ((n + 1) * PAGE > MAX_CHANGED_BYTES) return null;
            if (n == changed.length) changed = Arrays.copyOf(changed, n * 2);
            changed[n++] = p;
        }
        changed = Arrays.copyOf(changed, n);
        byte[] bytes = new byte[0];
        for (int p : changed) {
            int from = Math.min(fin.length, p * PAGE), to = Math.min(fin.length, from + PAGE);
            int at = bytes.length;
            bytes = Arrays.copyOf(bytes, at + to - from);
            System.arraycopy(fin, from, bytes, at, to - from);
        }
        int hash = Objects.hash(System.identityHashCode(task), fin.length, Arrays.hashCode(changed), Arrays.hashCode(bytes));
        return new Key(task, initial, fin.length, changed, bytes, hash);
    }
}
