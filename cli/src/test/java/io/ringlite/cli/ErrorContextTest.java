package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The excerpt under parse errors. Expected texts are what sqlite3 3.40 prints for the same SQL
 * (checked with the CLI when writing these cases).
 */
class ErrorContextTest {

    @Test
    void pointsAtTheTokenOfASyntaxError() {
        assertThat(ErrorContext.of("selec 1; select 2", "near \"selec\": syntax error"))
                .isEqualTo("\n  selec 1; select 2\n  ^--- error here");
    }

    @Test
    void pointsBackwardsWhenTheErrorIsFarIntoTheLine() {
        String sql = "select count(*) from (select 1) where count(*)";
        // sqlite3: misuse of aggregate points at offset 38; the excerpt form is independent of why
        assertThat(ErrorContext.excerpt(sql, 38))
                .isEqualTo("\n  " + sql + "\n  " + " ".repeat(24) + "error here ---^");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 20, 30, 45, 60, 100})
    void longSqlIsCutToAWindowAroundTheErrorAsSqlite3Does(int before) {
        Sqlite3.assumePresent();
        String sql = "select " + "a, ".repeat(before) + "zz, " + "a, ".repeat(30) + "a from t";
        String message = "no such column: zz";
        Sqlite3.Result expected = Sqlite3.run(List.of("-cmd", "create table t(a)", ":memory:", sql), "");
        assertThat("Error: in prepare, " + message + ErrorContext.of(sql, message) + "\n").isEqualTo(expected.err());
    }

    @Test
    void whitespaceInTheExcerptBecomesSpaces() {
        assertThat(ErrorContext.of("select\n  2,\n zz;", "no such column: zz"))
                .isEqualTo("\n  select   2,  zz;\n               ^--- error here");
    }

    @Test
    void functionErrorsPointAtTheCall() {
        assertThat(ErrorContext.of("select   ABS(1,2)", "wrong number of arguments to function ABS()"))
                .isEqualTo("\n  select   ABS(1,2)\n           ^--- error here");
        assertThat(ErrorContext.of("select nofunc(1)", "no such function: nofunc"))
                .isEqualTo("\n  select nofunc(1)\n         ^--- error here");
    }

    @Test
    void unknownPositionsGiveNoExcerpt() {
        assertThat(ErrorContext.of("select * from nosuch", "no such table: nosuch")).isEmpty();
        assertThat(ErrorContext.of("select 1", null)).isEmpty();
    }
}
