package dev.awm.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.TestWorlds;
import dev.awm.runtime.Sqlite;
import dev.awm.runtime.WorldRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

class WorldFilesTest {

    @Test
    void eCommerce33LoadsExactlyAsPublished() throws Exception {
        World w = TestWorlds.awm1k("e_commerce_33");
        assertThat(w.tables()).hasSize(19);
        assertThat(w.tables().stream().mapToInt(t -> t.indexes().size()).sum()).isEqualTo(42);
        assertThat(w.seedRowCount()).isEqualTo(133);
        assertThat(w.tasks()).hasSize(10);
        assertThat(w.pythonVerifiers()).containsOnlyKeys(0, 1, 2);
        assertThat(w.pythonVerifiers().get(0)).contains("def verify_task_completion(");

        WorldRuntime rt = WorldRuntime.load(w);
        assertThat(rt.buildProblems()).isEmpty();
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            List<Map<String, Object>> counts = Sqlite.query(db,
                    "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table') AS tables, (SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL) AS indexes");
            assertThat(counts.get(0)).containsEntry("tables", 19L).containsEntry("indexes", 42L);
            long rows = 0;
            for (World.Table t : w.tables()) rows += (Long) Sqlite.query(db, "SELECT COUNT(*) AS n FROM " + t.name()).get(0).get("n");
            assertThat(rows).isEqualTo(133);
        }
    }

    @Test
    void whatAPublishedWorldLacksIsSaidNotThrown() {
        List<World> all = WorldFiles.load(TestWorlds.awm1kDir());
        assertThat(all).extracting(World::scenario).contains("e_commerce_33", "content_platform_1", "code_hosting_2", "communication_messaging_1");
        World codeHosting = all.stream().filter(w -> w.scenario().equals("code_hosting_2")).findFirst().orElseThrow();
        assertThat(codeHosting.problems()).anyMatch(p -> p.contains("no seed data"));
        World messaging = all.stream().filter(w -> w.scenario().equals("communication_messaging_1")).findFirst().orElseThrow();
        assertThat(messaging.problems()).anyMatch(p -> p.contains("no schema")).anyMatch(p -> p.contains("no tasks"));
        assertThat(WorldRuntime.load(messaging).buildProblems()).isEmpty();
        assertThat(WorldRuntime.load(TestWorlds.awm1k("content_platform_1")).buildProblems()).isEmpty();
    }

    @Test
    void awmPythonToolsetIsReportedAsNeedingSynthesis(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gen_tasks.jsonl"), "{\"scenario\": \"x\", \"tasks\": [\"a\"]}\n");
        Files.writeString(dir.resolve("gen_db.jsonl"), "{\"scenario\": \"x\", \"db_schema\": {\"tables\": [{\"name\": \"users\", \"ddl\": \"CREATE TABLE users (id INTEGER PRIMARY KEY)\", \"indexes\": []}]}}\n");
        Files.writeString(dir.resolve("gen_envs.jsonl"), "{\"scenario\": \"x\", \"full_code\": \"from fastapi import FastAPI\"}\n");
        World w = WorldFiles.load(dir).get(0);
        assertThat(w.tools()).isEmpty();
        assertThat(w.problems()).anyMatch(p -> p.contains("AWM Python code") && p.contains(WorldFiles.NO_SQL_TOOLSET_HINT));
    }

    @Test
    void aBrokenLineNamesItsFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gen_tasks.jsonl"), "{\"scenario\": \"x\", \"tasks\": []}\n{not json\n");
        assertThatThrownBy(() -> WorldFiles.load(dir)).hasMessageContaining("gen_tasks.jsonl line 2 is not JSON");
        assertThatThrownBy(() -> WorldFiles.load(dir.resolve("missing"))).hasMessageContaining("no such directory");
    }

    @Test
    void verifiersForMissingOrRepeatedTasksAreReported(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gen_tasks.jsonl"), "{\"scenario\": \"x\", \"tasks\": [\"a\"]}\n");
        String line = "{\"scenario\": \"x\", \"task_idx\": %d, \"verifier\": {\"checks\": [\"SELECT 1\"]}, \"solution\": {\"calls\": []}}\n";
        Files.writeString(dir.resolve("gen_verifier.jsonl"), line.formatted(0) + line.formatted(0) + line.formatted(4));
        World w = WorldFiles.load(dir).get(0);
        assertThat(w.verifiers()).hasSize(1);
        assertThat(w.problems()).anyMatch(p -> p.contains("line 2: a second verifier for task 0")).anyMatch(p -> p.contains("line 3: task_idx 4 names no task"));
    }

    @Test
    void failingSeedRowsAreListedWithTheirStatement(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gen_db.jsonl"), "{\"scenario\": \"x\", \"db_schema\": {\"tables\": [{\"name\": \"t\", \"ddl\": \"CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER CHECK (n > 0))\", \"indexes\": []}]}}\n");
        Files.writeString(dir.resolve("gen_sample.jsonl"), "{\"scenario\": \"x\", \"sample_data\": {\"tables\": [{\"table_name\": \"t\", \"insert_statements\": [\"INSERT INTO t VALUES (1, 5)\", \"INSERT INTO t VALUES (2, -1)\"]}]}}\n");
        WorldRuntime rt = WorldRuntime.load(WorldFiles.load(dir).get(0));
        assertThat(rt.buildProblems()).singleElement().asString().contains("seed t insert 2").contains("CHECK constraint failed");
    }
}
