package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.runtime.WorldRuntime;
import dev.awm.verify.WorldCheck;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The red team: an LLM that sees each task, the tools and the data but not the verifier proposes cheap or wrong
 * episodes. Each is run; any that the verifier pays for becomes a near miss of its task and sends that task's verifier
 * back to the verifier stage's repair, which must then reject it. A world whose verifier cannot be tightened is rejected.
 */
final class RedteamStage extends Stage {

    static final String PREFIX = "red team: ";
    private final VerifierStage verifiers;

    RedteamStage(Gen gen, VerifierStage verifiers) {
        super(gen, "redteam", GenDir.VERIFIER, List.of(GenDir.ENVS, GenDir.VERIFIER), "hacks", null);
        this.verifiers = verifiers;
    }

    List<ChatRequest> first(String world) {
        throw new UnsupportedOperationException("the red team asks per task");
    }

    private ChatRequest ask(String world, World w, int task) {
        Map<String, String> v = gen.basics(world);
        v.put("seed", Gen.seed(w, 30_000));
        v.put("tools", Gen.toolsAsAgentSeesThem(w));
        v.put("task_idx", String.valueOf(task));
        v.put("task", w.tasks().get(task));
        v.put("count", String.valueOf(gen.settings.hacksPerTask()));
        v.put("example_hacks", FewShot.pick(world, name()).nearMisses());
        return gen.request(name(), world, v);
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        Set<String> tools = new HashSet<>();
        gen.dir.load(world).tools().orElse(List.of()).forEach(t -> tools.add(t.name()));
        JsonNode hacks = candidate.path("hacks");
        for (int i = 0; i < hacks.size(); i++) {
            for (JsonNode c : hacks.get(i).path("calls")) {
                if (!tools.contains(c.path("tool").asString())) out.add(Problem.whole("hack " + (i + 1) + " calls " + c.path("tool").asString() + ", which is not a tool of this app; use only the tools listed"));
            }
        }
        return out;
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        throw new UnsupportedOperationException();
    }

    @Override
    StageResult run(String world, StageStats stats) {
        World w = gen.dir.load(world);
        List<JsonNode> current = new ArrayList<>();
        for (String l : gen.dir.lines(world, GenDir.VERIFIER)) current.add(WorldFiles.JSON.readTree(l));
        Map<Integer, List<JsonNode>> hacks = hacks(world, w, current, stats);
        int tried = hacks.values().stream().mapToInt(List::size).sum();
        stats.count("hacks tried", tried);
        if (tried == 0) return new StageResult(StageResult.Status.ACCEPTED, 1, null);

        ArrayNode withHacks = WorldFiles.JSON.createArrayNode(); // the hacks alone as near misses: the others were proven already
        for (JsonNode line : current) {
            ObjectNode copy = (ObjectNode) line.deepCopy();
            ArrayNode misses = copy.putArray("near_misses");
            hacks.getOrDefault(line.path("task_idx").asInt(), List.of()).forEach(misses::add);
            withHacks.add(copy);
        }
        WorldCheck.Report report = WorldCheck.run(WorldRuntime.load(gen.candidate(world, GenDir.VERIFIER, List.copyOf(withHacks.valueStream().toList()))));
        Map<String, List<JsonNode>> paid = new LinkedHashMap<>();
        for (JsonNode line : current) {
            int task = line.path("task_idx").asInt();
            List<String> whys = ProofReader.paidNearMisses(report, task);
            for (JsonNode h : hacks.getOrDefault(task, List.of())) {
                if (whys.contains(h.path("why").asString())) paid.computeIfAbsent(String.valueOf(task), k -> new ArrayList<>()).add(h);
            }
        }
        int paidCount = paid.values().stream().mapToInt(List::size).sum();
        stats.count("hacks paid", paidCount);
        if (paid.isEmpty()) return new StageResult(StageResult.Status.ACCEPTED, 1, null);

        verifiers.pinned.put(world, paid);
        ArrayNode items = WorldFiles.JSON.createArrayNode();
        current.forEach(l -> items.add(l.deepCopy()));
        ObjectNode start = WorldFiles.JSON.createObjectNode().set("verifiers", items);
        verifiers.settle(world, start);
        Repair.Outcome o = Repair.run(gen.llm, verifiers.work(world, true), gen.settings.maxAttempts() + 1, start, stats.inRepair::incrementAndGet);
        verifiers.pinned.remove(world);
        if (!o.ok()) {
            return StageResult.rejected(o.attempts(), "the red team was paid for " + paidCount + " wrong episode(s) and the verifier could not be tightened: "
                    + String.join("; ", o.problems().stream().limit(3).map(Problem::message).toList()));
        }
        gen.dir.write(world, GenDir.VERIFIER, verifiers.lines(world, o.best()));
        verifiers.written(world, o.best());
        stats.count("verifiers tightened", paid.size());
        return new StageResult(StageResult.Status.REPAIRED, o.attempts(), null);
    }

    /** Each task's proposed hacks as near misses ({@code why} prefixed "red team: "), asked for in parallel. */
    private Map<Integer, List<JsonNode>> hacks(String world, World w, List<JsonNode> current, StageStats stats) {
        Map<Integer, List<JsonNode>> out = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Integer, Future<Repair.Outcome>> futures = new LinkedHashMap<>();
            for (JsonNode line : current) {
                int task = line.path("task_idx").asInt(-1);
                if (task < 0 || task >= w.tasks().size()) continue;
                Repair.Work work = new Repair.Work() {
                    final List<ChatRequest> first = List.of(ask(world, w, task));

                    public String stage() {
                        return name();
                    }

                    public String world() {
                        return world;
                    }

                    public String partsField() {
                        return "hacks";
                    }

                    public String keyField() {
                        return null;
                    }

                    public List<ChatRequest> first() {
                        return first;
                    }

                    public List<Problem> check(ObjectNode candidate) {
                        return RedteamStage.this.check(world, candidate, true);
                    }
                };
                futures.put(task, pool.submit(() -> Repair.run(gen.llm, work, gen.settings.maxAttempts(), null, null)));
            }
            for (Map.Entry<Integer, Future<Repair.Outcome>> f : futures.entrySet()) {
                Repair.Outcome o = f.getValue().get();
                List<JsonNode> list = new ArrayList<>();
                int n = 0;
                for (JsonNode h : o.best().path("hacks")) {
                    if (n++ >= gen.settings.hacksPerTask()) break;
                    ObjectNode miss = WorldFiles.JSON.createObjectNode().put("why", PREFIX + h.path("why").asString("hack " + n));
                    miss.set("calls", h.path("calls").isArray() ? h.get("calls") : WorldFiles.JSON.createArrayNode());
                    miss.put("answer", h.path("answer").asString(""));
                    list.add(miss);
                }
                out.put(f.getKey(), list);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        return out;
    }
}
