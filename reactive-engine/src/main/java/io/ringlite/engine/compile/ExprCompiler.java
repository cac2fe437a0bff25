package io.ringlite.engine.compile;

import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Expr.BinaryOp;
import io.ringlite.engine.sql.Keyword;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.func.FuncDef;
import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Expression code generation: {@link #compile} leaves an expression's value in a register;
 * {@link #jumpIfFalse} / {@link #jumpIfTrue} turn a condition into jumps (WHERE), as SQLite's
 * code generator does, so a WHERE clause costs no boolean register.
 *
 * <p>Semantics that the shape of the code carries (datatype3 sections 4.2 and 7):
 * <ul>
 *   <li>comparison affinity: if either operand is a column (or CAST) with a numeric affinity,
 *       NUMERIC is applied; if one has TEXT affinity and the other none, TEXT; otherwise
 *       nothing. Literals and other expressions have no affinity;</li>
 *   <li>collation: an explicit COLLATE on the left, else on the right, else the left column's,
 *       else the right column's, else BINARY;</li>
 *   <li>a comparison with a NULL operand is NULL: as a value it gives NULL, as a WHERE
 *       condition it is false (the JUMPIFNULL flag on the inverted comparison).</li>
 * </ul>
 */
final class ExprCompiler {
    private final ProgramBuilder b;
    private final Scope scope;
    /** Expressions already computed into a register (aggregate results, captured columns). */
    private final Map<Expr, Integer> precomputed = new IdentityHashMap<>();
    /** When >= 0, columns of the scope's table are read from registers rowBase.. (CHECK). */
    private int rowBase = -1;
    private int rowidReg;

    /** Compiles subqueries; null where they are not supported. */
    private final SelectCompiler.Context context;

    ExprCompiler(ProgramBuilder b, Scope scope) {
        this(b, scope, null);
    }

    ExprCompiler(ProgramBuilder b, Scope scope, SelectCompiler.Context context) {
        this.b = b;
        this.scope = scope;
        this.context = context;
    }


    /**
     * Makes column references read the row being written from registers ({@code rowBase + i}
     * for column i, {@code rowidReg} for the rowid) instead of the cursor: for CHECK constraints.
     */
    ExprCompiler readingRegisters(int rowBase, int rowidReg) {
        this.rowBase = rowBase;
        this.rowidReg = rowidReg;
        return this;
    }

    void precomputed(Expr e, int reg) {
        precomputed.put(e, reg);
    }

    Scope scope() {
        return scope;
    }

    int compileToNew(Expr e) {
        int r = b.allocRegister();
        compile(e, r);
        return r;
    }

    /** Emits code leaving the value of {@code e} in register {@code target}. */
    void compile(Expr e, int target) {
        Integer pre = precomputed.get(e);
        if (pre != null) {
            b.emit(new Insn.Copy(pre, target));
            return;
        }
        switch (e) {
            case Expr.Literal lit -> literal(lit.value(), target);
            case Expr.Param p -> b.emit(new Insn.Variable(p.index(), target, p.name()));
            case Expr.ColumnRef ref -> columnRef(ref, target);
            case Expr.Unary u -> unary(u, target);
            case Expr.Binary bin -> binary(bin, target);
            case Expr.NullTest nt -> {
                int r = compileToNew(nt.operand());
                int done = b.newLabel();
                b.emit(new Insn.Integer(1, target));
                b.emit(nt.notNull() ? new Insn.NotNull(r, done) : new Insn.IsNull(r, done));
                b.emit(new Insn.Integer(0, target));
                b.resolve(done);
            }
            case Expr.Between bt -> between(bt, target);
            case Expr.InList in -> inList(in, target);
            case Expr.Like like -> like(like, target);
            case Expr.Case c -> caseExpr(c, target);
            case Expr.Cast c -> {
                compile(c.operand(), target);
                b.emit(new Insn.Cast(target, Affinity.ofDeclaredType(c.typeName())));
            }
            case Expr.Collate c -> compile(c.operand(), target);
            case Expr.Function f -> function(f, target);
            case Expr.CurrentTime ct -> throw Compiler.notSupported(ct.which().name());
            case Expr.InSelect in -> {
                requireContext("IN (SELECT ...)");
                int rx = compileToNew(in.operand());
                SelectCompiler.inSubquery(context, b, scope, in.select(), rx, in.not(), target, in.operand(), this);
            }
            case Expr.InTable in -> {
                if (in.args() != null) {
                    throw Compiler.notSupported("IN table-valued function");
                }
                requireContext("IN table");
                // x IN t is x IN (SELECT * FROM t) for a table of one column.
                io.ringlite.engine.sql.Select all = new io.ringlite.engine.sql.Select(null,
                        new io.ringlite.engine.sql.Select.Core(false, List.of(new io.ringlite.engine.sql.Select.Star()),
                                new io.ringlite.engine.sql.Select.TableName(in.schema(), in.table(), null, null),
                                null, List.of(), null, List.of()), List.of(), null, null);
                int rx = compileToNew(in.operand());
                SelectCompiler.inSubquery(context, b, scope, all, rx, in.not(), target, in.operand(), this);
            }
            case Expr.Exists ex -> {
                requireContext("EXISTS");
                SelectCompiler.existsSubquery(context, b, scope, ex.select(), target);
            }
            case Expr.Subquery sq -> {
                requireContext("scalar subquery");
                SelectCompiler.scalarSubquery(context, b, scope, sq.select(), target);
            }
            case Expr.RowValue x -> throw Compiler.notSupported("row values");
            case Expr.Raise x -> throw new DatabaseException(ResultCode.ERROR,
                    "RAISE() may only be used within a trigger-program");
        }
    }

    private void requireContext(String feature) {
        if (context == null) {
            throw Compiler.notSupported(feature + " here");
        }
    }

    /** The comparison instruction for an IN test of {@code rx} against {@code rv}. */
    Insn inComparison(Expr operand, int rx, int rv, int target) {
        return comparison(BinaryOp.EQ, operand, null, rx, rv, target, 0);
    }

    private void literal(Object v, int target) {
        switch (v) {
            case null -> b.emit(new Insn.Null(target));
            case Long l when l >= java.lang.Integer.MIN_VALUE && l <= java.lang.Integer.MAX_VALUE ->
                    b.emit(new Insn.Integer((int) (long) l, target));
            case Long l -> b.emit(new Insn.Int64(target, l));
            case Double d -> b.emit(new Insn.Real(target, d));
            case String s -> b.emit(new Insn.String8(target, s));
            case byte[] bytes -> b.emit(new Insn.Blob(target, bytes));
            default -> throw new IllegalStateException("invariant: literal of type " + v.getClass());
        }
    }

    private void columnRef(Expr.ColumnRef ref, int target) {
        Scope.Resolved r = scope == null ? null : scope.resolve(ref);
        if (r == null) {
            if (ref.table() == null && ref.doubleQuoted()) {
                // SQLite's documented misfeature: a double-quoted name that is no column is a string.
                b.emit(new Insn.String8(target, ref.column()));
                return;
            }
            if (ref.table() == null && ref.column().equalsIgnoreCase("true")) {
                b.emit(new Insn.Integer(1, target));
                return;
            }
            if (ref.table() == null && ref.column().equalsIgnoreCase("false")) {
                b.emit(new Insn.Integer(0, target));
                return;
            }
            throw Scope.noSuchColumn(ref);
        }
        if (rowBase >= 0) {
            b.emit(new Insn.Copy(r.isRowid() ? rowidReg : rowBase + r.column(), target));
            return;
        }
        if (r.isRowid()) {
            b.emit(new Insn.Rowid(r.cursor(), target));
            return;
        }
        Object dflt = r.def().defaultValue() instanceof Expr.Literal lit ? lit.value() : null;
        b.emit(new Insn.Column(r.cursor(), r.field(), target, dflt));
        if (r.def().affinity() == Affinity.REAL) {
            b.emit(new Insn.RealAffinity(target));
        }
    }

    private void unary(Expr.Unary u, int target) {
        switch (u.op()) {
            case NEG -> {
                if (u.operand() instanceof Expr.Literal lit && lit.value() instanceof Long l && l != Long.MIN_VALUE) {
                    literal(-l, target);
                } else if (u.operand() instanceof Expr.Literal lit && lit.value() instanceof Double d) {
                    literal(-d, target);
                } else {
                    int r = compileToNew(u.operand());
                    int zero = b.allocRegister();
                    b.emit(new Insn.Integer(0, zero));
                    b.emit(new Insn.Subtract(r, zero, target));
                }
            }
            case PLUS -> compile(u.operand(), target);
            case BITNOT -> {
                int r = compileToNew(u.operand());
                b.emit(new Insn.BitNot(r, target));
            }
            case NOT -> {
                int r = compileToNew(u.operand());
                b.emit(new Insn.Not(r, target));
            }
        }
    }

    private void binary(Expr.Binary bin, int target) {
        BinaryOp op = bin.op();
        if (isComparison(op)) {
            int rl = compileToNew(bin.left());
            int rr = compileToNew(bin.right());
            int done = b.newLabel();
            boolean nullEq = op == BinaryOp.IS || op == BinaryOp.IS_NOT;
            if (!nullEq) {
                b.emit(new Insn.Null(target));
                b.emit(new Insn.IsNull(rl, done));
                b.emit(new Insn.IsNull(rr, done));
            }
            b.emit(new Insn.Integer(1, target));
            b.emit(comparison(op, bin.left(), bin.right(), rl, rr, done, nullEq ? Insn.NULLEQ : 0));
            b.emit(new Insn.Integer(0, target));
            b.resolve(done);
            return;
        }
        if (op == BinaryOp.PTR || op == BinaryOp.PTR2) {
            throw Compiler.notSupported("the " + (op == BinaryOp.PTR ? "->" : "->>") + " operator");
        }
        int rl = compileToNew(bin.left());
        int rr = compileToNew(bin.right());
        b.emit(switch (op) {
            case AND -> new Insn.And(rr, rl, target);
            case OR -> new Insn.Or(rr, rl, target);
            case ADD -> new Insn.Add(rr, rl, target);
            case SUB -> new Insn.Subtract(rr, rl, target);
            case MUL -> new Insn.Multiply(rr, rl, target);
            case DIV -> new Insn.Divide(rr, rl, target);
            case REM -> new Insn.Remainder(rr, rl, target);
            case CONCAT -> new Insn.Concat(rr, rl, target);
            case BITAND -> new Insn.BitAnd(rr, rl, target);
            case BITOR -> new Insn.BitOr(rr, rl, target);
            case LSHIFT -> new Insn.ShiftLeft(rr, rl, target);
            case RSHIFT -> new Insn.ShiftRight(rr, rl, target);
            default -> throw new IllegalStateException("invariant: unhandled operator " + op);
        });
    }

    static boolean isComparison(BinaryOp op) {
        return switch (op) {
            case EQ, NE, IS, IS_NOT, LT, LE, GT, GE -> true;
            default -> false;
        };
    }

    /** The comparison instruction for {@code left OP right} jumping to {@code target}. */
    private Insn comparison(BinaryOp op, Expr left, Expr right, int rl, int rr, int target, int flags) {
        Collation coll = right == null ? collation(left, left) : collation(left, right);
        Affinity aff = right == null ? affinity(left) : comparisonAffinity(affinity(left), affinity(right));
        Collation c = coll == Collation.BINARY ? null : coll;
        return switch (op) {
            case EQ, IS -> new Insn.Eq(rr, target, rl, c, aff, flags);
            case NE, IS_NOT -> new Insn.Ne(rr, target, rl, c, aff, flags);
            case LT -> new Insn.Lt(rr, target, rl, c, aff, flags);
            case LE -> new Insn.Le(rr, target, rl, c, aff, flags);
            case GT -> new Insn.Gt(rr, target, rl, c, aff, flags);
            case GE -> new Insn.Ge(rr, target, rl, c, aff, flags);
            default -> throw new IllegalStateException("invariant: not a comparison " + op);
        };
    }

    private static BinaryOp inverse(BinaryOp op) {
        return switch (op) {
            case EQ -> BinaryOp.NE;
            case NE -> BinaryOp.EQ;
            case IS -> BinaryOp.IS_NOT;
            case IS_NOT -> BinaryOp.IS;
            case LT -> BinaryOp.GE;
            case LE -> BinaryOp.GT;
            case GT -> BinaryOp.LE;
            case GE -> BinaryOp.LT;
            default -> throw new IllegalStateException("invariant: not a comparison " + op);
        };
    }

    /** The affinity of an expression (datatype3 4.2), or null for none. */
    Affinity affinity(Expr e) {
        return switch (e) {
            case Expr.ColumnRef ref -> {
                Scope.Resolved r = scope == null ? null : scope.resolve(ref);
                if (r == null) {
                    yield null;
                }
                yield r.isRowid() ? Affinity.INTEGER : r.def().affinity();
            }
            case Expr.Cast c -> Affinity.ofDeclaredType(c.typeName());
            case Expr.Collate c -> affinity(c.operand());
            default -> null;
        };
    }

    static Affinity comparisonAffinity(Affinity a, Affinity b) {
        // A BLOB-affinity column (or CAST AS BLOB) counts as having an affinity, as in SQLite's
        // sqlite3CompareAffinity: against a TEXT operand no conversion happens (sqlite3 3.40:
        // a no-type column holding 5.0 is not = CAST(5.0 AS TEXT)).
        if (a != null && b != null) {
            return a.isNumeric() || b.isNumeric() ? Affinity.NUMERIC : null;
        }
        Affinity one = a != null ? a : b;
        return one == Affinity.BLOB ? null : one;
    }

    /** The collation of a comparison between {@code left} and {@code right}. */
    Collation collation(Expr left, Expr right) {
        String explicit = explicitCollation(left);
        if (explicit == null) {
            explicit = explicitCollation(right);
        }
        if (explicit == null) {
            explicit = columnCollation(left);
            // A column without a declared collation is BINARY and still decides (SQLite's
            // sqlite3BinaryCompareCollSeq): text = nocase_col is a BINARY comparison.
            if (explicit == null && isNonRowidColumn(left)) {
                explicit = "BINARY";
            }
        }
        if (explicit == null) {
            explicit = columnCollation(right);
        }
        if (explicit == null) {
            return Collation.BINARY;
        }
        Collation c = Collation.named(explicit);
        if (c == null) {
            throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ, "no such collation sequence: " + explicit);
        }
        return c;
    }

    private boolean isNonRowidColumn(Expr e) {
        if (e instanceof Expr.ColumnRef ref && scope != null) {
            Scope.Resolved r = scope.resolve(ref);
            return r != null && !r.isRowid() && r.def() != null;
        }
        return false;
    }

    /** Collation named by COLLATE on {@code e}, or null. */
    static String explicitCollation(Expr e) {
        return e instanceof Expr.Collate c ? c.collation() : null;
    }

    /** Collation declared on the column {@code e} refers to, or null. */
    String columnCollation(Expr e) {
        if (e instanceof Expr.ColumnRef ref && scope != null) {
            Scope.Resolved r = scope.resolve(ref);
            if (r != null && r.def() != null) {
                return r.def().collation();
            }
        }
        return null;
    }

    private void between(Expr.Between bt, int target) {
        // x BETWEEN lo AND hi is x >= lo AND x <= hi with x evaluated once.
        int rx = compileToNew(bt.operand());
        int rlo = compileToNew(bt.low());
        int rhi = compileToNew(bt.high());
        int ge = b.allocRegister();
        int le = b.allocRegister();
        compareInto(BinaryOp.GE, bt.operand(), bt.low(), rx, rlo, ge);
        compareInto(BinaryOp.LE, bt.operand(), bt.high(), rx, rhi, le);
        if (bt.not()) {
            int both = b.allocRegister();
            b.emit(new Insn.And(le, ge, both));
            b.emit(new Insn.Not(both, target));
        } else {
            b.emit(new Insn.And(le, ge, target));
        }
    }

    private void compareInto(BinaryOp op, Expr left, Expr right, int rl, int rr, int target) {
        int done = b.newLabel();
        b.emit(new Insn.Null(target));
        b.emit(new Insn.IsNull(rl, done));
        b.emit(new Insn.IsNull(rr, done));
        b.emit(new Insn.Integer(1, target));
        b.emit(comparison(op, left, right, rl, rr, done, 0));
        b.emit(new Insn.Integer(0, target));
        b.resolve(done);
    }

    private void inList(Expr.InList in, int target) {
        // x IN (a, b, ...): 1 if x equals one of them; else NULL if x or any item is NULL; else 0.
        int rx = compileToNew(in.operand());
        int done = b.newLabel();
        int found = b.newLabel();
        b.emit(new Insn.Null(target));
        if (in.values().isEmpty()) {
            b.emit(new Insn.Integer(in.not() ? 1 : 0, target));
            return;
        }
        b.emit(new Insn.IsNull(rx, done));
        int sawNull = b.allocRegister();
        b.emit(new Insn.Integer(0, sawNull));
        for (Expr v : in.values()) {
            int rv = compileToNew(v);
            Collation coll = inListCollation(in, v);
            b.emit(new Insn.Eq(rv, found, rx, coll == Collation.BINARY ? null : coll, inListAffinity(in), 0));
            int next = b.newLabel();
            b.emit(new Insn.NotNull(rv, next));
            b.emit(new Insn.Integer(1, sawNull));
            b.resolve(next);
        }
        b.emit(new Insn.If(sawNull, done, false));
        b.emit(new Insn.Integer(in.not() ? 1 : 0, target));
        b.emit(new Insn.Goto(done));
        b.resolve(found);
        b.emit(new Insn.Integer(in.not() ? 0 : 1, target));
        b.resolve(done);
    }

    /**
     * The affinity of {@code x IN (list)}'s comparisons: the left operand's alone (sqlite3 3.40:
     * a TEXT column holding '5.0' is not IN (CAST('5' AS INTEGER), 1)). A one-item list is
     * SQLite's {@code x = +item}, whose unary plus drops the item's affinity too.
     */
    Affinity inListAffinity(Expr.InList in) {
        Affinity a = affinity(in.operand());
        return a == Affinity.BLOB ? null : a;
    }

    /**
     * The collation of {@code x IN (list)}'s comparison with {@code item}: the left operand's
     * (explicit, else its column's); a one-item list is {@code x = +item}, where a COLLATE on
     * the item counts as in any comparison.
     */
    Collation inListCollation(Expr.InList in, Expr item) {
        return in.values().size() == 1 ? collation(in.operand(), item) : collation(in.operand(), in.operand());
    }

    private void like(Expr.Like like, int target) {
        String name = like.op().name().toLowerCase(Locale.ROOT);
        if (like.op() == Keyword.MATCH || like.op() == Keyword.REGEXP) {
            // SQLite maps these to user functions match()/regexp(), which are not built in.
            throw new DatabaseException(ResultCode.ERROR, "no such function: " + name.toUpperCase(Locale.ROOT));
        }
        int argc = like.escape() == null ? 2 : 3;
        FuncDef def = FunctionRegistry.lookup(name, argc);
        int first = b.allocRegisters(argc);
        // like(pattern, string [, escape]): the pattern comes first, as in SQLite.
        compile(like.pattern(), first);
        compile(like.left(), first + 1);
        if (argc == 3) {
            compile(like.escape(), first + 2);
        }
        if (like.not()) {
            int r = b.allocRegister();
            b.emit(new Insn.Function(first, r, def, argc));
            b.emit(new Insn.Not(r, target));
        } else {
            b.emit(new Insn.Function(first, target, def, argc));
        }
    }

    private void caseExpr(Expr.Case c, int target) {
        int end = b.newLabel();
        int rOperand = c.operand() == null ? 0 : compileToNew(c.operand());
        for (Expr.WhenThen wt : c.whens()) {
            int next = b.newLabel();
            if (c.operand() != null) {
                int rw = compileToNew(wt.when());
                b.emit(comparison(BinaryOp.NE, c.operand(), wt.when(), rOperand, rw, next, Insn.JUMPIFNULL));
            } else {
                jumpIfFalse(wt.when(), next);
            }
            compile(wt.then(), target);
            b.emit(new Insn.Goto(end));
            b.resolve(next);
        }
        if (c.otherwise() != null) {
            compile(c.otherwise(), target);
        } else {
            b.emit(new Insn.Null(target));
        }
        b.resolve(end);
    }

    private void function(Expr.Function f, int target) {
        if (f.over() != null) {
            throw Compiler.notSupported("window functions");
        }
        if (f.filter() != null) {
            throw Compiler.notSupported("FILTER clause");
        }
        int argc = f.star() ? 0 : f.args().size();
        FuncDef def = FunctionRegistry.lookup(f.name(), argc);
        if (f.star() && !def.isAggregate()) {
            throw new DatabaseException(ResultCode.ERROR, "wrong number of arguments to function " + f.name() + "()");
        }
        if (def.isAggregate()) {
            throw new DatabaseException(ResultCode.ERROR, "misuse of aggregate function " + f.name() + "()");
        }
        if (f.distinct()) {
            throw new DatabaseException(ResultCode.ERROR,
                    "DISTINCT aggregates must have exactly one argument");
        }
        int first = argc == 0 ? 0 : b.allocRegisters(argc);
        for (int i = 0; i < argc; i++) {
            compile(f.args().get(i), first + i);
        }
        b.emit(new Insn.Function(first, target, def, argc));
    }

    /** True if {@code f} names an aggregate function (looked up by name and argument count). */
    static boolean isAggregateCall(Expr.Function f) {
        if (f.over() != null || !FunctionRegistry.exists(f.name())) {
            return false;
        }
        try {
            return FunctionRegistry.lookup(f.name(), f.star() ? 0 : f.args().size()).isAggregate();
        } catch (DatabaseException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ conditions

    /** Jumps to {@code label} if {@code e} is false or NULL; falls through if it is true. */
    void jumpIfFalse(Expr e, int label) {
        switch (e) {
            case Expr.Binary bin when bin.op() == BinaryOp.AND -> {
                jumpIfFalse(bin.left(), label);
                jumpIfFalse(bin.right(), label);
            }
            case Expr.Binary bin when bin.op() == BinaryOp.OR -> {
                int ok = b.newLabel();
                jumpIfTrue(bin.left(), ok);
                jumpIfFalse(bin.right(), label);
                b.resolve(ok);
            }
            case Expr.Binary bin when isComparison(bin.op()) && !precomputed.containsKey(e) -> {
                int rl = compileToNew(bin.left());
                int rr = compileToNew(bin.right());
                boolean nullEq = bin.op() == BinaryOp.IS || bin.op() == BinaryOp.IS_NOT;
                b.emit(comparison(inverse(bin.op()), bin.left(), bin.right(), rl, rr, label,
                        nullEq ? Insn.NULLEQ : Insn.JUMPIFNULL));
            }
            case Expr.NullTest nt when !precomputed.containsKey(e) -> {
                int r = compileToNew(nt.operand());
                b.emit(nt.notNull() ? new Insn.IsNull(r, label) : new Insn.NotNull(r, label));
            }
            default -> {
                int r = compileToNew(e);
                b.emit(new Insn.IfNot(r, label, true));
            }
        }
    }

    /** Jumps to {@code label} if {@code e} is true; falls through if it is false or NULL. */
    void jumpIfTrue(Expr e, int label) {
        switch (e) {
            case Expr.Binary bin when bin.op() == BinaryOp.OR -> {
                jumpIfTrue(bin.left(), label);
                jumpIfTrue(bin.right(), label);
            }
            case Expr.Binary bin when bin.op() == BinaryOp.AND -> {
                int skip = b.newLabel();
                jumpIfFalse(bin.left(), skip);
                jumpIfTrue(bin.right(), label);
                b.resolve(skip);
            }
            case Expr.Binary bin when isComparison(bin.op()) && !precomputed.containsKey(e) -> {
                int rl = compileToNew(bin.left());
                int rr = compileToNew(bin.right());
                boolean nullEq = bin.op() == BinaryOp.IS || bin.op() == BinaryOp.IS_NOT;
                b.emit(comparison(bin.op(), bin.left(), bin.right(), rl, rr, label, nullEq ? Insn.NULLEQ : 0));
            }
            case Expr.NullTest nt when !precomputed.containsKey(e) -> {
                int r = compileToNew(nt.operand());
                b.emit(nt.notNull() ? new Insn.NotNull(r, label) : new Insn.IsNull(r, label));
            }
            default -> {
                int r = compileToNew(e);
                b.emit(new Insn.If(r, label, false));
            }
        }
    }

    /** Calls {@code visitor} on {@code e} and every sub-expression (not into subqueries). */
    static void walk(Expr e, java.util.function.Consumer<Expr> visitor) {
        if (e == null) {
            return;
        }
        visitor.accept(e);
        switch (e) {
            case Expr.Unary u -> walk(u.operand(), visitor);
            case Expr.Binary bin -> {
                walk(bin.left(), visitor);
                walk(bin.right(), visitor);
            }
            case Expr.NullTest nt -> walk(nt.operand(), visitor);
            case Expr.Like l -> {
                walk(l.left(), visitor);
                walk(l.pattern(), visitor);
                walk(l.escape(), visitor);
            }
            case Expr.Between bt -> {
                walk(bt.operand(), visitor);
                walk(bt.low(), visitor);
                walk(bt.high(), visitor);
            }
            case Expr.InList in -> {
                walk(in.operand(), visitor);
                in.values().forEach(v -> walk(v, visitor));
            }
            case Expr.InSelect in -> walk(in.operand(), visitor);
            case Expr.InTable in -> walk(in.operand(), visitor);
            case Expr.Case c -> {
                walk(c.operand(), visitor);
                for (Expr.WhenThen wt : c.whens()) {
                    walk(wt.when(), visitor);
                    walk(wt.then(), visitor);
                }
                walk(c.otherwise(), visitor);
            }
            case Expr.Cast c -> walk(c.operand(), visitor);
            case Expr.Collate c -> walk(c.operand(), visitor);
            case Expr.RowValue rv -> rv.values().forEach(v -> walk(v, visitor));
            case Expr.Function f -> f.args().forEach(a -> walk(a, visitor));
            case Expr.Raise r -> walk(r.message(), visitor);
            default -> {
            }
        }
    }

    /** Whether {@code e} contains an aggregate function call. */
    static boolean containsAggregate(Expr e) {
        boolean[] found = {false};
        walk(e, x -> {
            if (x instanceof Expr.Function f && isAggregateCall(f)) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** Fails with SQLite's message if {@code e} (a WHERE or similar clause) uses an aggregate. */
    static void checkNoAggregate(Expr e) {
        walk(e, x -> {
            if (x instanceof Expr.Function f && isAggregateCall(f)) {
                throw new DatabaseException(ResultCode.ERROR, "misuse of aggregate function " + f.name() + "()");
            }
        });
    }

    /** Literal expressions that are constant (no columns, parameters are fine). */
    static boolean isConstant(Expr e) {
        boolean[] ok = {true};
        walk(e, x -> {
            if (x instanceof Expr.ColumnRef || x instanceof Expr.Subquery || x instanceof Expr.Exists
                    || x instanceof Expr.InSelect) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    static List<Expr> conjuncts(Expr e) {
        java.util.ArrayList<Expr> out = new java.util.ArrayList<>();
        collectConjuncts(e, out);
        return out;
    }

    private static void collectConjuncts(Expr e, List<Expr> out) {
        if (e instanceof Expr.Binary bin && bin.op() == BinaryOp.AND) {
            collectConjuncts(bin.left(), out);
            collectConjuncts(bin.right(), out);
        } else if (e != null) {
            out.add(e);
        }
    }
}
