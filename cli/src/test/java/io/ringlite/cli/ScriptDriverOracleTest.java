package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The script, argument and dot-command driving of the shell against the sqlite3 CLI: the same
 * command line and standard input go to sqlite3 and to our shell (over real SQLite through
 * sqlite-jdbc), and standard output, standard error and the exit code must be identical.
 */
class ScriptDriverOracleTest {

    @BeforeAll
    static void oracle() {
        Sqlite3.assumePresent();
    }

    private static void sameAsSqlite3(List<String> args, String stdin) {
        Sqlite3.Result expected = Sqlite3.run(args, stdin);
        Sqlite3.Result actual = Sqlite3.ringliteOverSqlite(args, stdin);
        assertThat(actual.outText()).as("stdout").isEqualTo(expected.outText());
        assertThat(actual.err()).as("stderr").isEqualTo(expected.err());
        assertThat(actual.exitCode()).as("exit code").isEqualTo(expected.exitCode());
    }

    static final String ERRORS_SCRIPT = """
            select 1;
            selec 1;
            select 2;
            select abs(1,2);
            create table t(a unique); insert into t values(1);
            insert into t values(1);
            select 3;
            """;

    @Test
    void scriptGoesOnAfterParseAndRuntimeErrorsAndExitsWithOne() {
        sameAsSqlite3(List.of(":memory:"), ERRORS_SCRIPT);
    }

    @Test
    void bailStopsAScriptAtItsFirstError() {
        sameAsSqlite3(List.of("-bail", ":memory:"), ERRORS_SCRIPT);
    }

    @Test
    void bailStopsAtARuntimeError() {
        sameAsSqlite3(List.of("-bail", ":memory:"),
                "create table t(a unique); insert into t values(1);\ninsert into t values(1);select 2;\nselect 3;\n");
    }

    @Test
    void errorLineIsTheLineTheStatementStartsOn() {
        sameAsSqlite3(List.of(":memory:"), "select 1;\n\n  select\n  2,\n selec;\nselect 3;");
    }

    @Test
    void restOfALineIsAbandonedAfterAnError() {
        sameAsSqlite3(List.of(":memory:"), "select 1; selec 2; select 3;\nselect 4;\n");
    }

    @Test
    void incompleteStatementAtEndOfInputStillRuns() {
        sameAsSqlite3(List.of(":memory:"), "select 1;\nselect 2");
    }

    @Test
    void statementsSpanLinesAndShareLines() {
        sameAsSqlite3(List.of(":memory:"), "select\n1\n;select 2; select\n'a;b', \"c\"\n;\n-- comment ;\n/* x; */ select 3;\n");
    }

    @Test
    void triggerBodyIsOneStatementDespiteItsSemicolons() {
        sameAsSqlite3(List.of(":memory:"), """
                create table t(a); create table log(x);
                create trigger tr after insert on t begin
                  insert into log values(new.a);
                  insert into log values(new.a * 10);
                end;
                insert into t values(7);
                select * from log;
                """);
    }

    @Test
    void dotCommandsOnlyAtTheStartOfAStatement() {
        sameAsSqlite3(List.of(":memory:"), "select 1;\n  .print hi\nselect 2; .print x\n");
    }

    @Test
    void dotCommandErrorsAreReportedAndCounted() {
        sameAsSqlite3(List.of(":memory:"), """
                .mode bogus
                .bogus
                .headers
                .headers maybe
                .nullvalue
                .bail
                .print a   b  "c d" 'e  f'
                .print
                .mode
                .mode csv
                .mode
                select 1;
                """);
    }

    @Test
    void dotModeTabsAndListSeparators() {
        sameAsSqlite3(List.of(":memory:"), ".mode tabs\nselect 1, 2;\n.mode\n.mode csv\nselect 'a b', 3;\n"
                + ".mode list\nselect 4, 5;\n");
    }

    @Test
    void dotBoxWrapsLongValuesAtSixtyCharacters() {
        String longText = "abcdefghij".repeat(7);
        sameAsSqlite3(List.of(":memory:"), ".mode box\nselect '" + longText + "' as x, 'short' as y "
                + "union all select 'b', 'c';\n.mode\n");
    }

    @Test
    void separatorChangesColumnAndRowSeparators() {
        sameAsSqlite3(List.of(":memory:"), ".separator ;\nselect 1,2;\n.separator \\t\nselect 1,2;\n"
                + ".separator , \"\\n--\\n\"\nselect 1,2;\n.separator\n.mode csv\nselect 3,4;\n.separator a b c\n");
    }

    @Test
    void echoPrintsScriptInputBeforeRunningIt() {
        sameAsSqlite3(List.of(":memory:"), ".echo on\nselect 1;\n.print x\nselect\n2;\nselec;\n.echo off\nselect 3;\n");
        sameAsSqlite3(List.of("-echo", ":memory:"), "select 1;\n.print y\nselect 2");
    }

    @Test
    void quitStopsReadingInput() {
        sameAsSqlite3(List.of(":memory:"), "select 1;\n.quit\nselect 2;\n");
    }

    @Test
    void exitEndsWithTheGivenCode() {
        sameAsSqlite3(List.of(":memory:"), "select 1;\n.exit 4\nselect 2;\n");
        sameAsSqlite3(List.of(":memory:"), "selec;\n.exit\n");
        sameAsSqlite3(List.of(":memory:", "select 1", ".exit 3", "select 2"), "");
    }

    @Test
    void explainIsLaidOutAsSqlite3DoesInEveryMode() {
        sameAsSqlite3(List.of("-json", ":memory:"), "explain select 1;\n");
    }

    @Test
    void tablesAndSchemaListTheSchema() {
        sameAsSqlite3(List.of(":memory:"), """
                create table t(a, b);
                create   table "x y"(c);
                create index i on t(a);
                create view v as select 1, a from t;
                create table aaaaaaaaaaaaaaaaaaaaaaaaaa(z);
                create table b1(x); create table b2(x); create table b3(x); create table b4(x);
                .tables
                .tables t%
                .tables B_
                .schema
                .schema t
                .schema nosuch
                """);
    }

    @Test
    void headersRepeatPerStatement() {
        sameAsSqlite3(List.of("-header", ":memory:"), "select 1 as a; select 2 as b;\nselect 3 as c where 0;\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"select 1; selec 2; select 3", "select abs(1,2)", "select json('x')",
            "create table t(a unique); insert into t values(1); insert into t values(1)"})
    void sqlArgumentErrorsStopTheShellWithSqlite3sExitCode(String sql) {
        sameAsSqlite3(List.of(":memory:", "select 0", sql, "select 9"), "");
    }

    @Test
    void sqlArgumentsRunInOrderAndSkipStdin() {
        sameAsSqlite3(List.of(":memory:", ".mode csv", "select 1, 'a b'", ".print done", "select 2"),
                "select 'stdin';\n");
    }

    @Test
    void dotCommandErrorInArgumentsStops() {
        sameAsSqlite3(List.of(":memory:", ".mode bogus", "select 1"), "");
    }

    @Test
    void cmdRunsBeforeArgumentsAndStdin() {
        sameAsSqlite3(List.of("-cmd", "select 9", "-cmd", ".mode csv", ":memory:", "select 1,2"), "");
        sameAsSqlite3(List.of("-cmd", "select 9", "-cmd", ".mode csv", ":memory:"), "select 1,2;\n");
    }

    @Test
    void optionsMayFollowTheFileName() {
        sameAsSqlite3(List.of(":memory:", "-json", "select 1 as a"), "");
    }

    @Test
    void readRunsAFileAsAScript(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("s.sql");
        Files.writeString(script, "select 'in file';\nselec;\nselect 'after';\n");
        sameAsSqlite3(List.of(":memory:"), ".read " + script + "\nselect 'back';\n.read " + dir.resolve("none.sql")
                + "\n");
    }

    @Test
    void fileDatabasePersistsBetweenRuns(@TempDir Path dir) {
        // each shell gets its own file: the oracle's and ours must not share state
        List<String> results = new ArrayList<>();
        for (String who : List.of("sqlite3", "ringlite")) {
            Path db = dir.resolve(who + ".db");
            List<String> create = List.of(db.toString(), "create table t(a); insert into t values (1), (2)");
            List<String> read = List.of(db.toString(), "select sum(a) from t");
            if (who.equals("sqlite3")) {
                Sqlite3.run(create, "");
                results.add(Sqlite3.run(read, "").outText());
            } else {
                Sqlite3.ringliteOverSqlite(create, "");
                results.add(Sqlite3.ringliteOverSqlite(read, "").outText());
            }
        }
        assertThat(results.get(1)).isEqualTo(results.get(0)).isEqualTo("3\n");
    }
}
