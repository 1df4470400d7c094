package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import picocli.CommandLine;

/** A world's own SQL (schema, indexes, seed rows) is untrusted: it reaches no host file and runs only as allowed. */
class WorldSqlTest {

    @TempDir
    Path tmp;

    /** Writes a one-world set ({@code hostile}) with these tables ({@code name -> [ddl, index...]}) and seed rows. */
    Path worldDir(Map<String, List<String>> tables, Map<String, List<String>> seed) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("world"));
        Files.writeString(dir.resolve("gen_tasks.jsonl"), Json.write(Map.of("scenario", "hostile", "tasks", List.of("t"))) + "\n");
        List<Map<String, Object>> schema = tables.entrySet().stream()
                .map(e -> Map.<String, Object>of("name", e.getKey(), "ddl", e.getValue().get(0), "indexes", e.getValue().subList(1, e.getValue().size()))).toList();
        Files.writeString(dir.resolve("gen_db.jsonl"), Json.write(Map.of("scenario", "hostile", "db_schema", Map.of("tables", schema))) + "\n");
        List<Map<String, Object>> rows = seed.entrySet().stream().map(e -> Map.<String, Object>of("table_name", e.getKey(), "insert_statements", e.getValue())).toList();
        Files.writeString(dir.resolve("gen_sample.jsonl"), "\n" + Json.write(Map.of("scenario", "hostile", "sample_data", Map.of("tables", rows))) + "\n");
        return dir;
    }

    static WorldRuntime load(Path dir) {
        return WorldRuntime.load(WorldFiles.load(dir).get(0));
    }

    static List<String> names(WorldRuntime rt, String type) throws SQLException {
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            return Sqlite.query(db, "SELECT name FROM sqlite_master WHERE type = '" + type + "' ORDER BY name").stream().map(r -> (String) r.get("name")).toList();
        }
    }

    @Test
    void attachBackupAndRestoreInWorldFilesTouchNoHostFile() throws Exception {
        Path attached = tmp.resolve("attached.db"), attachedByIndex = tmp.resolve("attached2.db"), attachedBySeed = tmp.resolve("attached3.db");
        Path backup = tmp.resolve("backup.db"), vacuumed = tmp.resolve("vacuum.db"), source = tmp.resolve("host.db");
        try (SQLiteConnection host = Sqlite.openMemory(); Statement s = host.createStatement()) {
            s.execute("CREATE TABLE secret (v TEXT)");
            s.execute("INSERT INTO secret VALUES ('host secret')");
            Files.write(source, Sqlite.image(host));
        }
        byte[] sourceBefore = Files.readAllBytes(source);
        Path dir = worldDir(Map.of(
                        "t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
                                "CREATE INDEX t_v ON t(v); ATTACH DATABASE '" + attachedByIndex + "' AS y",
                                "backup to " + backup),
                        "x", List.of("ATTACH DATABASE '" + attached + "' AS x"),
                        "y", List.of("VACUUM INTO '" + vacuumed + "'")),
                Map.of("t", List.of("restore from " + source,
                        "INSERT INTO t VALUES (1, 'a'); ATTACH DATABASE '" + attachedBySeed + "' AS z; CREATE TABLE z.w (a)",
                        "INSERT INTO t VALUES (2, 'b')")));

        StringWriter listing = new StringWriter();
        CommandLine worlds = dev.awm.cli.Main.commandLine();
        worlds.setOut(new PrintWriter(listing, true));
        worlds.execute("worlds", "--dir", dir.toString());
        WorldRuntime rt = load(dir);

        for (Path p : List.of(attached, attachedByIndex, attachedBySeed, backup, vacuumed)) assertThat(p).as("a world file wrote %s", p).doesNotExist();
        assertThat(listing.toString()).contains("8 problem(s)").contains("gen_sample.jsonl line 2: seed t insert 1 is refused: it starts with RESTORE");
        assertThat(Files.readAllBytes(source)).isEqualTo(sourceBefore);
        assertThat(names(rt, "table")).as("nothing read from the host's database").containsExactly("t");
        String db = dir.resolve("gen_db.jsonl") + " line 1: ", sample = dir.resolve("gen_sample.jsonl") + " line 2: ";
        assertThat(rt.buildProblems()).anySatisfy(p -> assertThat(p).startsWith(db + "table x: its DDL is refused: it starts with ATTACH"))
                .anySatisfy(p -> assertThat(p).startsWith(db + "table t: index 1 is refused: it holds more than one statement"))
                .anySatisfy(p -> assertThat(p).startsWith(db + "table t: index 2 is refused: it starts with BACKUP"))
                .anySatisfy(p -> assertThat(p).startsWith(db + "table y: its DDL is refused: it starts with VACUUM"))
                .anySatisfy(p -> assertThat(p).startsWith(sample + "seed t insert 1 is refused: it starts with RESTORE; only INSERT, REPLACE are allowed"))
                .anySatisfy(p -> assertThat(p).startsWith(sample + "seed t insert 2 is refused: it holds more than one statement"));
        assertThat(rt.buildProblems()).hasSize(6);
        assertThat(rt.servable()).isFalse();
    }

    @Test
    void onlyMainSchemaObjectsAndPlainInsertsAreAllowed() throws Exception {
        Path dir = worldDir(Map.of(
                        "t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "CREATE TEMP TABLE tt (a)", "CREATE TABLE temp.tt2 (a)",
                                "CREATE VIRTUAL TABLE f USING fts5(a)", "PRAGMA writable_schema = 1", "CREATE UNIQUE INDEX t_v ON t(v)",
                                "CREATE TEMP TRIGGER tt AFTER INSERT ON t BEGIN DELETE FROM t; END"),
                        "w", List.of("DROP TABLE t")),
                Map.of("t", List.of("INSERT INTO t VALUES (1, load_extension('/nonexistent/lib'))", "INSERT INTO t VALUES (:id, 'x')",
                        "WITH x AS (SELECT 3) INSERT INTO t SELECT 3, 'c'", "DELETE FROM t", "INSERT OR REPLACE INTO t VALUES (4, 'd')",
                        "REPLACE INTO t VALUES (5, 'e')", "UPDATE t SET v = 'z'")));

        WorldRuntime rt = load(dir);

        assertThat(rt.buildProblems()).extracting(p -> p.replaceFirst("^.* line \\d+: ", "").replaceFirst(" in: .*", "")).containsExactlyInAnyOrder(
                "table t: index 1 is refused: it starts with CREATE TEMP TABLE; only CREATE TABLE, CREATE INDEX, CREATE UNIQUE INDEX, CREATE VIEW, CREATE TRIGGER are allowed here",
                "table t: index 2 is refused: it writes outside the main database",
                "table t: index 3 is refused: it starts with CREATE VIRTUAL TABLE; only CREATE TABLE, CREATE INDEX, CREATE UNIQUE INDEX, CREATE VIEW, CREATE TRIGGER are allowed here",
                "table t: index 4 is refused: it starts with PRAGMA; only CREATE TABLE, CREATE INDEX, CREATE UNIQUE INDEX, CREATE VIEW, CREATE TRIGGER are allowed here",
                "table t: index 6 is refused: it starts with CREATE TEMP TRIGGER; only CREATE TABLE, CREATE INDEX, CREATE UNIQUE INDEX, CREATE VIEW, CREATE TRIGGER are allowed here",
                "table w: its DDL is refused: it starts with DROP; only CREATE TABLE, CREATE INDEX, CREATE UNIQUE INDEX, CREATE VIEW, CREATE TRIGGER are allowed here",
                "seed t insert 1 is refused: it calls load_extension, which is not allowed",
                "seed t insert 2 is refused: it has a parameter (?, :name, @name or $name); write values literally",
                "seed t insert 3 is refused: it starts with WITH; only INSERT, REPLACE are allowed here",
                "seed t insert 4 is refused: it starts with DELETE; only INSERT, REPLACE are allowed here",
                "seed t insert 7 is refused: it starts with UPDATE; only INSERT, REPLACE are allowed here");
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            assertThat(Sqlite.query(db, "SELECT id FROM t ORDER BY id")).extracting(r -> r.get("id")).containsExactly(4L, 5L);
        }
        assertThat(names(rt, "index")).contains("t_v");
    }

    @Test
    void triggersOnTheMainSchemaRunAndEndAtTheirEnd() throws Exception {
        String trigger = "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO log (msg) VALUES ('added ' || NEW.id || '; ok');\n"
                + "  UPDATE t SET v = CASE WHEN NEW.v IS NULL THEN 'none' ELSE NEW.v END WHERE id = NEW.id;\n"
                + "END;";
        Path dir = worldDir(Map.of(
                        "log", List.of("CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT)"),
                        "t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", trigger, trigger.replace("t_log", "t_log2") + " ATTACH DATABASE 'x.db' AS x")),
                Map.of("t", List.of("INSERT INTO t (id) VALUES (1)")));

        WorldRuntime rt = load(dir);

        assertThat(rt.buildProblems()).singleElement().asString().contains("table t: index 2 is refused: it holds more than one statement");
        assertThat(names(rt, "trigger")).containsExactly("t_log");
        try (SQLiteConnection db = Sqlite.open(rt.initialImage())) {
            assertThat(Sqlite.query(db, "SELECT msg FROM log")).extracting(r -> r.get("msg")).containsExactly("added 1; ok");
            assertThat(Sqlite.query(db, "SELECT v FROM t")).extracting(r -> r.get("v")).containsExactly("none");
        }
    }

    @Test
    @Timeout(60)
    void seedRowsThatNeverEndOrFillTheHostAreStopped() throws Exception {
        Path dir = worldDir(Map.of("t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")), Map.of("t", List.of(
                "INSERT INTO t (v) SELECT n FROM (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r) WHERE n < 0")));
        WorldRuntime slow = WorldRuntime.load(WorldFiles.load(dir).get(0), 2_000, 300);
        assertThat(slow.buildProblems()).singleElement().asString().startsWith("building the database took longer than 300 ms; stopped at ")
                .contains("seed t insert 1");

        Path big = worldDir(Map.of("t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")), Map.of("t", List.of(
                "INSERT INTO t (v) SELECT randomblob(4000) FROM (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r)",
                "INSERT INTO t (v) VALUES (zeroblob(2000000))")));
        assertThat(load(big).buildProblems()).singleElement().asString().startsWith("the database grew past the 64 MiB a world may hold; stopped at ");
    }

    @Test
    void aValueLargerThanTheLimitFailsItsStatement() throws Exception {
        Path dir = worldDir(Map.of("t", List.of("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB DEFAULT (zeroblob(2000000)))")), Map.of("t", List.of("INSERT INTO t (id) VALUES (1)")));
        assertThat(load(dir).buildProblems()).singleElement().asString().contains("seed t insert 1 fails: string or blob too big");
    }

    @Test
    void noConnectionCanAttachAFileOrLoadAnExtension() throws Exception {
        Path file = tmp.resolve("attached.db");
        byte[] image;
        try (SQLiteConnection db = Sqlite.openMemory()) {
            image = Sqlite.image(db);
        }
        try (SQLiteConnection memory = Sqlite.openMemory(); SQLiteConnection copy = Sqlite.open(image); SQLiteConnection pair = Sqlite.openPair(image, image)) {
            for (SQLiteConnection c : List.of(memory, copy, pair)) {
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute("ATTACH DATABASE '" + file + "' AS x")).hasMessageContaining("too many attached databases");
                    assertThatThrownBy(() -> s.execute("SELECT load_extension('/nonexistent/lib')")).hasMessageContaining("not authorized");
                }
            }
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void createStatementsAreKnownByTheirLeadingWords() {
        assertThat(WorldSql.kind(SqlText.parse("create unique index i on t(a)"))).isEqualTo("CREATE UNIQUE INDEX");
        assertThat(WorldSql.kind(SqlText.parse("/* c */ CREATE -- x\n TABLE t (a)"))).isEqualTo("CREATE TABLE");
        assertThat(WorldSql.kind(SqlText.parse("CREATE TEMPORARY VIEW v AS SELECT 1"))).isEqualTo("CREATE TEMPORARY VIEW");
        assertThat(WorldSql.kind(SqlText.parse("INSERT OR IGNORE INTO t VALUES (1)"))).isEqualTo("INSERT");
        assertThat(WorldSql.kind(SqlText.parse("  "))).isEmpty();
    }
}
