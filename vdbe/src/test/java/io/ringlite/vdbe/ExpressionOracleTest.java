package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
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
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every binary operator over a grid of literal operands of every storage class, evaluated by a
 * VM program and by real SQLite ({@code SELECT lit OP lit}); the result's type and value must be
 * identical. Literals have no affinity in SQLite, so the VM comparisons run with none.
 */
class ExpressionOracleTest {
    /** SQL literal, and how the VM loads the same value. */
    record Lit(String sql, Object value) { }

    static final List<Lit> OPERANDS = List.of(
            new Lit("NULL", null),
            new Lit("0", 0L),
            new Lit("1", 1L),
            new Lit("-7", -7L),
            new Lit("3", 3L),
            new Lit("9223372036854775807", Long.MAX_VALUE),
            new Lit("(-9223372036854775807-1)", Long.MIN_VALUE),
            new Lit("2.5", 2.5),
            new Lit("-0.5", -0.5),
            new Lit("1e308", 1e308),
            new Lit("3.0", 3.0),
            new Lit("'12'", "12"),
            new Lit("'3abc'", "3abc"),
            new Lit("'abc'", "abc"),
            new Lit("' 4.5 '", " 4.5 "),
            new Lit("'1e2'", "1e2"),
            new Lit("''", ""),
            new Lit("'ABC'", "ABC"),
            new Lit("x'31'", new byte[] {'1'}),
            new Lit("x'00ff'", new byte[] {0, (byte) 0xff}));

    record Op(String sql, BiFunction<Integer, Integer, Insn> binary, boolean comparison) { }

    static final List<Op> OPS = List.of(
            new Op("+", (l, r) -> new Insn.Add(r, l, 3), false),
            new Op("-", (l, r) -> new Insn.Subtract(r, l, 3), false),
            new Op("*", (l, r) -> new Insn.Multiply(r, l, 3), false),
            new Op("/", (l, r) -> new Insn.Divide(r, l, 3), false),
            new Op("%", (l, r) -> new Insn.Remainder(r, l, 3), false),
            new Op("||", (l, r) -> new Insn.Concat(r, l, 3), false),
            new Op("&", (l, r) -> new Insn.BitAnd(r, l, 3), false),
            new Op("|", (l, r) -> new Insn.BitOr(r, l, 3), false),
            new Op("<<", (l, r) -> new Insn.ShiftLeft(r, l, 3), false),
            new Op(">>", (l, r) -> new Insn.ShiftRight(r, l, 3), false),
            new Op("AND", (l, r) -> new Insn.And(r, l, 3), false),
            new Op("OR", (l, r) -> new Insn.Or(r, l, 3), false),
            new Op("=", (l, r) -> new Insn.Eq(r, -1, l, Collation.BINARY, null, 0), true),
            new Op("<>", (l, r) -> new Insn.Ne(r, -1, l, Collation.BINARY, null, 0), true),
            new Op("<", (l, r) -> new Insn.Lt(r, -1, l, Collation.BINARY, null, 0), true),
            new Op("<=", (l, r) -> new Insn.Le(r, -1, l, Collation.BINARY, null, 0), true),
            new Op(">", (l, r) -> new Insn.Gt(r, -1, l, Collation.BINARY, null, 0), true),
            new Op(">=", (l, r) -> new Insn.Ge(r, -1, l, Collation.BINARY, null, 0), true),
            new Op("IS", (l, r) -> new Insn.Eq(r, -1, l, Collation.BINARY, null, Insn.NULLEQ), true),
            new Op("IS NOT", (l, r) -> new Insn.Ne(r, -1, l, Collation.BINARY, null, Insn.NULLEQ), true));

    static Connection sqlite;

    @BeforeAll
    static void open() throws SQLException {
        sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    }

    @AfterAll
    static void close() throws SQLException {
        sqlite.close();
    }

    /** What SQLite says, as canonical text (or "error: ..."). */
    static String oracle(String expr) {
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("SELECT " + expr)) {
            rs.next();
            return Values.canon(rs.getObject(1));
        } catch (SQLException e) {
            return "error";
        }
    }

    /** Loads a value into register {@code reg}. */
    static Insn load(Object v, int reg) {
        return switch (v) {
            case null -> new Insn.Null(reg);
            case Long l -> new Insn.Int64(reg, l);
            case Double d -> new Insn.Real(reg, d);
            case String s -> new Insn.String8(reg, s);
            case byte[] b -> new Insn.Blob(reg, b);
            default -> throw new AssertionError(v);
        };
    }

    static String vm(Op op, Object left, Object right) {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(load(left, 1));
        b.emit(load(right, 2));
        if (op.comparison()) {
            // SQLite's shape for a comparison as a value: NULL if an operand is NULL (unless IS),
            // else 1 or 0 by the jump.
            int isTrue = b.newLabel();
            int end = b.newLabel();
            int isNull = b.newLabel();
            Insn.Comparison c = (Insn.Comparison) op.binary().apply(1, 2);
            if ((c.flags() & Insn.NULLEQ) == 0) {
                b.emit(new Insn.IsNull(1, isNull));
                b.emit(new Insn.IsNull(2, isNull));
            }
            b.emit(new Insn.Integer(0, 3));
            b.emit(c.relocate(t -> isTrue));
            b.emit(new Insn.Goto(end));
            b.resolve(isTrue);
            b.emit(new Insn.Integer(1, 3));
            b.emit(new Insn.Goto(end));
            b.resolve(isNull);
            b.emit(new Insn.Null(3));
            b.resolve(end);
        } else {
            b.emit(op.binary().apply(1, 2));
        }
        b.emit(new Insn.ResultRow(3, 1));
        b.emit(Insn.Halt.OK);
        try {
            List<Object[]> rows = VdbeRunner.run(b.build(), new SimpleVdbeContext(new MemoryBTreeStore()));
            return Values.canon(rows.get(0)[0]);
        } catch (DatabaseException e) {
            return "error";
        }
    }

    @Test
    void binaryOperatorsMatchSqliteForEveryPairOfOperandTypes() {
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        for (Op op : OPS) {
            for (Lit l : OPERANDS) {
                for (Lit r : OPERANDS) {
                    String sql = l.sql() + " " + op.sql() + " " + r.sql();
                    String expected = oracle(sql);
                    String actual = vm(op, l.value(), r.value());
                    cases++;
                    if (!expected.equals(actual)) {
                        mismatches.add(sql + " -> sqlite " + expected + " vm " + actual);
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(OPS.size() * OPERANDS.size() * OPERANDS.size());
        assertThat(mismatches).isEmpty();
    }

    @Test
    void unaryOperatorsAndCastsMatchSqlite() {
        List<String> mismatches = new ArrayList<>();
        String[] casts = {"INTEGER", "REAL", "TEXT", "BLOB", "NUMERIC"};
        Affinity[] affs = {Affinity.INTEGER, Affinity.REAL, Affinity.TEXT, Affinity.BLOB, Affinity.NUMERIC};
        for (Lit l : OPERANDS) {
            check(mismatches, "NOT " + l.sql(), l.value(), new Insn.Not(1, 3));
            check(mismatches, "~" + l.sql(), l.value(), new Insn.BitNot(1, 3));
            check(mismatches, l.sql() + " IS TRUE", l.value(), new Insn.IsTrue(1, 3, 0, false));
            check(mismatches, l.sql() + " IS FALSE", l.value(), new Insn.IsTrue(1, 3, 0, true));
            check(mismatches, l.sql() + " IS NOT TRUE", l.value(), new Insn.IsTrue(1, 3, 1, true));
            check(mismatches, l.sql() + " IS NOT FALSE", l.value(), new Insn.IsTrue(1, 3, 1, false));
            for (int i = 0; i < casts.length; i++) {
                check(mismatches, "CAST(" + l.sql() + " AS " + casts[i] + ")", l.value(),
                        new Insn.Cast(1, affs[i]), new Insn.Copy(1, 3));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static void check(List<String> mismatches, String sql, Object value, Insn... ops) {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(load(value, 1));
        for (Insn op : ops) {
            b.emit(op);
        }
        b.emit(new Insn.ResultRow(3, 1));
        b.emit(Insn.Halt.OK);
        String actual;
        try {
            actual = Values.canon(VdbeRunner.run(b.build(), new SimpleVdbeContext(new MemoryBTreeStore())).get(0)[0]);
        } catch (DatabaseException e) {
            actual = "error";
        }
        String expected = oracle(sql);
        if (!expected.equals(actual)) {
            mismatches.add(sql + " -> sqlite " + expected + " vm " + actual);
        }
    }
}
