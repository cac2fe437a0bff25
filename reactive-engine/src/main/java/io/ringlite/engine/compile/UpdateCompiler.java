package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;

/**
 * Code for {@code UPDATE t SET c = e, ... [WHERE ...]} on a rowid table.
 * Rowids are collected first ({@link RowidCollector}); then, per row:
 *
 * <pre>
 *   new values: SET expressions evaluated against the old row, other columns copied
 *   new rowid (when the rowid or its alias is assigned): MustBeInt; if it differs from the old
 *       one, NotExists check -> "UNIQUE constraint failed: t.id", then the old row is deleted
 *   (with indexes, before the rowid check, while the cursor is on the old row) IdxDelete of the
 *       old row's entries, Affinity on the new values
 *   HaltIfNull per NOT NULL column
 *   (with indexes) UNIQUE probes (NoConflict) and IdxInsert of the new entries
 *   MakeRecord (table affinities); Insert at the (new) rowid, counted as a change
 * </pre>
 *
 * <p>A WITHOUT ROWID table is changed by PRIMARY KEY (collected in key order): the new values,
 * the old row's index entries removed, Affinity, NOT NULL and CHECK, then the old row itself is
 * deleted, so that the probes of the new version (its PRIMARY KEY where SQLite checks it among
 * the indexes, then the UNIQUE indexes) only find other rows; then the new entries and the new
 * row (IdxInsert, counted). A changed key thus moves the row.
 */
final class UpdateCompiler {
    private UpdateCompiler() {
    }

    static Program compile(Statement.Update upd, Schema schema) {
        if (upd.with() != null) {
            throw Compiler.notSupported("WITH clause");
        }
        if (!upd.returning().isEmpty()) {
            throw Compiler.notSupported("RETURNING");
        }
        if (upd.from() != null) {
            throw Compiler.notSupported("UPDATE ... FROM");
        }
        if (!upd.orderBy().isEmpty() || upd.limit() != null) {
            throw Compiler.notSupported("UPDATE ... ORDER BY/LIMIT");
        }
        if (upd.conflict() != null && upd.conflict() != Statement.Conflict.ABORT) {
            throw Compiler.notSupported("UPDATE OR " + upd.conflict().name());
        }
        Table t = DeleteCompiler.writableTable(schema, upd.table());
        CreateTableCompiler.checkInsertable(t);
        IndexMaintenance.checkConflictClauses(t);
        int n = t.columns().size();
        Expr[] assigned = new Expr[n];
        Expr newRowid = null;
        for (Statement.SetClause set : upd.set()) {
            if (set.columns().size() != 1) {
                throw Compiler.notSupported("row values in SET");
            }
            String name = set.columns().get(0);
            int idx = t.columnIndex(name);
            if (idx < 0 && !t.isRowidName(name)) {
                throw new DatabaseException(ResultCode.ERROR, "no such column: " + name);
            }
            ExprCompiler.checkNoAggregate(set.value());
            if (idx < 0 || idx == t.rowidAlias()) {
                newRowid = set.value();
            } else {
                assigned[idx] = set.value();
            }
        }
        if (upd.where() != null) {
            ExprCompiler.checkNoAggregate(upd.where());
        }

        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(txn));
        Scope scope = new Scope(t, upd.alias() != null ? upd.alias() : t.name(), b.allocCursor());
        b.emit(Scope.open(t, scope.cursor(), true));
        java.util.List<IndexMaintenance.Target> indexes = IndexMaintenance.openAll(b, t, scope.cursor());
        SelectCompiler.Context ctx = new SelectCompiler.Context(schema);
        RowidCollector rows = new RowidCollector(b, scope, ctx);
        rows.collect(upd.where());
        ExprCompiler ec = new ExprCompiler(b, scope, ctx);
        final Expr rowidExpr = newRowid;
        String pkName = t.name() + "." + (t.rowidAlias() >= 0 ? t.columns().get(t.rowidAlias()).name() : "rowid");
        if (t.indexOrganized()) {
            rows.forEachRowid(end, rKey -> {
                int first = b.allocRegisters(n);
                for (int i = 0; i < n; i++) {
                    Expr e = assigned[i] != null ? assigned[i]
                            : new Expr.ColumnRef(null, scope.alias(), t.columns().get(i).name(), false);
                    ec.compile(e, first + i);
                }
                IndexMaintenance.deleteEntries(b, t, indexes, scope.cursor());
                if (t.affinityString() != null) {
                    b.emit(new Insn.Affinity(first, t.affinityString().length(), t.affinityString()));
                }
                Constraints.emit(b, t, scope.alias(), first, 0, 0);
                b.emit(new Insn.Delete(scope.cursor(), 0, t.name()));
                int[] keys = IndexMaintenance.checkAll(b, t, indexes, first, 0, IndexMaintenance.OnConflict.ABORT, 0,
                        scope.cursor());
                IndexMaintenance.insertAll(b, t, indexes, keys, first, 0);
                InsertCompiler.writeRow(b, t, scope.cursor(), first, Insn.OPFLAG_NCHANGE);
            });
        } else {
            rows.forEachRowid(end, rOld -> {
                int first = b.allocRegisters(n);
                for (int i = 0; i < n; i++) {
                    if (i == t.rowidAlias()) {
                        b.emit(new Insn.Null(first + i));
                    } else if (assigned[i] != null) {
                        ec.compile(assigned[i], first + i);
                    } else {
                        ec.compile(new Expr.ColumnRef(null, scope.alias(), t.columns().get(i).name(), false),
                                first + i);
                    }
                }
                if (!indexes.isEmpty()) {
                    // SQLite's order: the old row's entries go first (the cursor is still on it).
                    IndexMaintenance.deleteEntries(b, t, indexes, scope.cursor());
                    if (t.affinityString() != null) {
                        b.emit(new Insn.Affinity(first, t.affinityString().length(), t.affinityString()));
                    }
                }
                int rRowid = rOld;
                if (rowidExpr != null) {
                    rRowid = b.allocRegister();
                    ec.compile(rowidExpr, rRowid);
                    b.emit(new Insn.MustBeInt(rRowid, 0));
                }
                Constraints.emit(b, t, scope.alias(), first, rRowid, 0);
                if (rowidExpr != null) {
                    int same = b.newLabel();
                    int free = b.newLabel();
                    b.emit(new Insn.Eq(rOld, same, rRowid, null, null, 0));
                    b.emit(new Insn.NotExists(scope.cursor(), free, rRowid));
                    b.emit(new Insn.Halt(ResultCode.CONSTRAINT_PRIMARYKEY, 2, "UNIQUE constraint failed: " + pkName));
                    b.resolve(free);
                    // The row moves to a new rowid: remove it from the old one.
                    b.emit(new Insn.NotExists(scope.cursor(), same, rOld));
                    b.emit(new Insn.Delete(scope.cursor(), 0, t.name()));
                    b.resolve(same);
                }
                int[] keys = IndexMaintenance.checkAll(b, t, indexes, first, rRowid,
                        IndexMaintenance.OnConflict.ABORT, 0, scope.cursor());
                IndexMaintenance.insertAll(b, t, indexes, keys, first, rRowid);
                int rec = b.allocRegister();
                b.emit(new Insn.MakeRecord(first, n, rec, t.affinityString()));
                b.emit(new Insn.Insert(scope.cursor(), rec, rRowid, t.name(), Insn.OPFLAG_NCHANGE));
            });
        }
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }
}
