package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every output mode, byte for byte against the sqlite3 CLI: the same literal SELECTs run in
 * sqlite3 and in our shell, whose values come from real SQLite through sqlite-jdbc (so the test
 * checks printing, not the engine). The expected bytes are whatever sqlite3 prints.
 */
class OutputModeOracleTest {

    static final List<String> QUERIES = List.of(
            "select 1 as a, 1.5, 'a', x'00ff', null, 'x\"y,z', 'line\ntwo', 1e20, 1e15, 123456789012345678,"
                    + " 0.1, 'it''s', ''",
            "select 1 as n union all select 2 union all select 3",
            "select 'a b' as t, 'a;b', 'a|b', 'a\tb', ' a', 'a'||char(127), 'é', 'a\\b', '<'",
            "select x'41ff42' as b, x'41' as c, x'' as d",
            "select char(1,8,9,10,12,13,31,34,47,92,127,128) as ctl",
            "select -2.5 as r, 100.0, 0.5, 1e-5, 3.0e100, -0.0, 9223372036854775807, -9223372036854775808,"
                    + " 2.0e-320, 1e16, 123456789.125",
            "select 'é' as x, '日本' as y, 12 as zzzzz union all select 'abcdef', null, 3.5",
            "select 'a\nb' as x union all select 'c' union all select 'd'",
            "select 'a'||char(9)||'b' as t, 'p\n' as nl, '\nq\n' as n2, 'a'||char(13)||char(10)||'b' as crlf",
            "select 1 as 'a\"b\\c\nd', 2 as 'é', 3 as ab",
            "select 1 where 0",
            "select 1 as one; select 2 as two, 'x' as three");

    static final List<String> MODES = List.of("list", "csv", "json", "box", "line", "quote", "tabs");

    @BeforeAll
    static void oracle() {
        Sqlite3.assumePresent();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String mode : MODES) {
            for (String header : List.of("-header", "-noheader")) {
                for (String q : QUERIES) {
                    cases.add(Arguments.of(mode, header, q));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("cases")
    void printsLiteralSelectsExactlyAsSqlite3(String mode, String header, String sql) {
        List<String> args = List.of("-" + mode, header, ":memory:", sql);
        Sqlite3.Result expected = Sqlite3.run(args, "");
        Sqlite3.Result actual = Sqlite3.ringliteOverSqlite(args, "");
        assertThat(actual.outText()).isEqualTo(expected.outText());
        assertThat(actual.out()).isEqualTo(expected.out());
        assertThat(actual.exitCode()).isEqualTo(expected.exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void nullValueAppliesWhereSqlite3AppliesIt(String mode) {
        List<String> args = List.of("-" + mode, "-nullvalue", "NUL", "-header", ":memory:",
                "select null as a, 1 as b, null as c");
        assertThat(Sqlite3.ringliteOverSqlite(args, "").outText()).isEqualTo(Sqlite3.run(args, "").outText());
    }

    static Stream<String> modes() {
        return MODES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void dotModeSwitchesModeInAScript(String mode) {
        String script = ".headers on\n.mode " + mode + "\nselect 1 as a, 'x' as b;\n.nullvalue -\n"
                + "select null as n;\n.mode\n";
        List<String> args = List.of("-batch", ":memory:");
        Sqlite3.Result expected = Sqlite3.run(args, script);
        Sqlite3.Result actual = Sqlite3.ringliteOverSqlite(args, script);
        assertThat(new String(actual.out(), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected.out(), StandardCharsets.UTF_8));
    }
}
