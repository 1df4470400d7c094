package dev.awm.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code awm gen} is asked for, and the guarantees each stage enforces.
 *
 * @param seeds a JSONL file of {@code {name, description}}; null for the list shipped in the jar
 * @param only the worlds to work on; empty for all
 * @param from a world set to import (AWM-1K stage files) before the stages run; null for none
 * @param categoryCap most accepted scenarios per category; 0 for max(2, 10% of the target)
 * @param hacksPerTask red-team episodes asked for per task; 0 skips the red team
 */
public record GenSettings(int targetCount, int tasksPerWorld, Path seeds, List<String> only, Path from, int maxAttempts, int minTables, int maxTables,
        int minTools, int minSeedRows, int categoryCap, double embeddingSimilarity, double lexicalSimilarity, int hacksPerTask) {

    public GenSettings {
        only = only == null ? List.of() : List.copyOf(only);
        if (targetCount < 0) throw new IllegalArgumentException("--target-count must not be negative");
        if (tasksPerWorld < 1) throw new IllegalArgumentException("--tasks-per-world must be at least 1");
        if (maxAttempts < 1) throw new IllegalArgumentException("--max-attempts must be at least 1");
        if (minTables > maxTables) throw new IllegalArgumentException("--min-tables is larger than --max-tables");
    }

    /** The defaults of the issue: 10 tasks, 4 attempts, 15-25 tables, 20 tools, 50 seed rows, 0.85 cosine similarity. */
    public static GenSettings defaults(int targetCount) {
        return new GenSettings(targetCount, 10, null, List.of(), null, 4, 15, 25, 20, 50, 0, 0.85, 0.6, 3);
    }

    int cap() {
        return categoryCap > 0 ? categoryCap : Math.max(2, (int) Math.ceil(targetCount * 0.1));
    }

    boolean wants(String world) {
        return only.isEmpty() || only.contains(world);
    }
}
