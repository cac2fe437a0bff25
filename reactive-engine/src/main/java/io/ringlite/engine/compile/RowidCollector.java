package io.ringlite.engine.compile;

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
 *   Rewind c / SeekRowid c (WHERE rowid = k)     -- WHERE as jumps
 *     Rowid c -> r; MakeRecord r -> rec; SorterInsert s, rec
 *   Next c
 *   OpenPseudo p; SorterSort s, end
 * loop: SorterData s -> p; Column p.0 -> rowid; NotExists c, next, rowid
 *     (body)
 * next: SorterNext s, loop
 * </pre>
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
    }

    /** Emits the collecting pass for {@code where} (may be null: every row). */
    void collect(Expr where) {
        ExprCompiler ec = new ExprCompiler(b, scope, ctx);
        int cursor = scope.cursor();
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
            b.emit(new Insn.Rewind(cursor, done));
            int loop = b.currentAddress();
            int next = b.newLabel();
            if (rest != null) {
                ec.jumpIfFalse(rest, next);
            }
            b.emit(new Insn.Rowid(cursor, rRowid));
            b.emit(new Insn.MakeRecord(rRowid, 1, rec, null));
            b.emit(new Insn.SorterInsert(sorter, rec));
            b.resolve(next);
            b.emit(new Insn.Next(cursor, loop));
        }
        b.resolve(done);
    }

    /**
     * Emits the second pass: for each collected rowid still present, positions the cursor on it
     * and emits {@code body} with the register holding that rowid.
     */
    void forEachRowid(int end, java.util.function.IntConsumer body) {
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
}
