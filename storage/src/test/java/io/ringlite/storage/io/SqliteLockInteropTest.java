package io.ringlite.storage.io;

import io.ringlite.uring.UringProbe;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real backends take the same POSIX locks as SQLite's unix VFS, so a {@code sqlite3} process
 * and Ringlite see each other's locks. Lock bytes as SQLite documents them: PENDING 0x40000000,
 * RESERVED 0x40000001, SHARED 0x40000002 for 510 bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteLockInteropTest {
    private static final long PENDING = 0x40000000L;
    private static final long SHARED_FIRST = PENDING + 2;
    private static final int SHARED_SIZE = 510;

    @TempDir
    Path dir;

    private IoBackend backend(IoKind kind) {
        assumeTrue(sqlite3Available(), "sqlite3 CLI not installed");
        if (kind == IoKind.URING) {
            assumeTrue(UringProbe.probe().available(), () -> "io_uring unavailable: " + UringProbe.probe().reason());
        }
        return IoBackends.create(kind);
    }

    private static boolean sqlite3Available() {
        try {
            Process p = new ProcessBuilder("sqlite3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Run(int exit, String out) {
    }

    private static Run sqlite3(Path db, String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", db.toString(), sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Run(p.waitFor(), out);
    }

    private Path database() throws Exception {
        Path db = dir.resolve("interop.db");
        Run r = sqlite3(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);");
        assertThat(r.exit()).as(r.out()).isZero();
        return db;
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"URING", "PORTABLE"})
    void sqlite3CannotReadWhileWeHoldTheSharedRangeExclusively(IoKind kind) throws Exception {
        Path db = database();
        try (IoBackend io = backend(kind); AsyncFile f = io.open(db, false, false)) {
            assertThat(f.tryLock(SHARED_FIRST, SHARED_SIZE, false)).isTrue();
            Run locked = sqlite3(db, "SELECT count(*) FROM t;");
            assertThat(locked.exit()).isNotZero();
            assertThat(locked.out()).contains("database is locked");

            f.unlock(SHARED_FIRST, SHARED_SIZE);
            Run free = sqlite3(db, "SELECT count(*) FROM t;");
            assertThat(free.exit()).as(free.out()).isZero();
            assertThat(free.out()).isEqualTo("2");
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"URING", "PORTABLE"})
    void weCannotLockWhileSqlite3HoldsAnExclusiveTransaction(IoKind kind) throws Exception {
        Path db = database();
        try (IoBackend io = backend(kind); AsyncFile f = io.open(db, false, false)) {
            Process p = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                // BEGIN EXCLUSIVE in rollback-journal mode write-locks the SHARED range.
                in.write(".timeout 10000\nBEGIN EXCLUSIVE;\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                boolean sawConflict = false;
                for (int i = 0; i < 1000 && !sawConflict; i++) {
                    if (f.tryLock(SHARED_FIRST, SHARED_SIZE, true)) {
                        f.unlock(SHARED_FIRST, SHARED_SIZE); // not yet: let sqlite3 take it
                        Thread.sleep(10);
                    } else {
                        sawConflict = true;
                    }
                }
                assertThat(sawConflict).as("sqlite3's exclusive lock is visible").isTrue();
                in.write("ROLLBACK;\n.quit\n".getBytes(StandardCharsets.UTF_8));
            }
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            assertThat(f.tryLock(SHARED_FIRST, SHARED_SIZE, false)).as("free once sqlite3 exited").isTrue();
            f.unlock(SHARED_FIRST, SHARED_SIZE);
        }
        assertThat(Files.exists(db)).isTrue();
    }
}
