package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

/**
 * Bad SQL text and bad parameters give typed errors with SQLite's wording, and leave the session
 * usable; random garbage as SQL never gives anything but a typed error or a result.
 */
class BadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(50);

    Database db;
    Session session;

    @BeforeEach
    void open() {
        db = Databases.open(DatabaseConfig.memory()).block(WAIT);
        session = db.connect();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        run("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    }

    @AfterEach
    void close() {
        session.close().block(WAIT);
        db.close().block(WAIT);
    }

    List<?> run(String sql, Object... args) {
        PreparedStatement ps = session.prepare(sql).block(WAIT);
        return session.execute(ps, Arrays.asList(args)).collectList().block(WAIT);
    }

    DatabaseException error(String sql, Object... args) {
        try {
            run(sql, args);
        } catch (Throwable t) {
            Throwable u = Exceptions.unwrap(t);
            assertThat(u).as("error of %s", sql).isInstanceOf(DatabaseException.class);
            return (DatabaseException) u;
        }
        throw new AssertionError("expected an error from " + sql);
    }

    @Test
    void syntaxErrorsNameTheTokenAsSqliteDoes() {
        DatabaseException e = error("SELEC id FROM t");
        assertThat(e.code()).isEqualTo(ResultCode.ERROR);
        assertThat(e.getMessage()).isEqualTo("near \"SELEC\": syntax error");
        assertThat(error("SELECT id FROM t WHERE").getMessage()).isEqualTo("incomplete input");
        assertThat(error("SELECT 'abc").getMessage()).isEqualTo("unrecognized token: \"'abc\"");
        assertThat(error("SELECT * FROM missing").getMessage()).isEqualTo("no such table: missing");
        assertThat(error("SELECT nope FROM t").getMessage()).isEqualTo("no such column: nope");
        assertThat(run("SELECT v FROM t WHERE id = 2")).hasSize(2); // the session is still usable
    }

    @Test
    void parametersOfAnUnsupportedTypeAreATypedError() {
        DatabaseException e = error("SELECT ?", new Object());
        assertThat(e.code().primary()).isIn(ResultCode.MISMATCH, ResultCode.ERROR, ResultCode.RANGE, ResultCode.MISUSE);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(run("SELECT v FROM t WHERE id = ?", 1L)).hasSize(2);
    }

    @Test
    void tooManyParametersIsARangeError() {
        DatabaseException e = error("SELECT ?", 1L, 2L);
        assertThat(e.code()).isEqualTo(ResultCode.RANGE);
    }

    @Test
    void missingParametersAreNullAsInSqlite() {
        List<?> rows = run("SELECT ?2 IS NULL", 1L);
        assertThat(rows).hasSize(2);
    }

    /** Seeded: random token soup and random bytes as SQL give a result or a typed error. */
    @Test
    void randomGarbageAsSqlGivesOnlyTypedErrors() {
        long seed = Long.getLong("ringlite.fuzz.seed", 0x5EED_0001L);
        int cases = Math.max(50, Integer.getInteger("ringlite.fuzz.cases", 300));
        String[] tokens = {"SELECT", "FROM", "WHERE", "t", "id", "v", "(", ")", ",", "*", "+", "-", "'x'", "x'00'",
            "1", "9223372036854775808", "1e999", "NULL", "AND", "OR", "NOT", "IN", "BETWEEN", "CASE", "WHEN", "END",
            "ORDER", "BY", "LIMIT", "?", "?99999", ":a", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "=", "DELETE",
            "CREATE", "TABLE", "INDEX", "ON", ";", "--", "/*", "\"", "`", "[", "]", "||", "CAST", "AS", "COLLATE",
            "WITH", "RECURSIVE", "UNION", "SELECT", "abs(", "substr(", "randomblob("};
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int c = 0; c < cases; c++) {
                SplittableRandom rnd = new SplittableRandom(seed + c);
                StringBuilder sql = new StringBuilder();
                if (rnd.nextInt(4) == 0) {
                    int n = rnd.nextInt(60);
                    for (int i = 0; i < n; i++) {
                        sql.append((char) rnd.nextInt(1, 0x250));
                    }
                } else {
                    int n = 1 + rnd.nextInt(14);
                    for (int i = 0; i < n; i++) {
                        sql.append(tokens[rnd.nextInt(tokens.length)]).append(' ');
                    }
                }
                try {
                    PreparedStatement ps = session.prepare(sql.toString()).block(WAIT);
                    if (ps != null) {
                        session.execute(ps, List.of()).take(100).collectList().block(WAIT);
                    }
                } catch (Throwable t) {
                    Throwable u = Exceptions.unwrap(t);
                    if (!(u instanceof DatabaseException)) {
                        throw new AssertionError("seed " + (seed + c) + ": " + sql + " threw " + u, u);
                    }
                }
            }
        });
        assertThat(run("SELECT count(*) FROM t")).hasSize(2);
    }
}
