package dev.awm.synth;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.awm.llm.ChatRequest;
import dev.awm.llm.ChatResponse;
import dev.awm.llm.JsonAnswer;
import dev.awm.llm.LlmClient;
import dev.awm.llm.Message;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one repair mechanism of every stage. An answer is a JSON object whose {@code partsField} lists items keyed by
 * {@code keyField} (tables by name, tools by name, verifiers by task index). The items the answers hold are merged
 * into a candidate, the stage checks the candidate, and each failed guarantee goes back to the LLM with its concrete
 * error: the whole list of problems in one request, or one request per failing item ({@link Work#perPart()}), asking
 * only for the corrected items. An answer that cannot be read is asked for again with the reason. After
 * {@code maxAttempts} the best candidate seen (fewest problems) is returned with what is still wrong.
 */
final class Repair {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final int MAX_ECHO = 24_000;

    private Repair() {}

    /** What a stage asks for and how it checks the answer. */
    interface Work {
        String stage();

        String world();

        String partsField();

        /** The field naming an item; null when each answer replaces the whole list. */
        String keyField();

        /** The first requests; every answer's items are merged. */
        List<ChatRequest> first();

        /** The request whose conversation a repair of {@code part} continues (null: the answer as a whole). */
        default ChatRequest base(String part) {
            return first().get(0);
        }

        /** The failed guarantees of a candidate; empty when it passes. */
        List<Problem> check(ObjectNode candidate);

        /** One repair request per failing item rather than one for all. */
        default boolean perPart() {
            return false;
        }

        /** Called after each merge, to restore what a repair must not drop. */
        default void settle(ObjectNode candidate) {}
    }

    /** @param attempts rounds of requests made (1 = the first answers passed or were never repaired) */
    record Outcome(ObjectNode best, List<Problem> problems, int attempts, int requests) {
        boolean ok() {
            return problems.isEmpty();
        }

        boolean repaired() {
            return ok() && attempts > 1;
        }
    }

    /** An answer that could not be read, with the request it answered. */
    private record Unread(ChatRequest request, String text, String why) {}

    /**
     * Runs the loop.
     *
     * @param start an existing candidate (an imported file) to check and repair instead of asking the first requests;
     *     null to ask them
     * @param inRepair told once when the first repair round starts
     */
    static Outcome run(LlmClient llm, Work w, int maxAttempts, ObjectNode start, Runnable inRepair) {
        ObjectNode candidate = start != null ? start.deepCopy() : WorldFiles.JSON.createObjectNode().set(w.partsField(), WorldFiles.JSON.createArrayNode());
        List<Unread> unread = new ArrayList<>();
        int requests = 0;
        if (start == null) {
            List<ChatRequest> first = w.first();
            requests += first.size();
            absorb(w, candidate, ask(llm, first), first, unread);
        }
        List<Problem> problems = problems(w, candidate, unread);
        ObjectNode best = candidate.deepCopy();
        List<Problem> bestProblems = problems;
        int attempt = 1;
        while (!problems.isEmpty() && attempt < maxAttempts) {
            if (attempt == 1 && inRepair != null) inRepair.run();
            attempt++;
            List<ChatRequest> repairs = repairs(w, candidate, problems, unread, attempt, maxAttempts);
            unread.clear();
            if (repairs.isEmpty()) break;
            requests += repairs.size();
            absorb(w, candidate, ask(llm, repairs), repairs, unread);
            problems = problems(w, candidate, unread);
            if (problems.size() <= bestProblems.size()) {
                best = candidate.deepCopy();
                bestProblems = problems;
            } else {
                candidate = best.deepCopy(); // a repair that made things worse is dropped; the next asks again from the best
                problems = bestProblems;
            }
        }
        return new Outcome(best, List.copyOf(bestProblems), attempt, requests);
    }

    private static List<Problem> problems(Work w, ObjectNode candidate, List<Unread> unread) {
        List<Problem> out = new ArrayList<>();
        for (Unread u : unread) out.add(Problem.whole("an answer could not be read: " + u.why()));
        out.addAll(shapeProblems(w, candidate));
        out.addAll(w.check(candidate));
        return out;
    }

    /** Items that do not follow the item schema of the stage's answer (a missing field, a wrong type). */
    private static List<Problem> shapeProblems(Work w, ObjectNode candidate) {
        JsonNode itemSchema = w.first().get(0).responseSchema().path("properties").path(w.partsField()).path("items");
        if (!itemSchema.isObject()) return List.of();
        Schema schema = SCHEMAS.getSchema(itemSchema);
        List<Problem> out = new ArrayList<>();
        JsonNode items = candidate.path(w.partsField());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String key = key(w, item, i);
            for (Error e : schema.validate(item)) {
                out.add(new Problem(key, w.partsField() + " item " + key + ": " + e.getInstanceLocation() + " " + e.getMessage().replaceFirst("^\\S+:\\s*", "")));
            }
        }
        return out;
    }

    private static String key(Work w, JsonNode item, int index) {
        if (w.keyField() == null) return null;
        JsonNode k = item.path(w.keyField());
        return k.isMissingNode() || k.isNull() ? "#" + (index + 1) : k.asString();
    }

    private static List<ChatRequest> repairs(Work w, ObjectNode candidate, List<Problem> problems, List<Unread> unread, int attempt, int max) {
        String round = "\n\n(Repair " + (attempt - 1) + " of " + (max - 1) + ".)";
        List<ChatRequest> out = new ArrayList<>();
        for (Unread u : unread) {
            out.add(continued(u.request(), u.text(), "Your answer could not be read: " + u.why() + ". Answer again with the whole JSON object." + round));
        }
        List<Problem> real = problems.stream().filter(p -> !p.message().startsWith("an answer could not be read")).toList();
        if (real.isEmpty() || (!out.isEmpty() && candidate.path(w.partsField()).isEmpty())) return out; // nothing read yet: ask again first
        String field = w.partsField();
        if (w.keyField() == null) {
            out.add(continued(w.base(null), FewShot.compact(candidate), "Your answer fails these checks:\n" + bullets(real)
                    + "\n\nAnswer again with the whole JSON object, corrected." + round));
        } else if (w.perPart()) {
            Map<String, List<Problem>> byPart = byPart(real);
            List<Problem> whole = byPart.getOrDefault(null, List.of());
            for (Map.Entry<String, List<Problem>> e : byPart.entrySet()) {
                if (e.getKey() == null) continue;
                JsonNode item = item(w, candidate, e.getKey());
                ObjectNode shown = WorldFiles.JSON.createObjectNode();
                shown.putArray(field).add(item == null ? WorldFiles.JSON.createObjectNode() : item);
                List<Problem> mine = new ArrayList<>(e.getValue());
                mine.addAll(whole);
                out.add(continued(w.base(e.getKey()), FewShot.compact(shown), "It fails these checks:\n" + bullets(mine)
                        + "\n\nAnswer with {\"" + field + "\": [the corrected item]}, the whole item, keeping its \"" + w.keyField() + "\"." + round));
            }
        } else {
            out.add(continued(w.base(null), FewShot.compact(candidate), "It fails these checks:\n" + bullets(real) + "\n\nAnswer with {\"" + field
                    + "\": [...]} holding only the items you correct or add, each whole; an item replaces the one with the same \"" + w.keyField()
                    + "\", and items you leave out stay as they are." + round));
        }
        return out;
    }

    private static ChatRequest continued(ChatRequest base, String assistant, String user) {
        List<Message> m = new ArrayList<>(base.messages());
        m.add(Message.assistant(assistant.length() > MAX_ECHO ? assistant.substring(0, MAX_ECHO) + "..." : assistant));
        m.add(Message.user(user));
        return base.withMessages(m);
    }

    private static Map<String, List<Problem>> byPart(List<Problem> problems) {
        Map<String, List<Problem>> out = new LinkedHashMap<>();
        for (Problem p : problems) out.computeIfAbsent(p.part(), k -> new ArrayList<>()).add(p);
        return out;
    }

    private static String bullets(List<Problem> problems) {
        StringBuilder b = new StringBuilder();
        for (Problem p : problems.stream().limit(60).toList()) b.append("- ").append(p.message()).append('\n');
        if (problems.size() > 60) b.append("- ... and ").append(problems.size() - 60).append(" more\n");
        return b.toString().strip();
    }

    static JsonNode item(Work w, JsonNode candidate, String key) {
        JsonNode items = candidate.path(w.partsField());
        for (int i = 0; i < items.size(); i++) if (key.equals(key(w, items.get(i), i))) return items.get(i);
        return null;
    }

    private static List<Object> ask(LlmClient llm, List<ChatRequest> requests) {
        if (requests.size() == 1) return List.of(answer(llm, requests.get(0)));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> futures = requests.stream().map(r -> pool.submit(() -> answer(llm, r))).toList();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : futures) out.add(f.get());
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The parsed answer, or an {@link Unread} saying why it could not be read. */
    private static Object answer(LlmClient llm, ChatRequest r) {
        ChatResponse resp = llm.chat(r);
        String text = resp.content() == null ? "" : resp.content();
        try {
            JsonNode json = resp.json();
            return json.isObject() ? json : new Unread(r, text, "it is a JSON " + (json.isArray() ? "array" : "value") + ", not an object");
        } catch (JsonAnswer.Unreadable e) {
            return new Unread(r, text, e.getMessage());
        }
    }

    private static void absorb(Work w, ObjectNode candidate, List<Object> answers, List<ChatRequest> requests, List<Unread> unread) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i) instanceof Unread u) {
                unread.add(u);
                continue;
            }
            JsonNode answer = (JsonNode) answers.get(i);
            if (!answer.path(w.partsField()).isArray()) {
                unread.add(new Unread(requests.get(i), FewShot.compact(answer), "it has no \"" + w.partsField() + "\" array"));
                continue;
            }
            for (Map.Entry<String, JsonNode> e : answer.properties()) {
                if (!e.getKey().equals(w.partsField()) || w.keyField() == null) candidate.set(e.getKey(), e.getValue());
            }
            if (w.keyField() != null) merge(w, candidate, (ArrayNode) answer.get(w.partsField()));
        }
        w.settle(candidate);
    }

    private static void merge(Work w, ObjectNode candidate, ArrayNode items) {
        ArrayNode current = (ArrayNode) candidate.get(w.partsField());
        for (JsonNode item : items) {
            String key = item.path(w.keyField()).isMissingNode() ? null : item.path(w.keyField()).asString();
            int at = -1;
            for (int i = 0; key != null && i < current.size(); i++) if (key.equals(current.get(i).path(w.keyField()).asString())) at = i;
            if (at >= 0) current.set(at, item);
            else current.add(item);
        }
    }
}
