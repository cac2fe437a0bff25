package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.uring.Errno;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link Storage#close()} after the machine crashed under it (every handle then fails, some
 * calls by throwing EBADF at once) or after an I/O error: its completion must always finish, so
 * that the engine's close never hangs, and a later open must find the database usable.
 */
class CloseAfterFailureTest {
    private static final Path DB = Path.of("/sim/close.db");

    private final SimulatedFileSystem fs = new SimulatedFileSystem(99);

    /** Polls until {@code c} is done, without rethrowing its failure; an exception out of poll fails the test. */
    private static void finish(IoBackend io, Completion c) {
        for (long spins = 0; !c.isDone(); spins++) {
            io.poll(io.hasInFlight());
            if (spins > 1_000_000L) {
                throw new AssertionError("completion never finished");
            }
        }
    }

    private Storage open(IoBackend io) {
        Storage s = Storage.open(io, DB, StorageOptions.defaults().withPageSize(512).withSaltSeed(1));
        TestIo.await(io, s.start());
        return s;
    }

    /** Commits one transaction that writes {@code value} into header field 60 (user version). */
    private static void commitUserVersion(IoBackend io, WalPager pager, int value) {
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        pager.setHeaderInt(60, value);
        TestIo.await(io, pager.commit());
        pager.endRead();
    }

    private int reopenedUserVersion() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        int v = s.pager().headerInt(60);
        TestIo.await(io, s.close());
        return v;
    }

    @Test
    void closeAfterACrashFinishesAndTheCommittedDataSurvives() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        commitUserVersion(io, s.walPager(), 7);
        fs.crash();

        Completion closed = s.close();
        finish(io, closed);

        assertThat(closed.isDone()).isTrue();
        assertThat(closed.failure()).as("the crashed handles fail the checkpoint and the unlock").isNotNull();
        assertThat(reopenedUserVersion()).as("committed with synchronous=FULL before the crash").isEqualTo(7);
    }

    @Test
    void closeAfterACrashWithAWriteTransactionOpenFinishes() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        commitUserVersion(io, s.walPager(), 3);
        WalPager pager = s.walPager();
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        pager.setHeaderInt(60, 4);
        fs.crash();

        Completion closed = s.close();
        finish(io, closed);

        assertThat(closed.isDone()).isTrue();
        assertThat(reopenedUserVersion()).as("the open transaction never committed").isEqualTo(3);
    }

    @Test
    void closeAfterACrashDuringACheckpointFinishes() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        for (int i = 1; i <= 5; i++) {
            commitUserVersion(io, s.walPager(), i);
        }
        Completion checkpoint = s.checkpoint();
        io.poll(false);
        fs.crash();

        Completion closed = s.close();
        finish(io, closed);
        finish(io, checkpoint);

        assertThat(closed.isDone()).isTrue();
        assertThat(reopenedUserVersion()).isEqualTo(5);
    }

    /**
     * A checkpoint that failed (EIO on the database sync) leaves the pager in its error state;
     * the next checkpoint re-reads the files and retries, as SQLite's does, instead of
     * reporting the old failure until some transaction happens to re-read them.
     */
    @Test
    void aCheckpointAfterAFailedOneReReadsTheFilesAndRetries() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        for (int i = 1; i <= 5; i++) {
            commitUserVersion(io, s.walPager(), i);
        }
        fs.failNext(SimulatedFileSystem.Operation.SYNC, DB, Errno.EIO);
        Completion failed = s.checkpoint();
        finish(io, failed);
        assertThat(failed.isFailed()).as("the injected EIO fails the first checkpoint").isTrue();
        assertThat(s.walPager().error()).isNotNull();

        Completion retried = s.checkpoint();
        finish(io, retried);
        assertThat(retried.failure()).as("the retry").isNull();
        assertThat(s.walPager().error()).isNull();

        Completion closed = s.close();
        finish(io, closed);
        assertThat(closed.failure()).as("close checkpoints again").isNull();
        assertThat(reopenedUserVersion()).isEqualTo(5);
    }

    @Test
    void closeOfAHealthyDatabaseStillSucceedsAndDeletesTheEmptiedLog() {
        IoBackend io = IoBackends.simulated(fs);
        Storage s = open(io);
        commitUserVersion(io, s.walPager(), 9);

        Completion closed = s.close();
        finish(io, closed);

        assertThat(closed.isFailed()).isFalse();
        assertThat(fs.exists(Path.of("/sim/close.db-wal"))).isFalse();
        assertThat(reopenedUserVersion()).isEqualTo(9);
    }
}
