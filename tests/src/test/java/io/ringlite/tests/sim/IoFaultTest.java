package io.ringlite.tests.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.io.SimulatedFileSystem.Operation;
import io.ringlite.uring.Errno;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Named I/O-fault scenarios (the simulation hits them at random; these pin the contract): a
 * failed WAL write or fsync fails the statement with the matching typed error, commits
 * acknowledged before it stay, the failed one is absent or present entirely, and the database
 * keeps working (or refuses writes with a DatabaseException) until it is reopened.
 */
class IoFaultTest {
    private static final Path FILE = Path.of("/sim/fault.db");
    private static final Path WAL = Path.of("/sim/fault.db-wal");

    @TempDir
    Path tmp;

    private static SimSession open(SimulatedFileSystem fs) {
        DatabaseConfig config = new DatabaseConfig(FILE, IoKind.SIMULATED, false, fs.seed());
        return new SimSession(Databases.open(config, fs).block(SimSession.WAIT));
    }

    /** Table t's rows as Ringlite reads them. */
    private static TreeMap<Long, List<Object>> rows(SimSession s) throws Exception {
        return SimRows.ringlite(s).state().tables.get("t");
    }

    private static TreeMap<Long, List<Object>> seeded(SimSession s, int rows) {
        s.run(SimCatalog.T);
        TreeMap<Long, List<Object>> expected = new TreeMap<>();
        for (long id = 1; id <= rows; id++) {
            byte[] b = new byte[id % 3 == 0 ? 5000 : 10];
            b[0] = (byte) id;
            s.run("INSERT INTO t(id, n, v, b) VALUES (?, ?, ?, ?)", id, id * 7, "row " + id, b);
            expected.put(id, SimState.row(id * 7, "row " + id, b));
        }
        return expected;
    }

    @ParameterizedTest(name = "{0} on the WAL''s next {1}")
    @CsvSource({"EIO, SYNC, IOERR_FSYNC", "EIO, WRITE, IOERR_WRITE", "ENOSPC, WRITE, FULL", "ENOSPC, SYNC, FULL"})
    void aFailedCommitErrorsWithItsCodeAndLeavesEarlierCommitsAndNoPartOfItself(Errno errno, Operation op, ResultCode code)
            throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(42);
        SimSession s = open(fs);
        TreeMap<Long, List<Object>> before = seeded(s, 30);
        TreeMap<Long, List<Object>> after = new TreeMap<>(before);

        fs.failNext(op, WAL, errno);
        s.run("BEGIN");
        s.run("DELETE FROM t WHERE id >= 5 AND id <= 9");
        s.run("INSERT INTO t(id, n, v, b) VALUES (100, 1, 'new', NULL)");
        assertThatThrownBy(() -> s.run("COMMIT"))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(code));
        after.subMap(5L, true, 9L, true).clear();
        after.put(100L, SimState.row(1L, "new", null));

        // Keeps working or refuses with a typed error; either way nothing half-done is visible.
        try {
            TreeMap<Long, List<Object>> seen = rows(s);
            assertThat(seen).isIn(before, after);
        } catch (DatabaseException refused) {
            assertThat(refused.code()).isNotNull();
        }
        s.close();

        SimSession again = open(fs);
        TreeMap<Long, List<Object>> recovered = rows(again);
        assertThat(recovered).isIn(before, after);
        again.close();
        SimRows.View view = SimRows.sqlite(tmp, fs.durableContent(FILE), fs.exists(WAL) ? fs.durableContent(WAL) : null);
        assertThat(view.integrity()).containsExactly("ok");
        assertThat(view.state().tables.get("t")).isEqualTo(recovered);
    }

    @Test
    void aFailedReadFailsOnlyItsStatementAndTheNextOneWorks() throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(43);
        SimSession s = open(fs);
        TreeMap<Long, List<Object>> expected = seeded(s, 200);
        s.close();
        s = open(fs); // a cold cache: the next query reads from the files
        fs.failNext(Operation.READ, null, Errno.EIO);
        SimSession cold = s;
        assertThatThrownBy(() -> rows(cold))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(ResultCode.IOERR_READ));
        assertThat(rows(s)).isEqualTo(expected);
        s.run("INSERT INTO t(id, n, v, b) VALUES (1000, 1, 'after', NULL)");
        expected.put(1000L, SimState.row(1L, "after", null));
        assertThat(rows(s)).isEqualTo(expected);
        assertThat(s.close()).isNull();
        SimRows.View view = SimRows.sqlite(tmp, fs.durableContent(FILE), fs.exists(WAL) ? fs.durableContent(WAL) : null);
        assertThat(view.integrity()).isEqualTo(List.of("ok"));
        assertThat(view.state().tables.get("t")).isEqualTo(expected);
    }
}
