package dev.awm.synth;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answers a perfect model would give to each stage's prompt for a world named after a bundled one
 * ({@code banking_2} is answered from {@code banking_1}'s files): the stand-in LLM of {@code awm gen bench} and of
 * the pipeline's tests, which add wrong answers of their own on top. It reads only the original prompt, so it answers
 * a repair request as it answered the first.
 */
public final class BundledAnswers {

    private static final Pattern TASK = Pattern.compile("(?m)^Task (\\d+): ");
    private static final Map<String, JsonNode[]> FILES = new ConcurrentHashMap<>();

    private BundledAnswers() {}

    /** The bundled world a world or seed name stands for: the one whose name, less its number, starts it. */
    public static String bundledFor(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        for (String b : FewShot.bundledNames()) if (n.startsWith(b.replaceAll("_\\d+$", ""))) return b;
        throw new IllegalArgumentException("no bundled world stands for '" + name + "'");
    }

    /** The answer's text (JSON) to a chat completion request body of {@code stage} for {@code world}. */
    public static String answer(String stage, String world, JsonNode body) {
        String prompt = firstUser(body);
        ObjectNode out = WorldFiles.JSON.createObjectNode();
        switch (stage) {
            case "scenario" -> {
                ArrayNode verdicts = out.putArray("verdicts");
                Matcher m = Pattern.compile("(?m)^(\\[\\{\"name\".*)$").matcher(prompt);
                if (!m.find()) throw new IllegalArgumentException("the scenario prompt lists no seeds");
                for (JsonNode seed : WorldFiles.JSON.readTree(m.group(1))) {
                    String b = bundledFor(seed.path("name").asString());
                    JsonNode s = file(b, GenDir.SCENARIO)[0];
                    verdicts.addObject().put("seed", seed.path("name").asString()).put("suitable", true).put("reason", "Its records are orders, accounts and bookings a database holds.")
                            .put("category", b.replaceAll("_\\d+$", "")).put("scenario", b.replaceAll("_\\d+$", "")).put("name", s.path("name").asString())
                            .put("description", s.path("description").asString()).put("now", s.path("now").asString());
                }
            }
            case "scenario_ideas" -> out.putArray("platforms");
            case "tasks" -> {
                String b = bundledFor(world);
                ArrayNode tasks = out.putArray("tasks");
                JsonNode[] verifiers = file(b, GenDir.VERIFIER);
                JsonNode list = file(b, GenDir.TASKS)[0].path("tasks");
                for (int i = 0; i < list.size(); i++) {
                    JsonNode v = verifiers[i];
                    boolean question = v.path("verifier").path("answer").size() > 0;
                    boolean change = changesState(b, v);
                    tasks.addObject().put("task", list.get(i).asString()).put("kind", question && change ? "both" : question ? "question" : "change")
                            .put("min_calls", Math.max(1, v.path("solution").path("calls").size()));
                }
            }
            case "db" -> out.set("tables", file(bundledFor(world), GenDir.DB)[0].path("db_schema").path("tables"));
            case "sample" -> out.set("tables", file(bundledFor(world), GenDir.SAMPLE)[0].path("sample_data").path("tables"));
            case "env" -> {
                String b = bundledFor(world);
                out.set("tools", file(b, GenDir.ENVS)[0].path("toolset").path("tools"));
                ArrayNode reach = out.putArray("task_tools");
                for (JsonNode v : file(b, GenDir.VERIFIER)) {
                    ArrayNode names = reach.addObject().put("task_idx", v.path("task_idx").asInt()).putArray("tools");
                    List<String> seen = new ArrayList<>();
                    for (JsonNode c : v.path("solution").path("calls")) if (!seen.contains(c.path("tool").asString())) seen.add(c.path("tool").asString());
                    seen.forEach(names::add);
                }
            }
            case "verifier" -> {
                ObjectNode line = (ObjectNode) file(bundledFor(world), GenDir.VERIFIER)[task(prompt)].deepCopy();
                line.remove("scenario");
                out.putArray("verifiers").add(line);
            }
            case "redteam" -> {
                ArrayNode hacks = out.putArray("hacks");
                JsonNode misses = file(bundledFor(world), GenDir.VERIFIER)[task(prompt)].path("near_misses");
                for (int i = 0; i < Math.min(2, misses.size()); i++) hacks.add(misses.get(i));
            }
            default -> throw new IllegalArgumentException("no bundled answer for the stage " + stage);
        }
        return WorldFiles.JSON.writeValueAsString(out);
    }

    /** The bundled line a verifier or red-team prompt is about. */
    public static int task(String prompt) {
        Matcher m = TASK.matcher(prompt);
        if (!m.find()) throw new IllegalArgumentException("the prompt names no task");
        return Integer.parseInt(m.group(1));
    }

    /** The lines of one of a bundled world's stage files. */
    /** Whether {@code verifierLine}'s reference solution calls a tool of {@code bundled} that writes: a task that changes state. */
    static boolean changesState(String bundled, JsonNode verifierLine) {
        java.util.Set<String> writers = new java.util.HashSet<>();
        for (JsonNode t : file(bundled, GenDir.ENVS)[0].path("toolset").path("tools")) {
            if (t.path("steps").valueStream().anyMatch(step -> step.has("write"))) writers.add(t.path("name").asString());
        }
        return verifierLine.path("solution").path("calls").valueStream().anyMatch(c -> writers.contains(c.path("tool").asString()));
    }

    public static JsonNode[] file(String bundled, String file) {
        return FILES.computeIfAbsent(bundled + "/" + file, k -> {
            try (InputStream in = BundledAnswers.class.getResourceAsStream("/worlds/" + k)) {
                if (in == null) throw new IllegalArgumentException("no bundled file " + k);
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).map(WorldFiles.JSON::readTree).toArray(JsonNode[]::new);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String firstUser(JsonNode body) {
        for (JsonNode m : body.path("messages")) if ("user".equals(m.path("role").asString())) return m.path("content").asString("");
        return "";
    }
}
