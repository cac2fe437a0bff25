package io.ringlite.engine.compile;

import io.ringlite.engine.schema.CheckConstraint;
import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Table;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;

/**
 * NOT NULL and CHECK constraint code shared by INSERT and UPDATE, in SQLite's order: NOT NULL
 * first, then CHECK (after the column affinities were applied, so a CHECK sees the stored
 * types), then the caller's rowid uniqueness check.
 */
final class Constraints {
    private Constraints() {
    }

    /**
     * Emits the checks for the row in registers {@code first..first+n-1} with rowid in
     * {@code rRowid}. A violation halts the statement, or jumps to {@code skipRow} when it is not
     * 0 (OR IGNORE).
     */
    static void emit(ProgramBuilder b, Table t, String alias, int first, int rRowid, int skipRow) {
        emit(b, t, alias, first, rRowid, skipRow, Insn.OE_ABORT);
    }

    /** As above; a violation halts with conflict resolution {@code onError} (Halt p2). */
    static void emit(ProgramBuilder b, Table t, String alias, int first, int rRowid, int skipRow, int onError) {
        for (int i = 0; i < t.columns().size(); i++) {
            Column c = t.columns().get(i);
            if (!c.notNull() || i == t.rowidAlias()) {
                continue;
            }
            if (skipRow != 0) {
                b.emit(new Insn.IsNull(first + i, skipRow));
            } else {
                b.emit(new Insn.HaltIfNull(ResultCode.CONSTRAINT_NOTNULL, onError, first + i,
                        "NOT NULL constraint failed: " + t.name() + "." + c.name()));
            }
        }
        if (t.checks().isEmpty()) {
            return;
        }
        String aff = t.affinityString();
        if (aff != null) {
            b.emit(new Insn.Affinity(first, aff.length(), aff));
        }
        Scope scope = new Scope(t, alias, -1);
        for (CheckConstraint check : t.checks()) {
            ExprCompiler ec = new ExprCompiler(b, scope).readingRegisters(first, rRowid);
            int ok = b.newLabel();
            int r = ec.compileToNew(check.expr());
            // NULL passes a CHECK: only a false result fails it.
            b.emit(new Insn.If(r, ok, true));
            if (skipRow != 0) {
                b.emit(new Insn.Goto(skipRow));
            } else {
                b.emit(new Insn.Halt(ResultCode.CONSTRAINT_CHECK, onError, "CHECK constraint failed: " + check.label()));
            }
            b.resolve(ok);
        }
    }
}
