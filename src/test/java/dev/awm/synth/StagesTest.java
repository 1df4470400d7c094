package dev.awm.synth;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Each stage's guarantees against realistic good and bad answers of a scripted model, and the one repair mechanism. */
class StagesTest {

    @AutoClose
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    @TempDir
    Path dir;


    Pipeline pipeline(String... seeds) throws Exception {
        return GenTestSupport.pipeline(dir.resolve("out"), llm, GenTestSupport.settings(seeds.length, GenTestSupport.seeds(dir, seeds)));
    }

    static String json(JsonNode n) {
        return WorldFiles.JSON.writeValueAsString(n);
    }

    static JsonNode bundled(String world, String stage) {
        return WorldFiles.JSON.readTree(BundledAnswers.answer(stage, world, WorldFiles.JSON.createObjectNode()));
    }

    GenDir out() {
        return new GenDir(dir.resolve("out"));
    }

    @Test
    void aSchemaWithASyntaxErrorIsRepairedByResendingOnlyTheFailingTable() throws Exception {
        ObjectNode broken = (ObjectNode) bundled("banking_1", "db");
        ObjectNode accounts = (ObjectNode) broken.get("tables").get(1);
        String good = accounts.get("ddl").asString();
        accounts.put("ddl", good.replaceFirst("\\(", "(,"));
        ObjectNode fixed = WorldFiles.JSON.createObjectNode();
        fixed.putArray("tables").add(((ObjectNode) accounts.deepCopy()).put("ddl", good));
        llm.on(stage("db", "banking_1"), Reply.content(json(broken)), Reply.json(fixed));
        GenTestSupport.answerWell(llm);
        Pipeline p = pipeline("Banking");
        for (String s : List.of("scenario", "tasks", "db")) p.run(s);

        List<ScriptedLlmServer.Request> db = llm.chatRequests().stream().filter(r -> r.stage().equals("db")).toList();
        assertThat(db).hasSize(2);
        String repair = db.get(1).lastUser();
        assertThat(repair).contains("table " + accounts.get("name").asString() + ": its DDL fails").contains("syntax error").contains("only the items you correct");
        World w = out().load("banking_1");
        assertThat(w.tables()).hasSize(broken.get("tables").size());
        assertThat(WorldRuntime.load(w).buildProblems()).isEmpty();
        assertThat(p.report().json().path("stages").get(2).path("repaired").asInt()).isEqualTo(1);
    }

    @Test
    void seedRowsWithWrongColumnCountsAndBrokenForeignKeysAreRepairedTableByTable() throws Exception {
        ObjectNode broken = (ObjectNode) bundled("library_1", "sample");
        ArrayNode tables = (ArrayNode) broken.get("tables");
        ObjectNode first = (ObjectNode) tables.get(1), second = (ObjectNode) tables.get(3);
        ObjectNode fixed = WorldFiles.JSON.createObjectNode();
        fixed.putArray("tables").add(first.deepCopy()).add(second.deepCopy());
        String insert = first.get("insert_statements").get(0).asString();
        ((ArrayNode) first.get("insert_statements")).set(0, WorldFiles.JSON.getNodeFactory().stringNode(insert.replaceFirst("VALUES \\(", "VALUES (1, ")));
        String child = second.get("insert_statements").get(0).asString();
        ((ArrayNode) second.get("insert_statements")).set(0, WorldFiles.JSON.getNodeFactory().stringNode(child.replaceAll(", 1, ", ", 9999, ")));
        llm.on(stage("sample", "library_1"), Reply.content(json(broken)), Reply.json(fixed));
        GenTestSupport.answerWell(llm);
        Pipeline p = pipeline("Library");
        for (String s : List.of("scenario", "tasks", "db", "sample")) p.run(s);

        List<ScriptedLlmServer.Request> sample = llm.chatRequests().stream().filter(r -> r.stage().equals("sample")).toList();
        assertThat(sample).hasSize(2);
        assertThat(sample.get(1).lastUser()).contains("seed " + first.get("table_name").asString() + " insert 1").contains("values");
        World w = out().load("library_1");
        WorldRuntime rt = WorldRuntime.load(w);
        assertThat(rt.buildProblems()).isEmpty();
        assertThat(w.seedRowCount()).isEqualTo(TestWorldsBundled.seedRows("library_1"));
    }

    @Test
    void fencedJsonWithProseIsReadAndACutOffAnswerIsAskedForAgain() throws Exception {
        llm.on(stage("tasks", "clinic_1"), Reply.fenced(BundledAnswers.answer("tasks", "clinic_1", WorldFiles.JSON.createObjectNode())));
        llm.on(stage("db", "clinic_1"), Reply.truncated(json(bundled("clinic_1", "db"))));
        GenTestSupport.answerWell(llm);
        Pipeline p = pipeline("Clinic");
        for (String s : List.of("scenario", "tasks", "db")) p.run(s);
        assertThat(out().load("clinic_1").tasks()).hasSize(10);
        List<ScriptedLlmServer.Request> db = llm.chatRequests().stream().filter(r -> r.stage().equals("db")).toList();
        assertThat(db).hasSize(2);
        assertThat(db.get(1).lastUser()).contains("cut off at the token limit");
        assertThat(out().load("clinic_1").tables()).hasSize(21);
        JsonNode stages = p.report().json().path("stages");
        assertThat(stages.get(1).path("repaired").asInt()).as("fenced JSON needs no repair").isZero();
        assertThat(stages.get(2).path("repaired").asInt()).isEqualTo(1);
    }

    @Test
    void aModelThatAnswersProseIsThatWorldsRejectionAndTheRunGoesOn() throws Exception {
        llm.always(stage("tasks", "banking_1"), Reply.content("I'd be happy to help you design tasks for a banking app! First, consider what users need..."));
        GenTestSupport.answerWell(llm);
        Pipeline p = pipeline("Banking", "Library");
        for (String s : List.of("scenario", "tasks", "db")) p.run(s);
        assertThat(out().rejected()).containsExactly("banking_1");
        assertThat(out().rejection("banking_1").path("reason").asString()).contains("could not be read").contains("no JSON object");
        assertThat(out().rejection("banking_1").path("stage").asString()).isEqualTo("tasks");
        assertThat(llm.chatRequests().stream().filter(r -> r.stage().equals("tasks") && r.world().equals("banking_1"))).hasSize(4);
        assertThat(out().has("library_1", GenDir.DB)).isTrue();
    }

    @Test
    void rateLimitsAndADroppedConnectionCostRetriesNotTheWorld() throws Exception {
        llm.on(stage("tasks", "library_1"), Reply.status(429, "0"), Reply.drop());
        GenTestSupport.answerWell(llm);
        Pipeline p = pipeline("Library");
        for (String s : List.of("scenario", "tasks")) p.run(s);
        assertThat(out().load("library_1").tasks()).hasSize(10);
        assertThat(p.report().json().path("stages").get(1).path("retries").asInt()).isEqualTo(2);
    }

    @Test
    void scenariosAreClassifiedNearDuplicatesAndFullCategoriesRejectedAndNewPlatformsProposedWhenSeedsRunOut() throws Exception {
        scenarios(false);
    }

    @Test
    void withAnEmbeddingModelNearDuplicatesAreFoundByCosineSimilarity() throws Exception {
        scenarios(true);
        assertThat(llm.requests()).anyMatch(r -> r.path().endsWith("/embeddings") && r.body().path("model").asString().equals("scripted-embedding"));
    }

    private void scenarios(boolean embeddings) throws Exception {
        String verdicts = """
                {"verdicts": [
                 {"seed": "Chase", "suitable": true, "reason": "Accounts, transfers and cards are records.", "category": "finance and banking", "scenario": "retail_banking",
                  "name": "Harbor Bank", "description": "The signed-in member has checking and savings accounts, moves money between them, pays saved payees and freezes or replaces cards.", "now": "2026-03-15 10:00:00"},
                 {"seed": "Wells Fargo", "suitable": true, "reason": "The same records as any bank.", "category": "finance and banking", "scenario": "retail_banking",
                  "name": "Summit Bank", "description": "The signed-in member has checking and savings accounts, moves money between them, pays saved payees and freezes or replaces cards.", "now": "2026-03-15 10:00:00"},
                 {"seed": "Google Translate", "suitable": false, "reason": "Its value is a translation model, which a database cannot hold."},
                 {"seed": "Robinhood", "suitable": true, "reason": "Orders, positions and watchlists are records.", "category": "finance and banking", "scenario": "brokerage",
                  "name": "Tideline Invest", "description": "The signed-in investor keeps watchlists, places market and limit orders for stocks, sets recurring buys and reads dividend history.", "now": "2026-03-15 10:00:00"},
                 {"seed": "OpenTable", "suitable": true, "reason": "Reservations and restaurants are records.", "category": "food and restaurants", "scenario": "restaurant_reservations",
                  "name": "Tablefinder", "description": "The signed-in diner searches restaurants by cuisine and time, books, changes or cancels tables, joins waitlists and keeps favorites.", "now": "2026-03-15 10:00:00"}
                ]}""";
        llm.on(stage("scenario"), Reply.content(verdicts), Reply.content("""
                {"verdicts": [{"seed": "Eventbrite", "suitable": true, "reason": "Events, tickets and attendees are records.", "category": "entertainment and media",
                  "scenario": "event_ticketing", "name": "Gatherly", "description": "The signed-in organizer creates events with ticket types, sells and refunds tickets, and checks attendees in at the door.",
                  "now": "2026-03-15 10:00:00"}]}"""));
        llm.on(stage("scenario_ideas"), Reply.content("{\"platforms\": [{\"name\": \"Eventbrite\", \"description\": \"Event registration and ticketing.\"}]}"));
        Path seeds = GenTestSupport.seeds(dir, "Chase", "Wells Fargo", "Google Translate", "Robinhood", "OpenTable");
        GenSettings s = new GenSettings(3, 10, seeds, List.of(), null, 4, 15, 25, 20, 50, 1, 0.85, 0.6, 2);
        Pipeline p = embeddings
                ? new Pipeline(new GenDir(dir.resolve("out")), new dev.awm.llm.LlmClient(llm.config().withEmbeddingModel("scripted-embedding")), s, false)
                : GenTestSupport.pipeline(dir.resolve("out"), llm, s);
        p.run("scenario");
        assertThat(out().worlds()).containsExactly("event_ticketing_1", "restaurant_reservations_1", "retail_banking_1");
        assertThat(llm.chatRequests().get(1).lastUser()).as("new platforms unlike those considered").contains("Google Translate", "Wells Fargo");
        String log = Files.readString(dir.resolve("out").resolve(GenDir.SCENARIO_LOG));
        assertThat(log).contains("\"seed\":\"Wells Fargo\",\"decision\":\"rejected: a near duplicate of retail_banking_1");
        assertThat(log).contains("\"seed\":\"Google Translate\",\"decision\":\"rejected: not suitable (Its value is a translation model");
        assertThat(log).contains("\"seed\":\"Robinhood\",\"decision\":\"rejected: the category finance and banking already has 1 worlds (cap 1)");
        assertThat(out().line("retail_banking_1", GenDir.SCENARIO).path("now").asString()).isEqualTo("2026-03-15 10:00:00");
        assertThat(llm.chatRequests().get(0).body().path("response_format").path("json_schema").path("name").asString()).isEqualTo("awm_scenario");
    }

    @Test
    void importedSchemasAndSeedRowsThatBuildAreKeptWithoutAskingTheLlm() throws Exception {
        Path out = dir.resolve("out");
        GenSettings s = new GenSettings(0, 10, null, List.of("e_commerce_33", "content_platform_1"), GenTestSupport.awm1k(), 4, 15, 25, 12, 50, 0, 0.85, 0.6, 2);
        llm.on(stage("env", "content_platform_1"), Reply.content(Files.readString(Path.of("src/test/resources/scripted/content_platform_1.env.json"))));
        Pipeline p = GenTestSupport.pipeline(out, llm, s);
        assertThat(p.importFrom(GenTestSupport.awm1k())).isEqualTo(2);
        p.run("db");
        p.run("sample");
        p.run("env");
        assertThat(llm.chatRequests()).as("content_platform_1 lacks only its toolset").hasSize(1);
        assertThat(llm.chatRequests().get(0).world()).isEqualTo("content_platform_1");
        JsonNode stages = p.report().json().path("stages");
        assertThat(stages.get(0).path("kept").asInt()).isEqualTo(2);
        assertThat(stages.get(1).path("kept").asInt()).isEqualTo(2);
        assertThat(out().unchecked("e_commerce_33")).containsExactly(GenDir.VERIFIER); // its SQL toolset and verifiers come from awm's own files for AWM-1K
        assertThat(out().line("e_commerce_33", GenDir.ENVS).has("toolset")).isTrue();
    }

    @Test
    void anImportedAwmWorldGetsASqlToolsetThatPassesTheChecker() throws Exception {
        JsonNode good = WorldFiles.JSON.readTree(Files.readString(Path.of("src/test/resources/scripted/content_platform_1.env.json")));
        ObjectNode bad = (ObjectNode) good.deepCopy();
        ObjectNode history = null;
        for (JsonNode t : bad.get("tools")) if (t.path("name").asString().equals("list_watch_history")) history = (ObjectNode) t;
        ObjectNode step = (ObjectNode) history.get("steps").get(0);
        step.put("read", step.get("read").asString().replace("h.watched_at DESC", "h.watch_date DESC"));
        ObjectNode fix = WorldFiles.JSON.createObjectNode();
        for (JsonNode t : good.get("tools")) if (t.path("name").asString().equals("list_watch_history")) fix.putArray("tools").add(t);
        llm.on(stage("env", "content_platform_1"), Reply.json(bad), Reply.json(fix));
        Path out = dir.resolve("out");
        GenSettings s = new GenSettings(0, 10, null, List.of("content_platform_1"), GenTestSupport.awm1k(), 4, 15, 25, 12, 50, 0, 0.85, 0.6, 2);
        Pipeline p = GenTestSupport.pipeline(out, llm, s);
        assertThat(p.importFrom(GenTestSupport.awm1k())).isEqualTo(1);
        p.run("env");

        List<ScriptedLlmServer.Request> env = llm.chatRequests();
        assertThat(env).hasSize(2);
        assertThat(env.get(0).lastUser()).contains("CREATE TABLE videos").contains("Kurzgesagt");
        assertThat(env.get(1).lastUser()).contains("tool list_watch_history").contains("no such column: h.watch_date");
        World w = out().load("content_platform_1");
        assertThat(w.toolCount()).isEqualTo(good.get("tools").size());
        WorldRuntime rt = WorldRuntime.load(w);
        assertThat(rt.toolProblems()).isEmpty();
        assertThat(rt.servable()).isTrue();
        assertThat(w.tables()).hasSize(14);
        assertThat(out().unchecked("content_platform_1")).doesNotContain(GenDir.ENVS).contains(GenDir.DB, GenDir.SAMPLE);
    }

    /** Counts of the bundled worlds' files, which the stand-in model answers from. */
    static final class TestWorldsBundled {
        static int seedRows(String world) {
            return WorldFiles.bundled().stream().filter(w -> w.scenario().equals(world)).findFirst().orElseThrow().seedRowCount();
        }
    }
}
