package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same statements give the same results on every I/O backend, including after a reopen. */
class BackendsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void sameStatementsSameResultsOnEveryBackend(IoKind io) {
        Path file = tmp.resolve(io.name().toLowerCase() + ".db");
        DatabaseConfig config = new DatabaseConfig(file, io, false, 42);
        try (Db db = Db.open(config)) {
            db.script("""
                    CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT, n REAL);
                    INSERT INTO kv VALUES (1, 'one', 1.5), (2, 'two', NULL), (3, NULL, -2);
                    BEGIN;
                    INSERT INTO kv(v, n) VALUES ('four', 4e10);
                    ROLLBACK;
                    BEGIN;
                    INSERT INTO kv(v, n) VALUES ('five', 0.1);
                    COMMIT;
                    """);
            assertThat(render(db.query("SELECT k, v, n, typeof(n) FROM kv WHERE k > ? ORDER BY k DESC", 1L)))
                    .containsExactly("[4, five, 0.1, real]", "[3, null, -2.0, real]", "[2, two, null, null]");
        }
        if (io != IoKind.SIMULATED) { // a simulated file lives only as long as its backend
            try (Db db = Db.open(config)) {
                assertThat(render(db.query("SELECT count(*) FROM kv"))).containsExactly("[4]");
                assertThat(render(db.query("SELECT upper(v) FROM kv WHERE k = 1"))).containsExactly("[ONE]");
            }
        }
    }

    private static List<String> render(List<Object[]> rows) {
        return rows.stream().map(Arrays::toString).toList();
    }
}
