package io.ringlite.tests.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.io.SimulatedFileSystem.Operation;
import io.ringlite.uring.Errno;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic checkpoint runs inside the statement whose commit crossed
 * {@code wal_autocheckpoint}, before that statement's Done, as SQLite runs it inside the
 * committing {@code sqlite3_step}; its failure never fails the acknowledged commit.
 */
class AutoCheckpointInCommitTest {
    private static final Path FILE = Path.of("/sim/ckpt.db");
    private static final Path WAL = Path.of("/sim/ckpt.db-wal");

    @TempDir
    Path tmp;

    private static SimSession open(SimulatedFileSystem fs) {
        DatabaseConfig config = new DatabaseConfig(FILE, IoKind.SIMULATED, false, fs.seed());
        SimSession s = new SimSession(Databases.open(config, fs).block(SimSession.WAIT));
        s.run("PRAGMA wal_autocheckpoint = 10");
        return s;
    }

    private static void insert(SimSession s, TreeMap<Long, List<Object>> expected, long id) {
        byte[] b = new byte[3000];
        b[0] = (byte) id;
        s.run("INSERT INTO t(id, n, v, b) VALUES (?, ?, ?, ?)", id, id, "row " + id, b);
        expected.put(id, SimState.row(id, "row " + id, b));
    }

    /**
     * Runs an insert and returns the WAL's size as seen when its Done is emitted (on the loop
     * thread, so nothing the engine still has in flight can have finished meanwhile).
     */
    private static long walSizeAtDone(SimulatedFileSystem fs, SimSession s, TreeMap<Long, List<Object>> expected, long id) {
        byte[] b = new byte[3000];
        b[0] = (byte) id;
        PreparedStatement ps = s.session.prepare("INSERT INTO t(id, n, v, b) VALUES (?, ?, ?, ?)").block(SimSession.WAIT);
        AtomicLong size = new AtomicLong(-1);
        s.session.execute(ps, List.of(id, id, "row " + id, b))
                .doOnNext(o -> {
                    if (o instanceof Outcome.Done) {
                        size.set(fs.size(WAL));
                    }
                })
                .blockLast(SimSession.WAIT);
        expected.put(id, SimState.row(id, "row " + id, b));
        return size.get();
    }

    @Test
    void theCommitThatCrossesTheThresholdEmitsItsDoneOnlyAfterItsCheckpointRestartedTheLog() throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(7);
        SimSession s = open(fs);
        s.run(SimCatalog.T);
        List<Long> walSizes = new ArrayList<>();
        TreeMap<Long, List<Object>> expected = new TreeMap<>();
        for (long id = 1; id <= 12; id++) {
            walSizes.add(walSizeAtDone(fs, s, expected, id));
        }
        // Each insert adds about two frames; once ten are in the log the committing statement
        // checkpoints and restarts (truncates) it before its Done. Had the checkpoint run after
        // the Done, the log would still be full when the Done is seen.
        assertThat(walSizes).contains(0L);
        int restartedAt = walSizes.indexOf(0L);
        assertThat(restartedAt).isPositive();
        assertThat(walSizes.get(restartedAt - 1)).isPositive();
        assertThat(SimRows.ringlite(s).state().tables.get("t")).isEqualTo(expected);
        assertThat(s.close()).isNull();
    }

    @Test
    void aFailedAutomaticCheckpointDoesNotFailTheCommitAndTheNextTransactionWorks() throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(8);
        SimSession s = open(fs);
        s.run(SimCatalog.T);
        TreeMap<Long, List<Object>> expected = new TreeMap<>();
        insert(s, expected, 1);
        // The database file is synced only by a checkpoint: its next sync is the automatic one.
        fs.failNext(Operation.SYNC, FILE, Errno.EIO);
        List<Long> failedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        fs.observe((n, op, path, fault) -> {
            if (fault != null) {
                failedAt.add(n);
            }
        });
        for (long id = 2; id <= 12; id++) {
            insert(s, expected, id); // every commit is acknowledged, the checkpoint's too
        }
        assertThat(failedAt).as("the injected checkpoint failure happened").hasSize(1);
        insert(s, expected, 100);
        assertThat(SimRows.ringlite(s).state().tables.get("t")).isEqualTo(expected);
        assertThat(s.close()).isNull();

        SimRows.View view = SimRows.sqlite(tmp, fs.durableContent(FILE), fs.exists(WAL) ? fs.durableContent(WAL) : null);
        assertThat(view.integrity()).containsExactly("ok");
        assertThat(view.state().tables.get("t")).isEqualTo(expected);
    }
}
