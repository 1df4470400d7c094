package dev.awm.synth;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** How alike two scenarios are: cosine of embedding vectors, or, without an embedding model, the overlap of their words. */
final class Similarity {

    private static final Set<String> STOP = Set.of("the", "and", "for", "with", "their", "they", "that", "this", "from", "users", "user", "can", "your",
            "app", "platform", "where", "which", "into", "also", "such", "like", "other", "more", "each", "have", "allows", "lets", "service");

    private Similarity() {}

    static double cosine(double[] a, double[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** Jaccard similarity of the content words (four letters or more, common words left out). */
    static double lexical(String a, String b) {
        Set<String> x = words(a), y = words(b);
        if (x.isEmpty() || y.isEmpty()) return 0;
        Set<String> both = new HashSet<>(x);
        both.retainAll(y);
        return (double) both.size() / (x.size() + y.size() - both.size());
    }

    static Set<String> words(String s) {
        Set<String> out = new HashSet<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (w.length() >= 4 && !STOP.contains(w)) out.add(w.endsWith("s") && w.length() > 4 ? w.substring(0, w.length() - 1) : w);
        }
        return out;
    }
}
