package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code column OP literal} for columns of every affinity (datatype3 4.2: the column's numeric
 * affinity is applied to the literal; TEXT affinity turns a numeric literal into text; BLOB
 * affinity does nothing), against SQLite evaluating the same WHERE-less expression per row.
 */
class ComparisonAffinityTest {

    static final String[] TYPES = {"INTEGER", "REAL", "NUMERIC", "TEXT", "BLOB"};
    static final String AFFS = "DECBA";
    static final Object[] STORED = {null, 5L, -3L, 2.5, 10.0, "5", "abc", "2.5", " 7 ", new byte[] {'5'}};
    static final ExpressionOracleTest.Lit[] LITERALS = {
            new ExpressionOracleTest.Lit("5", 5L),
            new ExpressionOracleTest.Lit("5.0", 5.0),
            new ExpressionOracleTest.Lit("2.5", 2.5),
            new ExpressionOracleTest.Lit("'5'", "5"),
            new ExpressionOracleTest.Lit("'5.0'", "5.0"),
            new ExpressionOracleTest.Lit("'abc'", "abc"),
            new ExpressionOracleTest.Lit("' 7 '", " 7 "),
            new ExpressionOracleTest.Lit("'10'", "10"),
            new ExpressionOracleTest.Lit("10", 10L),
            new ExpressionOracleTest.Lit("x'35'", new byte[] {'5'}),
            new ExpressionOracleTest.Lit("NULL", null)};

    @Test
    void columnVersusLiteralComparisonsMatchSqlite() throws Exception {
        List<String> mismatches = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(ci INTEGER, cr REAL, cn NUMERIC, ct TEXT, cb BLOB)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES(?1, ?1, ?1, ?1, ?1)")) {
                for (Object v : STORED) {
                    ps.setObject(1, v);
                    ps.executeUpdate();
                }
            }
            String[] cols = {"ci", "cr", "cn", "ct", "cb"};
            String[] ops = {"=", "<", ">"};
            for (int col = 0; col < cols.length; col++) {
                for (ExpressionOracleTest.Lit lit : LITERALS) {
                    for (String op : ops) {
                        List<String> expected = new ArrayList<>();
                        try (Statement s = c.createStatement();
                             ResultSet rs = s.executeQuery("SELECT " + cols[col] + " " + op + " " + lit.sql()
                                     + " FROM t ORDER BY rowid")) {
                            while (rs.next()) {
                                expected.add(Values.canon(rs.getObject(1)));
                            }
                        }
                        List<String> actual = vm(col, op, lit.value());
                        if (!expected.equals(actual)) {
                            mismatches.add(cols[col] + " " + op + " " + lit.sql() + ": sqlite " + expected
                                    + " vm " + actual);
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Stores STORED through MakeRecord with the column affinities, then compares column col. */
    private static List<String> vm(int col, String op, Object literal) {
        MemoryBTreeStore store = new MemoryBTreeStore();
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createTableNow();
        ProgramBuilder ins = new ProgramBuilder();
        ins.emit(new Insn.Transaction(0, true, 0, false));
        ins.emit(new Insn.OpenWrite(0, root, 0, 5));
        for (int k = 0; k < 5; k++) {
            ins.emit(new Insn.Variable(1, 1 + k));
        }
        ins.emit(new Insn.NewRowid(0, 6, 0));
        ins.emit(new Insn.MakeRecord(1, 5, 7, AFFS));
        ins.emit(new Insn.Insert(0, 7, 6, "t", 0));
        ins.emit(Insn.Halt.OK);
        Program insert = ins.build();
        for (Object v : STORED) {
            VdbeRunner.run(insert, ctx, v);
        }
        Affinity aff = Affinity.ofCode(AFFS.charAt(col));
        // SQLite's rule for column vs literal: the column's affinity if numeric or TEXT, none for BLOB
        Affinity cmp = aff == Affinity.BLOB ? null : aff;
        ProgramBuilder b = new ProgramBuilder();
        int end = b.newLabel();
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.OpenRead(0, root, 0, 5));
        b.emit(new Insn.Rewind(0, end));
        int loop = b.currentAddress();
        b.emit(new Insn.Column(0, col, 1));
        if (aff == Affinity.REAL) {
            b.emit(new Insn.RealAffinity(1));
        }
        b.emit(ExpressionOracleTest.load(literal, 2));
        int isTrue = b.newLabel();
        int isNull = b.newLabel();
        int out = b.newLabel();
        b.emit(new Insn.IsNull(1, isNull));
        b.emit(new Insn.IsNull(2, isNull));
        b.emit(new Insn.Integer(0, 3));
        b.emit(switch (op) {
            case "=" -> new Insn.Eq(2, isTrue, 1, Collation.BINARY, cmp, 0);
            case "<" -> new Insn.Lt(2, isTrue, 1, Collation.BINARY, cmp, 0);
            default -> new Insn.Gt(2, isTrue, 1, Collation.BINARY, cmp, 0);
        });
        b.emit(new Insn.Goto(out));
        b.resolve(isTrue);
        b.emit(new Insn.Integer(1, 3));
        b.emit(new Insn.Goto(out));
        b.resolve(isNull);
        b.emit(new Insn.Null(3));
        b.resolve(out);
        b.emit(new Insn.ResultRow(3, 1));
        b.emit(new Insn.Next(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        return Values.rows(VdbeRunner.run(b.build(), ctx)).stream()
                .map(r -> r.substring(1, r.length() - 1)).toList();
    }
}
