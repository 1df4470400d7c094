package dev.awm.synth;

import dev.awm.llm.ChatRequest;
import dev.awm.world.WorldFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Tasks: the requested number, as requests of the logged-in user, concrete, a mix of questions and changes, several of four or more calls. */
final class TasksStage extends Stage {

    private static final Pattern ACCOUNT_CHORES = Pattern.compile(
            "(?i)\\b(log ?in to|log ?into|log ?out|sign ?in to|sign ?out|sign ?up for|my password|two-factor|register (?:a new |an )?account|create (?:a new |an )?account)\\b");

    TasksStage(Gen gen) {
        super(gen, "tasks", GenDir.TASKS, List.of(GenDir.SCENARIO), "tasks", null);
    }

    List<ChatRequest> first(String world) {
        JsonNode s = gen.dir.line(world, GenDir.SCENARIO);
        FewShot ex = FewShot.pick(world, name());
        return List.of(gen.request(name(), world, Map.of("name", s.path("name").asString(world), "description", s.path("description").asString(""),
                "now", s.path("now").asString("(not set)"), "count", String.valueOf(gen.settings.tasksPerWorld()), "several", String.valueOf(several()),
                "example_app", ex.scenarioText(), "example_tasks", ex.tasks(10))));
    }

    private int several() {
        return Math.max(1, gen.settings.tasksPerWorld() / 4);
    }

    List<Problem> check(String world, ObjectNode candidate, boolean fresh) {
        List<Problem> out = new ArrayList<>();
        JsonNode tasks = candidate.path("tasks");
        int n = gen.settings.tasksPerWorld();
        if (tasks.size() != n) out.add(Problem.whole("there are " + tasks.size() + " tasks; write exactly " + n));
        Set<String> seen = new HashSet<>();
        int questions = 0, changes = 0, long4 = 0;
        for (int i = 0; i < tasks.size(); i++) {
            String t = tasks.get(i).path("task").asString("").strip();
            String kind = tasks.get(i).path("kind").asString("");
            if (t.length() < 25) out.add(Problem.whole("task " + (i + 1) + " is too short to verify (\"" + t + "\"): name the records, values and outcome it asks for"));
            if (!seen.add(t.toLowerCase(Locale.ROOT))) out.add(Problem.whole("task " + (i + 1) + " repeats an earlier task"));
            if (ACCOUNT_CHORES.matcher(t).find()) out.add(Problem.whole("task " + (i + 1) + " is about logging in or account credentials; the user is already signed in (user id 1): ask for something the app does"));
            if (kind.equals("question") || kind.equals("both")) questions++;
            if (kind.equals("change") || kind.equals("both")) changes++;
            if (tasks.get(i).path("min_calls").asInt(0) >= 4) long4++;
        }
        if (n >= 2 && questions == 0) out.add(Problem.whole("no task asks a question whose answer the user reads; make some tasks questions (kind \"question\")"));
        if (n >= 2 && changes == 0) out.add(Problem.whole("no task changes anything; make most tasks changes (kind \"change\")"));
        if (n >= 4 && long4 < several()) out.add(Problem.whole(long4 + " task(s) need four or more tool calls; make at least " + several() + " of them multi-step (look up, decide, then act)"));
        return out;
    }

    List<JsonNode> lines(String world, ObjectNode candidate) {
        ObjectNode line = WorldFiles.JSON.createObjectNode().put("scenario", world);
        ArrayNode tasks = line.putArray("tasks");
        for (JsonNode t : candidate.path("tasks")) tasks.add(t.path("task").asString().strip());
        return List.of(line);
    }
}
