package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random nested expressions (operators, functions, CAST, NOT over literals of every type),
 * compiled by a tiny code generator into VM programs and evaluated by real SQLite; results must
 * be identical. Seeded: a failure names its seed and expression.
 */
class RandomExpressionTest {

    /** An expression: its SQL text and a code generator writing its value into a register. */
    private interface Expr {
        String sql();

        void gen(ProgramBuilder b, int dest);

        /** The expression's affinity (only CAST has one here), null for none. */
        default Affinity affinity() {
            return null;
        }
    }

    /**
     * The affinity a comparison applies (datatype3 4.2, as SQLite's compiler picks it): if both
     * sides have one, NUMERIC when either is numeric, else BLOB (no conversion); if one side
     * has one, that one; else none.
     */
    static Affinity comparisonAffinity(Affinity a, Affinity b) {
        if (a != null && b != null) {
            return a.isNumeric() || b.isNumeric() ? Affinity.NUMERIC : Affinity.BLOB;
        }
        return a != null ? a : b;
    }

    private record Lit(ExpressionOracleTest.Lit lit) implements Expr {
        public String sql() {
            return lit.sql();
        }

        public void gen(ProgramBuilder b, int dest) {
            b.emit(ExpressionOracleTest.load(lit.value(), dest));
        }
    }

    private record Bin(ExpressionOracleTest.Op op, Expr l, Expr r) implements Expr {
        public String sql() {
            return "(" + l.sql() + " " + op.sql() + " " + r.sql() + ")";
        }

        public void gen(ProgramBuilder b, int dest) {
            int rl = b.allocRegister();
            int rr = b.allocRegister();
            l.gen(b, rl);
            r.gen(b, rr);
            Insn insn = op.binary().apply(rl, rr);
            if (insn instanceof Insn.Binary bin) {
                b.emit(switch (bin) {
                    case Insn.Add x -> new Insn.Add(rr, rl, dest);
                    case Insn.Subtract x -> new Insn.Subtract(rr, rl, dest);
                    case Insn.Multiply x -> new Insn.Multiply(rr, rl, dest);
                    case Insn.Divide x -> new Insn.Divide(rr, rl, dest);
                    case Insn.Remainder x -> new Insn.Remainder(rr, rl, dest);
                    case Insn.Concat x -> new Insn.Concat(rr, rl, dest);
                    case Insn.BitAnd x -> new Insn.BitAnd(rr, rl, dest);
                    case Insn.BitOr x -> new Insn.BitOr(rr, rl, dest);
                    case Insn.ShiftLeft x -> new Insn.ShiftLeft(rr, rl, dest);
                    case Insn.ShiftRight x -> new Insn.ShiftRight(rr, rl, dest);
                    case Insn.And x -> new Insn.And(rr, rl, dest);
                    case Insn.Or x -> new Insn.Or(rr, rl, dest);
                });
                return;
            }
            Insn.Comparison c0 = (Insn.Comparison) insn;
            Affinity aff = comparisonAffinity(l.affinity(), r.affinity());
            Insn.Comparison c = switch (c0) {
                case Insn.Eq x -> new Insn.Eq(rr, 0, rl, Collation.BINARY, aff, x.flags());
                case Insn.Ne x -> new Insn.Ne(rr, 0, rl, Collation.BINARY, aff, x.flags());
                case Insn.Lt x -> new Insn.Lt(rr, 0, rl, Collation.BINARY, aff, x.flags());
                case Insn.Le x -> new Insn.Le(rr, 0, rl, Collation.BINARY, aff, x.flags());
                case Insn.Gt x -> new Insn.Gt(rr, 0, rl, Collation.BINARY, aff, x.flags());
                case Insn.Ge x -> new Insn.Ge(rr, 0, rl, Collation.BINARY, aff, x.flags());
            };
            int isTrue = b.newLabel();
            int isNull = b.newLabel();
            int end = b.newLabel();
            if ((c.flags() & Insn.NULLEQ) == 0) {
                b.emit(new Insn.IsNull(rl, isNull));
                b.emit(new Insn.IsNull(rr, isNull));
            }
            b.emit(new Insn.Integer(0, dest));
            b.emit(c.relocate(t -> isTrue));
            b.emit(new Insn.Goto(end));
            b.resolve(isTrue);
            b.emit(new Insn.Integer(1, dest));
            b.emit(new Insn.Goto(end));
            b.resolve(isNull);
            b.emit(new Insn.Null(dest));
            b.resolve(end);
        }
    }

    private record Call(String name, List<Expr> args) implements Expr {
        public String sql() {
            return name + "(" + String.join(", ", args.stream().map(Expr::sql).toList()) + ")";
        }

        public void gen(ProgramBuilder b, int dest) {
            int first = b.allocRegisters(Math.max(args.size(), 1));
            for (int i = 0; i < args.size(); i++) {
                args.get(i).gen(b, first + i);
            }
            b.emit(new Insn.Function(first, dest, FunctionRegistry.lookup(name, args.size()), args.size()));
        }
    }

    private record Cast(Expr e, String type, Affinity aff) implements Expr {
        public String sql() {
            return "CAST(" + e.sql() + " AS " + type + ")";
        }

        public void gen(ProgramBuilder b, int dest) {
            e.gen(b, dest);
            b.emit(new Insn.Cast(dest, aff));
        }

        @Override
        public Affinity affinity() {
            return aff;
        }
    }

    private record Not(Expr e) implements Expr {
        public String sql() {
            return "(NOT " + e.sql() + ")";
        }

        public void gen(ProgramBuilder b, int dest) {
            int r = b.allocRegister();
            e.gen(b, r);
            b.emit(new Insn.Not(r, dest));
        }
    }

    private static final String[] FUNCS1 = {"length", "abs", "upper", "lower", "typeof", "quote", "hex",
            "round", "trim", "unicode"};
    private static final String[] FUNCS2 = {"substr", "coalesce", "ifnull", "nullif", "instr", "round",
            "max", "min", "like", "glob"};

    private static Expr random(Random rnd, int depth) {
        if (depth == 0 || rnd.nextInt(4) == 0) {
            List<ExpressionOracleTest.Lit> ops = ExpressionOracleTest.OPERANDS;
            return new Lit(ops.get(rnd.nextInt(ops.size())));
        }
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> {
                List<ExpressionOracleTest.Op> ops = ExpressionOracleTest.OPS;
                yield new Bin(ops.get(rnd.nextInt(ops.size())), random(rnd, depth - 1), random(rnd, depth - 1));
            }
            case 2 -> new Call(FUNCS1[rnd.nextInt(FUNCS1.length)], List.of(random(rnd, depth - 1)));
            case 3 -> new Call(FUNCS2[rnd.nextInt(FUNCS2.length)],
                    List.of(random(rnd, depth - 1), random(rnd, depth - 1)));
            case 4 -> {
                int t = rnd.nextInt(5);
                yield new Cast(random(rnd, depth - 1), new String[] {"INTEGER", "REAL", "TEXT", "BLOB", "NUMERIC"}[t],
                        new Affinity[] {Affinity.INTEGER, Affinity.REAL, Affinity.TEXT, Affinity.BLOB,
                                Affinity.NUMERIC}[t]);
            }
            default -> new Not(random(rnd, depth - 1));
        };
    }

    @Test
    void randomNestedExpressionsEvaluateAsInSqlite() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            for (long seed = 1; seed <= 3000; seed++) {
                Expr e = random(new Random(seed), 4);
                String expected;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + e.sql())) {
                    rs.next();
                    expected = Values.canon(rs.getObject(1));
                } catch (SQLException ex) {
                    expected = "error";
                }
                String actual;
                ProgramBuilder b = new ProgramBuilder();
                int r = b.allocRegister();
                e.gen(b, r);
                b.emit(new Insn.ResultRow(r, 1));
                b.emit(Insn.Halt.OK);
                try {
                    actual = Values.canon(VdbeRunner.run(b.build(), new SimpleVdbeContext(new MemoryBTreeStore())).get(0)[0]);
                } catch (DatabaseException ex) {
                    actual = "error";
                }
                if (!expected.equals(actual)) {
                    mismatches.add("seed " + seed + ": SELECT " + e.sql() + " -> sqlite " + expected + " vm " + actual);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
