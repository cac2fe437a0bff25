package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell end to end over the real Ringlite engine: scripts whose output, errors and exit code
 * must equal what sqlite3 prints for the same input, files that sqlite3 reads back, and Ctrl-C
 * through the engine's per-statement cancellation.
 */
class EngineShellTest {

    @BeforeAll
    static void oracle() {
        Sqlite3.assumePresent();
    }

    private static Sqlite3.Result ringlite(List<String> args, String stdin) {
        return Sqlite3.ringlite(args, stdin, Main::open);
    }

    private static void sameAsSqlite3(List<String> args, String stdin) {
        Sqlite3.Result expected = Sqlite3.run(args, stdin);
        Sqlite3.Result actual = ringlite(args, stdin);
        assertThat(actual.outText()).as("stdout").isEqualTo(expected.outText());
        assertThat(actual.out()).as("stdout bytes").isEqualTo(expected.out());
        assertThat(actual.err()).as("stderr").isEqualTo(expected.err());
        assertThat(actual.exitCode()).as("exit code").isEqualTo(expected.exitCode());
    }

    static final String TABLE = """
            create table t(id integer primary key, name text, score real, data blob);
            insert into t values (1, 'alice', 1.5, x'00ff'), (2, 'bob', null, null), (3, 'carol', 0.1, x'41');
            insert into t(name, score) values ('dave', 1e20);
            """;

    @Test
    void scriptWithEveryModeAndErrorsPrintsAsSqlite3() {
        sameAsSqlite3(List.of(), TABLE + """
                select * from t;
                select id, name from t where score > 1 order by id desc;
                select count(*) from t;
                select length(name), upper(name), typeof(score), quote(data), hex(data) from t order by name limit 2 offset 1;
                select * from nosuch;
                selec 1;
                insert into t values (1, 'dup', 0, null);
                select 1.0/3, 10/3, 'x' || 'y', abs(-5), coalesce(null, 'z');
                .mode json
                select * from t where id = 3;
                .mode box
                select id, name from t;
                .mode line
                select * from t where id = 2;
                .mode quote
                select * from t;
                .headers on
                .mode csv
                select * from t;
                .tables
                .schema
                """);
    }

    @Test
    void sqlArgumentsStopAtTheFirstErrorWithItsCode() {
        sameAsSqlite3(List.of(":memory:", "create table t(a integer primary key)", "insert into t values(1)",
                "insert into t values(1)", "select 'not reached'"), "");
        sameAsSqlite3(List.of(":memory:", "select 1", "select * from nosuch", "select 2"), "");
    }

    @Test
    void bailStopsTheScriptOverTheEngine() {
        sameAsSqlite3(List.of("-bail"), TABLE + "select count(*) from t;\nselect * from nosuch;\nselect 2;\n");
    }

    @Test
    void transactionsSpanStatements() {
        sameAsSqlite3(List.of(), """
                create table t(a);
                begin;
                insert into t values (1);
                insert into t values (2);
                rollback;
                begin;
                insert into t values (3);
                commit;
                select * from t;
                """);
    }

    @Test
    void fileWrittenByTheShellReadsBackInSqlite3(@TempDir Path dir) {
        for (String io : List.of("portable", "uring")) {
            Path db = dir.resolve(io + ".db");
            Sqlite3.Result write = ringlite(List.of("--io", io, db.toString(), "create table t(a, b)",
                    "insert into t values (1, 'one'), (2, 'two')"), "");
            assertThat(write.err()).isEmpty();
            assertThat(write.exitCode()).isZero();
            Sqlite3.Result read = ringlite(List.of("--io", io, db.toString(), "select * from t"), "");
            assertThat(read.outText()).isEqualTo("1|one\n2|two\n");
            Sqlite3.Result oracle = Sqlite3.run(List.of(db.toString(), "pragma integrity_check", "select * from t"), "");
            assertThat(oracle.outText()).isEqualTo("ok\n1|one\n2|two\n");
        }
    }

    @Test
    void readonlyRefusesWritesAsSqlite3Does(@TempDir Path dir) {
        Path db = dir.resolve("ro.db");
        Sqlite3.run(List.of(db.toString(), "create table t(a)"), "");
        List<String> args = List.of("-readonly", db.toString(), "insert into t values (1)");
        Sqlite3.Result expected = Sqlite3.run(args, "");
        Sqlite3.Result actual = ringlite(args, "");
        assertThat(actual.exitCode()).isEqualTo(expected.exitCode());
        assertThat(actual.err()).isEqualTo(expected.err());
    }

    @Test
    void openSwitchesToAnotherDatabase(@TempDir Path dir) {
        Path db = dir.resolve("other.db");
        Sqlite3.run(List.of(db.toString(), "create table o(x); insert into o values ('from file')"), "");
        sameAsSqlite3(List.of(), "create table m(x);\n.tables\n.open " + db + "\n.tables\nselect * from o;\n"
                + ".open\n.tables\n");
    }

    @Test
    void interruptStopsOnlyTheRunningStatementAndTheConnectionStaysUsable() {
        try (EngineConnection conn = EngineConnection.open(DatabaseConfig.memory())) {
            StringBuilder values = new StringBuilder("insert into t values (0)");
            for (int i = 1; i < 2000; i++) {
                values.append(", (").append(i).append(')');
            }
            run(conn, "create table t(a)");
            run(conn, values.toString());
            List<Object[]> seen = new ArrayList<>();
            SqlConnection.Statement all = conn.prepare("select a from t");
            assertThatThrownBy(() -> conn.execute(all, row -> {
                seen.add(row);
                if (seen.size() == 1) {
                    conn.interrupt(); // what Ctrl-C does, here at a known point
                }
            })).isInstanceOfSatisfying(DatabaseException.class,
                    e -> assertThat(e.code()).isEqualTo(ResultCode.INTERRUPT));
            assertThat(seen.size()).isLessThan(2000);
            List<Object[]> count = run(conn, "select count(*) from t");
            assertThat(count.getFirst()[0]).isEqualTo(2000L);
        }
    }

    private static List<Object[]> run(SqlConnection conn, String sql) {
        List<Object[]> rows = new ArrayList<>();
        conn.execute(conn.prepare(sql), rows::add);
        return rows;
    }
}
