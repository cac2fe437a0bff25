package io.ringlite.vdbe.testing;

import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.vdbe.VdbeContext;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link VdbeContext} over a {@link MemoryBTreeStore}, for tests: transactions are flags,
 * statement rollback restores a snapshot of every table and index, the header is an int array.
 * Transaction begins follow the store's Pending schedule.
 */
public final class SimpleVdbeContext implements VdbeContext {
    private final MemoryBTreeStore store;
    private final int[] header = new int[25];
    private boolean autoCommit = true;
    private boolean inRead;
    private boolean inWrite;
    private long lastInsertRowid;
    private int schemaChanges;
    private Map<Integer, TreeMap<Long, byte[]>> statementSnapshot;
    private Map<Integer, java.util.List<byte[]>> statementIndexSnapshot;
    private int statementsBegun;
    private int statementsCommitted;
    private int statementsRolledBack;

    public SimpleVdbeContext(MemoryBTreeStore store) {
        this.store = store;
    }

    public MemoryBTreeStore store() {
        return store;
    }

    @Override
    public BTreeStore btrees() {
        return store;
    }

    @Override
    public IoStatus beginTransaction(boolean write) {
        if ((write && inWrite) || (!write && (inRead || inWrite))) {
            return IoStatus.READY;
        }
        IoStatus p = store.maybePending();
        if (p != null) {
            return p;
        }
        inRead = true;
        inWrite |= write;
        return IoStatus.READY;
    }

    /** What the runtime does after DONE in auto-commit mode. */
    public void endTransactionIfAutoCommit() {
        if (autoCommit) {
            inRead = false;
            inWrite = false;
        }
    }

    public boolean inWriteTransaction() {
        return inWrite;
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
        inRead = false;
        inWrite = false;
    }

    @Override
    public boolean isAutoCommit() {
        return autoCommit;
    }

    @Override
    public int readCookie(int headerOffset) {
        return header[headerOffset / 4];
    }

    @Override
    public void setCookie(int headerOffset, int value) {
        header[headerOffset / 4] = value;
    }

    @Override
    public void schemaChanged() {
        schemaChanges++;
    }

    public int schemaChanges() {
        return schemaChanges;
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
        if (statementSnapshot != null) {
            throw new IllegalStateException("invariant: nested statement");
        }
        statementSnapshot = store.snapshot();
        statementIndexSnapshot = store.snapshotIndexes();
        statementsBegun++;
    }

    @Override
    public void commitStatement() {
        if (statementSnapshot == null) {
            throw new IllegalStateException("invariant: commit without statement");
        }
        statementSnapshot = null;
        statementsCommitted++;
    }

    @Override
    public void rollbackStatement() {
        if (statementSnapshot == null) {
            throw new IllegalStateException("invariant: rollback without statement");
        }
        store.restore(statementSnapshot);
        store.restoreIndexes(statementIndexSnapshot);
        statementSnapshot = null;
        statementIndexSnapshot = null;
        statementsRolledBack++;
    }

    public int statementsBegun() {
        return statementsBegun;
    }

    public int statementsCommitted() {
        return statementsCommitted;
    }

    public int statementsRolledBack() {
        return statementsRolledBack;
    }
}
