package io.ringlite.r2dbc;

import static io.ringlite.r2dbc.EngineEndToEndTest.query;
import static io.ringlite.r2dbc.EngineEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Database files through the driver, checked against real SQLite (sqlite-jdbc). */
class FileDatabaseEndToEndTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    /** With io=uring the engine uses io_uring where the kernel allows it, else the portable backend. */
    @ParameterizedTest
    @ValueSource(strings = {"portable", "uring"})
    void aFileWrittenThroughTheDriverIsReadByRealSqliteAfterTheLastConnectionCloses(String io) throws Exception {
        Path file = dir.resolve("driver-" + io + ".db");
        var cf = ConnectionFactories.get("r2dbc:ringlite:file://" + file.toAbsolutePath() + "?io=" + io);
        Connection c = Mono.from(cf.create()).block(HANG_GUARD);
        run(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)");
        var insert = c.createStatement("INSERT INTO t (id, name, score, data) VALUES (?, ?, ?, ?)");
        for (int i = 1; i <= 100; i++) {
            insert.bind(0, i).bind(1, "name-" + i).bind(2, i / 4.0).bind(3, new byte[] {(byte) i}).add();
        }
        Flux.from(insert.execute()).concatMap(Result::getRowsUpdated).blockLast(HANG_GUARD);
        Mono.from(c.close()).block(HANG_GUARD);

        try (var jdbc = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            ResultSet ok = jdbc.createStatement().executeQuery("PRAGMA integrity_check");
            ok.next();
            assertThat(ok.getString(1)).isEqualTo("ok");
            ResultSet rs = jdbc.createStatement().executeQuery("SELECT count(*), sum(score), max(name) FROM t");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(100);
            assertThat(rs.getDouble(2)).isEqualTo(5050 / 4.0);
            assertThat(rs.getString(3)).isEqualTo("name-99");
        }

        // and the driver opens the file again (the previous database was closed by its last connection)
        Connection again = Mono.from(cf.create()).block(HANG_GUARD);
        assertThat(query(again, "SELECT name FROM t WHERE id = 42", r -> r.get(0, String.class))).containsExactly("name-42");
        Mono.from(again.close()).block(HANG_GUARD);
    }

    @Test
    void aFixtureWrittenByRealSqliteReadsBackAsSqliteReadsIt() throws Exception {
        Path fixture = dir.resolve("basic-4096.db");
        Files.copy(fixtures().resolve("basic-4096.db"), fixture, StandardCopyOption.REPLACE_EXISTING);
        List<List<Object>> expected = new ArrayList<>();
        try (var jdbc = DriverManager.getConnection("jdbc:sqlite:" + fixture)) {
            ResultSet rs = jdbc.createStatement().executeQuery("SELECT id, name, age, score FROM people ORDER BY id");
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Integer n ? Long.valueOf(n) : v);
                }
                expected.add(row);
            }
        }
        assertThat(expected).isNotEmpty();
        var cf = RingliteConnectionFactory.from("r2dbc:ringlite:file:" + fixture.toAbsolutePath() + "?io=portable&readOnly=true");
        Connection c = cf.create().block(HANG_GUARD);
        try {
            List<List<Object>> actual = query(c, "SELECT id, name, age, score FROM people ORDER BY id", r -> {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    row.add(r.get(i));
                }
                return row;
            });
            assertThat(actual).isEqualTo(expected);
            // opened with readOnly=true: a write is refused as SQLite refuses it (SQLITE_READONLY)
            reactor.test.StepVerifier.create(Flux.from(c.createStatement(
                            "INSERT INTO mixed (a) VALUES ('nope')").execute())
                            .concatMap(Result::getRowsUpdated))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(io.r2dbc.spi.R2dbcPermissionDeniedException.class);
                        assertThat(((io.r2dbc.spi.R2dbcException) e).getErrorCode() & 0xff).isEqualTo(8);
                    })
                    .verify(HANG_GUARD);
        } finally {
            Mono.from(c.close()).block(HANG_GUARD);
        }
    }

    static Path fixtures() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("shared/fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            candidate = p.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }
}
