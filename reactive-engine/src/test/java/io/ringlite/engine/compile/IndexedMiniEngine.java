package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.SchemaEntry;
import io.ringlite.engine.schema.Table;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.RecordDecoder;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;
import io.ringlite.vdbe.VdbeContext;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test harness for index code: compiles with {@link Compiler} and runs on the real VM over the
 * vdbe's {@link MemoryBTreeStore} (tables and index trees), optionally with a seeded schedule of
 * Pending results that the harness completes, as the event loop would. Statement rollback
 * restores a snapshot of every tree.
 */
final class IndexedMiniEngine implements VdbeContext {
    final MemoryBTreeStore trees;
    private final int[] header = new int[40];
    private Schema schema = Schema.build(List.of(), 0);
    private boolean autoCommit = true;
    private long lastRowid;
    private boolean schemaDirty;
    private Map<Integer, TreeMap<Long, byte[]>> tableSnapshot;
    private Map<Integer, List<byte[]>> indexSnapshot;

    IndexedMiniEngine() {
        this(new MemoryBTreeStore());
    }

    IndexedMiniEngine(MemoryBTreeStore trees) {
        this.trees = trees;
    }

    Schema schema() {
        return schema;
    }

    /** Runs every statement of {@code sql}; returns the rows of the last one. */
    List<List<Object>> run(String sql) {
        List<List<Object>> rows = List.of();
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            CompiledStatement c = Compiler.compile(rest, schema);
            if (c == null) {
                break;
            }
            rows = execute(c);
            rest = c.tail();
        }
        return rows;
    }

    private List<List<Object>> execute(CompiledStatement c) {
        List<List<Object>> rows = new ArrayList<>();
        if (c.explain()) {
            for (Object[] r : c.program().explain()) {
                rows.add(Arrays.asList(r));
            }
            return rows;
        }
        try (Vdbe vm = new Vdbe(c.program(), this)) {
            while (true) {
                StepResult r = vm.step();
                if (r == StepResult.ROW) {
                    rows.add(Arrays.asList(vm.row().clone()));
                } else if (r == StepResult.DONE) {
                    break;
                } else if (r == StepResult.IO) {
                    trees.completeOutstanding();
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
        for (byte[] rec : trees.table(1).values()) {
            RecordDecoder d = RecordDecoder.of(rec);
            entries.add(new SchemaEntry((String) d.column(0), (String) d.column(1), (String) d.column(2),
                    ((Long) d.column(3)).intValue(), (String) d.column(4)));
        }
        schema = Schema.build(entries, header[(40 - 36) / 4]);
    }

    /**
     * Checks every index of every table against its rows: one entry per row, the entry's fields
     * equal to the row's key columns and rowid. Returns a list of problems (empty when consistent).
     */
    List<String> checkIndexes() {
        List<String> problems = new ArrayList<>();
        for (Table t : schema.tables()) {
            TreeMap<Long, byte[]> rows = trees.table(t.rootPage());
            for (Index x : t.indexes()) {
                if (!x.plainColumns() || x.partial()) {
                    continue; // their entries are checked by the SQLite comparison and integrity_check
                }
                List<byte[]> entries = trees.index(x.rootPage());
                if (entries.size() != rows.size()) {
                    problems.add(x.name() + ": " + entries.size() + " entries for " + rows.size() + " rows");
                }
                for (byte[] e : entries) {
                    Object[] f = RecordDecoder.of(e).columns();
                    long rowid = (Long) f[f.length - 1];
                    byte[] row = rows.get(rowid);
                    if (row == null) {
                        problems.add(x.name() + ": entry for missing row " + rowid);
                        continue;
                    }
                    Object[] cols = RecordDecoder.of(row).columns();
                    for (int i = 0; i < x.columns().size(); i++) {
                        int c = t.columnIndex(x.columns().get(i));
                        Object want = c == t.rowidAlias() ? (Object) rowid : c < cols.length ? cols[c] : null;
                        if (!sameValue(want, f[i])) {
                            problems.add(x.name() + ": row " + rowid + " column " + x.columns().get(i) + " is "
                                    + want + " but the entry has " + f[i]);
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return java.util.Objects.equals(a, b);
    }

    @Override public BTreeStore btrees() { return trees; }
    @Override public IoStatus beginTransaction(boolean write) { return IoStatus.READY; }

    @Override
    public void autoCommit(boolean enable, boolean rollback) {
        if (!enable && !autoCommit) {
            throw new DatabaseException(ResultCode.ERROR, "cannot start a transaction within a transaction");
        }
        autoCommit = enable;
    }

    @Override public boolean isAutoCommit() { return autoCommit; }
    @Override public int readCookie(int headerOffset) { return header[(headerOffset - 36) / 4]; }
    @Override public void setCookie(int headerOffset, int value) { header[(headerOffset - 36) / 4] = value; }
    @Override public void schemaChanged() { schemaDirty = true; }
    @Override public long lastInsertRowid() { return lastRowid; }
    @Override public void setLastInsertRowid(long rowid) { lastRowid = rowid; }

    @Override
    public void beginStatement() {
        tableSnapshot = trees.snapshot();
        indexSnapshot = trees.snapshotIndexes();
    }

    @Override
    public void commitStatement() {
        tableSnapshot = null;
        indexSnapshot = null;
    }

    @Override
    public void rollbackStatement() {
        if (tableSnapshot != null) {
            trees.restore(tableSnapshot);
            trees.restoreIndexes(indexSnapshot);
            tableSnapshot = null;
            indexSnapshot = null;
        }
    }
}
