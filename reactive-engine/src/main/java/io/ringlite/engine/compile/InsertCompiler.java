package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.engine.sql.Statement.Conflict;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.List;

/**
 * Code for {@code INSERT [OR REPLACE|IGNORE|ABORT|ROLLBACK] INTO t [(cols)] VALUES (...), ...} and
 * {@code DEFAULT VALUES} into a rowid table. Per row, as SQLite does:
 *
 * <pre>
 *   values (given, DEFAULT, or NULL) into r[cols]; the rowid alias's slot holds NULL
 *   rowid: NULL/absent -> NewRowid; given -> MustBeInt (else "datatype mismatch"),
 *          NotExists check -> "UNIQUE constraint failed: t.id" (REPLACE overwrites, IGNORE skips)
 *   HaltIfNull per NOT NULL column -> "NOT NULL constraint failed: t.c" (IGNORE skips the row,
 *          REPLACE uses the column default when there is one)
 *   (with indexes) Affinity on the row; per index, in SQLite's order: key (column copies or
 *          expressions, then the rowid), UNIQUE probe with NoConflict -> "UNIQUE constraint
 *          failed: t.a, t.b" (IGNORE skips the row, REPLACE deletes the conflicting row and its
 *          entries); then MakeRecord + IdxInsert per index ({@link IndexMaintenance})
 *   MakeRecord with the table's affinity string; Insert (counts a change, sets last rowid)
 * </pre>
 *
 * A failing row aborts the whole statement; the VM rolls its changes back (ABORT).
 *
 * <p>Into a WITHOUT ROWID table: no rowid; Affinity on the row; NOT NULL (the key columns are
 * NOT NULL) and CHECK; then the table's PRIMARY KEY is probed like a UNIQUE index, in SQLite's
 * index order ("UNIQUE constraint failed: t.a, t.b", SQLITE_CONSTRAINT_PRIMARYKEY; IGNORE
 * skips, REPLACE deletes the old row); the row is the record of its fields in key-first order,
 * written with IdxInsert, which counts the change (last_insert_rowid stays as it was).
 *
 * <p>{@code INSERT ... SELECT} first runs the query into a sorter keyed by a sequence number
 * (so rows keep the query's order, and a query reading the target table never sees the rows
 * being inserted), then inserts the buffered rows one by one with the same per-row code.
 */
final class InsertCompiler {
    private InsertCompiler() {
    }

    static Program compile(Statement.Insert ins, Schema schema) {
        if (ins.with() != null) {
            throw Compiler.notSupported("WITH clause");
        }
        if (!ins.returning().isEmpty()) {
            throw Compiler.notSupported("RETURNING");
        }
        if (!ins.upserts().isEmpty()) {
            throw Compiler.notSupported("upsert (ON CONFLICT DO)");
        }
        Conflict conflict = ins.conflict() == null ? Conflict.ABORT : ins.conflict();
        if (conflict == Conflict.FAIL) {
            // The VM keeps the rows before the failing one (Halt OE_FAIL), but the runtime rolls
            // back an auto-commit statement that failed; SQLite commits them.
            throw Compiler.notSupported("INSERT OR FAIL");
        }
        Table t = Compiler.table(schema, ins.table().schema(), ins.table().name());
        if (t == Schema.SQLITE_SCHEMA) {
            throw new DatabaseException(ResultCode.ERROR, "table " + ins.table().name() + " may not be modified");
        }
        if (t.withoutRowid() && !t.indexOrganized()) {
            throw new IllegalStateException("invariant: WITHOUT ROWID table " + t.name() + " has no key layout");
        }
        if (t.rootPage() == 0) {
            throw Compiler.notSupported("virtual tables");
        }
        CreateTableCompiler.checkInsertable(t);
        IndexMaintenance.checkConflictClauses(t);
        if (t.autoincrement()) {
            // The rowid would not be recorded in sqlite_sequence: refuse rather than differ.
            throw Compiler.notSupported("INSERT into an AUTOINCREMENT table");
        }

        int n = t.columns().size();
        // target[i] = table column of the i-th value; -1 = the rowid (for an explicit "rowid").
        int[] target;
        if (ins.columns().isEmpty()) {
            target = new int[n];
            for (int i = 0; i < n; i++) {
                target[i] = i;
            }
        } else {
            target = new int[ins.columns().size()];
            for (int i = 0; i < target.length; i++) {
                String name = ins.columns().get(i);
                int idx = t.columnIndex(name);
                if (idx < 0) {
                    if (t.isRowidName(name)) {
                        idx = t.rowidAlias() >= 0 ? t.rowidAlias() : -1;
                    } else {
                        throw new DatabaseException(ResultCode.ERROR,
                                "table " + t.name() + " has no column named " + name);
                    }
                }
                target[i] = idx;
            }
        }

        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        b.emit(new Insn.Init(txn));
        int cursor = b.allocCursor();
        b.emit(Scope.open(t, cursor, true));
        List<IndexMaintenance.Target> indexes = IndexMaintenance.openAll(b, t, cursor);
        ExprCompiler ec = new ExprCompiler(b, null, new SelectCompiler.Context(schema));
        RowWriter writer = new RowWriter(b, t, cursor, conflict, ec, indexes);

        switch (ins.source()) {
            case Statement.DefaultValues d -> writer.row(new int[0], (i, reg) -> {
                throw new IllegalStateException("invariant: DEFAULT VALUES has no values");
            }, i -> false, i -> null);
            case Statement.Rows r -> {
                List<List<Expr>> rows = r.rows();
                int expected = rows.get(0).size();
                for (List<Expr> row : rows) {
                    if (row.size() != expected) {
                        throw new DatabaseException(ResultCode.ERROR, "all VALUES must have the same number of terms");
                    }
                }
                checkCount(t, ins, target, expected);
                for (List<Expr> row : rows) {
                    for (Expr e : row) {
                        ExprCompiler.checkNoAggregate(e);
                        ExprCompiler.walk(e, x -> {
                            if (x instanceof Expr.ColumnRef c && !(c.table() == null && c.doubleQuoted())
                                    && !c.column().equalsIgnoreCase("true") && !c.column().equalsIgnoreCase("false")) {
                                throw Scope.noSuchColumn(c);
                            }
                        });
                    }
                }
                // Values with subqueries are computed before the first row is inserted: SQLite
                // evaluates such constant expressions once, up front, so every row sees the
                // table as it was before the statement.
                for (List<Expr> row : rows) {
                    for (Expr e : row) {
                        boolean[] sub = {false};
                        ExprCompiler.walk(e, x -> sub[0] |= x instanceof Expr.Subquery || x instanceof Expr.Exists
                                || x instanceof Expr.InSelect || x instanceof Expr.InTable);
                        if (sub[0]) {
                            int reg = b.allocRegister();
                            ec.compile(e, reg);
                            ec.precomputed(e, reg);
                        }
                    }
                }
                for (List<Expr> row : rows) {
                    writer.row(target, (i, reg) -> ec.compile(row.get(i), reg),
                            i -> row.get(i) instanceof Expr.Literal, i -> row.get(i));
                }
            }
            case Statement.FromSelect fs -> {
                SelectCompiler.Context ctx = new SelectCompiler.Context(schema);
                int sorter = b.allocCursor();
                int[] width = {-1};
                b.emit(new Insn.SorterOpen(sorter, 1, io.ringlite.vdbe.op.KeyInfo.ascending(1)));
                int[] seqReg = {0};
                SelectCompiler.Sink sink = (first, count, end) -> {
                    if (seqReg[0] == 0) {
                        seqReg[0] = b.allocRegisters(count + 1);
                    }
                    int rec = b.allocRegister();
                    b.emit(new Insn.Sequence(sorter, seqReg[0]));
                    b.emit(new Insn.Copy(first, seqReg[0] + 1, count - 1));
                    b.emit(new Insn.MakeRecord(seqReg[0], count + 1, rec, null));
                    b.emit(new Insn.SorterInsert(sorter, rec));
                };
                width[0] = SelectCompiler.emitInto(ctx, b, fs.select(), sink);
                checkCount(t, ins, target, width[0]);
                int pseudo = b.allocCursor();
                int rData = b.allocRegister();
                int done = b.newLabel();
                b.emit(new Insn.OpenPseudo(pseudo, rData, width[0] + 1));
                b.emit(new Insn.SorterSort(sorter, done));
                int loop = b.currentAddress();
                b.emit(new Insn.SorterData(sorter, rData, pseudo));
                writer.row(target, (i, reg) -> b.emit(new Insn.Column(pseudo, i + 1, reg)), i -> false, i -> null);
                b.emit(new Insn.SorterNext(sorter, loop));
                b.resolve(done);
            }
        }
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    private static void checkCount(Table t, Statement.Insert ins, int[] target, int supplied) {
        if (supplied == target.length) {
            return;
        }
        if (ins.columns().isEmpty()) {
            throw new DatabaseException(ResultCode.ERROR, "table " + t.name() + " has " + t.columns().size()
                    + " columns but " + supplied + " values were supplied");
        }
        throw new DatabaseException(ResultCode.ERROR, supplied + " values for " + target.length + " columns");
    }

    /** How the i-th supplied value of a row gets into a register. */
    private interface Values {
        void load(int i, int reg);
    }

    /** The per-row code: values, rowid, constraints, record, Insert. */
    private static final class RowWriter {
        private final ProgramBuilder b;
        private final Table t;
        private final int cursor;
        private final Conflict conflict;
        private final ExprCompiler ec;
        private final String pkName;
        private final List<IndexMaintenance.Target> indexes;

        RowWriter(ProgramBuilder b, Table t, int cursor, Conflict conflict, ExprCompiler ec,
                  List<IndexMaintenance.Target> indexes) {
            this.b = b;
            this.indexes = indexes;
            this.t = t;
            this.cursor = cursor;
            this.conflict = conflict;
            this.ec = ec;
            this.pkName = t.name() + "." + (t.rowidAlias() >= 0 ? t.columns().get(t.rowidAlias()).name() : "rowid");
        }

        /**
         * @param target    table column of each supplied value (-1: the rowid)
         * @param values    loads supplied value i
         * @param isLiteral whether supplied value i is a literal (no NULL test needed at run time)
         * @param literal   supplied value i as an expression when known (a NULL literal means "new rowid")
         */
        void row(int[] target, Values values, java.util.function.IntPredicate isLiteral,
                 java.util.function.IntFunction<Expr> literal) {
            if (t.indexOrganized()) {
                rowWithoutRowid(target, values);
                return;
            }
            int n = t.columns().size();
            int rowDone = b.newLabel();
            int rRowid = b.allocRegister();
            int first = b.allocRegisters(n);
            int rowidValue = -1;
            boolean[] given = new boolean[n];
            for (int i = 0; i < target.length; i++) {
                int col = target[i];
                if (col < 0 || col == t.rowidAlias()) {
                    rowidValue = i;
                    continue;
                }
                given[col] = true;
                values.load(i, first + col);
            }
            for (int col = 0; col < n; col++) {
                if (!given[col]) {
                    Expr dflt = col == t.rowidAlias() ? null : t.columns().get(col).defaultValue();
                    if (dflt == null) {
                        b.emit(new Insn.Null(first + col));
                    } else {
                        ec.compile(dflt, first + col);
                    }
                }
            }

            // The rowid first (as SQLite), then NOT NULL and CHECK, then rowid uniqueness.
            Expr rowidExpr = rowidValue < 0 ? null : literal.apply(rowidValue);
            boolean explicitRowid = rowidValue >= 0
                    && !(rowidExpr instanceof Expr.Literal lit && lit.value() == null);
            int haveRowid = b.newLabel();
            if (!explicitRowid) {
                b.emit(new Insn.NewRowid(cursor, rRowid, 0));
            } else {
                values.load(rowidValue, rRowid);
                int givenRowid = b.newLabel();
                if (!isLiteral.test(rowidValue)) {
                    b.emit(new Insn.NotNull(rRowid, givenRowid));
                    b.emit(new Insn.NewRowid(cursor, rRowid, 0));
                    b.emit(new Insn.Goto(haveRowid));
                }
                b.resolve(givenRowid);
                b.emit(new Insn.MustBeInt(rRowid, 0));
            }
            b.resolve(haveRowid);
            if (conflict == Conflict.REPLACE) {
                // OR REPLACE: a NULL in a NOT NULL column with a default takes the default.
                for (int col = 0; col < n; col++) {
                    Column c = t.columns().get(col);
                    if (c.notNull() && col != t.rowidAlias() && c.defaultValue() != null) {
                        int ok = b.newLabel();
                        b.emit(new Insn.NotNull(first + col, ok));
                        ec.compile(c.defaultValue(), first + col);
                        b.resolve(ok);
                    }
                }
            }
            if (!indexes.isEmpty() && t.affinityString() != null) {
                // Index keys are built from these registers: they must hold the stored types.
                b.emit(new Insn.Affinity(first, t.affinityString().length(), t.affinityString()));
            }
            Constraints.emit(b, t, t.name(), first, rRowid, conflict == Conflict.IGNORE ? rowDone : 0,
                    onConflict().haltCode());
            if (explicitRowid && conflict == Conflict.REPLACE && !indexes.isEmpty()) {
                // The row this one replaces leaves its index entries behind otherwise.
                int free = b.newLabel();
                b.emit(new Insn.NotExists(cursor, free, rRowid));
                IndexMaintenance.deleteEntries(b, t, indexes, cursor);
                b.emit(new Insn.Delete(cursor, 0, t.name()));
                b.resolve(free);
            }
            if (explicitRowid && conflict != Conflict.REPLACE) {
                int unique = b.newLabel();
                b.emit(new Insn.NotExists(cursor, unique, rRowid));
                if (conflict == Conflict.IGNORE) {
                    b.emit(new Insn.Goto(rowDone));
                } else {
                    b.emit(new Insn.Halt(ResultCode.CONSTRAINT_PRIMARYKEY, onConflict().haltCode(),
                            "UNIQUE constraint failed: " + pkName));
                }
                b.resolve(unique);
            }
            int[] keys = IndexMaintenance.checkAll(b, t, indexes, first, rRowid, onConflict(), rowDone, cursor);
            IndexMaintenance.insertAll(b, t, indexes, keys, first, rRowid);
            int rec = b.allocRegister();
            b.emit(new Insn.MakeRecord(first, n, rec, t.affinityString()));
            b.emit(new Insn.Insert(cursor, rec, rRowid, t.name(), Insn.OPFLAG_NCHANGE | Insn.OPFLAG_LASTROWID));
            b.resolve(rowDone);
        }

        /** {@link #row} for a WITHOUT ROWID table. */
        private void rowWithoutRowid(int[] target, Values values) {
            int n = t.columns().size();
            int rowDone = b.newLabel();
            int first = b.allocRegisters(n);
            boolean[] given = new boolean[n];
            for (int i = 0; i < target.length; i++) {
                given[target[i]] = true;
                values.load(i, first + target[i]);
            }
            for (int col = 0; col < n; col++) {
                if (!given[col]) {
                    Expr dflt = t.columns().get(col).defaultValue();
                    if (dflt == null) {
                        b.emit(new Insn.Null(first + col));
                    } else {
                        ec.compile(dflt, first + col);
                    }
                }
            }
            if (conflict == Conflict.REPLACE) {
                substituteDefaults(first);
            }
            if (t.affinityString() != null) {
                // Keys are built from these registers: they must hold the stored types.
                b.emit(new Insn.Affinity(first, t.affinityString().length(), t.affinityString()));
            }
            Constraints.emit(b, t, t.name(), first, 0, conflict == Conflict.IGNORE ? rowDone : 0,
                    onConflict().haltCode());
            int[] keys = IndexMaintenance.checkAll(b, t, indexes, first, 0, onConflict(), rowDone, cursor);
            IndexMaintenance.insertAll(b, t, indexes, keys, first, 0);
            writeRow(b, t, cursor, first, Insn.OPFLAG_NCHANGE);
            b.resolve(rowDone);
        }

        /** OR REPLACE: a NULL in a NOT NULL column with a default takes the default. */
        private void substituteDefaults(int first) {
            for (int col = 0; col < t.columns().size(); col++) {
                Column c = t.columns().get(col);
                if (c.notNull() && col != t.rowidAlias() && c.defaultValue() != null) {
                    int ok = b.newLabel();
                    b.emit(new Insn.NotNull(first + col, ok));
                    ec.compile(c.defaultValue(), first + col);
                    b.resolve(ok);
                }
            }
        }

        private IndexMaintenance.OnConflict onConflict() {
            return IndexMaintenance.OnConflict.of(conflict);
        }
    }

    /**
     * Writes the row of WITHOUT ROWID table {@code t} whose columns are in registers
     * {@code first..} (table order, affinities applied) as one entry of its B-tree: the fields
     * in key-first order. {@code flags}: OPFLAG_NCHANGE to count the row.
     */
    static void writeRow(ProgramBuilder b, Table t, int cursor, int first, int flags) {
        int[] order = t.primaryKey().fieldOrder();
        int start = b.allocRegisters(order.length);
        for (int f = 0; f < order.length; f++) {
            b.emit(new Insn.SCopy(first + order[f], start + f));
        }
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(start, order.length, rec, t.storageAffinityString()));
        b.emit(new Insn.IdxInsert(cursor, rec, start, order.length, flags));
    }
}
