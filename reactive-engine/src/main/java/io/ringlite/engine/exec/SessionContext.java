package io.ringlite.engine.exec;

import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import io.ringlite.vdbe.VdbeContext;

/**
 * One session's transaction state, as its programs see it ({@link VdbeContext}).
 *
 * <h2>Definitions</h2>
 * A session is in <em>auto-commit</em> mode until BEGIN; then every statement joins the explicit
 * transaction until COMMIT or ROLLBACK. A transaction is <em>open</em> from the first
 * Transaction instruction that got its lock ({@link #beginTransaction}) until {@link #commit()}
 * or {@link #rollback()}; in auto-commit mode the runtime ends it after each statement.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@code pagerRead} implies this session holds at least the read lock; {@code writing}
 *       implies it holds the write lock and the pager is in its write transaction.</li>
 *   <li>The pager's read count includes this session exactly once while {@code pagerRead}.</li>
 *   <li>A write transaction's locks are released only after its commit completion is done (so
 *       the next writer starts after the fsync) or after its rollback.</li>
 *   <li>Owner-confined (the loop, or an inline caller; {@code EventLoop.inOwner()}).</li>
 * </ol>
 *
 * <h2>States</h2>
 * <pre>
 *   IDLE --beginTransaction(false)--> READING --beginTransaction(true)--> WRITING
 *   IDLE --beginTransaction(true)--> WRITING
 *   READING --endTransaction()--> IDLE          WRITING --commit() done / rollback()--> IDLE
 * </pre>
 */
public final class SessionContext implements VdbeContext {
    private final Pager pager;
    private final BTreeStore btrees;
    private final TransactionLocks locks;
    private final SchemaState schema;

    /** Volatile: {@code Session.isAutoCommit()} may be asked from any thread. */
    private volatile boolean autoCommit = true;
    private boolean pagerRead;
    private boolean writing;
    private boolean changedSchema;
    private long lastInsertRowid;
    private Completion committing;
    /** Commits this session published, and the data_version base (-1 until first asked). */
    private long ownCommits;
    private long dataVersionBase = -1;

    public SessionContext(Pager pager, BTreeStore btrees, TransactionLocks locks, SchemaState schema) {
        this.pager = pager;
        this.btrees = btrees;
        this.locks = locks;
        this.schema = schema;
    }

    @Override
    public BTreeStore btrees() {
        return btrees;
    }

    @Override
    public IoStatus beginTransaction(boolean write) {
        IoStatus s = locks.acquire(this, write);
        if (!s.isReady()) {
            return s;
        }
        if (!pagerRead) {
            s = pager.beginRead();
            if (!s.isReady()) {
                return s;
            }
            pagerRead = true;
        }
        if (write && !writing) {
            s = pager.beginWrite();
            if (!s.isReady()) {
                return s;
            }
            writing = true;
        }
        return IoStatus.READY;
    }

    @Override
    public void autoCommit(boolean enable, boolean rollback) {
        if (!enable) {
            if (!autoCommit) {
                throw new DatabaseException(ResultCode.ERROR, "cannot start a transaction within a transaction");
            }
            autoCommit = false;
            return;
        }
        if (autoCommit) {
            throw new DatabaseException(ResultCode.ERROR, rollback
                    ? "cannot rollback - no transaction is active"
                    : "cannot commit - no transaction is active");
        }
        autoCommit = true;
        if (rollback) {
            rollback();
        }
        // COMMIT: the runtime commits when this statement is done (auto-commit is on again).
    }

    @Override
    public boolean isAutoCommit() {
        return autoCommit;
    }

    @Override
    public int readCookie(int headerOffset) {
        return pager.headerInt(headerOffset);
    }

    @Override
    public void setCookie(int headerOffset, int value) {
        if (!writing) {
            throw new IllegalStateException("invariant: setCookie outside the write transaction");
        }
        pager.setHeaderInt(headerOffset, value);
    }

    @Override
    public void schemaChanged() {
        changedSchema = true;
        schema.markStale();
    }

    @Override
    public long lastInsertRowid() {
        return lastInsertRowid;
    }

    @Override
    public void setLastInsertRowid(long rowid) {
        lastInsertRowid = rowid;
    }

    @Override
    public void beginStatement() {
        pager.beginStatement();
    }

    @Override
    public void commitStatement() {
        pager.commitStatement();
    }

    @Override
    public void rollbackStatement() {
        if (writing) {
            pager.rollbackStatement();
        }
    }

    // ---- used by the runtime ----

    /** True while a read or write transaction is open. */
    public boolean inTransaction() {
        return pagerRead || writing || locks.holdsRead(this);
    }

    /**
     * Ends the open transaction successfully: a write transaction commits (the completion is
     * done after the WAL fsync, and only then are the locks released); a read transaction just
     * ends. Returns null when there was nothing to wait for.
     */
    public Completion commit() {
        if (committing != null) {
            throw new IllegalStateException("invariant: commit while committing");
        }
        if (!writing) {
            endRead();
            return null;
        }
        Completion c;
        long commitsBefore = pagerCommits();
        try {
            c = pager.commit();
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
        committing = c;
        Completion result = new Completion();
        c.whenDone(() -> {
            committing = null;
            writing = false;
            if (c.isFailed()) {
                // The pager is in its error state; it discards the transaction itself.
                schema.markStale();
                safeRollback();
            }
            changedSchema = false;
            ownCommits += pagerCommits() - commitsBefore;
            endRead();
            if (c.isFailed()) {
                result.fail(c.failure());
            } else {
                result.complete(c.result());
            }
        });
        return result;
    }

    /**
     * PRAGMA data_version, as SQLite defines it per connection: 1 when first asked, then changed
     * exactly by the commits other sessions of the database published since (this session's own
     * commits leave it unchanged).
     */
    public long dataVersion() {
        long others = pagerCommits() - ownCommits;
        if (dataVersionBase < 0) {
            dataVersionBase = others;
        }
        return 1 + others - dataVersionBase;
    }

    private long pagerCommits() {
        return pager instanceof io.ringlite.storage.pager.WalPager w ? w.commits() : 0;
    }

    /** Ends the open transaction discarding its changes. Idempotent; never throws. */
    public void rollback() {
        if (committing != null) {
            return; // the commit is on disk already; it finishes by itself
        }
        if (writing) {
            writing = false;
            safeRollback();
            if (changedSchema) {
                schema.markStale();
                changedSchema = false;
            }
        }
        endRead();
    }

    /** Ends a read-only transaction (auto-commit mode, after a read statement). */
    private void endRead() {
        if (pagerRead) {
            pagerRead = false;
            pager.endRead();
        }
        locks.release(this);
    }

    /** Gives up the lock a statement was waiting for (it was cancelled or failed meanwhile). */
    public void abandonWaits() {
        locks.cancelWaits(this);
    }

    public void resetAutoCommit() {
        autoCommit = true;
    }

    private void safeRollback() {
        try {
            pager.rollback();
        } catch (RuntimeException e) {
            System.getLogger(SessionContext.class.getName())
                    .log(System.Logger.Level.ERROR, "rollback failed", e);
        }
    }
}
