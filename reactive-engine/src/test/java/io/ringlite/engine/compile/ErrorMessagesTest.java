package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqlite.SQLiteException;

/**
 * Every error message is compared with the one real SQLite (sqlite-jdbc) gives for the same
 * statement, together with the (extended) result code.
 */
class ErrorMessagesTest {
    private static final String SETUP = "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b)";

    static Stream<String> compileErrors() {
        return Stream.of(
                "SELEC 1",
                "SELECT 1 2",
                "SELECT * FROM;",
                "SELECT",
                "SELECT * FROM t WHERE",
                "SELECT #",
                "SELECT 'abc",
                "SELECT x'0G'",
                "SELECT 12abc",
                "SELECT 1 !",
                "SELECT 0x1FFFFFFFFFFFFFFFFF",
                "SELECT * FROM nosuch",
                "SELECT nosuch FROM t",
                "SELECT t2.a FROM t",
                "SELECT foo(1)",
                "SELECT abs(1, 2)",
                "SELECT substr('x')",
                "SELECT 1 ORDER BY 2",
                "SELECT * FROM t ORDER BY 4",
                "SELECT * FROM t ORDER BY 0",
                "SELECT a FROM t WHERE count(*) > 1",
                "SELECT 'a' = 'b' COLLATE foo",
                "SELECT count(count(b)) FROM t",
                "SELECT a FROM t LIMIT a",
                "INSERT INTO t VALUES (1)",
                "INSERT INTO t(a, b) VALUES (1)",
                "INSERT INTO t(zz) VALUES (1)",
                "INSERT INTO t(a) VALUES (1), (2, 3)",
                "INSERT INTO nosuch VALUES (1)",
                "INSERT INTO t(a) VALUES (zz)",
                "INSERT INTO sqlite_master VALUES (1, 2, 3, 4, 5)",
                "CREATE TABLE t(x)",
                "CREATE TABLE T(x)",
                "CREATE TABLE u(a, A)",
                "CREATE TABLE u(a PRIMARY KEY, b PRIMARY KEY)",
                "CREATE TABLE u(a INTEGER PRIMARY KEY, b, PRIMARY KEY(b))",
                "CREATE TABLE u(a INT PRIMARY KEY AUTOINCREMENT)",
                "CREATE TABLE u(a INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID",
                "CREATE TABLE u(a) WITHOUT ROWID",
                "CREATE TABLE sqlite_x(a)",
                "CREATE TABLE u(a DEFAULT (1 + x))",
                "CREATE TABLE u(a, PRIMARY KEY(zz))",
                "CREATE TABLE other.u(a)",
                "CREATE TABLE u(a CHECK (b > 0))",
                "COMMIT",
                "ROLLBACK",
                "UPDATE t SET zz = 1",
                "UPDATE t SET a = 1 WHERE zz = 2",
                "UPDATE nosuch SET a = 1",
                "DELETE FROM nosuch",
                "DELETE FROM t WHERE zz = 1",
                "DELETE FROM sqlite_master",
                "UPDATE t SET a = count(*)",
                "SELECT (SELECT 1, 2)",
                "SELECT 1 IN (SELECT id, a FROM t)",
                "INSERT INTO t SELECT id FROM t",
                "INSERT INTO t(a, b) SELECT a FROM t",
                "SELECT a FROM t GROUP BY 2",
                "SELECT count(*) FROM t GROUP BY 1",
                "SELECT a FROM t, t AS u",
                "SELECT t.a FROM t, t",
                "SELECT 1 UNION SELECT 1, 2",
                "SELECT 1 UNION ALL SELECT 1, 2",
                "SELECT 1 AS q UNION SELECT 2 ORDER BY 2",
                "SELECT a FROM t UNION SELECT b FROM t ORDER BY id",
                "CREATE VIEW t AS SELECT 1",
                "CREATE VIEW sqlite_v AS SELECT 1"
        );
    }

    @ParameterizedTest
    @MethodSource("compileErrors")
    void errorMatchesSqlite(String sql) throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        DatabaseException ours = catchThrowableOfType(DatabaseException.class, () -> engine.run(sql));
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            conn.createStatement().executeUpdate(SETUP);
            SQLiteException theirs = catchThrowableOfType(SQLiteException.class,
                    () -> conn.createStatement().execute(sql));
            assertThat((Object) theirs).as("sqlite accepts " + sql).isNotNull();
            assertThat(ours).as("we accept " + sql).isNotNull();
            assertThat(ours.getMessage()).as(sql).isEqualTo(sqliteMessage(theirs));
            assertThat(ours.code().code()).as(sql).isEqualTo(theirs.getResultCode().code);
        }
    }

    static Stream<String> runtimeErrors() {
        return Stream.of(
                "INSERT INTO t(a) VALUES (NULL)",
                "INSERT INTO t VALUES (1, 'x', 1); INSERT INTO t VALUES (1, 'y', 2)",
                "INSERT INTO t VALUES (5, 'x', 1), (5, 'y', 2)",
                "INSERT INTO t(id, a) VALUES ('abc', 'x')",
                "INSERT INTO t(id, a) VALUES (1.5, 'x')",
                "INSERT INTO t(rowid, a) VALUES (x'01', 'x')",
                "SELECT abs(-9223372036854775808)",
                "INSERT INTO t DEFAULT VALUES",
                "INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 2); UPDATE t SET id = 2 WHERE id = 1",
                "INSERT INTO t VALUES (1, 'x', 1); UPDATE t SET a = NULL",
                "INSERT INTO t VALUES (1, 'x', 1); UPDATE t SET id = 'abc'",
                "INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 2); INSERT INTO t SELECT * FROM t WHERE id = 2",
                "CREATE VIEW w AS SELECT 1; CREATE VIEW w AS SELECT 2",
                "CREATE VIEW w(x, y) AS SELECT 1; SELECT * FROM w"
        );
    }

    @ParameterizedTest
    @MethodSource("runtimeErrors")
    void runtimeErrorMatchesSqliteAndChangesNothing(String script) throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        DatabaseException ours = catchThrowableOfType(DatabaseException.class, () -> engine.run(script));
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            conn.createStatement().executeUpdate(SETUP);
            SQLiteException theirs = null;
            for (String stmt : script.split(";")) {
                try {
                    conn.createStatement().execute(stmt);
                } catch (SQLiteException e) {
                    theirs = e;
                    break;
                }
            }
            assertThat((Object) theirs).as("sqlite accepts " + script).isNotNull();
            assertThat(ours).as("we accept " + script).isNotNull();
            assertThat(ours.getMessage()).as(script).isEqualTo(sqliteMessage(theirs));
            assertThat(ours.code().code()).as(script).isEqualTo(theirs.getResultCode().code);
            // The failing statement left nothing behind (statement rollback): same rows as SQLite.
            var rs = conn.createStatement().executeQuery("SELECT count(*) FROM t");
            rs.next();
            assertThat(engine.run("SELECT count(*) FROM t").get(0).get(0)).isEqualTo((long) rs.getInt(1));
        }
    }

    static Stream<String[]> notSupportedYet() {
        return Stream.of(
                new String[] {"SELECT * FROM t RIGHT JOIN t AS u ON 1", "RIGHT JOIN"},
                new String[] {"SELECT * FROM t JOIN t AS u USING (id)", "JOIN ... USING"},
                new String[] {"SELECT 1 INTERSECT SELECT 2", "compound SELECT (INTERSECT)"},
                new String[] {"SELECT 1 UNION SELECT 2 UNION ALL SELECT 3", "compound SELECT mixing UNION and UNION ALL"},
                new String[] {"WITH c AS (SELECT 1) SELECT * FROM c", "WITH clause"},
                new String[] {"SELECT row_number() OVER ()", "window functions"},
                new String[] {"UPDATE t SET a = 1 RETURNING *", "RETURNING"},
                new String[] {"UPDATE t SET (a, b) = (1, 2)", "row values in SET"},
                new String[] {"DELETE FROM t RETURNING *", "RETURNING"},
                new String[] {"CREATE TABLE u(a UNIQUE ON CONFLICT REPLACE)", "ON CONFLICT REPLACE constraints"},
                new String[] {"CREATE TABLE u(a, b, PRIMARY KEY(a, b) ON CONFLICT IGNORE)", "ON CONFLICT IGNORE constraints"},
                new String[] {"SAVEPOINT s", "SAVEPOINT"},
                new String[] {"EXPLAIN QUERY PLAN SELECT 1", "EXPLAIN QUERY PLAN"},
                new String[] {"INSERT INTO t(a) VALUES (1) RETURNING id", "RETURNING"},
                new String[] {"CREATE TEMP TABLE u(a)", "CREATE TEMP TABLE"},
                new String[] {"SELECT CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"},
                new String[] {"SELECT b, (SELECT count(*) FROM t AS x WHERE x.b = t.b) FROM t GROUP BY b",
                        "subqueries in the result of a GROUP BY query"}
        );
    }

    @ParameterizedTest
    @MethodSource("notSupportedYet")
    void unsupportedFeaturesFailWithAClearError(String sql, String feature) {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        assertThatThrownBy(() -> Compiler.compile(sql, engine.schema()))
                .isInstanceOf(DatabaseException.class)
                .hasMessage("not supported yet: " + feature)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.ERROR);
    }

    /** sqlite-jdbc wraps the message: "[SQLITE_ERROR] SQL error or missing database (near ...)". */
    private static String sqliteMessage(SQLException e) {
        String m = e.getMessage();
        return m.substring(m.indexOf('(') + 1, m.lastIndexOf(')'));
    }
}
