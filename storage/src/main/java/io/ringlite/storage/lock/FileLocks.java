package io.ringlite.storage.lock;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.AsyncFile;

/**
 * The POSIX advisory locks Ringlite takes on a database file, on the same bytes SQLite's unix
 * VFS uses (SQLite documentation, "File Locking And Concurrency In SQLite Version 3", and the
 * lock-byte page in "Database File Format" section 1.3.2), so that a concurrent {@code sqlite3}
 * process sees them.
 *
 * <pre>
 * OFFSET      | SIZE | SQLite's use
 * ------------+------+-------------------------------------------------------------
 * 0x40000000  |   1  | PENDING byte: read-locked briefly by anyone taking SHARED,
 *             |      |   write-locked by a writer on its way to EXCLUSIVE
 * 0x40000001  |   1  | RESERVED byte: write-locked by the one writer
 * 0x40000002  |  510 | SHARED range: read-locked by readers, write-locked for EXCLUSIVE
 * </pre>
 *
 * <p>Ringlite keeps its WAL index in process memory (no {@code -shm}), which SQLite only allows
 * in exclusive locking mode. So a writable open write-locks all 512 bytes at once: SQLite's
 * EXCLUSIVE lock. Another process's SHARED attempt (a read lock on the PENDING byte) then fails
 * and {@code sqlite3} reports "database is locked" (SQLITE_BUSY). A read-only open read-locks
 * the SHARED range, which lets other readers in and keeps writers out, as SQLite's SHARED does.
 */
public final class FileLocks {
    public static final long PENDING_BYTE = 0x40000000L;
    public static final long RESERVED_BYTE = PENDING_BYTE + 1;
    public static final long SHARED_FIRST = PENDING_BYTE + 2;

    /**
     * The page that holds the lock bytes at a page size of {@code pageSize}: SQLite never stores
     * anything in it (it is neither a b-tree, overflow, free nor pointer-map page).
     */
    public static int lockBytePage(int pageSize) {
        return (int) (PENDING_BYTE / pageSize) + 1;
    }
    public static final int SHARED_SIZE = 510;
    /** PENDING + RESERVED + SHARED: the whole lock region. */
    public static final int REGION_SIZE = 2 + SHARED_SIZE;

    /** Which lock an open database holds. */
    public enum Mode {
        /** Held by a writable open for as long as the database is open. */
        EXCLUSIVE,
        /** Held by a read-only open. */
        SHARED
    }

    private FileLocks() {
    }

    /**
     * Takes the lock for {@code mode} or throws BUSY "database is locked" without waiting
     * (waiting for another process is the caller's busy-timeout policy, not the lock's).
     */
    public static void acquire(AsyncFile file, Mode mode) {
        boolean ok = switch (mode) {
            case EXCLUSIVE -> file.tryLock(PENDING_BYTE, REGION_SIZE, false);
            case SHARED -> file.tryLock(SHARED_FIRST, SHARED_SIZE, true);
        };
        if (!ok) {
            throw new DatabaseException(ResultCode.BUSY, "database is locked");
        }
    }

    public static void release(AsyncFile file, Mode mode) {
        switch (mode) {
            case EXCLUSIVE -> file.unlock(PENDING_BYTE, REGION_SIZE);
            case SHARED -> file.unlock(SHARED_FIRST, SHARED_SIZE);
        }
    }
}
