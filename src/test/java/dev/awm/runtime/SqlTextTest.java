package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void parametersBecomePlaceholdersInOrder() {
        SqlText s = SqlText.parse("SELECT * FROM t WHERE a = :a AND b = :row.b OR c = :a");
        assertThat(s.jdbc()).isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? OR c = ?");
        assertThat(s.params()).extracting(Object::toString).containsExactly(":a", ":row.b", ":a");
        assertThat(s.keyword()).isEqualTo("SELECT");
    }

    @Test
    void colonsInsideLiteralsAndCommentsAreText() {
        SqlText s = SqlText.parse("-- at :x\nSELECT '10:30', \"odd:name\" FROM t /* :y */ WHERE d > :d");
        assertThat(s.params()).extracting(Object::toString).containsExactly(":d");
        assertThat(s.jdbc()).contains("'10:30'").contains("\"odd:name\"");
        assertThat(s.keyword()).isEqualTo("SELECT");
    }

    @Test
    void aSecondStatementAndForbiddenKindsAreRefused() {
        assertThat(SqlText.parse("SELECT 1; DROP TABLE t").refusal(SqlText.READ_KEYWORDS)).contains("more than one statement");
        assertThat(SqlText.parse("SELECT 1;").refusal(SqlText.READ_KEYWORDS)).isNull();
        assertThat(SqlText.parse("PRAGMA foreign_keys = OFF").refusal(SqlText.TOOL_KEYWORDS)).contains("PRAGMA");
        assertThat(SqlText.parse("ATTACH 'x.db' AS x").refusal(SqlText.TOOL_KEYWORDS)).contains("ATTACH");
        assertThat(SqlText.parse("SELECT load_extension('x')").refusal(SqlText.READ_KEYWORDS)).contains("load_extension");
        assertThat(SqlText.parse("DELETE FROM t").refusal(SqlText.READ_KEYWORDS)).contains("DELETE");
    }
}
