package io.ringlite.vdbe.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Column affinity: the declared-type rules and the conversion on insert, both against SQLite. */
class AffinityTest {

    static final String[] DECLARED = {"INT", "INTEGER", "TINYINT", "BIGINT", "UNSIGNED BIG INT", "INT2",
            "CHARACTER(20)", "VARCHAR(255)", "NCHAR(55)", "TEXT", "CLOB", "BLOB", "", "REAL", "DOUBLE",
            "DOUBLE PRECISION", "FLOAT", "NUMERIC", "DECIMAL(10,5)", "BOOLEAN", "DATE", "DATETIME",
            "FLOATING POINT", "STRING", "CHARINT", "POINT", "xyz"};

    static final Object[] VALUES = {null, 3L, -7L, 3.0, 2.5, 1e18, 1e300, "12", " 12 ", "3.0", "1e2", "12abc",
            "abc", "", "0x10", "9223372036854775808", "-9223372036854775808", "1e400", new byte[] {'1'}};

    static String canon(Object v) {
        return switch (v) {
            case null -> "NULL";
            case Integer i -> "i:" + i;
            case Long l -> "i:" + l;
            case Double d -> "r:" + d;
            case String s -> "t:" + s;
            case byte[] b -> "b:" + HexFormat.of().formatHex(b);
            default -> throw new AssertionError(v);
        };
    }

    /**
     * For every declared type and value: the affinity our rule derives, applied to the value,
     * must give the value SQLite stores (read back with typeof and the value itself).
     */
    @Test
    void storedValuesMatchSqliteForEveryDeclaredTypeAndValue() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE t(");
            for (int i = 0; i < DECLARED.length; i++) {
                ddl.append(i > 0 ? ", " : "").append("c").append(i).append(' ').append(DECLARED[i]);
            }
            try (Statement s = c.createStatement()) {
                s.execute(ddl.append(")").toString());
            }
            for (Object value : VALUES) {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM t");
                }
                String marks = String.join(",", java.util.Collections.nCopies(DECLARED.length, "?1"));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES(" + marks + ")")) {
                    if (value == null) {
                        ps.setNull(1, java.sql.Types.NULL);
                    } else {
                        ps.setObject(1, value);
                    }
                    ps.executeUpdate();
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM t")) {
                    rs.next();
                    for (int i = 0; i < DECLARED.length; i++) {
                        Mem m = Mem.of(value);
                        Affinity aff = Affinity.ofDeclaredType(DECLARED[i]);
                        aff.apply(m);
                        String expected = canon(rs.getObject(i + 1));
                        String actual = canon(m.toObject());
                        if (!expected.equals(actual)) {
                            mismatches.add(DECLARED[i] + " (" + aff + ") <- " + canon(value) + ": sqlite "
                                    + expected + " ours " + actual);
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void declaredTypeRulesApplyInSqlitesOrder() {
        assertThat(Affinity.ofDeclaredType("CHARINT")).isEqualTo(Affinity.INTEGER); // rule 1 before rule 2
        assertThat(Affinity.ofDeclaredType("FLOATING POINT")).isEqualTo(Affinity.INTEGER); // "POINT" has INT
        assertThat(Affinity.ofDeclaredType("STRING")).isEqualTo(Affinity.NUMERIC);
        assertThat(Affinity.ofDeclaredType(null)).isEqualTo(Affinity.BLOB);
        assertThat(Affinity.ofDeclaredType("blob")).isEqualTo(Affinity.BLOB);
        assertThat(Affinity.ofDeclaredType("Double")).isEqualTo(Affinity.REAL);
    }

    @Test
    void comparisonAffinityConvertsOnlyWellFormedNumbers() {
        Mem m = Mem.of(" 12 ");
        Affinity.NUMERIC.applyForComparison(m);
        assertThat(m.toObject()).isEqualTo(12L);
        Mem t = Mem.of("12abc");
        Affinity.INTEGER.applyForComparison(t);
        assertThat(t.toObject()).isEqualTo("12abc");
        Mem n = Mem.of(2.5);
        Affinity.TEXT.applyForComparison(n);
        assertThat(n.toObject()).isEqualTo("2.5");
        Mem b = Mem.of(2.5);
        Affinity.BLOB.applyForComparison(b);
        assertThat(b.toObject()).isEqualTo(2.5);
    }
}
