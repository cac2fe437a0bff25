package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses an index for the loop over one rowid table and emits that loop (SQLite's
 * optoverview.html sections 2-3, in a reduced form).
 *
 * <p>A WHERE conjunct {@code col = v} or {@code col IS v} pins an index column; {@code <},
 * {@code <=}, {@code >}, {@code >=} and {@code BETWEEN} bound the first column after the pinned
 * ones. {@code v} must not read the table itself (nor a table looped inside it) and must be
 * deterministic: literals, parameters, positioned columns and operators over them
 * ({@link #isValue}). A term is usable on an index column only when
 * <ol>
 *   <li>the comparison's collation (explicit COLLATE on either side, else the left column's,
 *       BINARY if it declares none, else the right one's: {@code ExprCompiler.collation}) is the
 *       index column's ("the index collating sequence must match"), and</li>
 *   <li>the comparison's affinity is none, or TEXT on a TEXT index column, or numeric on a numeric
 *       one (a TEXT index holding '5' must not be searched for the number 5 that the comparison
 *       would convert it to).</li>
 * </ol>
 * The comparison's affinity is applied to the key values before seeking, so the seek compares
 * exactly what the comparison does.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>The loop visits a superset of the rows the WHERE accepts, each exactly once (an index
 *       range holds one entry per row): the caller still evaluates the whole WHERE on every
 *       row, so a plan can only make a query faster, never change its result.</li>
 *   <li>A partial index is used only when its WHERE is one of the query's conjuncts verbatim
 *       (then every matching row has an entry); expression key columns are never pinned.</li>
 * </ol>
 *
 * <pre>
 *   OpenRead i, root, KeyInfo
 *   (key values) ; Affinity ; IsNull -> done (for '=')
 *   SeekGE/SeekGT i, done, low    | Rewind i, done
 * loop:
 *   IdxGT/IdxGE i, done, high                  -- end of the range
 *   DeferredSeek i, 0, table                   -- the table cursor on the entry's row
 *   (WHERE, body)
 * next:
 *   Next i, loop
 * done:
 * </pre>
 *
 * <p>Choice: a UNIQUE index with every column pinned, else the most pinned columns, then the
 * most range bounds, then the first index in schema order. One {@code col IN (values)} may pin a
 * column: its values (affinity applied, NULLs dropped) go through a sorter and each distinct one
 * is seeked in turn. In a join, an inner table's values may read the outer tables' current
 * rows ({@code t2.x = t1.y}); in a correlated subquery, the enclosing query's. A one-table
 * ORDER BY that the loop's index order already gives skips the sorter ({@link #ordered}). Not
 * yet: ranges on the rowid (the VM has no table-cursor SeekGE/GT/LE/LT), IN (SELECT), reverse
 * index scans, covering scans. {@code rowid IN (values)} looks each distinct value up
 * ({@link #beginRowidIn}).
 */
final class WherePlanner {
    private WherePlanner() {
    }

    /** One usable term: its value (the other operand) and the comparison's affinity. */
    record Bound(Expr value, Affinity affinity, boolean inclusive) {
    }

    /**
     * A chosen index.
     *
     * @param target the index as {@link IndexMaintenance} describes it (cursor not yet assigned: -1)
     * @param eq     the values pinning its first columns, in order
     * @param eqAff  the comparison affinity of each
     * @param eqNull per pinned column: whether a NULL value matches ({@code IS}) or means no row ({@code =})
     * @param low    lower bound in index order on the next column, or null
     * @param high   upper bound in index order on the next column, or null
     * @param inAt   the pinned column whose values come from an IN list ({@code eq.get(inAt)} is
     *               then a placeholder), or -1
     * @param inValues that IN list's values
     */
    record Plan(IndexMaintenance.Target target, List<Expr> eq, List<Affinity> eqAff, List<Boolean> eqNull,
                Bound low, Bound high, int inAt, List<Expr> inValues) {
        int score() {
            int pinned = eq.size();
            if (target.index().unique() && pinned == target.keyColumns() && !eqNull.contains(true) && inAt < 0) {
                return 1_000_000;
            }
            return pinned * 4 + (low != null ? 1 : 0) + (high != null ? 1 : 0);
        }
    }

    /**
     * The open loop over an index: where {@code Next} jumps back to, and the index cursor; for an
     * IN list also the label after one value's range and the sorter holding the values.
     */
    record Loop(int cursor, int loop, int inNext, int inSorter, int inLoop) {
        /** Emits what follows the caller's {@code Next}: the step to the IN list's next value. */
        void finish(ProgramBuilder b) {
            if (inSorter >= 0) {
                b.resolve(inNext);
                b.emit(new Insn.SorterNext(inSorter, inLoop));
            }
        }
    }

    /**
     * The best index plan for {@code where} on {@code scope}'s table, or null (scan the table);
     * values may read enclosing queries' rows (a correlated subquery).
     */
    static Plan choose(Scope scope, Expr where, ExprCompiler ec) {
        return choose(scope, where, ec, readableBefore(scope, java.util.Set.of(scope.cursor())));
    }

    /**
     * A column reference a seek value may read: one resolving (from {@code head}'s level) to a
     * cursor not in {@code unpositioned} (the table being planned and the loops inside it).
     */
    static java.util.function.Predicate<Expr.ColumnRef> readableBefore(Scope head,
                                                                       java.util.Set<Integer> unpositioned) {
        return ref -> {
            try {
                Scope.Resolved r = head.resolve(ref);
                return r != null && !unpositioned.contains(r.cursor());
            } catch (DatabaseException ambiguous) {
                return false;
            }
        };
    }

    /**
     * As {@link #choose(Scope, Expr, ExprCompiler)}, with seek values allowed to read the columns
     * {@code readable} accepts (those of cursors already positioned when the loop starts).
     */
    static Plan choose(Scope scope, Expr where, ExprCompiler ec, java.util.function.Predicate<Expr.ColumnRef> readable) {
        Table t = scope.table();
        if (where == null || scope.source() != null || t.withoutRowid() || t.indexes().isEmpty()) {
            return null;
        }
        List<Expr> terms = ExprCompiler.conjuncts(where);
        Plan best = null;
        for (Index x : t.indexes()) {
            if (x.columns().isEmpty() || x.rootPage() <= 0) {
                continue;
            }
            IndexMaintenance.Target target;
            try {
                target = IndexMaintenance.describe(t, x, -1);
            } catch (DatabaseException | IllegalStateException unusable) {
                continue; // e.g. an unknown collation: scanning the table still answers the query
            }
            if (target.where() != null && !terms.contains(target.where())) {
                continue;
            }
            Plan p = planFor(scope, target, terms, ec, readable);
            if (p != null && (best == null || p.score() > best.score())) {
                best = p;
            }
        }
        return best;
    }

    /**
     * For {@code ORDER BY orderExprs} (directions {@code descending}) on a one-table query: a
     * plan whose loop already yields rows in that order, so no sorter is needed, or null. That
     * is the WHERE's plan if its index continues, after the pinned columns, with exactly the
     * ORDER BY's columns, collations and directions (NULLs sort first ascending, last
     * descending, in an index as in ORDER BY); without a WHERE plan, a full scan of the first
     * such index.
     */
    static Plan ordered(Scope scope, Expr where, ExprCompiler ec, List<Expr> orderExprs, List<Boolean> descending) {
        Table t = scope.table();
        if (scope.source() != null || t.withoutRowid() || orderExprs.isEmpty()) {
            return null;
        }
        Plan p = choose(scope, where, ec);
        if (p != null) {
            return yieldsOrder(scope, p, ec, orderExprs, descending) ? p : null;
        }
        List<Expr> terms = ExprCompiler.conjuncts(where);
        for (Index x : t.indexes()) {
            if (x.columns().isEmpty() || x.rootPage() <= 0) {
                continue;
            }
            IndexMaintenance.Target target;
            try {
                target = IndexMaintenance.describe(t, x, -1);
            } catch (DatabaseException | IllegalStateException unusable) {
                continue;
            }
            if (target.where() != null && !terms.contains(target.where())) {
                continue;
            }
            Plan scan = new Plan(target, List.of(), List.of(), List.of(), null, null, -1, List.of());
            if (yieldsOrder(scope, scan, ec, orderExprs, descending)) {
                return scan;
            }
        }
        return null;
    }

    private static boolean yieldsOrder(Scope scope, Plan p, ExprCompiler ec, List<Expr> orderExprs,
                                       List<Boolean> descending) {
        if (p.inAt() >= 0) {
            return false; // one range per IN value, in the values' order: not the index's overall
        }
        IndexMaintenance.Target x = p.target();
        int j = p.eq().size();
        for (int k = 0; k < orderExprs.size(); k++, j++) {
            if (j >= x.keyColumns()) {
                return false;
            }
            int column = x.columns()[j];
            Expr e = orderExprs.get(k);
            if (column == IndexMaintenance.EXPRESSION || column == scope.table().rowidAlias()
                    || !isColumnSide(e, scope, column)) {
                return false;
            }
            String explicit = ExprCompiler.explicitCollation(e);
            String name = explicit != null ? explicit : ec.columnCollation(e);
            Collation coll = name == null ? Collation.BINARY : Collation.named(name);
            if (coll != x.keyInfo().collations().get(j) || descending.get(k) != x.keyInfo().descending().get(j)) {
                return false;
            }
        }
        return true;
    }

    private static Plan planFor(Scope scope, IndexMaintenance.Target target, List<Expr> terms, ExprCompiler ec,
                                java.util.function.Predicate<Expr.ColumnRef> readable) {
        Table t = scope.table();
        List<Expr> eq = new ArrayList<>();
        List<Affinity> eqAff = new ArrayList<>();
        List<Boolean> eqNull = new ArrayList<>();
        Bound low = null;
        Bound high = null;
        int inAt = -1;
        List<Expr> inValues = List.of();
        for (int i = 0; i < target.keyColumns(); i++) {
            int column = target.columns()[i];
            if (column == IndexMaintenance.EXPRESSION || column == t.rowidAlias()) {
                break;
            }
            Collation coll = target.keyInfo().collations().get(i);
            boolean desc = target.keyInfo().descending().get(i);
            Expr.Binary pin = null;
            Affinity pinAff = null;
            for (Expr term : terms) {
                if (term instanceof Expr.NullTest nt && !nt.notNull() && isColumnSide(nt.operand(), scope, column)) {
                    pin = new Expr.Binary(Expr.BinaryOp.IS, nt.operand(), new Expr.Literal(null));
                    pinAff = null;
                    eq.add(new Expr.Literal(null));
                    break;
                }
                if (term instanceof Expr.Binary bin && (bin.op() == Expr.BinaryOp.EQ || bin.op() == Expr.BinaryOp.IS)) {
                    Expr value = otherSide(bin, scope, column, readable);
                    Affinity aff = value == null ? null : usable(ec, bin.left(), bin.right(), value, column, t, coll);
                    if (value != null && aff != NOT_USABLE) {
                        pin = bin;
                        pinAff = aff;
                        eq.add(value);
                        break;
                    }
                }
            }
            if (pin == null && inAt < 0) {
                for (Expr term : terms) {
                    if (term instanceof Expr.InList in && !in.not() && !in.values().isEmpty()
                            && isColumnSide(in.operand(), scope, column)) {
                        Affinity inAff = inListAffinity(ec, in, coll, readable);
                        if (inAff != NOT_USABLE) {
                            pin = new Expr.Binary(Expr.BinaryOp.EQ, in.operand(), new Expr.Literal(null));
                            pinAff = inAff;
                            eq.add(new Expr.Literal(null));
                            inAt = i;
                            inValues = in.values();
                            break;
                        }
                    }
                }
            }
            if (pin != null) {
                eqAff.add(pinAff);
                eqNull.add(pin.op() == Expr.BinaryOp.IS);
                continue;
            }
            // The first column not pinned: look for range bounds on it, then stop.
            for (Expr term : terms) {
                for (Expr.Binary cmp : rangeParts(term)) {
                    Expr value = otherSide(cmp, scope, column, readable);
                    if (value == null) {
                        continue;
                    }
                    Affinity aff = usable(ec, cmp.left(), cmp.right(), value, column, t, coll);
                    if (aff == NOT_USABLE) {
                        continue;
                    }
                    Expr.BinaryOp op = isColumnSide(cmp.left(), scope, column) ? cmp.op() : flip(cmp.op());
                    boolean lower = op == Expr.BinaryOp.GT || op == Expr.BinaryOp.GE;
                    Bound bound = new Bound(value, aff, op == Expr.BinaryOp.GE || op == Expr.BinaryOp.LE);
                    if (lower != desc) {
                        low = low == null ? bound : low;
                    } else {
                        high = high == null ? bound : high;
                    }
                }
            }
            break;
        }
        if (eq.isEmpty() && low == null && high == null) {
            return null;
        }
        return new Plan(target, eq, eqAff, eqNull, low, high, inAt, inValues);
    }

    /**
     * The affinity an IN list's values take to seek column {@code column} (SQLite compares them
     * under the column's affinity and collation; see {@code ExprCompiler.inListAffinity}), or
     * {@link #NOT_USABLE} if some item is not a value or the collation is not the index's.
     */
    private static Affinity inListAffinity(ExprCompiler ec, Expr.InList in, Collation coll,
                                           java.util.function.Predicate<Expr.ColumnRef> readable) {
        for (Expr v : in.values()) {
            if (!isValue(v, readable) || ec.inListCollation(in, v) != coll) {
                return NOT_USABLE;
            }
        }
        // The comparisons take the column's affinity, which is the index column's.
        return ec.inListAffinity(in);
    }

    /** The comparisons of a range term: itself, or the two halves of a BETWEEN. */
    private static List<Expr.Binary> rangeParts(Expr term) {
        if (term instanceof Expr.Binary bin) {
            return switch (bin.op()) {
                case LT, LE, GT, GE -> List.of(bin);
                default -> List.of();
            };
        }
        if (term instanceof Expr.Between bt && !bt.not()) {
            return List.of(new Expr.Binary(Expr.BinaryOp.GE, bt.operand(), bt.low()),
                    new Expr.Binary(Expr.BinaryOp.LE, bt.operand(), bt.high()));
        }
        return List.of();
    }

    private static Expr.BinaryOp flip(Expr.BinaryOp op) {
        return switch (op) {
            case LT -> Expr.BinaryOp.GT;
            case LE -> Expr.BinaryOp.GE;
            case GT -> Expr.BinaryOp.LT;
            case GE -> Expr.BinaryOp.LE;
            default -> op;
        };
    }

    /** Marker: the term cannot use the index column (affinity or collation). */
    private static final Affinity NOT_USABLE = Affinity.BLOB;

    /**
     * The affinity to apply to {@code value} before seeking (null: none), or {@link #NOT_USABLE}
     * when the comparison {@code left OP right} cannot be answered by an index column of
     * collation {@code coll} on table column {@code column}.
     */
    private static Affinity usable(ExprCompiler ec, Expr left, Expr right, Expr value, int column, Table t,
                                   Collation coll) {
        if (ec.collation(left, right) != coll) {
            return NOT_USABLE;
        }
        Affinity columnAff = t.columns().get(column).affinity();
        Affinity aff = ExprCompiler.comparisonAffinity(columnAff, ec.affinity(value));
        if (aff == null || aff == Affinity.BLOB) {
            return null;
        }
        if (aff == Affinity.TEXT) {
            return columnAff == Affinity.TEXT ? aff : NOT_USABLE;
        }
        return columnAff.isNumeric() ? aff : NOT_USABLE;
    }

    /** The operand of {@code bin} compared with table column {@code column}, if it is a value. */
    private static Expr otherSide(Expr.Binary bin, Scope scope, int column,
                                  java.util.function.Predicate<Expr.ColumnRef> readable) {
        if (isColumnSide(bin.left(), scope, column) && isValue(bin.right(), readable)) {
            return bin.right();
        }
        if (isColumnSide(bin.right(), scope, column) && isValue(bin.left(), readable)) {
            return bin.left();
        }
        return null;
    }

    private static boolean isColumnSide(Expr e, Scope scope, int column) {
        while (e instanceof Expr.Collate c) {
            e = c.operand();
        }
        if (!(e instanceof Expr.ColumnRef ref)) {
            return false;
        }
        Scope.Resolved r = scope.resolveHere(ref);
        return r != null && !r.isRowid() && r.column() == column;
    }

    /**
     * A deterministic expression of literals, parameters and the columns {@code readable}
     * accepts: its value is fixed while the loop runs, so it is evaluated once for the seek.
     */
    static boolean isValue(Expr e, java.util.function.Predicate<Expr.ColumnRef> readable) {
        return switch (e) {
            case Expr.Literal l -> true;
            case Expr.Param p -> true;
            case Expr.ColumnRef ref -> readable.test(ref);
            case Expr.Unary u -> u.op() != Expr.UnaryOp.NOT && isValue(u.operand(), readable);
            case Expr.Collate c -> isValue(c.operand(), readable);
            case Expr.Cast c -> isValue(c.operand(), readable);
            case Expr.Binary bin -> switch (bin.op()) {
                case ADD, SUB, MUL, DIV, REM, CONCAT, BITAND, BITOR, LSHIFT, RSHIFT ->
                        isValue(bin.left(), readable) && isValue(bin.right(), readable);
                default -> false;
            };
            default -> false;
        };
    }

    /**
     * A conjunct {@code rowid IN (values)} of {@code where} (values as {@link #isValue} allows,
     * reading no table but enclosing queries'), or null.
     */
    static Expr.InList rowidIn(Scope scope, Expr where) {
        if (where == null || scope.source() != null || scope.table().withoutRowid()) {
            return null;
        }
        java.util.function.Predicate<Expr.ColumnRef> readable = readableBefore(scope, java.util.Set.of(scope.cursor()));
        for (Expr term : ExprCompiler.conjuncts(where)) {
            if (term instanceof Expr.InList in && !in.not() && !in.values().isEmpty()
                    && in.operand() instanceof Expr.ColumnRef ref) {
                Scope.Resolved r = scope.resolveHere(ref);
                if (r != null && r.isRowid() && in.values().stream().allMatch(v -> isValue(v, readable))) {
                    return in;
                }
            }
        }
        return null;
    }

    /**
     * The loop over {@code rowid IN (values)}: the values with the rowid's INTEGER affinity,
     * NULLs dropped, sorted, each distinct one looked up with SeekRowid on {@code scope}'s
     * cursor. The caller emits the body without a Next, then {@link Loop#finish}.
     */
    static Loop beginRowidIn(ProgramBuilder b, ExprCompiler ec, Scope scope, Expr.InList in, int done) {
        int sorter = b.allocCursor();
        int inNext = b.newLabel();
        b.emit(new Insn.SorterOpen(sorter, 1, io.ringlite.vdbe.op.KeyInfo.ascending(1)));
        int rv = b.allocRegister();
        int rec = b.allocRegister();
        for (Expr v : in.values()) {
            int skip = b.newLabel();
            ec.compile(v, rv);
            b.emit(new Insn.Affinity(rv, 1, String.valueOf(Affinity.INTEGER.code())));
            b.emit(new Insn.IsNull(rv, skip));
            b.emit(new Insn.MakeRecord(rv, 1, rec, null));
            b.emit(new Insn.SorterInsert(sorter, rec));
            b.resolve(skip);
        }
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        int prev = b.allocRegister();
        int key = b.allocRegister();
        b.emit(new Insn.OpenPseudo(pseudo, rData, 1));
        b.emit(new Insn.Null(prev));
        b.emit(new Insn.SorterSort(sorter, done));
        int inLoop = b.currentAddress();
        b.emit(new Insn.SorterData(sorter, rData, pseudo));
        b.emit(new Insn.Column(pseudo, 0, key));
        b.emit(new Insn.Eq(prev, inNext, key, null, null, 0));
        b.emit(new Insn.Copy(key, prev));
        b.emit(new Insn.SeekRowid(scope.cursor(), inNext, key));
        return new Loop(-1, -1, inNext, sorter, inLoop);
    }

    /**
     * Opens the plan's index on a new cursor, seeks to the start of its range (jumping to
     * {@code done} when it is empty) and emits the loop head: the end-of-range test and the
     * DeferredSeek placing {@code scope}'s table cursor on the entry's row. The caller emits the
     * body and then {@code Next loop.cursor(), loop.loop()}.
     */
    static Loop begin(ProgramBuilder b, ExprCompiler ec, Scope scope, Plan p, int done) {
        return seek(b, ec, scope, p, open(b, p), done);
    }

    /** Opens the plan's index on a new cursor; returns it. */
    static int open(ProgramBuilder b, Plan p) {
        IndexMaintenance.Target x = p.target();
        int cursor = b.allocCursor();
        b.emit(new Insn.OpenRead(cursor, x.index().rootPage(), 0, x.entryFields(), x.keyInfo()));
        return cursor;
    }

    /** {@link #begin} on an index already open on {@code cursor} (an inner loop of a join). */
    static Loop seek(ProgramBuilder b, ExprCompiler ec, Scope scope, Plan p, int cursor, int done) {
        IndexMaintenance.Target x = p.target();
        int n = p.eq().size();
        Bound low = p.low();
        Bound high = p.high();
        int width = n + (low != null || high != null ? 1 : 0);
        int lowKey = b.allocRegisters(Math.max(width, 1));
        StringBuilder aff = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ec.compile(p.eq().get(i), lowKey + i);
            Affinity a = p.eqAff().get(i);
            aff.append(a == null ? Affinity.BLOB.code() : a.code());
        }
        if (n > 0) {
            b.emit(new Insn.Affinity(lowKey, n, aff.toString()));
            for (int i = 0; i < n; i++) {
                if (!p.eqNull().get(i) && i != p.inAt()) {
                    b.emit(new Insn.IsNull(lowKey + i, done)); // '=' never matches NULL
                }
            }
        }
        int inNext = -1;
        int inSorter = -1;
        int inLoop = -1;
        if (p.inAt() >= 0) {
            // The IN values, sorted and without duplicates under the index's collation, each
            // seeked in turn: a row matching two equal values is still visited once.
            inSorter = b.allocCursor();
            inNext = b.newLabel();
            Collation coll = x.keyInfo().collations().get(p.inAt());
            b.emit(new Insn.SorterOpen(inSorter, 1, new io.ringlite.vdbe.op.KeyInfo(List.of(false), List.of(coll))));
            int rv = b.allocRegister();
            int rec = b.allocRegister();
            Affinity a = p.eqAff().get(p.inAt());
            for (Expr v : p.inValues()) {
                int skip = b.newLabel();
                ec.compile(v, rv);
                if (a != null) {
                    b.emit(new Insn.Affinity(rv, 1, String.valueOf(a.code())));
                }
                b.emit(new Insn.IsNull(rv, skip)); // NULL matches nothing in IN
                b.emit(new Insn.MakeRecord(rv, 1, rec, null));
                b.emit(new Insn.SorterInsert(inSorter, rec));
                b.resolve(skip);
            }
            int pseudo = b.allocCursor();
            int rData = b.allocRegister();
            int prev = b.allocRegister();
            b.emit(new Insn.OpenPseudo(pseudo, rData, 1));
            b.emit(new Insn.Null(prev));
            b.emit(new Insn.SorterSort(inSorter, done));
            inLoop = b.currentAddress();
            b.emit(new Insn.SorterData(inSorter, rData, pseudo));
            b.emit(new Insn.Column(pseudo, 0, lowKey + p.inAt()));
            b.emit(new Insn.Eq(prev, inNext, lowKey + p.inAt(), coll == Collation.BINARY ? null : coll, null, 0));
            b.emit(new Insn.Copy(lowKey + p.inAt(), prev));
            done = inNext;
        }
        int highKey = lowKey;
        if (high != null) {
            highKey = b.allocRegisters(width);
            if (n > 0) {
                b.emit(new Insn.Copy(lowKey, highKey, n - 1));
            }
            boundValue(b, ec, high, highKey + n);
        }
        if (low != null) {
            boundValue(b, ec, low, lowKey + n);
            b.emit(low.inclusive() ? new Insn.SeekGE(cursor, done, lowKey, n + 1)
                    : new Insn.SeekGT(cursor, done, lowKey, n + 1));
        } else if (n > 0) {
            b.emit(new Insn.SeekGE(cursor, done, lowKey, n));
        } else {
            b.emit(new Insn.Rewind(cursor, done));
        }
        int loop = b.currentAddress();
        if (high != null) {
            b.emit(high.inclusive() ? new Insn.IdxGT(cursor, done, highKey, n + 1)
                    : new Insn.IdxGE(cursor, done, highKey, n + 1));
        } else if (n > 0) {
            b.emit(new Insn.IdxGT(cursor, done, lowKey, n));
        }
        b.emit(new Insn.DeferredSeek(cursor, 0, scope.cursor()));
        return new Loop(cursor, loop, inNext, inSorter, inLoop);
    }

    private static void boundValue(ProgramBuilder b, ExprCompiler ec, Bound bound, int reg) {
        ec.compile(bound.value(), reg);
        if (bound.affinity() != null) {
            b.emit(new Insn.Affinity(reg, 1, String.valueOf(bound.affinity().code())));
        }
    }
}
