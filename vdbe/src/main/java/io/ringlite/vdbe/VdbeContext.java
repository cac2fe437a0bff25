package io.ringlite.vdbe;

import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;

/**
 * What a running program needs from the connection that runs it; implemented by the engine
 * runtime. All calls happen on the database's event loop thread.
 *
 * <p>Statement atomicity: the VM calls {@link #beginStatement()} once, when its first write
 * Transaction instruction succeeds, then exactly one of {@link #commitStatement()} (the program
 * halted successfully) or {@link #rollbackStatement()} (it failed, was interrupted, or was closed
 * before finishing). The runtime does not call these itself for a VM's statement.
 */
public interface VdbeContext {

    BTreeStore btrees();

    /**
     * Ensures a read (or write) transaction is open. READY when it is; Pending when it waits for
     * I/O or for the write lock (the Transaction instruction then yields and re-runs). May throw
     * DatabaseException (e.g. BUSY, READONLY).
     */
    IoStatus beginTransaction(boolean write);

    /**
     * BEGIN ({@code enable} false), COMMIT ({@code enable} true) or ROLLBACK ({@code enable} true,
     * {@code rollback} true). Throws DatabaseException with SQLite's messages, e.g. "cannot start
     * a transaction within a transaction", "cannot commit - no transaction is active".
     */
    void autoCommit(boolean enable, boolean rollback);

    boolean isAutoCommit();

    /** The big-endian 4-byte field of the database header at {@code headerOffset}. */
    int readCookie(int headerOffset);

    /** Writes a header field (inside the write transaction). */
    void setCookie(int headerOffset, int value);

    /** The schema changed (CREATE/DROP): reload it before the next statement. */
    void schemaChanged();

    long lastInsertRowid();

    void setLastInsertRowid(long rowid);

    /**
     * Rows changed by the most recently completed INSERT/UPDATE/DELETE on this connection (the
     * SQL function changes()). The runtime records {@link Vdbe#changes()} after each statement.
     */
    default long lastChanges() {
        throw new DatabaseException(ResultCode.ERROR, "not supported yet: changes()");
    }

    /** Rows changed by every statement since the connection opened (total_changes()). */
    default long totalChanges() {
        throw new DatabaseException(ResultCode.ERROR, "not supported yet: total_changes()");
    }

    void beginStatement();

    void commitStatement();

    void rollbackStatement();
}
