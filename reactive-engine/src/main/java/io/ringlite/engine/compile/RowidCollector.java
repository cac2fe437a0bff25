package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import java.util.List;

/**
 * The first pass of UPDATE and DELETE: collect the rowids of the rows the WHERE clause selects
 * into a sorter, before changing anything. Changing a table while a cursor scans it would make
 * the scan skip or revisit rows (the "Halloween problem"); SQLite avoids it the same way (with a
 * RowSet or an ephemeral table). The second pass ({@link #forEachRowid}) seeks each collected
 * rowid with NotExists and leaves the cursor on it.
 *
 * <pre>
 *   SorterOpen s
 *   Rewind c / SeekRowid c (WHERE rowid = k) / an index range (WherePlanner)   -- WHERE as jumps
 *     Rowid c -> r; MakeRecord r -> rec; SorterInsert s, rec
 *   Next c
 *   OpenPseudo p; SorterSort s, end
 * loop: SorterData s -> p; Column p.0 -> rowid; NotExists c, next, rowid
 *     (body)
 * next: SorterNext s, loop
 * </pre>
 *
 * <p>A WITHOUT ROWID table has no rowid: its rows are collected by their PRIMARY KEY fields (the
 * first fields of its records), sorted in the key's order (SQLite's ephemeral index has the
 * key's KeyInfo, so rows are changed in table order) and found again with NotFound.
 */
final class RowidCollector {
    private final ProgramBuilder b;
    private final Scope scope;
    private final int sorter;
    private final SelectCompiler.Context ctx;

    RowidCollector(ProgramBuilder b, Scope scope, SelectCompiler.Context ctx) {
        this.b = b;
        this.scope = scope;
        this.ctx = ctx;
        this.sorter = b.allocCursor();
        this.keyFields = scope.table().indexOrganized() ? scope.table().primaryKey().size() : 0;
    }

    /** Key fields of a WITHOUT ROWID table, 0 for a rowid table. */
    private final int keyFields;

    /** Emits the collecting pass for {@code where} (may be null: every row). */
    void collect(Expr where) {
        ExprCompiler ec = new ExprCompiler(b, scope, ctx);
        int cursor = scope.cursor();
        if (keyFields > 0) {
            collectKeys(ec, where);
            return;
        }
        b.emit(new Insn.SorterOpen(sorter, 1, KeyInfo.ascending(1)));
        int done = b.newLabel();
        Expr key = null;
        Expr rest = where;
        if (where != null && !scope.table().withoutRowid()) {
            List<Expr> terms = ExprCompiler.conjuncts(where);
            for (int i = 0; i < terms.size() && key == null; i++) {
                key = SelectCompiler.rowidKey(terms.get(i), scope);
                if (key != null) {
                    terms.remove(i);
                }
            }
            if (key != null) {
                rest = SelectCompiler.and(terms);
            }
        }
        int rRowid = b.allocRegister();
        int rec = b.allocRegister();
        if (key != null) {
            int rKey = ec.compileToNew(key);
            b.emit(new Insn.SeekRowid(cursor, done, rKey));
            if (rest != null) {
                ec.jumpIfFalse(rest, done);
            }
            b.emit(new Insn.Rowid(cursor, rRowid));
            b.emit(new Insn.MakeRecord(rRowid, 1, rec, null));
            b.emit(new Insn.SorterInsert(sorter, rec));
        } else {
            // Rows an index finds are collected from its range; the index is only read here.
            WherePlanner.Plan plan = WherePlanner.choose(scope, rest, ec);
            int loop;
            int loopCursor = cursor;
            WherePlanner.Loop l = null;
            Expr.InList rowidIn = WherePlanner.rowidIn(scope, rest);
            if (rowidIn != null) {
                l = WherePlanner.beginRowidIn(b, ec, scope, rowidIn, done);
                loop = -1; // each value is one row: no Next
            } else if (plan != null) {
                l = WherePlanner.begin(b, ec, scope, plan, done);
                loop = l.loop();
                loopCursor = l.cursor();
            } else {
                b.emit(new Insn.Rewind(cursor, done));
                loop = b.currentAddress();
            }
            int next = b.newLabel();
            if (rest != null) {
                ec.jumpIfFalse(rest, next);
            }
            b.emit(new Insn.Rowid(cursor, rRowid));
            b.emit(new Insn.MakeRecord(rRowid, 1, rec, null));
            b.emit(new Insn.SorterInsert(sorter, rec));
            b.resolve(next);
            if (loop >= 0) {
                b.emit(new Insn.Next(loopCursor, loop));
            }
            if (l != null) {
                l.finish(b);
            }
        }
        b.resolve(done);
    }

    /** The collecting pass of a WITHOUT ROWID table: a scan ({@link #seekKey}), keys into the sorter. */
    private void collectKeys(ExprCompiler ec, Expr where) {
        int cursor = scope.cursor();
        KeyInfo tableKey = IndexMaintenance.tableKeyInfo(scope.table());
        b.emit(new Insn.SorterOpen(sorter, keyFields, new KeyInfo(tableKey.descending(), tableKey.collations())));
        int done = b.newLabel();
        int rKey = b.allocRegisters(keyFields);
        int rec = b.allocRegister();
        int[] seek = seekKey(b, ec, scope, where, done);
        if (seek == null) {
            b.emit(new Insn.Rewind(cursor, done));
        }
        int loop = b.currentAddress();
        if (seek != null) {
            b.emit(new Insn.IdxGT(cursor, done, seek[0], seek[1]));
        }
        int next = b.newLabel();
        if (where != null) {
            ec.jumpIfFalse(where, next);
        }
        for (int k = 0; k < keyFields; k++) {
            b.emit(new Insn.Column(cursor, k, rKey + k));
        }
        b.emit(new Insn.MakeRecord(rKey, keyFields, rec, null));
        b.emit(new Insn.SorterInsert(sorter, rec));
        b.resolve(next);
        b.emit(new Insn.Next(cursor, loop));
        b.resolve(done);
    }

    /**
     * Emits the second pass: for each collected rowid still present, positions the cursor on it
     * and emits {@code body} with the register holding that rowid (for a WITHOUT ROWID table:
     * the first of the registers holding its key fields).
     */
    void forEachRowid(int end, java.util.function.IntConsumer body) {
        if (keyFields > 0) {
            forEachKey(end, body);
            return;
        }
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        int rRowid = b.allocRegister();
        b.emit(new Insn.OpenPseudo(pseudo, rData, 1));
        b.emit(new Insn.SorterSort(sorter, end));
        int loop = b.currentAddress();
        int next = b.newLabel();
        b.emit(new Insn.SorterData(sorter, rData, pseudo));
        b.emit(new Insn.Column(pseudo, 0, rRowid));
        b.emit(new Insn.NotExists(scope.cursor(), next, rRowid));
        body.accept(rRowid);
        b.resolve(next);
        b.emit(new Insn.SorterNext(sorter, loop));
    }

    private void forEachKey(int end, java.util.function.IntConsumer body) {
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        int rKey = b.allocRegisters(keyFields);
        b.emit(new Insn.OpenPseudo(pseudo, rData, keyFields));
        b.emit(new Insn.SorterSort(sorter, end));
        int loop = b.currentAddress();
        int next = b.newLabel();
        b.emit(new Insn.SorterData(sorter, rData, pseudo));
        for (int k = 0; k < keyFields; k++) {
            b.emit(new Insn.Column(pseudo, k, rKey + k));
        }
        b.emit(new Insn.NotFound(scope.cursor(), next, rKey, keyFields));
        body.accept(rKey);
        b.resolve(next);
        b.emit(new Insn.SorterNext(sorter, loop));
    }

    /**
     * For a scan of a WITHOUT ROWID table: when {@code where} pins the leading key fields with
     * {@code column = value} terms (a literal or parameter, which have no affinity of their own),
     * emits their values with the columns' affinities applied and a SeekGE to the first entry
     * with that key prefix (jumping to {@code done} when there is none), and returns
     * {@code {first register, fields}} for the IdxGT that ends the scan after the last such
     * entry. Returns null, emitting nothing, otherwise: the caller rewinds.
     *
     * <p>The WHERE is still evaluated on every row visited, so the seek only has to visit a
     * superset of the matching rows: it is used only where equality under the comparison's
     * collation (the column's) implies equality under the key field's (BINARY, or the same).
     */
    static int[] seekKey(ProgramBuilder b, ExprCompiler ec, Scope scope, Expr where, int done) {
        Table t = scope.table();
        if (where == null || !t.indexOrganized() || scope.source() != null) {
            return null;
        }
        io.ringlite.engine.schema.PrimaryKey pk = t.primaryKey();
        List<Expr> terms = ExprCompiler.conjuncts(where);
        java.util.List<Expr> values = new java.util.ArrayList<>();
        StringBuilder aff = new StringBuilder();
        for (int k = 0; k < pk.size(); k++) {
            int column = pk.columns()[k];
            io.ringlite.engine.schema.Column def = t.columns().get(column);
            String compared = def.collation() == null ? "BINARY" : def.collation();
            if (!compared.equalsIgnoreCase("BINARY") && !compared.equalsIgnoreCase(pk.collations()[k])) {
                break;
            }
            Expr value = null;
            for (Expr term : terms) {
                value = pinnedValue(term, scope, column);
                if (value != null) {
                    break;
                }
            }
            if (value == null) {
                break;
            }
            values.add(value);
            aff.append(def.affinity().code());
        }
        if (values.isEmpty()) {
            return null;
        }
        int n = values.size();
        int start = b.allocRegisters(n);
        for (int k = 0; k < n; k++) {
            ec.compile(values.get(k), start + k);
        }
        b.emit(new Insn.Affinity(start, n, aff.toString()));
        b.emit(new Insn.SeekGE(scope.cursor(), done, start, n));
        return new int[] {start, n};
    }

    /** The value {@code term} sets table column {@code column} of {@code scope} equal to, or null. */
    private static Expr pinnedValue(Expr term, Scope scope, int column) {
        if (!(term instanceof Expr.Binary bin) || bin.op() != Expr.BinaryOp.EQ) {
            return null;
        }
        if (isColumn(bin.left(), scope, column) && isBareValue(bin.right())) {
            return bin.right();
        }
        if (isColumn(bin.right(), scope, column) && isBareValue(bin.left())) {
            return bin.left();
        }
        return null;
    }

    private static boolean isColumn(Expr e, Scope scope, int column) {
        if (!(e instanceof Expr.ColumnRef ref)) {
            return false;
        }
        Scope.Resolved r = scope.resolveHere(ref);
        return r != null && !r.isRowid() && r.column() == column;
    }

    private static boolean isBareValue(Expr e) {
        return e instanceof Expr.Literal || e instanceof Expr.Param
                || e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG && u.operand() instanceof Expr.Literal;
    }
}
