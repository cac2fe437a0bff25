package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.SchemaEntry;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.RecordDecoder;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;
import io.ringlite.vdbe.VdbeContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test harness: compiles statements with {@link Compiler} and runs them on the real VM over
 * {@link MemoryBTrees}, reloading the schema from sqlite_schema after DDL as the runtime does.
 * Statement rollback restores a snapshot of the trees.
 */
final class MiniEngine implements VdbeContext {
    final MemoryBTrees trees = new MemoryBTrees();
    private final int[] header = new int[25];
    private Schema schema = Schema.build(List.of(), 0);
    private boolean autoCommit = true;
    private long lastRowid;
    private boolean schemaDirty;
    private Map<Integer, TreeMap<Long, byte[]>> statementSnapshot;
    long lastChanges;

    Schema schema() {
        return schema;
    }

    /** Runs every statement of {@code sql}; returns the rows of the last one. */
    List<List<Object>> run(String sql, Object... args) {
        List<List<Object>> rows = List.of();
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            CompiledStatement c = Compiler.compile(rest, schema);
            if (c == null) {
                break;
            }
            rows = execute(c, args);
            rest = c.tail();
        }
        return rows;
    }

    List<List<Object>> execute(CompiledStatement c, Object... args) {
        List<List<Object>> rows = new ArrayList<>();
        if (c.explain()) {
            for (Object[] r : c.program().explain()) {
                rows.add(java.util.Arrays.asList(r));
            }
            return rows;
        }
        try (Vdbe vm = new Vdbe(c.program(), this)) {
            for (int i = 0; i < args.length; i++) {
                vm.bind(i + 1, args[i]);
            }
            while (true) {
                StepResult r = vm.step();
                if (r == StepResult.ROW) {
                    rows.add(java.util.Arrays.asList(vm.row().clone()));
                } else if (r == StepResult.DONE) {
                    lastChanges = vm.changes();
                    break;
                } else {
                    throw new IllegalStateException("invariant: unexpected " + r);
                }
            }
        } finally {
            if (schemaDirty) {
                schemaDirty = false;
                reloadSchema();
            }
        }
        return rows;
    }

    private void reloadSchema() {
        List<SchemaEntry> entries = new ArrayList<>();
        for (byte[] rec : trees.tree(1).values()) {
            RecordDecoder d = RecordDecoder.of(rec);
            entries.add(new SchemaEntry((String) d.column(0), (String) d.column(1), (String) d.column(2),
                    ((Long) d.column(3)).intValue(), (String) d.column(4)));
        }
        schema = Schema.build(entries, header[(40 - 36) / 4 + 9]);
    }

    @Override public BTreeStore btrees() { return trees; }
    @Override public IoStatus beginTransaction(boolean write) { return IoStatus.READY; }

    @Override
    public void autoCommit(boolean enable, boolean rollback) {
        if (!enable && !autoCommit) {
            throw new DatabaseException(ResultCode.ERROR, "cannot start a transaction within a transaction");
        }
        if (enable && autoCommit) {
            throw new DatabaseException(ResultCode.ERROR, rollback
                    ? "cannot rollback - no transaction is active" : "cannot commit - no transaction is active");
        }
        autoCommit = enable;
    }

    @Override public boolean isAutoCommit() { return autoCommit; }

    // Header fields stored by offset: index (offset - 36) / 4 + 9 keeps offsets 0..96 in range.
    int schemaCookie() {
        return header[(40 - 36) / 4 + 9];
    }

    @Override public int readCookie(int headerOffset) { return header[(headerOffset - 36) / 4 + 9]; }
    @Override public void setCookie(int headerOffset, int value) { header[(headerOffset - 36) / 4 + 9] = value; }
    @Override public void schemaChanged() { schemaDirty = true; }
    @Override public long lastInsertRowid() { return lastRowid; }
    @Override public void setLastInsertRowid(long rowid) { lastRowid = rowid; }
    @Override public void beginStatement() { statementSnapshot = trees.snapshot(); }
    @Override public void commitStatement() { statementSnapshot = null; }

    @Override
    public void rollbackStatement() {
        if (statementSnapshot != null) {
            trees.restore(statementSnapshot);
            statementSnapshot = null;
        }
    }
}
