package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.llm.Message;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Scenarios from seed platforms: each is classified by the LLM (suitable for a stateful, database-backed app, with a
 * reason and a category) and described as the simulated app; near duplicates of accepted scenarios are rejected
 * (cosine similarity of embeddings where an embedding model is configured, else the overlap of their words), and no
 * category takes more than its cap. When the seeds run out before the target, the LLM proposes new platforms.
 */
final class ScenarioStage {

    private static final int BATCH = 8, IDEA_ROUNDS = 3;
    private static final Pattern NOW = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    private final Gen gen;

    ScenarioStage(Gen gen) {
        this.gen = gen;
    }

    private record Accepted(String scenario, String category, String text) {}

    /** Adds scenarios until the directory holds the target count of worlds (rejected ones do not count). */
    void run(StageStats stats) {
        GenDir dir = gen.dir;
        int need = gen.settings.targetCount() - dir.worlds().size();
        if (need <= 0) return;
        List<Accepted> accepted = new ArrayList<>();
        Set<String> considered = new HashSet<>(), names = new java.util.LinkedHashSet<>(); // lower-case to match; as written to show
        for (String w : dir.worlds()) {
            JsonNode s = dir.line(w, GenDir.SCENARIO);
            if (s == null) continue;
            accepted.add(new Accepted(w, s.path("category").asString(""), s.path("name").asString(w) + ": " + s.path("description").asString("")));
            names.add(s.path("seed").asString(s.path("name").asString(w)));
            considered.add(s.path("seed").asString(s.path("name").asString(w)).toLowerCase(Locale.ROOT));
        }
        List<JsonNode> log = new ArrayList<>();
        for (String l : logLines()) {
            JsonNode n = WorldFiles.JSON.readTree(l);
            log.add(n);
            names.add(n.path("seed").asString(""));
            considered.add(n.path("seed").asString("").toLowerCase(Locale.ROOT));
        }
        List<Seeds> pending = new ArrayList<>(Seeds.read(gen.settings.seeds()).stream().filter(s -> !considered.contains(s.name().toLowerCase(Locale.ROOT))).toList());
        int ideaRounds = 0;
        while (need > 0) {
            if (pending.isEmpty()) {
                if (ideaRounds++ == IDEA_ROUNDS) break;
                pending.addAll(ideas(names, considered, need * 2));
                if (pending.isEmpty()) break;
            }
            List<Seeds> batch = new ArrayList<>(pending.subList(0, Math.min(pending.size(), Math.max(BATCH, need * 2))));
            pending.removeAll(batch);
            List<List<Seeds>> groups = new ArrayList<>();
            for (int i = 0; i < batch.size(); i += BATCH) groups.add(batch.subList(i, Math.min(batch.size(), i + BATCH)));
            for (List<Seeds> group : groups) {
                stats.items.addAndGet(group.size());
                Repair.Outcome o = Repair.run(gen.llm, classification(group), gen.settings.maxAttempts(), null, stats.inRepair::incrementAndGet);
                stats.attempts.addAndGet(o.attempts());
                Map<String, JsonNode> verdicts = new HashMap<>();
                for (JsonNode v : o.best().path("verdicts")) verdicts.put(v.path("seed").asString("").toLowerCase(Locale.ROOT), v);
                for (Seeds seed : group) {
                    considered.add(seed.name().toLowerCase(Locale.ROOT));
                    names.add(seed.name());
                    JsonNode v = verdicts.get(seed.name().toLowerCase(Locale.ROOT));
                    String decision = decide(seed, v, accepted, need > 0);
                    ObjectNode entry = WorldFiles.JSON.createObjectNode().put("seed", seed.name()).put("decision", decision);
                    if (v != null) entry.put("reason", v.path("reason").asString(""));
                    if (decision.startsWith("accepted as ")) {
                        need--;
                        stats.accepted.incrementAndGet();
                        if (o.attempts() > 1) stats.repaired.incrementAndGet();
                    } else {
                        stats.rejected.incrementAndGet();
                    }
                    stats.done.incrementAndGet();
                    log.add(entry);
                }
            }
            dir.writeJsonLines(GenDir.SCENARIO_LOG, log);
        }
    }

    private List<String> logLines() {
        java.nio.file.Path f = gen.dir.root.resolve(GenDir.SCENARIO_LOG);
        try {
            return java.nio.file.Files.isRegularFile(f) ? java.nio.file.Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Accepts the seed as a new world, or says why not. */
    private String decide(Seeds seed, JsonNode v, List<Accepted> accepted, boolean wanted) {
        if (v == null || v.path("suitable").isMissingNode()) return "rejected: the LLM gave no usable verdict";
        if (!v.path("suitable").asBoolean(false)) return "rejected: not suitable (" + v.path("reason").asString("no reason given") + ")";
        if (!wanted) return "not needed: the target count is reached";
        String category = v.path("category").asString("").strip();
        String text = v.path("name").asString(seed.name()) + ": " + v.path("description").asString("");
        for (Accepted a : accepted) {
            double sim = similarity(text, a.text());
            double limit = gen.llm.config().embeddingModel() != null ? gen.settings.embeddingSimilarity() : gen.settings.lexicalSimilarity();
            if (sim >= limit) return String.format(Locale.ROOT, "rejected: a near duplicate of %s (similarity %.2f)", a.scenario(), sim);
        }
        long inCategory = accepted.stream().filter(a -> a.category().equalsIgnoreCase(category)).count();
        if (inCategory >= gen.settings.cap()) return "rejected: the category " + category + " already has " + inCategory + " worlds (cap " + gen.settings.cap() + ")";
        String scenario = id(v.path("scenario").asString(seed.name()));
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", scenario).put("name", v.path("name").asString(seed.name()))
                .put("description", v.path("description").asString("")).put("now", v.path("now").asString("2026-03-15 10:00:00"))
                .put("category", category).put("seed", seed.name()).put("reason", v.path("reason").asString(""));
        gen.dir.write(scenario, GenDir.SCENARIO, List.of(line));
        accepted.add(new Accepted(scenario, category, text));
        return "accepted as " + scenario;
    }

    private final Map<String, double[]> vectors = new java.util.concurrent.ConcurrentHashMap<>();

    private double similarity(String a, String b) {
        if (gen.llm.config().embeddingModel() == null) return Similarity.lexical(a, b);
        return Similarity.cosine(vector(a), vector(b));
    }

    /** Each text is embedded once per run (and the request cached like any other). */
    private double[] vector(String text) {
        return vectors.computeIfAbsent(text, t -> gen.llm.embed("scenario", List.of(t)).get(0));
    }

    /** A free directory name: the snake_case base and the next free number. */
    private String id(String base) {
        String b = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "").replaceAll("_\\d+$", "");
        if (b.isEmpty()) b = "app";
        if (b.length() > 40) b = b.substring(0, 40);
        for (int n = 1; ; n++) {
            String id = b + "_" + n;
            if (!java.nio.file.Files.exists(gen.dir.world(id)) && !java.nio.file.Files.exists(gen.dir.root.resolve(GenDir.REJECTED).resolve(id))) return id;
        }
    }

    private Repair.Work classification(List<Seeds> group) {
        ArrayNode seeds = WorldFiles.JSON.createArrayNode();
        for (Seeds s : group) seeds.addObject().put("name", s.name()).put("description", s.description());
        ChatRequest request = gen.request("scenario", group.get(0).name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"),
                Map.of("seeds", FewShot.compact(seeds), "categories", String.join(", ", CATEGORIES)));
        return new Repair.Work() {
            public String stage() {
                return "scenario";
            }

            public String world() {
                return request.world();
            }

            public String partsField() {
                return "verdicts";
            }

            public String keyField() {
                return "seed";
            }

            public List<ChatRequest> first() {
                return List.of(request);
            }

            public List<Problem> check(ObjectNode candidate) {
                List<Problem> out = new ArrayList<>();
                Map<String, JsonNode> byName = new LinkedHashMap<>();
                for (JsonNode v : candidate.path("verdicts")) byName.put(v.path("seed").asString(""), v);
                for (Seeds s : group) {
                    JsonNode v = byName.get(s.name());
                    if (v == null) {
                        out.add(new Problem(s.name(), "no verdict for the seed \"" + s.name() + "\"; give one per seed, with \"seed\" exactly its name"));
                        continue;
                    }
                    if (!v.path("suitable").asBoolean(false)) continue;
                    if (v.path("category").asString("").isBlank()) out.add(new Problem(s.name(), s.name() + ": no category"));
                    if (v.path("description").asString("").length() < 60) out.add(new Problem(s.name(), s.name() + ": the description is too short; say what the signed-in user can see and do in the app"));
                    if (!NOW.matcher(v.path("now").asString("")).matches()) out.add(new Problem(s.name(), s.name() + ": \"now\" must be a date and time as YYYY-MM-DD HH:MM:SS"));
                    if (v.path("scenario").asString("").replaceAll("[^A-Za-z0-9]", "").isEmpty()) out.add(new Problem(s.name(), s.name() + ": \"scenario\" must be a short snake_case name"));
                }
                return out;
            }
        };
    }

    /** New platforms the LLM proposes, unlike those already considered. */
    private List<Seeds> ideas(Set<String> names, Set<String> considered, int count) {
        Prompts p = Prompts.of("scenario");
        Map<String, String> v = Map.of("count", String.valueOf(count), "existing", String.join(", ", names), "categories", String.join(", ", CATEGORIES));
        ChatRequest r = ChatRequest.of("scenario_ideas", null, List.of(Message.system(p.fill("ideas system", v)), Message.user(p.fill("ideas user", v))))
                .withSchema(p.schema("ideas schema"));
        List<Seeds> out = new ArrayList<>();
        try {
            for (JsonNode n : gen.llm.chat(r).json().path("platforms")) {
                String name = n.path("name").asString("").strip();
                if (!name.isEmpty() && !considered.contains(name.toLowerCase(Locale.ROOT))) out.add(new Seeds(name, n.path("description").asString("")));
            }
        } catch (dev.awm.llm.JsonAnswer.Unreadable e) {
            return out;
        }
        return out;
    }

    /** The categories AWM's scenarios spread over (interaction patterns), for the classification. */
    static final List<String> CATEGORIES = List.of("e-commerce and marketplaces", "booking and reservations", "social and community", "tasks and projects",
            "finance and banking", "subscriptions and memberships", "inventory and catalogs", "messaging", "lists and collections", "scheduling and calendars",
            "forms and surveys", "healthcare", "education", "real estate", "hr and recruiting", "legal and compliance", "logistics and shipping",
            "food and restaurants", "entertainment and media", "fitness and wellness", "travel and hospitality", "automotive", "iot and smart devices",
            "developer tools", "crm and sales", "content management", "analytics and reporting");
}
