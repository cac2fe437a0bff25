package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** When the shell considers typed text a complete statement (sqlite3_complete's rules). */
class SqlCompleteTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "select 1;", "select 1;  ", "select 1; -- trailing comment", "select 1; /* c */",
        "select ';';", "select \"a;\";", "select [a;b] from t;", "select `x;`;",
        "select 'it''s';", "create trigger tr after insert on t begin select 1; end;",
        "create temp trigger tr after insert on t begin insert into x values(1); select 2; end;",
        "select 1; select 2;", ";",
    })
    void completeStatements(String sql) {
        assertThat(SqlComplete.isComplete(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select 1", "select ';'", "select 'abc;", "select \"a;", "select 1 /* ; */", "select 1 -- ;",
        "/* unterminated ; ", "create trigger tr after insert on t begin select 1;",
        "create trigger tr after insert on t begin select 1; end", "select 1; select 2", "",
    })
    void incompleteStatements(String sql) {
        assertThat(SqlComplete.isComplete(sql)).isFalse();
    }
}
