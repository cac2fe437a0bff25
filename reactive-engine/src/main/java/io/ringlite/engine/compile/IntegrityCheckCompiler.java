package io.ringlite.engine.compile;

import io.ringlite.engine.schema.CheckConstraint;
import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The row-level half of {@code PRAGMA integrity_check} / {@code quick_check} as a VDBE program,
 * the way SQLite generates it: a scan of every table that reports, one result row per message
 * and in SQLite 3.40's wording,
 * <ol>
 *   <li>per column: {@code NULL value in T.C} for a NOT NULL column holding NULL (a column
 *       missing from a short record reads as its DEFAULT), then, in a STRICT table,
 *       {@code non-TYPE value in T.C} for a value of another type than declared;</li>
 *   <li>{@code CHECK constraint failed in T}: one message per row for which some CHECK is false
 *       (NULL passes);</li>
 *   <li>integrity_check only, for each index newest first, when the row belongs in it (a partial
 *       index's WHERE is true): {@code row N missing from index I} when the entry built from the
 *       row (key expressions evaluated, the rowid or the WITHOUT ROWID key appended) is absent;
 *       for a UNIQUE index whose key has no NULL, {@code non-unique entry in index I} when the
 *       next entry has the same key. N is the row's position in the scan (1-based), not its
 *       rowid, as SQLite prints it;</li>
 *   <li>integrity_check only, after the scan: {@code wrong # of entries in index I} when the
 *       index does not hold exactly one entry per row that belongs in it.</li>
 * </ol>
 * Register {@code ?1} (bound by the runtime) is the number of messages still allowed; the program
 * halts when it reaches zero (SQLite's error limit, shared with the B-tree half that ran first).
 * Tables are visited in the order the B-tree half visits their roots (newest first).
 */
final class IntegrityCheckCompiler {
    private final ProgramBuilder b = new ProgramBuilder();
    private final boolean quick;
    private int rErrorsLeft;
    private int halt;
    /** The current table's register holding 1 (the counters' increment). */
    private int rOne;

    private IntegrityCheckCompiler(boolean quick) {
        this.quick = quick;
    }

    /**
     * The program checking {@code tables} (null: every table of the schema), or null when there
     * is nothing to scan.
     */
    static Program compile(Schema schema, Table only, boolean quick) {
        List<Table> tables = new ArrayList<>();
        if (only != null) {
            tables.add(only);
        } else {
            tables.addAll(schema.tables());
            Collections.reverse(tables);
        }
        tables.removeIf(t -> t.rootPage() <= 0);
        if (tables.isEmpty()) {
            return null;
        }
        return new IntegrityCheckCompiler(quick).build(schema, tables);
    }

    private Program build(Schema schema, List<Table> tables) {
        int prologue = b.newLabel();
        halt = b.newLabel();
        b.emit(new Insn.Init(prologue));
        int body = b.currentAddress();
        rErrorsLeft = b.allocRegister();
        b.emit(new Insn.Variable(1, rErrorsLeft, null));
        for (Table t : tables) {
            table(t);
        }
        b.resolve(halt);
        b.emit(Insn.Halt.OK);
        b.resolve(prologue);
        Compiler.emitTransaction(b, schema, false);
        b.emit(new Insn.Goto(body));
        return b.build();
    }

    private void table(Table t) {
        int cTable = b.allocCursor();
        b.emit(Scope.open(t, cTable, false));
        List<IndexMaintenance.Target> targets = new ArrayList<>();
        if (!quick) {
            List<Index> order = new ArrayList<>(t.indexes());
            Collections.reverse(order);
            for (Index x : order) {
                IndexMaintenance.Target target = describe(t, x);
                if (target != null) {
                    b.emit(new Insn.OpenRead(target.cursor(), x.rootPage(), 0, target.entryFields(), target.keyInfo()));
                    targets.add(target);
                }
            }
        }
        int rRow = b.allocRegister();
        rOne = b.allocRegister();
        b.emit(new Insn.Integer(0, rRow));
        b.emit(new Insn.Integer(1, rOne));
        int[] expected = new int[targets.size()];
        for (int k = 0; k < expected.length; k++) {
            expected[k] = b.allocRegister();
            b.emit(new Insn.Integer(0, expected[k]));
        }
        int done = b.newLabel();
        b.emit(new Insn.Rewind(cTable, done));
        int loop = b.currentAddress();
        b.emit(new Insn.Add(rOne, rRow, rRow));
        columns(t, cTable);
        checks(t, cTable);
        for (int k = 0; k < targets.size(); k++) {
            entry(t, cTable, targets.get(k), expected[k], rRow);
        }
        b.emit(new Insn.Next(cTable, loop));
        b.resolve(done);
        for (int k = 0; k < targets.size(); k++) {
            IndexMaintenance.Target x = targets.get(k);
            int rCount = b.allocRegister();
            int ok = b.newLabel();
            b.emit(new Insn.Count(x.cursor(), rCount));
            b.emit(new Insn.Eq(expected[k], ok, rCount, null, null, 0));
            message("wrong # of entries in index " + x.index().name());
            b.resolve(ok);
        }
        b.emit(new Insn.Close(cTable));
        for (IndexMaintenance.Target x : targets) {
            b.emit(new Insn.Close(x.cursor()));
        }
    }

    /** The index as the write path keys it; null for one whose definition cannot be used. */
    private IndexMaintenance.Target describe(Table t, Index x) {
        if (x.rootPage() <= 0 || x.columns().isEmpty()) {
            return null;
        }
        try {
            return IndexMaintenance.describe(t, x, b.allocCursor());
        } catch (DatabaseException | IllegalStateException e) {
            return null; // e.g. a collation this build lacks: the index cannot be checked
        }
    }

    /** Per column, in column order: NOT NULL, then (STRICT tables) the stored type. */
    private void columns(Table t, int cTable) {
        for (int i = 0; i < t.columns().size(); i++) {
            Column c = t.columns().get(i);
            String strictType = t.strict() && c.declaredType() != null
                    ? c.declaredType().trim().toUpperCase(java.util.Locale.ROOT) : "ANY";
            boolean typed = !strictType.equals("ANY");
            if (!c.notNull() && !typed || i == t.rowidAlias() || c.generated() != null) {
                continue;
            }
            int r = b.allocRegister();
            Object dflt = c.defaultValue() instanceof Expr.Literal lit ? lit.value() : null;
            b.emit(new Insn.Column(cTable, t.storageField(i), r, dflt));
            int ok = b.newLabel();
            if (c.notNull()) {
                int notNull = b.newLabel();
                b.emit(new Insn.NotNull(r, notNull));
                message("NULL value in " + t.name() + "." + c.name());
                b.emit(new Insn.Goto(ok));
                b.resolve(notNull);
            } else {
                b.emit(new Insn.IsNull(r, ok));
            }
            if (typed) {
                strictType(t, c, strictType, r, ok);
            }
            b.resolve(ok);
        }
    }

    /**
     * A STRICT column's value (not NULL) must have its declared type: INT/INTEGER an integer,
     * REAL a real or an integer (an integral REAL is stored as one), TEXT text, BLOB a blob.
     */
    private void strictType(Table t, Column c, String type, int r, int ok) {
        List<String> accepted = switch (type) {
            case "INT", "INTEGER" -> List.of("integer");
            case "REAL" -> List.of("real", "integer");
            case "TEXT" -> List.of("text");
            case "BLOB" -> List.of("blob");
            default -> List.of();
        };
        if (accepted.isEmpty()) {
            return;
        }
        int rType = b.allocRegister();
        b.emit(new Insn.Function(r, rType, io.ringlite.vdbe.func.FunctionRegistry.lookup("typeof", 1), 1));
        for (String name : accepted) {
            int rName = b.allocRegister();
            b.emit(new Insn.String8(rName, name));
            b.emit(new Insn.Eq(rName, ok, rType, null, null, 0));
        }
        message("non-" + type + " value in " + t.name() + "." + c.name());
    }

    private void checks(Table t, int cTable) {
        if (t.checks().isEmpty()) {
            return;
        }
        int fault = b.newLabel();
        int ok = b.newLabel();
        ExprCompiler ec = new ExprCompiler(b, new Scope(t, t.name(), cTable));
        for (CheckConstraint check : t.checks()) {
            int r = ec.compileToNew(check.expr());
            // only a false CHECK fails: NULL passes
            b.emit(new Insn.IfNot(r, fault, false));
        }
        b.emit(new Insn.Goto(ok));
        b.resolve(fault);
        message("CHECK constraint failed in " + t.name());
        b.resolve(ok);
    }

    /** The row's entry in index {@code x}: present, and (UNIQUE) not followed by an equal key. */
    private void entry(Table t, int cTable, IndexMaintenance.Target x, int rExpected, int rRow) {
        int skip = IndexMaintenance.skipUnlessInIndex(b, t, x, cTable);
        b.emit(new Insn.Add(rOne, rExpected, rExpected));
        int key = IndexMaintenance.keyFromCursor(b, t, x, cTable);
        int found = b.newLabel();
        int next = b.newLabel();
        b.emit(new Insn.Found(x.cursor(), found, key, x.entryFields()));
        int rText = b.allocRegister();
        int rMsg = b.allocRegister();
        b.emit(new Insn.String8(rText, "row "));
        b.emit(new Insn.Concat(rRow, rText, rMsg));
        b.emit(new Insn.String8(rText, " missing from index " + x.index().name()));
        b.emit(new Insn.Concat(rText, rMsg, rMsg));
        emitRow(rMsg);
        b.emit(new Insn.Goto(next));
        b.resolve(found);
        if (x.index().unique()) {
            for (int j = 0; j < x.keyColumns(); j++) {
                b.emit(new Insn.IsNull(key + j, next));
            }
            int hasNext = b.newLabel();
            b.emit(new Insn.Next(x.cursor(), hasNext));
            b.emit(new Insn.Goto(next));
            b.resolve(hasNext);
            b.emit(new Insn.IdxGT(x.cursor(), next, key, x.keyColumns()));
            message("non-unique entry in index " + x.index().name());
        }
        b.resolve(next);
        if (skip != 0) {
            b.resolve(skip);
        }
    }

    private void message(String text) {
        int r = b.allocRegister();
        b.emit(new Insn.String8(r, text));
        emitRow(r);
    }

    private void emitRow(int r) {
        b.emit(new Insn.ResultRow(r, 1));
        b.emit(new Insn.DecrJumpZero(rErrorsLeft, halt));
    }
}
