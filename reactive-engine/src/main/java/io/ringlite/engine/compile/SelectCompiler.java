package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Select;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.func.FuncDef;
import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.value.Collation;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Code for SELECT: one table, an inner join of several (nested loops), or none; WHERE as jumps;
 * aggregates with and without GROUP BY (and HAVING); DISTINCT; ORDER BY through a sorter;
 * LIMIT/OFFSET; scalar, EXISTS and IN subqueries, correlated or not, compiled inline where they
 * are used. The shape follows SQLite's:
 *
 * <pre>
 *   Init -> txn
 *   [LIMIT/OFFSET counters]  [SorterOpen for ORDER BY / DISTINCT / GROUP BY]
 *   OpenRead cursor(s)
 *   Rewind c1, end  (Rewind c2, next1 ...)   -- or SeekRowid for WHERE rowid = expr (one table),
 *                                             or an index range ({@link WherePlanner}, one table)
 * loop:
 *   WHERE as jumps to next
 *   (row)  -> ResultRow | SorterInsert | AggStep
 * next:
 *   Next cN, loopN ... Next c1, loop1
 *   [DISTINCT: sorted rows, equal neighbours skipped, back to scan order]
 *   [GROUP BY: sorted rows, AggStep per row, AggFinal + HAVING + output per key change]
 *   [ORDER BY: SorterSort / SorterData / ResultRow / SorterNext]  [AggFinal / ResultRow]
 * end:
 *   Halt
 * txn:
 *   Transaction 0 read; Goto 1
 * </pre>
 *
 * <p>Rows go to a {@link Sink}: ResultRow at the top level, a register for a scalar subquery,
 * a comparison for IN, a sorter for INSERT ... SELECT. A subquery re-runs each time its
 * expression is evaluated (no Once caching of uncorrelated subqueries yet).
 *
 * <p>A bare column in an aggregate query takes its value from the row of the query's single
 * min()/max() if it has exactly one (SQLite's documented rule), else from the last row scanned
 * (SQLite leaves that row unspecified).
 * DISTINCT without ORDER BY returns rows in first-occurrence scan order, as SQLite's scan does.
 */
final class SelectCompiler {
    /** State shared by a statement and its subqueries. */
    static final class Context {
        final Schema schema;
        /** Some level opened a table cursor: the program needs a read transaction. */
        boolean readsTables;

        Context(Schema schema) {
            this.schema = schema;
        }
    }

    /**
     * Where a query's rows go: {@code first..first+count-1} hold one row; {@code end} is the
     * address after the whole query (a sink may jump there to stop early).
     */
    interface Sink {
        void row(int first, int count, int end);
    }

    private final Context ctx;
    private final Schema schema;
    private final ProgramBuilder b;
    private final Scope outer;
    private Sink sink;
    /** The single min()/max() whose row bare columns come from (0 registers when none). */
    private Expr.Function minMax;
    private int minMaxBest;
    private int minMaxHave;
    /** Per DISTINCT aggregate call, the sorter collecting its argument values. */
    private final Map<Expr.Function, Integer> distinctArgs = new IdentityHashMap<>();
    /** The sorter that removes duplicate rows (SELECT DISTINCT), or -1. */
    private int distinctSorter = -1;

    private SelectCompiler(Context ctx, ProgramBuilder b, Scope outer) {
        this.ctx = ctx;
        this.schema = ctx.schema;
        this.b = b;
        this.outer = outer;
    }

    record Result(Program program, List<String> columnNames, List<String> declaredTypes) {
    }

    static Result compile(Select select, Schema schema) {
        Context ctx = new Context(schema);
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        b.emit(new Insn.Init(txn));
        List<Out> outs = new SelectCompiler(ctx, b, null).emit(select, -1,
                (first, count, end) -> b.emit(new Insn.ResultRow(first, count)));
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        if (ctx.readsTables) {
            Compiler.emitTransaction(b, schema, false);
        }
        b.emit(new Insn.Goto(1));
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Out o : outs) {
            names.add(o.name());
            types.add(o.declType());
        }
        b.columnNames(names);
        return new Result(b.build(), names, types);
    }

    /** Emits {@code select} inline, each row to {@code sink}; returns its column count. */
    static int emitInto(Context ctx, ProgramBuilder b, Select select, Sink sink) {
        return new SelectCompiler(ctx, b, null).emit(select, -1, sink).size();
    }

    /**
     * {@code (SELECT ...)}: r[target] = the first column of the first row, or NULL. A subquery
     * that reads nothing of the enclosing query runs once per execution (Once), as in SQLite —
     * which also matters for correctness: {@code UPDATE t SET a = (SELECT max(a) FROM t)} must
     * see the table as it was before the update.
     */
    static void scalarSubquery(Context ctx, ProgramBuilder b, Scope outer, Select select, int target) {
        int cache = uncorrelated(ctx, outer, select) ? b.allocRegister() : 0;
        int reuse = b.newLabel();
        if (cache != 0) {
            b.emit(new Insn.Once(reuse));
        }
        int into = cache != 0 ? cache : target;
        b.emit(new Insn.Null(into));
        new SelectCompiler(ctx, b, outer).emit(select, 1, (first, count, end) -> {
            b.emit(new Insn.Copy(first, into));
            b.emit(new Insn.Goto(end));
        });
        b.resolve(reuse);
        if (cache != 0) {
            b.emit(new Insn.Copy(cache, target));
        }
    }

    /** {@code EXISTS (SELECT ...)}: r[target] = 1 if the query has a row, else 0 (Once when uncorrelated). */
    static void existsSubquery(Context ctx, ProgramBuilder b, Scope outer, Select select, int target) {
        int cache = uncorrelated(ctx, outer, select) ? b.allocRegister() : 0;
        int reuse = b.newLabel();
        if (cache != 0) {
            b.emit(new Insn.Once(reuse));
        }
        int into = cache != 0 ? cache : target;
        b.emit(new Insn.Integer(0, into));
        new SelectCompiler(ctx, b, outer).emit(select, 0, (first, count, end) -> {
            b.emit(new Insn.Integer(1, into));
            b.emit(new Insn.Goto(end));
        });
        b.resolve(reuse);
        if (cache != 0) {
            b.emit(new Insn.Copy(cache, target));
        }
    }

    /**
     * Whether {@code select} reads no column of the enclosing query: it then compiles without
     * the outer scope (tried on a throwaway builder).
     */
    private static boolean uncorrelated(Context ctx, Scope outer, Select select) {
        if (outer == null) {
            return true;
        }
        try {
            new SelectCompiler(new Context(ctx.schema), new ProgramBuilder(), null).emit(select, -1, (f, c, e) -> { });
            return true;
        } catch (DatabaseException e) {
            return false;
        }
    }

    /**
     * {@code x [NOT] IN (SELECT y ...)}: 1 if some y equals x; else NULL if x is NULL (and there
     * are rows) or some y is NULL; else 0. Negated for NOT IN (NULL stays NULL).
     */
    static void inSubquery(Context ctx, ProgramBuilder b, Scope outer, Select select, int rx, boolean not,
                           int target, Expr operand, ExprCompiler ec) {
        int found = b.newLabel();
        int done = b.newLabel();
        int sawNull = b.allocRegister();
        b.emit(new Insn.Integer(0, sawNull));
        new SelectCompiler(ctx, b, outer).emit(select, 1, (first, count, end) -> {
            int next = b.newLabel();
            int compare = b.newLabel();
            b.emit(new Insn.NotNull(rx, compare));
            b.emit(new Insn.Integer(1, sawNull));
            b.emit(new Insn.Goto(next));
            b.resolve(compare);
            b.emit(ec.inComparison(operand, rx, first, found));
            b.emit(new Insn.NotNull(first, next));
            b.emit(new Insn.Integer(1, sawNull));
            b.resolve(next);
        });
        b.emit(new Insn.Null(target));
        b.emit(new Insn.If(sawNull, done, false));
        b.emit(new Insn.Integer(not ? 1 : 0, target));
        b.emit(new Insn.Goto(done));
        b.resolve(found);
        b.emit(new Insn.Integer(not ? 0 : 1, target));
        b.resolve(done);
    }

    /** A result column after * expansion. */
    private record Out(Expr expr, String name, String declType, boolean alias) {
    }

    /**
     * Emits {@code select} inline; each row goes to {@code sink}. {@code expectedColumns} is the
     * column count a subquery must have (-1: any, 0: any, for EXISTS). Returns the result columns.
     */
    private List<Out> emit(Select select, int expectedColumns, Sink sink) {
        this.sink = sink;
        if (select.with() != null) {
            throw Compiler.notSupported("WITH clause");
        }
        if (select.body() instanceof Select.Compound) {
            return emitCompound(select, expectedColumns, sink);
        }
        Select.Core core = switch (select.body()) {
            case Select.Core c -> c;
            case Select.Values v -> throw Compiler.notSupported("VALUES as a query");
            case Select.Compound c -> throw new IllegalStateException("invariant: compound handled above");
        };
        boolean grouped = !core.groupBy().isEmpty();
        if (core.having() != null && !grouped) {
            throw Compiler.notSupported("HAVING without GROUP BY");
        }
        if (!core.windows().isEmpty()) {
            throw Compiler.notSupported("WINDOW clause");
        }
        Scope scope = null;
        Expr where = core.where();
        if (core.from() != null) {
            List<Select.From> items = new ArrayList<>();
            List<Expr> onTerms = new ArrayList<>();
            List<Expr> lefts = new ArrayList<>();
            flatten(core.from(), items, onTerms, lefts);
            leftOn = lefts;
            for (int i = items.size() - 1; i >= 0; i--) {
                scope = switch (items.get(i)) {
                    case Select.TableName tn -> {
                        Compiler.checkSchemaName(tn.schema());
                        io.ringlite.engine.schema.SchemaEntry view = schema.table(tn.name()) == null
                                ? schema.other(tn.name()) : null;
                        if (view != null && view.type().equalsIgnoreCase("view")) {
                            yield viewScope(view, tn.alias() != null ? tn.alias() : view.name(), scope);
                        }
                        Table t = Compiler.table(schema, tn.schema(), tn.name());
                        if (t.rootPage() == 0) {
                            throw Compiler.notSupported("virtual tables");
                        }
                        if (tn.indexedBy() != null && !tn.indexedBy().isEmpty()) {
                            throw new DatabaseException(ResultCode.ERROR, "no such index: " + tn.indexedBy());
                        }
                        yield new Scope(t, tn.alias() != null ? tn.alias() : t.name(), b.allocCursor(), outer, scope);
                    }
                    case Select.SubqueryRef sq -> subqueryScope(sq.select(), sq.alias(), List.of(), scope);
                    default -> throw new IllegalStateException("invariant: flatten yields tables and subqueries");
                };
            }
            ctx.readsTables = true;
            // Inner joins: ON terms are WHERE terms.
            for (Expr on : onTerms) {
                where = where == null ? on : new Expr.Binary(Expr.BinaryOp.AND, where, on);
            }
        }
        ExprCompiler ec = new ExprCompiler(b, scope != null ? scope : outer, ctx);
        List<Out> outs = expand(core.columns(), scope, ec);
        if (expectedColumns > 0 && outs.size() != expectedColumns) {
            throw new DatabaseException(ResultCode.ERROR, "sub-select returns " + outs.size()
                    + " columns - expected " + expectedColumns);
        }
        if (where != null) {
            ExprCompiler.checkNoAggregate(where);
        }
        boolean aggregate = false;
        for (Out o : outs) {
            aggregate |= ExprCompiler.containsAggregate(o.expr());
        }
        // A grouped query produces a row per group; "aggregate" means the single-row kind.
        aggregate &= !grouped;
        // ORDER BY terms: a number picks a result column, a bare name may be a result alias.
        List<Expr> orderExprs = new ArrayList<>();
        for (int i = 0; i < select.orderBy().size(); i++) {
            Select.OrderingTerm term = select.orderBy().get(i);
            if (term.nullsFirst() != null && term.nullsFirst() == term.descending()) {
                throw Compiler.notSupported("NULLS " + (term.nullsFirst() ? "FIRST" : "LAST") + " against the default order");
            }
            orderExprs.add(resolveOrderTerm(term.expr(), i, outs));
        }
        if (aggregate) {
            for (Expr e : orderExprs) {
                ExprCompiler.checkNoAggregate(e);
            }
        }

        int end = b.newLabel();

        int rLimit = 0;
        int rOffset = 0;
        if (select.limit() != null) {
            rLimit = b.allocRegister();
            limitValue(ec, select.limit(), rLimit);
            b.emit(new Insn.IfNot(rLimit, end, false));
            if (select.offset() != null) {
                rOffset = b.allocRegister();
                limitValue(ec, select.offset(), rOffset);
            }
        }

        // One rowid table read in an index's order needs no sorter (WherePlanner.ordered).
        WherePlanner.Plan orderedPlan = null;
        if (!orderExprs.isEmpty() && !aggregate && !grouped && !core.distinct() && scope != null
                && scope.next() == null && scope.source() == null && !scope.table().withoutRowid()) {
            List<Boolean> directions = new ArrayList<>();
            for (Select.OrderingTerm term : select.orderBy()) {
                directions.add(term.descending());
            }
            orderedPlan = WherePlanner.ordered(scope, where, ec, orderExprs, directions);
        }
        boolean sorted = !orderExprs.isEmpty() && !aggregate && orderedPlan == null;
        int sorter = 0;
        int pseudo = 0;
        int nKey = orderExprs.size();
        if (sorted) {
            sorter = b.allocCursor();
            List<Boolean> desc = new ArrayList<>();
            List<Collation> colls = new ArrayList<>();
            for (int i = 0; i < nKey; i++) {
                desc.add(select.orderBy().get(i).descending());
                Expr e = orderExprs.get(i);
                String explicit = ExprCompiler.explicitCollation(e);
                String coll = explicit != null ? explicit : ec.columnCollation(e);
                Collation c = coll == null ? Collation.BINARY : Collation.named(coll);
                if (c == null) {
                    throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ, "no such collation sequence: " + coll);
                }
                colls.add(c);
            }
            b.emit(new Insn.SorterOpen(sorter, nKey + outs.size(), new KeyInfo(desc, colls)));
        }
        if (core.distinct() && !aggregate) {
            // Rows go through a sorter keyed by every result column; equal neighbours collapse.
            distinctSorter = b.allocCursor();
            List<Boolean> desc = new ArrayList<>();
            List<Collation> colls = new ArrayList<>();
            for (Out o : outs) {
                desc.add(false);
                colls.add(collationOf(ec, o.expr()));
            }
            // The scan order (a sequence number) breaks ties: the first occurrence comes first.
            desc.add(false);
            colls.add(Collation.BINARY);
            b.emit(new Insn.SorterOpen(distinctSorter, outs.size() + 1 + nKey, new KeyInfo(desc, colls)));
        }

        if (grouped) {
            emitGrouped(core, where, scope, ec, outs, orderExprs, sorted, sorter, rLimit, rOffset, end);
        } else {
        // Aggregates: one accumulator register per call; bare columns captured per row.
        Map<Expr.Function, Integer> accumulators = new IdentityHashMap<>();
        List<Expr.ColumnRef> captured = new ArrayList<>();
        if (aggregate) {
            for (Out o : outs) {
                collectAggregates(o.expr(), accumulators, captured);
            }
            int first = 0;
            int last = 0;
            for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
                int r = b.allocRegister();
                e.setValue(r);
                first = first == 0 ? r : first;
                last = r;
            }
            if (first != 0) {
                b.emit(new Insn.Null(first, last));
            }
            for (Expr.Function f : accumulators.keySet()) {
                if (f.distinct()) {
                    if (f.star() || f.args().size() != 1) {
                        throw new DatabaseException(ResultCode.ERROR,
                                "DISTINCT aggregates must have exactly one argument");
                    }
                    int c = b.allocCursor();
                    distinctArgs.put(f, c);
                    // Keyed by (value, scan sequence): the first occurrence of a value sorts first.
                    b.emit(new Insn.SorterOpen(c, 2, new KeyInfo(List.of(false, false),
                            List.of(collationOf(ec, f.args().get(0)), Collation.BINARY))));
                }
            }
        }
        Map<Expr.ColumnRef, Integer> captureRegs = new IdentityHashMap<>();
        for (Expr.ColumnRef ref : captured) {
            int r = b.allocRegister();
            captureRegs.put(ref, r);
            b.emit(new Insn.Null(r));
        }
        if (aggregate) {
            prepareMinMax(accumulators, captureRegs);
            resetMinMax();
        }

        Expr remainingWhere = where;
        if (scope != null && (scope.next() != null || scope.source() != null)) {
            final boolean agg = aggregate;
            final boolean srt = sorted;
            final int srtr = sorter;
            final int lim = rLimit;
            final int off = rOffset;
            scan(scope.level(), where, ec, skip -> dispatchRow(ec, outs, orderExprs, agg, accumulators, captureRegs,
                    srt, srtr, lim, off, skip, end));
        } else if (scope != null) {
            b.emit(Scope.open(scope.table(), scope.cursor(), false));
            Expr key = null;
            if (where != null && !scope.table().withoutRowid()) {
                List<Expr> terms = ExprCompiler.conjuncts(where);
                for (int i = 0; i < terms.size() && key == null; i++) {
                    key = rowidKey(terms.get(i), scope);
                    if (key != null) {
                        terms.remove(i);
                    }
                }
                if (key != null) {
                    remainingWhere = and(terms);
                }
            }
            if (key != null) {
                int rKey = ec.compileToNew(key);
                // Not found: no rows, except that an aggregate query still outputs its one row.
                int notFound = aggregate ? b.newLabel() : end;
                b.emit(new Insn.SeekRowid(scope.cursor(), notFound, rKey));
                bodyThenNext(ec, remainingWhere, outs, orderExprs, aggregate, accumulators, captureRegs,
                        sorted, sorter, rLimit, rOffset, end, -1, scope.cursor());
                if (aggregate) {
                    b.resolve(notFound);
                }
            } else {
                int done = b.newLabel();
                // A WITHOUT ROWID table whose WHERE pins its leading key fields is seeked.
                int[] seek = RowidCollector.seekKey(b, ec, scope, remainingWhere, done);
                // A rowid table whose WHERE an index answers loops over that index's range.
                WherePlanner.Plan plan = seek != null ? null
                        : orderedPlan != null ? orderedPlan : WherePlanner.choose(scope, remainingWhere, ec);
                int loop;
                int loopCursor = scope.cursor();
                WherePlanner.Loop l = null;
                Expr.InList rowidIn = seek == null && orderedPlan == null
                        ? WherePlanner.rowidIn(scope, remainingWhere) : null;
                if (rowidIn != null) {
                    l = WherePlanner.beginRowidIn(b, ec, scope, rowidIn, done);
                    loop = -1; // each value is one row: no Next
                } else if (plan != null) {
                    l = WherePlanner.begin(b, ec, scope, plan, done);
                    loop = l.loop();
                    loopCursor = l.cursor();
                } else {
                    if (seek == null) {
                        b.emit(new Insn.Rewind(scope.cursor(), done));
                    }
                    loop = b.currentAddress();
                    if (seek != null) {
                        b.emit(new Insn.IdxGT(scope.cursor(), done, seek[0], seek[1]));
                    }
                }
                bodyThenNext(ec, remainingWhere, outs, orderExprs, aggregate, accumulators, captureRegs,
                        sorted, sorter, rLimit, rOffset, end, loop, loopCursor);
                if (l != null) {
                    l.finish(b);
                }
                b.resolve(done);
            }
        } else {
            // No FROM: the body runs once (WHERE may skip it).
            int skip = b.newLabel();
            if (where != null) {
                ec.jumpIfFalse(where, skip);
            }
            if (aggregate) {
                stepAggregates(ec, accumulators, captureRegs);
            } else if (distinctSorter >= 0) {
                distinctInsert(ec, outs, orderExprs);
            } else if (sorted) {
                sorterInsert(ec, outs, orderExprs, sorter);
            } else {
                emitRow(ec, outs, rLimit, rOffset, skip, end);
            }
            b.resolve(skip);
        }

        if (aggregate) {
            for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
                Integer distinct = distinctArgs.get(e.getKey());
                if (distinct != null) {
                    stepDistinctValues(ec, e.getKey(), e.getValue(), distinct);
                }
            }
            for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
                Expr.Function f = e.getKey();
                int argc = f.star() ? 0 : f.args().size();
                b.emit(new Insn.AggFinal(e.getValue(), argc, FunctionRegistry.lookup(f.name(), argc)));
            }
            ExprCompiler post = new ExprCompiler(b, scope != null ? scope : outer, ctx);
            accumulators.forEach(post::precomputed);
            captureRegs.forEach(post::precomputed);
            emitRow(post, outs, rLimit, rOffset, end, end);
        }

        }

        if (distinctSorter >= 0) {
            drainDistinct(ec, outs, nKey, sorted, sorter, rLimit, rOffset, end);
        }

        if (sorted) {
            pseudo = b.allocCursor();
            int rData = b.allocRegister();
            b.emit(new Insn.OpenPseudo(pseudo, rData, nKey + outs.size()));
            b.emit(new Insn.SorterSort(sorter, end));
            int loop2 = b.currentAddress();
            int next2 = b.newLabel();
            b.emit(new Insn.SorterData(sorter, rData, pseudo));
            if (rOffset != 0) {
                b.emit(new Insn.IfPos(rOffset, next2, 1));
            }
            int first = b.allocRegisters(outs.size());
            for (int i = 0; i < outs.size(); i++) {
                b.emit(new Insn.Column(pseudo, nKey + i, first + i));
            }
            sink.row(first, outs.size(), end);
            if (rLimit != 0) {
                b.emit(new Insn.DecrJumpZero(rLimit, end));
            }
            b.resolve(next2);
            b.emit(new Insn.SorterNext(sorter, loop2));
        }

        b.resolve(end);
        return outs;
    }

    private void bodyThenNext(ExprCompiler ec, Expr where, List<Out> outs, List<Expr> orderExprs, boolean aggregate,
                              Map<Expr.Function, Integer> accumulators, Map<Expr.ColumnRef, Integer> captureRegs,
                              boolean sorted, int sorter, int rLimit, int rOffset, int end, int loop,
                              int loopCursor) {
        int next = b.newLabel();
        if (where != null) {
            ec.jumpIfFalse(where, next);
        }
        dispatchRow(ec, outs, orderExprs, aggregate, accumulators, captureRegs, sorted, sorter, rLimit, rOffset,
                next, end);
        b.resolve(next);
        if (loop >= 0) {
            b.emit(new Insn.Next(loopCursor, loop));
        }
    }

    /**
     * A compound SELECT of UNION ALL arms, or of UNION arms. Each arm is compiled as its own
     * query whose rows go to the compound's pipeline: straight to the output (UNION ALL without
     * ORDER BY), or through a sorter keyed by every column whose equal neighbours collapse
     * (UNION: SQLite's output is then in that sorted order), then an ORDER BY sorter keyed by
     * the result columns the ORDER BY names; LIMIT/OFFSET apply to the whole.
     */
    private List<Out> emitCompound(Select select, int expectedColumns, Sink outSink) {
        List<Select.Body> arms = new ArrayList<>();
        List<Select.CompoundOp> ops = new ArrayList<>();
        flattenCompound(select.body(), arms, ops);
        boolean union = ops.stream().allMatch(o -> o == Select.CompoundOp.UNION);
        boolean unionAll = ops.stream().allMatch(o -> o == Select.CompoundOp.UNION_ALL);
        for (Select.CompoundOp op : ops) {
            if (op == Select.CompoundOp.INTERSECT || op == Select.CompoundOp.EXCEPT) {
                throw Compiler.notSupported("compound SELECT (" + op.name() + ")");
            }
        }
        if (!union && !unionAll) {
            throw Compiler.notSupported("compound SELECT mixing UNION and UNION ALL");
        }
        String opName = union ? "UNION" : "UNION ALL";
        ExprCompiler ec = new ExprCompiler(b, outer, ctx);
        int end = b.newLabel();
        int rLimit = 0;
        int rOffset = 0;
        if (select.limit() != null) {
            rLimit = b.allocRegister();
            limitValue(ec, select.limit(), rLimit);
            b.emit(new Insn.IfNot(rLimit, end, false));
            if (select.offset() != null) {
                rOffset = b.allocRegister();
                limitValue(ec, select.offset(), rOffset);
            }
        }
        // The arms' rows: compile the first to learn the columns, then the others.
        List<Out> firstOuts = null;
        int[] width = {-1};
        int[] orderCols = null;
        int dedupe = union ? b.allocCursor() : -1;
        int order = select.orderBy().isEmpty() ? -1 : b.allocCursor();
        final int fLimit = rLimit;
        final int fOffset = rOffset;
        // Sorters are opened before the arms run; their width is known only after the first
        // arm compiled, so a placeholder is patched below.
        int openOrder = order >= 0 ? b.emit(new Insn.Noop()) : -1;
        int openDedupe = dedupe >= 0 ? b.emit(new Insn.Noop()) : -1;
        int[][] orderColsHolder = new int[1][];
        if (order >= 0) {
            // The ORDER BY names columns of the first arm: learn them from a throwaway compile.
            List<Out> probe = new SelectCompiler(ctx, new ProgramBuilder(), outer)
                    .emit(new Select(null, arms.get(0), List.of(), null, null), -1, (f, c, e) -> { });
            orderColsHolder[0] = compoundOrderColumns(select.orderBy(), probe);
        }
        Sink armSink = (first, count, armEnd) -> {
            if (dedupe >= 0) {
                int rec = b.allocRegister();
                b.emit(new Insn.MakeRecord(first, count, rec, null));
                b.emit(new Insn.SorterInsert(dedupe, rec));
            } else if (order >= 0) {
                insertOrdered(first, count, orderColsHolder[0], order);
            } else {
                outputRow(first, count, fLimit, fOffset, end, outSink);
            }
        };
        for (int i = 0; i < arms.size(); i++) {
            Select arm = new Select(null, arms.get(i), List.of(), null, null);
            List<Out> outs = new SelectCompiler(ctx, b, outer).emitArm(arm, armSink, i == 0 ? null : width[0], opName);
            if (i == 0) {
                firstOuts = outs;
                width[0] = outs.size();
                if (expectedColumns > 0 && width[0] != expectedColumns) {
                    throw new DatabaseException(ResultCode.ERROR, "sub-select returns " + width[0]
                            + " columns - expected " + expectedColumns);
                }
                orderCols = orderColsHolder[0];
            }
        }
        int n = width[0];
        if (dedupe >= 0) {
            b.set(openDedupe, new Insn.SorterOpen(dedupe, n, KeyInfo.ascending(n)));
        }
        if (order >= 0) {
            List<Boolean> desc = new ArrayList<>();
            for (Select.OrderingTerm term : select.orderBy()) {
                desc.add(term.descending());
            }
            b.set(openOrder, new Insn.SorterOpen(order, orderCols.length + n,
                    new KeyInfo(desc, java.util.Collections.nCopies(orderCols.length, Collation.BINARY))));
        }
        if (dedupe >= 0) {
            int pseudo = b.allocCursor();
            int rData = b.allocRegister();
            int drained = b.newLabel();
            b.emit(new Insn.OpenPseudo(pseudo, rData, n));
            int prev = b.allocRegisters(n);
            int cur = b.allocRegisters(n);
            int havePrev = b.allocRegister();
            b.emit(new Insn.Integer(0, havePrev));
            b.emit(new Insn.SorterSort(dedupe, drained));
            int loop = b.currentAddress();
            int next = b.newLabel();
            int isNew = b.newLabel();
            b.emit(new Insn.SorterData(dedupe, rData, pseudo));
            for (int i = 0; i < n; i++) {
                b.emit(new Insn.Column(pseudo, i, cur + i));
            }
            b.emit(new Insn.IfNot(havePrev, isNew, false));
            for (int i = 0; i < n; i++) {
                b.emit(new Insn.Ne(prev + i, isNew, cur + i, null, null, Insn.NULLEQ));
            }
            b.emit(new Insn.Goto(next));
            b.resolve(isNew);
            b.emit(new Insn.Integer(1, havePrev));
            b.emit(new Insn.Copy(cur, prev, n - 1));
            if (order >= 0) {
                insertOrdered(cur, n, orderCols, order);
            } else {
                outputRow(cur, n, rLimit, rOffset, end, outSink);
            }
            b.resolve(next);
            b.emit(new Insn.SorterNext(dedupe, loop));
            b.resolve(drained);
        }
        if (order >= 0) {
            int k = orderCols.length;
            int pseudo = b.allocCursor();
            int rData = b.allocRegister();
            b.emit(new Insn.OpenPseudo(pseudo, rData, k + n));
            b.emit(new Insn.SorterSort(order, end));
            int loop = b.currentAddress();
            b.emit(new Insn.SorterData(order, rData, pseudo));
            int cur = b.allocRegisters(n);
            for (int i = 0; i < n; i++) {
                b.emit(new Insn.Column(pseudo, k + i, cur + i));
            }
            outputRow(cur, n, rLimit, rOffset, end, outSink);
            b.emit(new Insn.SorterNext(order, loop));
        }
        b.resolve(end);
        return firstOuts;
    }

    /** One arm of a compound: checks its width against the first arm's. */
    private List<Out> emitArm(Select arm, Sink armSink, Integer expectedWidth, String opName) {
        List<Out> outs = emit(arm, -1, armSink);
        if (expectedWidth != null && outs.size() != expectedWidth) {
            throw new DatabaseException(ResultCode.ERROR, "SELECTs to the left and right of " + opName
                    + " do not have the same number of result columns");
        }
        return outs;
    }

    private static void flattenCompound(Select.Body body, List<Select.Body> arms, List<Select.CompoundOp> ops) {
        if (body instanceof Select.Compound c) {
            flattenCompound(c.left(), arms, ops);
            ops.add(c.op());
            arms.add(c.right());
        } else {
            arms.add(body);
        }
    }

    /** Inserts the row r[first..] into ORDER BY sorter {@code order} as [keys, columns]. */
    private void insertOrdered(int first, int count, int[] orderCols, int order) {
        int k = orderCols.length;
        int tmp = b.allocRegisters(k + count);
        for (int i = 0; i < k; i++) {
            b.emit(new Insn.Copy(first + orderCols[i], tmp + i));
        }
        b.emit(new Insn.Copy(first, tmp + k, count - 1));
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(tmp, k + count, rec, null));
        b.emit(new Insn.SorterInsert(order, rec));
    }

    /** OFFSET, the sink, LIMIT: the end of every output path. */
    private void outputRow(int first, int count, int rLimit, int rOffset, int end, Sink out) {
        int skip = b.newLabel();
        if (rOffset != 0) {
            b.emit(new Insn.IfPos(rOffset, skip, 1));
        }
        out.row(first, count, end);
        if (rLimit != 0) {
            b.emit(new Insn.DecrJumpZero(rLimit, end));
        }
        b.resolve(skip);
    }

    /**
     * The result column each ORDER BY term of a compound names: a number, an alias or name of
     * the first arm's columns, or an expression equal to one of them (SQLite's rule).
     */
    private static int[] compoundOrderColumns(List<Select.OrderingTerm> terms, List<Out> outs) {
        int[] cols = new int[terms.size()];
        for (int i = 0; i < terms.size(); i++) {
            Select.OrderingTerm term = terms.get(i);
            if (term.nullsFirst() != null && term.nullsFirst() == term.descending()) {
                throw Compiler.notSupported("NULLS " + (term.nullsFirst() ? "FIRST" : "LAST") + " against the default order");
            }
            Expr e = term.expr();
            if (e instanceof Expr.Collate) {
                throw Compiler.notSupported("COLLATE in the ORDER BY of a compound SELECT");
            }
            int found = -1;
            if (e instanceof Expr.Literal lit && lit.value() instanceof Long n) {
                if (n < 1 || n > outs.size()) {
                    throw new DatabaseException(ResultCode.ERROR, ordinal(i + 1)
                            + " ORDER BY term out of range - should be between 1 and " + outs.size());
                }
                found = (int) (n - 1);
            } else {
                for (int j = 0; j < outs.size() && found < 0; j++) {
                    Out o = outs.get(j);
                    if (e instanceof Expr.ColumnRef ref && ref.table() == null && o.name().equalsIgnoreCase(ref.column())) {
                        found = j;
                    } else if (e.equals(o.expr())) {
                        found = j;
                    }
                }
            }
            if (found < 0) {
                throw new DatabaseException(ResultCode.ERROR, ordinal(i + 1)
                        + " ORDER BY term does not match any column in the result set");
            }
            cols[i] = found;
        }
        return cols;
    }

    /** What one qualifying row does: step aggregates, feed a sorter, or go to the output. */
    private void dispatchRow(ExprCompiler ec, List<Out> outs, List<Expr> orderExprs, boolean aggregate,
                             Map<Expr.Function, Integer> accumulators, Map<Expr.ColumnRef, Integer> captureRegs,
                             boolean sorted, int sorter, int rLimit, int rOffset, int skip, int end) {
        if (aggregate) {
            stepAggregates(ec, accumulators, captureRegs);
        } else if (distinctSorter >= 0) {
            distinctInsert(ec, outs, orderExprs);
        } else if (sorted) {
            sorterInsert(ec, outs, orderExprs, sorter);
        } else {
            emitRow(ec, outs, rLimit, rOffset, skip, end);
        }
    }

    /** Per table of the current level: its LEFT JOIN ON condition (see {@link #flatten}). */
    private List<Expr> leftOn = List.of();

    /**
     * Nested loops over the tables of a level, outermost first: each table is rewound inside
     * the previous one's loop; an empty inner table continues the outer loop. A LEFT JOIN table
     * tests its ON condition inside its loop and remembers whether any row matched; if none did,
     * it becomes a row of NULLs (NullRow) and the inner part runs once more. {@code body} gets
     * the label that continues with the next row combination.
     */
    private void scan(List<Scope> tables, Expr where, ExprCompiler ec, java.util.function.IntConsumer body) {
        for (Scope t : tables) {
            if (t.source() != null) {
                materialise(t);
            } else {
                b.emit(Scope.open(t.table(), t.cursor(), false));
            }
        }
        // Each table's loop may run on an index, seeked with values of the tables outside it. A
        // LEFT JOIN's table only by its ON terms: a WHERE term must not hide the rows that
        // decide whether it matched.
        WherePlanner.Plan[] plans = new WherePlanner.Plan[tables.size()];
        int[] indexCursors = new int[tables.size()];
        java.util.Set<Integer> unpositioned = new java.util.HashSet<>();
        for (Scope t : tables) {
            unpositioned.add(t.cursor());
        }
        for (int i = 0; i < tables.size(); i++) {
            Scope t = tables.get(i);
            Expr on = i < leftOn.size() ? leftOn.get(i) : null;
            if (t.source() == null) {
                plans[i] = WherePlanner.choose(t, on != null ? on : where, ec,
                        WherePlanner.readableBefore(tables.get(0), java.util.Set.copyOf(unpositioned)));
                if (plans[i] != null) {
                    indexCursors[i] = WherePlanner.open(b, plans[i]);
                }
            }
            unpositioned.remove(t.cursor());
        }
        levels(tables, 0, where, ec, body, plans, indexCursors);
    }

    private void levels(List<Scope> tables, int i, Expr where, ExprCompiler ec, java.util.function.IntConsumer body,
                        WherePlanner.Plan[] plans, int[] indexCursors) {
        if (i == tables.size()) {
            int skip = b.newLabel();
            if (where != null) {
                ec.jumpIfFalse(where, skip);
            }
            body.accept(skip);
            b.resolve(skip);
            return;
        }
        Scope t = tables.get(i);
        Expr on = i < leftOn.size() ? leftOn.get(i) : null;
        int matched = on != null ? b.allocRegister() : 0;
        int done = b.newLabel();
        int next = b.newLabel();
        if (on != null) {
            b.emit(new Insn.Integer(0, matched));
        }
        Scope.Source src = t.source();
        WherePlanner.Loop indexLoop = null;
        int loop;
        if (src != null) {
            b.emit(new Insn.SorterSort(src.sorter(), done));
            loop = b.currentAddress();
        } else if (plans[i] != null) {
            indexLoop = WherePlanner.seek(b, ec, t, plans[i], indexCursors[i], done);
            loop = indexLoop.loop();
        } else {
            b.emit(new Insn.Rewind(t.cursor(), done));
            loop = b.currentAddress();
        }
        if (src != null) {
            b.emit(new Insn.SorterData(src.sorter(), src.dataReg(), t.cursor()));
        }
        if (on != null) {
            ec.jumpIfFalse(on, next);
            b.emit(new Insn.Integer(1, matched));
        }
        levels(tables, i + 1, where, ec, body, plans, indexCursors);
        b.resolve(next);
        b.emit(src != null ? new Insn.SorterNext(src.sorter(), loop)
                : new Insn.Next(indexLoop != null ? indexLoop.cursor() : t.cursor(), loop));
        if (indexLoop != null) {
            indexLoop.finish(b);
        }
        b.resolve(done);
        if (on != null) {
            int after = b.newLabel();
            b.emit(new Insn.If(matched, after, false));
            b.emit(new Insn.NullRow(t.cursor()));
            levels(tables, i + 1, where, ec, body, plans, indexCursors);
            b.resolve(after);
        }
    }

    /**
     * Flattens a FROM clause into its tables, in order. ON terms of inner joins go to
     * {@code onTerms} (they are WHERE terms); the ON term of a LEFT JOIN stays with its table in
     * {@code leftOn} (null entry: not left-joined; TRUE literal: LEFT JOIN without ON).
     */
    private static void flatten(Select.From from, List<Select.From> items, List<Expr> onTerms,
                                List<Expr> leftOn) {
        switch (from) {
            case Select.TableName tn -> {
                items.add(tn);
                leftOn.add(null);
            }
            case Select.Join j -> {
                String op = j.operator();
                boolean left = op.equals("LEFT JOIN") || op.equals("LEFT OUTER JOIN");
                if (!(left || op.equals(",") || op.equals("JOIN") || op.equals("CROSS JOIN")
                        || op.equals("INNER JOIN"))) {
                    throw Compiler.notSupported(op);
                }
                if (!j.using().isEmpty()) {
                    throw Compiler.notSupported("JOIN ... USING");
                }
                flatten(j.left(), items, onTerms, leftOn);
                int before = items.size();
                flatten(j.right(), items, onTerms, leftOn);
                if (left) {
                    if (items.size() != before + 1) {
                        throw Compiler.notSupported("LEFT JOIN of a parenthesised join");
                    }
                    leftOn.set(before, j.on() != null ? j.on() : new Expr.Literal(1L));
                } else if (j.on() != null) {
                    onTerms.add(j.on());
                }
            }
            case Select.SubqueryRef s -> {
                items.add(s);
                leftOn.add(null);
            }
            case Select.TableFunction f -> throw Compiler.notSupported("table-valued functions");
        }
    }

    /** A view in FROM: its stored SELECT as a subquery named by the view (or the alias). */
    private Scope viewScope(io.ringlite.engine.schema.SchemaEntry view, String alias, Scope next) {
        io.ringlite.engine.sql.ParsedStatement p = io.ringlite.engine.sql.Parser.parseFirst(view.sql());
        if (p == null || !(p.statement() instanceof io.ringlite.engine.sql.Statement.CreateView cv)) {
            throw new DatabaseException(ResultCode.CORRUPT, "malformed database schema (" + view.name() + ")");
        }
        return subqueryScope(cv.select(), alias, cv.columns(), next);
    }

    /**
     * A subquery in FROM: a table-like scope over its rows, materialised when the scan starts
     * (see {@link #materialise}). Its columns are named as the subquery names them (or by the
     * view's column list) and have the affinity of their declared type, as SQLite's do.
     */
    private Scope subqueryScope(Select select, String alias, List<String> names, Scope next) {
        List<Out> probe = new SelectCompiler(ctx, new ProgramBuilder(), outer).emit(select, -1, (f, c, e) -> { });
        if (!names.isEmpty() && names.size() != probe.size()) {
            throw new DatabaseException(ResultCode.ERROR, "expected " + names.size() + " columns for '" + alias
                    + "' but got " + probe.size());
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < probe.size(); i++) {
            Out o = probe.get(i);
            String type = o.declType();
            columns.add(new Column(names.isEmpty() ? o.name() : names.get(i), type,
                    io.ringlite.vdbe.value.Affinity.ofDeclaredType(type), false, null, null, false, null));
        }
        String name = alias != null ? alias : "(subquery)";
        Table t = new Table(name, 0, columns, -1, true, false, null, List.of(), List.of(), false);
        ctx.readsTables = true;
        return new Scope(t, name, b.allocCursor(), outer, next,
                new Scope.Source(select, b.allocCursor(), b.allocRegister()));
    }

    /** Runs a FROM subquery into its sorter (kept in row order: no key fields) and opens its cursor. */
    private void materialise(Scope s) {
        int n = s.table().columns().size();
        Scope.Source src = s.source();
        b.emit(new Insn.SorterOpen(src.sorter(), n, new KeyInfo(List.of(), List.of())));
        new SelectCompiler(ctx, b, outer).emit(src.select(), -1, (first, count, end) -> {
            int rec = b.allocRegister();
            b.emit(new Insn.MakeRecord(first, count, rec, null));
            b.emit(new Insn.SorterInsert(src.sorter(), rec));
        });
        b.emit(new Insn.OpenPseudo(s.cursor(), src.dataReg(), n));
    }

    /**
     * SQLite's documented special case: when a query has exactly one min() or max() aggregate,
     * its bare columns take their values from the row that holds the minimum or maximum. Finds
     * that call and allocates the registers tracking the best value so far; {@link #resetMinMax}
     * must run wherever accumulators are reset.
     */
    private void prepareMinMax(Map<Expr.Function, Integer> accumulators, Map<Expr.ColumnRef, Integer> captureRegs) {
        Expr.Function found = null;
        int count = 0;
        for (Expr.Function f : accumulators.keySet()) {
            String n = f.name().toLowerCase(java.util.Locale.ROOT);
            if (!f.star() && f.args().size() == 1 && (n.equals("min") || n.equals("max"))) {
                found = f;
                count++;
            }
        }
        if (count == 1 && !found.distinct() && !captureRegs.isEmpty()) {
            minMax = found;
            minMaxBest = b.allocRegister();
            minMaxHave = b.allocRegister();
        }
    }

    private void resetMinMax() {
        if (minMax != null) {
            b.emit(new Insn.Integer(0, minMaxHave));
        }
    }

    /**
     * Copies the bare columns of the current row into their capture registers: always, or with
     * a single min()/max(), only when this row's argument (in {@code minMaxArg}) beats the best
     * so far (strictly, so the first of equal extremes wins).
     */
    private void captureBareColumns(ExprCompiler ec, Map<Expr.ColumnRef, Integer> captureRegs, int minMaxArg) {
        int skip = b.newLabel();
        if (minMax != null) {
            int take = b.newLabel();
            Collation c = collationOf(ec, minMax.args().get(0));
            Collation coll = c == Collation.BINARY ? null : c;
            b.emit(new Insn.IsNull(minMaxArg, skip));
            b.emit(new Insn.IfNot(minMaxHave, take, false));
            b.emit(minMax.name().equalsIgnoreCase("max")
                    ? new Insn.Gt(minMaxBest, take, minMaxArg, coll, null, 0)
                    : new Insn.Lt(minMaxBest, take, minMaxArg, coll, null, 0));
            b.emit(new Insn.Goto(skip));
            b.resolve(take);
            b.emit(new Insn.Copy(minMaxArg, minMaxBest));
            b.emit(new Insn.Integer(1, minMaxHave));
        }
        for (Map.Entry<Expr.ColumnRef, Integer> e : captureRegs.entrySet()) {
            ec.compile(e.getKey(), e.getValue());
        }
        b.resolve(skip);
    }

    private void stepAggregates(ExprCompiler ec, Map<Expr.Function, Integer> accumulators,
                                Map<Expr.ColumnRef, Integer> captureRegs) {
        int minMaxArg = 0;
        for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
            Expr.Function f = e.getKey();
            if (f.filter() != null) {
                throw Compiler.notSupported("FILTER clause");
            }
            if (!f.orderBy().isEmpty()) {
                throw Compiler.notSupported("ORDER BY inside an aggregate");
            }
            int argc = f.star() ? 0 : f.args().size();
            FuncDef def = FunctionRegistry.lookup(f.name(), argc);
            int first = argc == 0 ? 0 : b.allocRegisters(argc);
            for (int i = 0; i < argc; i++) {
                Expr arg = f.args().get(i);
                if (ExprCompiler.containsAggregate(arg)) {
                    throw new DatabaseException(ResultCode.ERROR, "misuse of aggregate function " + f.name() + "()");
                }
                ec.compile(arg, first + i);
            }
            if (f == minMax) {
                minMaxArg = first;
            }
            Integer distinct = distinctArgs.get(f);
            if (distinct != null) {
                // DISTINCT: collect the values; they are stepped once each after the scan.
                int pair = b.allocRegisters(2);
                b.emit(new Insn.Copy(first, pair));
                b.emit(new Insn.Sequence(distinct, pair + 1));
                int rec = b.allocRegister();
                b.emit(new Insn.MakeRecord(pair, 2, rec, null));
                b.emit(new Insn.SorterInsert(distinct, rec));
            } else {
                b.emit(new Insn.AggStep(first, e.getValue(), def, argc));
            }
        }
        captureBareColumns(ec, captureRegs, minMaxArg);
    }

    /**
     * GROUP BY: the scan feeds a sorter with [group keys, every column the query reads]; the
     * sorted rows are read back, a change of key ends a group (AggFinal, HAVING, output) and
     * starts the next (accumulators reset). Bare columns take their value from the group's
     * min()/max() row or last row (see the class comment). Aggregates and column references are resolved through registers ("precomputed").
     */
    private void emitGrouped(Select.Core core, Expr where, Scope scope, ExprCompiler ec, List<Out> outs, List<Expr> orderExprs,
                             boolean sorted, int sorter, int rLimit, int rOffset, int end) {
        List<Expr> keys = new ArrayList<>();
        for (Expr k : core.groupBy()) {
            ExprCompiler.checkNoAggregate(k);
            Expr bare = k instanceof Expr.Collate c ? c.operand() : k;
            if (bare instanceof Expr.Literal lit && lit.value() instanceof Long n) {
                if (n < 1 || n > outs.size()) {
                    throw new DatabaseException(ResultCode.ERROR, ordinal(keys.size() + 1)
                            + " GROUP BY term out of range - should be between 1 and " + outs.size());
                }
                Expr picked = outs.get((int) (n - 1)).expr();
                if (ExprCompiler.containsAggregate(picked)) {
                    throw new DatabaseException(ResultCode.ERROR, "aggregate functions are not allowed in the GROUP BY clause");
                }
                keys.add(picked);
            } else {
                keys.add(k);
            }
        }
        List<Expr> tops = new ArrayList<>();
        outs.forEach(o -> tops.add(o.expr()));
        if (core.having() != null) {
            tops.add(core.having());
        }
        tops.addAll(orderExprs);
        for (Expr e : tops) {
            ExprCompiler.walk(e, x -> {
                // Their column references would read the scan cursor, not the group's row.
                if (x instanceof Expr.Subquery || x instanceof Expr.Exists || x instanceof Expr.InSelect) {
                    throw Compiler.notSupported("subqueries in the result of a GROUP BY query");
                }
            });
        }
        // Every column reference (inside aggregates too) travels through the sorter.
        List<Expr.ColumnRef> refs = new ArrayList<>();
        List<Expr> everything = new ArrayList<>(keys);
        everything.addAll(tops);
        for (Expr e : everything) {
            ExprCompiler.walk(e, x -> {
                // Identity, not equals: each occurrence is resolved through its own register map entry.
                if (x instanceof Expr.ColumnRef c && refs.stream().noneMatch(r -> r == c)) {
                    refs.add(c);
                }
            });
        }
        Map<Expr.Function, Integer> accumulators = new IdentityHashMap<>();
        List<Expr.ColumnRef> captured = new ArrayList<>();
        for (Expr e : tops) {
            collectAggregates(e, accumulators, captured);
        }
        for (Expr.Function f : accumulators.keySet()) {
            if (f.distinct()) {
                throw Compiler.notSupported("DISTINCT aggregates with GROUP BY");
            }
        }
        int nk = keys.size();
        int nr = refs.size();
        int groups = b.allocCursor();
        List<Boolean> desc = new ArrayList<>();
        List<Collation> colls = new ArrayList<>();
        for (Expr k : keys) {
            desc.add(false);
            colls.add(collationOf(ec, k));
        }
        b.emit(new Insn.SorterOpen(groups, nk + nr, new KeyInfo(desc, colls)));

        // Scan: [keys, refs] per qualifying row.
        int scanned = b.newLabel();
        Runnable feed = () -> {
            int first = b.allocRegisters(nk + nr);
            for (int i = 0; i < nk; i++) {
                ec.compile(keys.get(i), first + i);
            }
            for (int j = 0; j < nr; j++) {
                ec.compile(refs.get(j), first + nk + j);
            }
            int rec = b.allocRegister();
            b.emit(new Insn.MakeRecord(first, nk + nr, rec, null));
            b.emit(new Insn.SorterInsert(groups, rec));
        };
        if (scope != null) {
            scan(scope.level(), where, ec, skip -> feed.run());
        } else {
            if (where != null) {
                ec.jumpIfFalse(where, scanned);
            }
            feed.run();
        }
        b.resolve(scanned);

        // Group pass.
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        b.emit(new Insn.OpenPseudo(pseudo, rData, nk + nr));
        int cur = b.allocRegisters(nk);
        int prev = b.allocRegisters(nk);
        int rowRegs = nr == 0 ? 0 : b.allocRegisters(nr);
        int hasGroup = b.allocRegister();
        b.emit(new Insn.Integer(0, hasGroup));
        int firstAcc = 0;
        int lastAcc = 0;
        for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
            int r = b.allocRegister();
            e.setValue(r);
            firstAcc = firstAcc == 0 ? r : firstAcc;
            lastAcc = r;
        }
        Map<Expr.ColumnRef, Integer> captureRegs = new IdentityHashMap<>();
        for (Expr.ColumnRef ref : captured) {
            captureRegs.put(ref, b.allocRegister());
        }
        prepareMinMax(accumulators, captureRegs);
        ExprCompiler stepper = new ExprCompiler(b, ec.scope(), ctx);
        for (int j = 0; j < nr; j++) {
            stepper.precomputed(refs.get(j), rowRegs + j);
        }
        ExprCompiler output = new ExprCompiler(b, ec.scope(), ctx);
        accumulators.forEach(output::precomputed);
        captureRegs.forEach(output::precomputed);
        final int accFrom = firstAcc;
        final int accTo = lastAcc;
        Runnable resetAccumulators = () -> {
            if (accFrom != 0) {
                b.emit(new Insn.Null(accFrom, accTo));
            }
            resetMinMax();
        };
        Runnable outputGroup = () -> {
            for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
                Expr.Function f = e.getKey();
                int argc = f.star() ? 0 : f.args().size();
                b.emit(new Insn.AggFinal(e.getValue(), argc, FunctionRegistry.lookup(f.name(), argc)));
            }
            int skip = b.newLabel();
            if (core.having() != null) {
                output.jumpIfFalse(core.having(), skip);
            }
            if (distinctSorter >= 0) {
                distinctInsert(output, outs, orderExprs);
            } else if (sorted) {
                sorterInsert(output, outs, orderExprs, sorter);
            } else {
                emitRow(output, outs, rLimit, rOffset, skip, end);
            }
            b.resolve(skip);
        };
        resetAccumulators.run();
        int allDone = b.newLabel();
        b.emit(new Insn.SorterSort(groups, allDone));
        int loop2 = b.currentAddress();
        int step = b.newLabel();
        int boundary = b.newLabel();
        int newGroup = b.newLabel();
        b.emit(new Insn.SorterData(groups, rData, pseudo));
        for (int i = 0; i < nk; i++) {
            b.emit(new Insn.Column(pseudo, i, cur + i));
        }
        for (int j = 0; j < nr; j++) {
            b.emit(new Insn.Column(pseudo, nk + j, rowRegs + j));
        }
        b.emit(new Insn.IfNot(hasGroup, newGroup, false));
        for (int i = 0; i < nk; i++) {
            Collation c = colls.get(i);
            b.emit(new Insn.Ne(prev + i, boundary, cur + i, c == Collation.BINARY ? null : c, null, Insn.NULLEQ));
        }
        b.emit(new Insn.Goto(step));
        b.resolve(boundary);
        outputGroup.run();
        resetAccumulators.run();
        b.resolve(newGroup);
        b.emit(new Insn.Copy(cur, prev, nk - 1));
        b.emit(new Insn.Integer(1, hasGroup));
        b.resolve(step);
        int minMaxArg = 0;
        for (Map.Entry<Expr.Function, Integer> e : accumulators.entrySet()) {
            Expr.Function f = e.getKey();
            if (f.filter() != null) {
                throw Compiler.notSupported("FILTER clause");
            }
            int argc = f.star() ? 0 : f.args().size();
            FuncDef def = FunctionRegistry.lookup(f.name(), argc);
            int first = argc == 0 ? 0 : b.allocRegisters(argc);
            for (int i = 0; i < argc; i++) {
                Expr arg = f.args().get(i);
                if (ExprCompiler.containsAggregate(arg)) {
                    throw new DatabaseException(ResultCode.ERROR, "misuse of aggregate function " + f.name() + "()");
                }
                stepper.compile(arg, first + i);
            }
            if (f == minMax) {
                minMaxArg = first;
            }
            b.emit(new Insn.AggStep(first, e.getValue(), def, argc));
        }
        captureBareColumns(stepper, captureRegs, minMaxArg);
        b.emit(new Insn.SorterNext(groups, loop2));
        b.resolve(allDone);
        b.emit(new Insn.IfNot(hasGroup, end, false));
        outputGroup.run();
    }

    /**
     * Steps aggregate {@code f} once per distinct value collected in {@code sorter}, in the
     * order the values were first seen (group_concat's output and a sum's overflow depend on
     * it): the values sorted by (value, sequence) are deduplicated into a second sorter keyed by
     * sequence, which is then stepped.
     */
    private void stepDistinctValues(ExprCompiler ec, Expr.Function f, int accumulator, int sorter) {
        FuncDef def = FunctionRegistry.lookup(f.name(), 1);
        Collation coll = collationOf(ec, f.args().get(0));
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        int cur = b.allocRegisters(2);
        int prev = b.allocRegister();
        int havePrev = b.allocRegister();
        int reorder = b.allocCursor();
        int deduped = b.newLabel();
        b.emit(new Insn.SorterOpen(reorder, 2, KeyInfo.ascending(1)));
        b.emit(new Insn.OpenPseudo(pseudo, rData, 2));
        b.emit(new Insn.Integer(0, havePrev));
        b.emit(new Insn.SorterSort(sorter, deduped));
        int loop = b.currentAddress();
        int next = b.newLabel();
        int isNew = b.newLabel();
        b.emit(new Insn.SorterData(sorter, rData, pseudo));
        b.emit(new Insn.Column(pseudo, 0, cur));
        b.emit(new Insn.Column(pseudo, 1, cur + 1));
        b.emit(new Insn.IfNot(havePrev, isNew, false));
        b.emit(new Insn.Ne(prev, isNew, cur, coll == Collation.BINARY ? null : coll, null, Insn.NULLEQ));
        b.emit(new Insn.Goto(next));
        b.resolve(isNew);
        b.emit(new Insn.Integer(1, havePrev));
        b.emit(new Insn.Copy(cur, prev));
        int swapped = b.allocRegisters(2);
        b.emit(new Insn.Copy(cur + 1, swapped));
        b.emit(new Insn.Copy(cur, swapped + 1));
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(swapped, 2, rec, null));
        b.emit(new Insn.SorterInsert(reorder, rec));
        b.resolve(next);
        b.emit(new Insn.SorterNext(sorter, loop));
        b.resolve(deduped);
        int pseudo2 = b.allocCursor();
        int rData2 = b.allocRegister();
        int value = b.allocRegister();
        int done = b.newLabel();
        b.emit(new Insn.OpenPseudo(pseudo2, rData2, 2));
        b.emit(new Insn.SorterSort(reorder, done));
        int loop2 = b.currentAddress();
        b.emit(new Insn.SorterData(reorder, rData2, pseudo2));
        b.emit(new Insn.Column(pseudo2, 1, value));
        b.emit(new Insn.AggStep(value, accumulator, def, 1));
        b.emit(new Insn.SorterNext(reorder, loop2));
        b.resolve(done);
    }

    private static Collation collationOf(ExprCompiler ec, Expr e) {
        String explicit = ExprCompiler.explicitCollation(e);
        String coll = explicit != null ? explicit : ec.columnCollation(e);
        Collation c = coll == null ? Collation.BINARY : Collation.named(coll);
        if (c == null) {
            throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ, "no such collation sequence: " + coll);
        }
        return c;
    }

    /** Loop body of SELECT DISTINCT: record [result columns, scan sequence, ORDER BY values]. */
    private void distinctInsert(ExprCompiler ec, List<Out> outs, List<Expr> orderExprs) {
        int n = outs.size() + 1 + orderExprs.size();
        int first = b.allocRegisters(n);
        for (int i = 0; i < outs.size(); i++) {
            ec.compile(outs.get(i).expr(), first + i);
        }
        b.emit(new Insn.Sequence(distinctSorter, first + outs.size()));
        for (int i = 0; i < orderExprs.size(); i++) {
            ec.compile(orderExprs.get(i), first + outs.size() + 1 + i);
        }
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(first, n, rec, null));
        b.emit(new Insn.SorterInsert(distinctSorter, rec));
    }

    /**
     * After the scan of a SELECT DISTINCT: reads the rows sorted by value, keeps the first of
     * each run of equal rows (NULLs equal, as DISTINCT wants) and passes it on to the ORDER BY
     * sorter, or, without ORDER BY, to a sorter keyed by scan sequence so that rows come out in
     * the order SQLite's scan would produce them (then OFFSET/LIMIT and the output).
     */
    private void drainDistinct(ExprCompiler ec, List<Out> outs, int nKey, boolean sorted, int sorter,
                               int rLimit, int rOffset, int end) {
        int nOut = outs.size();
        int width = nOut + 1 + nKey;
        int pseudo = b.allocCursor();
        int rData = b.allocRegister();
        int drained = b.newLabel();
        int reorder = sorted ? -1 : b.allocCursor();
        if (!sorted) {
            b.emit(new Insn.SorterOpen(reorder, nOut + 1, KeyInfo.ascending(1)));
        }
        b.emit(new Insn.OpenPseudo(pseudo, rData, width));
        b.emit(new Insn.SorterSort(distinctSorter, drained));
        int prev = b.allocRegisters(nOut);
        int havePrev = b.allocRegister();
        b.emit(new Insn.Integer(0, havePrev));
        int loop = b.currentAddress();
        int next = b.newLabel();
        int isNew = b.newLabel();
        b.emit(new Insn.SorterData(distinctSorter, rData, pseudo));
        int cur = b.allocRegisters(width);
        for (int i = 0; i < width; i++) {
            b.emit(new Insn.Column(pseudo, i, cur + i));
        }
        b.emit(new Insn.IfNot(havePrev, isNew, false));
        for (int i = 0; i < nOut; i++) {
            Collation c = collationOf(ec, outs.get(i).expr());
            b.emit(new Insn.Ne(prev + i, isNew, cur + i, c == Collation.BINARY ? null : c, null, Insn.NULLEQ));
        }
        b.emit(new Insn.Goto(next));
        b.resolve(isNew);
        b.emit(new Insn.Integer(1, havePrev));
        b.emit(new Insn.Copy(cur, prev, nOut - 1));
        int rec = b.allocRegister();
        if (sorted) {
            int tmp = b.allocRegisters(nKey + nOut);
            b.emit(new Insn.Copy(cur + nOut + 1, tmp, nKey - 1));
            b.emit(new Insn.Copy(cur, tmp + nKey, nOut - 1));
            b.emit(new Insn.MakeRecord(tmp, nKey + nOut, rec, null));
            b.emit(new Insn.SorterInsert(sorter, rec));
        } else {
            int tmp = b.allocRegisters(nOut + 1);
            b.emit(new Insn.Copy(cur + nOut, tmp, 0));
            b.emit(new Insn.Copy(cur, tmp + 1, nOut - 1));
            b.emit(new Insn.MakeRecord(tmp, nOut + 1, rec, null));
            b.emit(new Insn.SorterInsert(reorder, rec));
        }
        b.resolve(next);
        b.emit(new Insn.SorterNext(distinctSorter, loop));
        b.resolve(drained);
        if (!sorted) {
            int pseudo2 = b.allocCursor();
            int rData2 = b.allocRegister();
            b.emit(new Insn.OpenPseudo(pseudo2, rData2, nOut + 1));
            b.emit(new Insn.SorterSort(reorder, end));
            int loop2 = b.currentAddress();
            int next2 = b.newLabel();
            b.emit(new Insn.SorterData(reorder, rData2, pseudo2));
            if (rOffset != 0) {
                b.emit(new Insn.IfPos(rOffset, next2, 1));
            }
            int out = b.allocRegisters(nOut);
            for (int i = 0; i < nOut; i++) {
                b.emit(new Insn.Column(pseudo2, i + 1, out + i));
            }
            sink.row(out, nOut, end);
            if (rLimit != 0) {
                b.emit(new Insn.DecrJumpZero(rLimit, end));
            }
            b.resolve(next2);
            b.emit(new Insn.SorterNext(reorder, loop2));
        }
    }

    private void sorterInsert(ExprCompiler ec, List<Out> outs, List<Expr> orderExprs, int sorter) {
        int n = orderExprs.size() + outs.size();
        int first = b.allocRegisters(n);
        for (int i = 0; i < orderExprs.size(); i++) {
            ec.compile(orderExprs.get(i), first + i);
        }
        for (int i = 0; i < outs.size(); i++) {
            ec.compile(outs.get(i).expr(), first + orderExprs.size() + i);
        }
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(first, n, rec, null));
        b.emit(new Insn.SorterInsert(sorter, rec));
    }

    private void emitRow(ExprCompiler ec, List<Out> outs, int rLimit, int rOffset, int skip, int end) {
        if (rOffset != 0) {
            b.emit(new Insn.IfPos(rOffset, skip, 1));
        }
        int first = b.allocRegisters(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            ec.compile(outs.get(i).expr(), first + i);
        }
        sink.row(first, outs.size(), end);
        if (rLimit != 0) {
            b.emit(new Insn.DecrJumpZero(rLimit, end));
        }
    }

    private void limitValue(ExprCompiler ec, Expr e, int reg) {
        if (!ExprCompiler.isConstant(e)) {
            throw Scope.noSuchColumn(firstColumn(e));
        }
        ec.compile(e, reg);
        b.emit(new Insn.MustBeInt(reg, 0));
    }

    private static Expr.ColumnRef firstColumn(Expr e) {
        Expr.ColumnRef[] found = {null};
        ExprCompiler.walk(e, x -> {
            if (found[0] == null && x instanceof Expr.ColumnRef c) {
                found[0] = c;
            }
        });
        if (found[0] == null) {
            throw Compiler.notSupported("subqueries in LIMIT");
        }
        return found[0];
    }

    private void collectAggregates(Expr e, Map<Expr.Function, Integer> accumulators, List<Expr.ColumnRef> captured) {
        if (e instanceof Expr.Function f && ExprCompiler.isAggregateCall(f)) {
            accumulators.put(f, 0);
            return;
        }
        if (e instanceof Expr.ColumnRef c) {
            captured.add(c);
            return;
        }
        // Direct children only: walk() would also descend into aggregate arguments.
        for (Expr child : directChildren(e)) {
            collectAggregates(child, accumulators, captured);
        }
    }

    private static List<Expr> directChildren(Expr e) {
        List<Expr> out = new ArrayList<>();
        switch (e) {
            case Expr.Unary u -> out.add(u.operand());
            case Expr.Binary bin -> {
                out.add(bin.left());
                out.add(bin.right());
            }
            case Expr.NullTest nt -> out.add(nt.operand());
            case Expr.Like l -> {
                out.add(l.left());
                out.add(l.pattern());
                if (l.escape() != null) {
                    out.add(l.escape());
                }
            }
            case Expr.Between bt -> {
                out.add(bt.operand());
                out.add(bt.low());
                out.add(bt.high());
            }
            case Expr.InList in -> {
                out.add(in.operand());
                out.addAll(in.values());
            }
            case Expr.Case c -> {
                if (c.operand() != null) {
                    out.add(c.operand());
                }
                for (Expr.WhenThen wt : c.whens()) {
                    out.add(wt.when());
                    out.add(wt.then());
                }
                if (c.otherwise() != null) {
                    out.add(c.otherwise());
                }
            }
            case Expr.Cast c -> out.add(c.operand());
            case Expr.Collate c -> out.add(c.operand());
            case Expr.Function f -> out.addAll(f.args());
            default -> {
            }
        }
        return out;
    }

    /** {@code rowid = e} or {@code e = rowid} where e does not read the table: the key e. */
    static Expr rowidKey(Expr term, Scope scope) {
        if (!(term instanceof Expr.Binary bin) || bin.op() != Expr.BinaryOp.EQ) {
            return null;
        }
        if (isRowid(bin.left(), scope) && ExprCompiler.isConstant(bin.right())) {
            return bin.right();
        }
        if (isRowid(bin.right(), scope) && ExprCompiler.isConstant(bin.left())) {
            return bin.left();
        }
        return null;
    }

    private static boolean isRowid(Expr e, Scope scope) {
        if (e instanceof Expr.ColumnRef ref) {
            Scope.Resolved r = scope.resolve(ref);
            return r != null && r.isRowid();
        }
        return false;
    }

    static Expr and(List<Expr> terms) {
        Expr out = null;
        for (Expr t : terms) {
            out = out == null ? t : new Expr.Binary(Expr.BinaryOp.AND, out, t);
        }
        return out;
    }

    private Expr resolveOrderTerm(Expr e, int i, List<Out> outs) {
        Expr bare = e instanceof Expr.Collate c ? c.operand() : e;
        if (bare instanceof Expr.Literal lit && lit.value() instanceof Long n) {
            if (n < 1 || n > outs.size()) {
                throw new DatabaseException(ResultCode.ERROR, ordinal(i + 1) + " ORDER BY term out of range - should be between 1 and "
                        + outs.size());
            }
            Expr picked = outs.get((int) (n - 1)).expr();
            return e instanceof Expr.Collate c ? new Expr.Collate(picked, c.collation()) : picked;
        }
        if (bare instanceof Expr.ColumnRef ref && ref.table() == null) {
            for (Out o : outs) {
                if (o.alias() && o.name().equalsIgnoreCase(ref.column())) {
                    return e instanceof Expr.Collate c ? new Expr.Collate(o.expr(), c.collation()) : o.expr();
                }
            }
        }
        return e;
    }

    private static String ordinal(int n) {
        String suffix = switch (n % 100) {
            case 11, 12, 13 -> "th";
            default -> switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        };
        return n + suffix;
    }

    /** Expands * and t.*, and names every result column as sqlite3_column_name does. */
    private List<Out> expand(List<Select.ResultColumn> columns, Scope scope, ExprCompiler ec) {
        List<Out> outs = new ArrayList<>();
        for (Select.ResultColumn rc : columns) {
            switch (rc) {
                case Select.Star s -> {
                    if (scope == null) {
                        throw new DatabaseException(ResultCode.ERROR, "no tables specified");
                    }
                    starColumns(scope, outs);
                }
                case Select.TableStar ts -> {
                    Scope match = null;
                    for (Scope s : scope == null ? List.<Scope>of() : scope.level()) {
                        if (ts.table().equalsIgnoreCase(s.alias())) {
                            match = s;
                            break;
                        }
                    }
                    if (match == null) {
                        throw new DatabaseException(ResultCode.ERROR, "no such table: " + ts.table());
                    }
                    tableColumns(match, outs);
                }
                case Select.ExprColumn ex -> {
                    Expr e = ex.expr();
                    String name;
                    String type = null;
                    Expr.ColumnRef ref = e instanceof Expr.ColumnRef c ? c : null;
                    Scope.Resolved r = ref == null || scope == null ? null : scope.resolve(ref);
                    if (r != null && r.def() != null) {
                        type = r.def().declaredType();
                    }
                    if (ex.alias() != null) {
                        name = ex.alias();
                    } else if (r != null) {
                        name = r.def() != null ? r.def().name() : ref.column();
                    } else {
                        name = ex.text();
                    }
                    outs.add(new Out(e, name, type, ex.alias() != null));
                }
            }
        }
        return outs;
    }

    private static void starColumns(Scope scope, List<Out> outs) {
        for (Scope s : scope.level()) {
            tableColumns(s, outs);
        }
    }

    private static void tableColumns(Scope s, List<Out> outs) {
        for (Column c : s.table().columns()) {
            outs.add(new Out(new Expr.ColumnRef(null, s.alias(), c.name(), false), c.name(), c.declaredType(), false));
        }
    }
}
