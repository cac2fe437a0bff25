package io.ringlite.vdbe.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXPLAIN rows in SQLite's layout, compared with real SQLite's EXPLAIN of the same statement. */
class ExplainTest {

    /** sqlite-jdbc's EXPLAIN rows for {@code sql}, with t(a INTEGER, b TEXT) at root page 2. */
    private static List<String> sqliteExplain(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(a INTEGER, b TEXT)");
            try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    names.add(rs.getMetaData().getColumnName(i));
                }
                assertThat(names).isEqualTo(Program.EXPLAIN_COLUMNS);
                while (rs.next()) {
                    Object[] row = new Object[8];
                    for (int i = 0; i < 8; i++) {
                        Object v = rs.getObject(i + 1);
                        row[i] = v instanceof Integer n ? (long) n : v;
                    }
                    rows.add(Arrays.toString(row));
                }
            }
        }
        return rows;
    }

    private static List<String> ours(Program p) {
        return p.explain().stream().map(Arrays::toString).toList();
    }

    @Test
    void selectOfConstantsExplainsExactlyAsSqlite() throws SQLException {
        ProgramBuilder b = new ProgramBuilder();
        int init = b.emit(new Insn.Init(0));
        int r = b.allocRegisters(3);
        int start = b.currentAddress();
        b.emit(new Insn.Real(r, 1.5));
        b.emit(new Insn.String8(r + 1, "x"));
        b.emit(new Insn.Null(r + 2));
        b.emit(new Insn.ResultRow(r, 3));
        b.emit(Insn.Halt.OK);
        b.set(init, new Insn.Init(b.currentAddress()));
        b.emit(new Insn.Goto(start));
        assertThat(ours(b.build())).containsExactlyElementsOf(sqliteExplain("SELECT 1.5, 'x', NULL"));
    }

    @Test
    void selectOfAnIntegerExplainsExactlyAsSqlite() throws SQLException {
        ProgramBuilder b = new ProgramBuilder();
        int tail = b.newLabel();
        b.emit(new Insn.Init(tail));
        int start = b.currentAddress();
        b.emit(new Insn.Integer(1, 1));
        b.emit(new Insn.ResultRow(1, 1));
        b.emit(Insn.Halt.OK);
        b.resolve(tail);
        b.emit(new Insn.Goto(start));
        assertThat(ours(b.build())).containsExactlyElementsOf(sqliteExplain("SELECT 1"));
    }

    @Test
    void insertExplainsExactlyAsSqlite() throws SQLException {
        ProgramBuilder b = new ProgramBuilder();
        int tail = b.newLabel();
        b.emit(new Insn.Init(tail));
        int start = b.currentAddress();
        b.emit(new Insn.OpenWrite(0, 2, 0, 2));
        b.emit(new Insn.Integer(1, 2));
        b.emit(new Insn.String8(3, "x"));
        b.emit(new Insn.NewRowid(0, 1, 0));
        b.emit(new Insn.MakeRecord(2, 2, 4, "DB"));
        b.emit(new Insn.Insert(0, 4, 1, "t", Insn.OPFLAG_NCHANGE | Insn.OPFLAG_LASTROWID
                | Insn.OPFLAG_APPEND | Insn.OPFLAG_USESEEKRESULT));
        b.emit(Insn.Halt.OK);
        b.resolve(tail);
        b.emit(new Insn.Transaction(0, true, 1, true));
        b.emit(new Insn.Goto(start));
        assertThat(ours(b.build())).containsExactlyElementsOf(sqliteExplain("INSERT INTO t VALUES(1, 'x')"));
    }

    @Test
    void countStarAndSumExplainExactlyAsSqlite() throws SQLException {
        ProgramBuilder c = new ProgramBuilder();
        c.emit(new Insn.Init(7));
        c.emit(new Insn.OpenRead(1, 2, 0, 1));
        c.emit(new Insn.Count(1, 1));
        c.emit(new Insn.Close(1));
        c.emit(new Insn.Copy(1, 2));
        c.emit(new Insn.ResultRow(2, 1));
        c.emit(Insn.Halt.OK);
        c.emit(new Insn.Transaction(0, false, 1, true));
        c.emit(new Insn.Goto(1));
        assertThat(ours(c.build())).containsExactlyElementsOf(sqliteExplain("SELECT count(*) FROM t"));

        ProgramBuilder s = new ProgramBuilder();
        s.emit(new Insn.Init(11));
        s.emit(new Insn.Null(1, 2));
        s.emit(new Insn.OpenRead(0, 2, 0, 1));
        s.emit(new Insn.Rewind(0, 7));
        s.emit(new Insn.Column(0, 0, 3));
        // SQLite 3.40 keeps the accumulator in register 1 (3.50 moved it to register 2)
        s.emit(new Insn.AggStep(3, 1, FunctionRegistry.lookup("sum", 1), 1));
        s.emit(new Insn.Next(0, 4));
        s.emit(new Insn.AggFinal(1, 1, FunctionRegistry.lookup("sum", 1)));
        s.emit(new Insn.Copy(1, 4));
        s.emit(new Insn.ResultRow(4, 1));
        s.emit(Insn.Halt.OK);
        s.emit(new Insn.Transaction(0, false, 1, true));
        s.emit(new Insn.Goto(1));
        assertThat(ours(s.build())).containsExactlyElementsOf(sqliteExplain("SELECT sum(a) FROM t"));
    }

    @Test
    void literalOperandsPrintAsSqlitePrintsThem() throws SQLException {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Init(8));
        b.emit(new Insn.Int64(1, Long.MAX_VALUE));
        b.emit(new Insn.Integer(-5, 2));
        b.emit(new Insn.Real(3, 2.0));
        b.emit(new Insn.Real(4, 0.1));
        b.emit(new Insn.Real(5, 1e20));
        b.emit(new Insn.ResultRow(1, 5));
        b.emit(Insn.Halt.OK);
        b.emit(new Insn.Goto(1));
        assertThat(ours(b.build())).containsExactlyElementsOf(
                sqliteExplain("SELECT 9223372036854775807, -5, 2.0, 0.1, 1e20"));
    }

    /** REAL operands go through SQLite's own printf ({@code %.16g}, x87 digits, "Inf"). */
    @Test
    void realOperandsPrintWithSqlitesDigits() throws SQLException {
        List<String> literals = List.of("1e999", "0.30000000000000004", "5216788171630385.0", "123456789.123456789",
                "1e-300", "2.5e-7", "1e-5", "1.0", "98765432109876543210.0", "0.1234567890123456789");
        ProgramBuilder b = new ProgramBuilder();
        int tail = b.newLabel();
        b.emit(new Insn.Init(tail));
        int start = b.currentAddress();
        for (int i = 0; i < literals.size(); i++) {
            b.emit(new Insn.Real(i + 1, io.ringlite.vdbe.value.DecimalText.toDouble(literals.get(i))));
        }
        b.emit(new Insn.ResultRow(1, literals.size()));
        b.emit(Insn.Halt.OK);
        b.resolve(tail);
        b.emit(new Insn.Goto(start));
        assertThat(ours(b.build())).containsExactlyElementsOf(sqliteExplain("SELECT " + String.join(", ", literals)));
    }

    @Test
    void operandsLandInTheirDocumentedSlots() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Lt(3, 0, 2, Collation.BINARY, Affinity.NUMERIC, Insn.JUMPIFNULL));
        b.emit(new Insn.Function(4, 6, FunctionRegistry.lookup("length", 1), 1));
        b.emit(new Insn.MakeRecord(1, 2, 7, "DB"));
        b.emit(new Insn.Column(0, 1, 2, null));
        b.emit(new Insn.Subtract(5, 4, 3));
        b.emit(new Insn.SorterOpen(1, 3, new KeyInfo(List.of(true, false), List.of(Collation.BINARY, Collation.NOCASE))));
        List<Object[]> rows = b.build().explain();
        assertThat(rows.get(0)).containsExactly(0L, "Lt", 3L, 0L, 2L, "BINARY-8", (long) ('C' | 0x10), null);
        assertThat(rows.get(1)).containsExactly(1L, "Function", 0L, 4L, 6L, "length(1)", 1L, null);
        assertThat(rows.get(2)).containsExactly(2L, "MakeRecord", 1L, 2L, 7L, "DB", 0L, null);
        assertThat(rows.get(3)).containsExactly(3L, "Column", 0L, 1L, 2L, null, 0L, null);
        assertThat(rows.get(4)).containsExactly(4L, "Subtract", 5L, 4L, 3L, null, 0L, null);
        assertThat(rows.get(5)).containsExactly(5L, "SorterOpen", 1L, 3L, 0L, "k(2,-B,NOCASE)", 0L, null);
    }
}
