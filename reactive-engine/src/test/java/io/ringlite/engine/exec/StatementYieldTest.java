package io.ringlite.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.Session;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Statements that read many rows but emit none for a long time yield the loop periodically
 * ({@link YieldingBTreeStore}), and a yielded statement resumes exactly where it was: its
 * result is what it would be without the yields.
 */
class StatementYieldTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Enough rows for several yields of one scan. */
    private static final int ROWS = 3 * YieldingBTreeStore.MOVES_PER_TURN + 100;

    private EngineDatabase db;
    private Session session;

    @BeforeEach
    void open() {
        Database d = Databases.open(new DatabaseConfig(Path.of("/sim/yield.db"), IoKind.SIMULATED, false, 3),
                new SimulatedFileSystem(3)).block(WAIT);
        db = (EngineDatabase) d;
        session = db.connect();
        run("CREATE TABLE big(id INTEGER PRIMARY KEY, x INTEGER)");
        run("BEGIN");
        for (int start = 0; start < ROWS; start += 500) {
            StringBuilder sql = new StringBuilder("INSERT INTO big(x) VALUES ");
            for (int i = start; i < Math.min(ROWS, start + 500); i++) {
                sql.append(i == start ? "" : ",").append('(').append(i).append(')');
            }
            run(sql.toString());
        }
        run("COMMIT");
    }

    @AfterEach
    void close() {
        db.close().block(WAIT);
    }

    private List<Outcome> run(String sql) {
        return session.execute(session.prepare(sql).block(WAIT), List.of()).collectList().block(WAIT);
    }

    private List<Object> onlyRow(String sql) {
        List<Outcome> out = run(sql);
        List<Object> values = new ArrayList<>();
        assertThat(out).hasSize(2);
        Outcome.Row row = (Outcome.Row) out.get(0);
        for (int i = 0; i < row.values().length; i++) {
            values.add(row.get(i));
        }
        return values;
    }

    @Test
    void wholeTableCountYieldsWhileCountingAndCountsEveryRowOnce() {
        long before = db.statementBtrees().yields();
        assertThat(onlyRow("SELECT count(*) FROM big")).containsExactly((long) ROWS);
        assertThat(db.statementBtrees().yields() - before).isGreaterThanOrEqualTo(ROWS / YieldingBTreeStore.MOVES_PER_TURN);
    }

    @Test
    void filteredAggregateYieldsWhileScanningAndGivesTheSameResult() {
        long expectedSum = 0;
        long expectedCount = 0;
        for (long x = 0; x < ROWS; x++) {
            if (x % 3 == 1) {
                expectedSum += x;
                expectedCount++;
            }
        }
        long before = db.statementBtrees().yields();
        assertThat(onlyRow("SELECT count(*), sum(x) FROM big WHERE x % 3 = 1"))
                .containsExactly(expectedCount, expectedSum);
        assertThat(db.statementBtrees().yields() - before).isGreaterThanOrEqualTo(ROWS / YieldingBTreeStore.MOVES_PER_TURN);
    }

    @Test
    void updateOfEveryRowAcrossYieldsChangesEachRowOnce() {
        List<Outcome> out = run("UPDATE big SET x = x + 1");
        assertThat(((Outcome.Done) out.get(out.size() - 1)).changes()).isEqualTo(ROWS);
        assertThat(onlyRow("SELECT min(x), max(x), count(*) FROM big")).containsExactly(1L, (long) ROWS, (long) ROWS);
    }
}
