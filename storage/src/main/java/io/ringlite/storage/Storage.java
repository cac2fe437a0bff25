package io.ringlite.storage;

import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.btree.BTrees;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.lock.FileLocks;
import io.ringlite.storage.pager.HotJournal;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.pager.WalPager;
import io.ringlite.storage.wal.Wal;
import io.ringlite.storage.wal.WalFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One open database file: its lock, its WAL, its pager and its B-trees.
 *
 * <p>Lifecycle (every call on the database's event loop thread):
 * <pre>
 *   open() --(file opened, lock taken)--> OPENED
 *   OPENED --start()--> STARTING --(hot journal rolled back, header read, WAL recovered,
 *                                   page 1 loaded)--> STARTED
 *   STARTED --checkpoint()--> STARTED
 *   STARTING --(start failed: not a database, I/O error ...)--> FAILED
 *   OPENED/STARTED/FAILED --close()--> CLOSED (STARTED: checkpoint, WAL deleted if empty;
 *                                              always: unlock, files closed)
 * </pre>
 *
 * <p>Files: {@code NAME} (the database), {@code NAME-wal} (created by a writable open; deleted
 * by close once fully checkpointed), {@code NAME-journal} (only read: a hot one is rolled back at
 * start, then deleted). There is no {@code -shm}: the WAL index is in process memory, which is
 * why a writable open holds SQLite's EXCLUSIVE lock ({@link FileLocks}) until close.
 *
 * <p>A {@code null} path is an in-memory database: no files, no lock; the page cache is the
 * store and commits complete at once.
 */
public final class Storage {
    private enum State { OPENED, STARTING, STARTED, FAILED, CLOSED }

    private final IoBackend io;
    private final Path path;
    private final StorageOptions options;
    private final AsyncFile dbFile;
    private final FileLocks.Mode lockMode;
    private AsyncFile walFile;
    private Wal wal;
    private WalPager pager;
    private BTreeStore btrees;
    private State state = State.OPENED;

    private Storage(IoBackend io, Path path, StorageOptions options, AsyncFile dbFile, FileLocks.Mode lockMode) {
        this.io = io;
        this.path = path;
        this.options = options;
        this.dbFile = dbFile;
        this.lockMode = lockMode;
    }

    /**
     * Opens the database file (creating it if missing, unless read-only) and takes its lock,
     * synchronously. Nothing is read yet: call {@link #start()}.
     *
     * @param path the database file, or null for an in-memory database
     * @throws DatabaseException BUSY "database is locked" if another process holds a conflicting
     *     lock; CANTOPEN (from the backend) if the file cannot be opened
     */
    public static Storage open(IoBackend io, Path path, StorageOptions options) {
        if (path == null) {
            return new Storage(io, null, options, null, null);
        }
        AsyncFile file = io.open(path, !options.readOnly(), options.readOnly());
        FileLocks.Mode mode = options.readOnly() ? FileLocks.Mode.SHARED : FileLocks.Mode.EXCLUSIVE;
        try {
            FileLocks.acquire(file, mode);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        return new Storage(io, path, options, file, mode);
    }

    /**
     * Rolls back a hot journal if there is one, reads and validates the header, recovers the
     * WAL and loads page 1. The completion fails with a {@link DatabaseException} (NOTADB,
     * CORRUPT, IOERR_*, READONLY_ROLLBACK) if the file cannot be used.
     */
    public Completion start() {
        if (state != State.OPENED) {
            throw new IllegalStateException("invariant: start() in state " + state);
        }
        state = State.STARTING;
        if (dbFile == null) {
            pager = new WalPager(null, null, options.pageSize(), options.reservedBytes(), options);
            return started(pager.start());
        }
        Completion journal = rollBackHotJournal();
        return started(then(journal, this::readHeaderAndRecover));
    }

    private Completion started(Completion c) {
        Completion out = new Completion();
        c.whenDone(() -> {
            if (c.isFailed()) {
                state = State.FAILED;
                out.fail(c.failure());
            } else {
                state = State.STARTED;
                out.complete(0);
            }
        });
        return out;
    }

    private Completion rollBackHotJournal() {
        Path journalPath = sibling("-journal");
        if (!io.exists(journalPath)) {
            return Completion.completed(0);
        }
        if (options.readOnly()) {
            return Completion.failed(new DatabaseException(ResultCode.READONLY_ROLLBACK,
                    "attempt to write a readonly database: " + journalPath.getFileName()
                            + " is a hot journal that must be rolled back first"));
        }
        AsyncFile journal = io.open(journalPath, false, false);
        if (!HotJournal.mayBeHot(journal)) {
            journal.close();
            io.delete(journalPath);
            return Completion.completed(0);
        }
        Completion rolledBack = new HotJournal(journal, dbFile).rollback();
        Completion out = new Completion();
        rolledBack.whenDone(() -> {
            journal.close();
            if (rolledBack.isFailed()) {
                out.fail(rolledBack.failure());
                return;
            }
            // The database file is synced: the journal has done its job.
            io.delete(journalPath);
            out.complete(rolledBack.result());
        });
        return out;
    }

    private Completion readHeaderAndRecover() {
        long size = dbFile.size();
        Path walPath = sibling("-wal");
        if (!options.readOnly()) {
            walFile = io.open(walPath, true, false);
        } else if (io.exists(walPath)) {
            walFile = io.open(walPath, false, true);
        }
        MemorySegment header = Arena.ofAuto().allocate(DatabaseHeader.SIZE);
        Completion headerRead;
        if (size > 0) {
            headerRead = dbFile.read(0, header);
        } else if (walFile != null && walFile.size() >= WalFormat.HEADER_SIZE) {
            // An empty database file with a log: the log's page size is the database's.
            headerRead = walFile.read(0, header.asSlice(0, WalFormat.HEADER_SIZE));
        } else {
            headerRead = Completion.completed(0);
        }
        return then(headerRead, () -> {
            int pageSize = options.pageSize();
            int reserved = options.reservedBytes();
            if (size > 0) {
                if (headerRead.result() < DatabaseHeader.SIZE) {
                    throw new DatabaseException(ResultCode.NOTADB, "file is not a database");
                }
                DatabaseHeader.Info info = DatabaseHeader.validate(header);
                if (info.textEncoding() > 1) {
                    throw new DatabaseException(ResultCode.ERROR, "not supported yet: UTF-16 database");
                }
                pageSize = info.pageSize();
                reserved = info.reservedBytes();
            } else if (headerRead.result() >= WalFormat.HEADER_SIZE) {
                WalFormat.Header h = WalFormat.Header.parse(header.asSlice(0, WalFormat.HEADER_SIZE));
                if (h != null) {
                    pageSize = h.pageSize();
                    reserved = 0;
                }
            }
            int ps = pageSize;
            int rs = reserved;
            if (walFile != null) {
                wal = new Wal(walFile, ps, options.synchronous().syncsCommits(),
                        options.saltSeed());
            }
            Completion recovered = wal == null ? Completion.completed(0) : wal.recover();
            return then(recovered, () -> {
                pager = new WalPager(dbFile, wal, ps, rs, options);
                return pager.start();
            });
        });
    }

    public boolean isMemory() {
        return path == null;
    }

    /** The database file, or null in memory. */
    public Path path() {
        return path;
    }

    public Pager pager() {
        requireStarted();
        return pager;
    }

    /** The pager with its WAL-specific operations (frame count, checkpoint, error state). */
    public WalPager walPager() {
        requireStarted();
        return pager;
    }

    /** The write-ahead log (frame count, frames for shipping), or null in memory / read-only without a log. */
    public Wal wal() {
        requireStarted();
        return wal;
    }

    /** The B-trees of this database, over {@link #pager()}. */
    public BTreeStore btrees() {
        requireStarted();
        if (btrees == null) {
            btrees = BTrees.create(pager);
        }
        return btrees;
    }

    /** Copies the WAL into the database file (see {@link WalPager#checkpoint()}). */
    public Completion checkpoint() {
        requireStarted();
        return pager.checkpoint();
    }

    /**
     * Rolls back an open write transaction, checkpoints, deletes the emptied WAL, releases the
     * lock and closes the files.
     *
     * <p>The completion always finishes: failed with the first error if the checkpoint, the
     * unlock or a close failed (after a crash of the simulated machine every handle fails with
     * EBADF), otherwise successfully. Every release step is attempted whatever failed before it,
     * so the files are closed and the lock released as far as the system still allows; a WAL that
     * was not fully checkpointed stays and is recovered by the next open.
     */
    public Completion close() {
        if (state == State.CLOSED) {
            return Completion.completed(0);
        }
        if (state == State.STARTING) {
            throw new IllegalStateException("invariant: close() while start() is in progress");
        }
        boolean started = state == State.STARTED;
        state = State.CLOSED;
        if (dbFile == null) {
            return Completion.completed(0);
        }
        Completion checkpointed;
        try {
            if (started && !options.readOnly()) {
                if (pager.inWriteTransaction()) {
                    pager.rollback();
                }
                checkpointed = pager.checkpoint();
            } else {
                checkpointed = Completion.completed(0);
            }
        } catch (RuntimeException e) {
            checkpointed = Completion.failed(e);
        }
        Completion out = new Completion();
        Completion cp = checkpointed;
        cp.whenDone(() -> {
            Throwable failure = releaseFiles(started, cp.isFailed());
            if (cp.isFailed()) {
                out.fail(cp.failure());
            } else if (failure != null) {
                out.fail(failure);
            } else {
                out.complete(cp.result());
            }
        });
        return out;
    }

    /**
     * Closes the WAL (deleting it if it holds nothing), unlocks and closes the database file.
     * Runs inside a completion callback, so it must not throw: each step is tried on its own and
     * the first failure is returned (null if all succeeded).
     */
    private Throwable releaseFiles(boolean started, boolean checkpointFailed) {
        Throwable failure = null;
        if (walFile != null) {
            boolean empty = false;
            try {
                // Delete only a log that holds nothing: after a failed start its frames were
                // perhaps never read, so only an empty file (one we created) may go. Asking the
                // handle also proves it still works: after a crash it throws EBADF, and a dead
                // process must not delete the log that the next open recovers from.
                empty = (!started || !checkpointFailed && pager.walFrames() == 0) && walFile.size() == 0;
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                walFile.close();
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
            if (empty && failure == null && !options.readOnly()) {
                try {
                    io.delete(sibling("-wal"));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
        try {
            FileLocks.release(dbFile, lockMode);
        } catch (RuntimeException e) {
            failure = first(failure, e);
        }
        try {
            dbFile.close();
        } catch (RuntimeException e) {
            failure = first(failure, e);
        }
        return failure;
    }

    private static Throwable first(Throwable earlier, Throwable later) {
        if (earlier == null) {
            return later;
        }
        earlier.addSuppressed(later);
        return earlier;
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("invariant: storage used in state " + state + " (call start() first)");
        }
    }

    private Path sibling(String suffix) {
        return path.resolveSibling(path.getFileName().toString() + suffix);
    }

    /** Runs {@code next} after {@code first} succeeded; the result mirrors whichever fails first. */
    private static Completion then(Completion first, Supplier<Completion> next) {
        Completion out = new Completion();
        first.whenDone(() -> {
            if (first.isFailed()) {
                out.fail(first.failure());
                return;
            }
            Completion n;
            try {
                n = next.get();
            } catch (RuntimeException e) {
                out.fail(e);
                return;
            }
            n.whenDone(() -> {
                if (n.isFailed()) {
                    out.fail(n.failure());
                } else {
                    out.complete(n.result());
                }
            });
        });
        return out;
    }
}
