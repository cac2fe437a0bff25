package io.ringlite.vdbe.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** REAL to text exactly as SQLite renders it, checked against sqlite-jdbc's CAST(? AS TEXT). */
class SqlTextTest {

    @Test
    void formatsTheDocumentedExamples() {
        assertThat(SqlText.formatReal(1.0)).isEqualTo("1.0");
        assertThat(SqlText.formatReal(0.1)).isEqualTo("0.1");
        assertThat(SqlText.formatReal(100.0)).isEqualTo("100.0");
        assertThat(SqlText.formatReal(1e20)).isEqualTo("1.0e+20");
        assertThat(SqlText.formatReal(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(SqlText.formatReal(Double.POSITIVE_INFINITY)).isEqualTo("Inf");
        assertThat(SqlText.formatReal(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(SqlText.formatReal(-0.0)).isEqualTo("0.0");
    }

    /**
     * Doubles of every magnitude, including exact ties and values whose 15th digit SQLite's x87
     * digit generation gets "wrong" (5216788171630385 prints as 5.21678817163038e+15).
     */
    @Test
    void matchesSqliteForEdgeAndRandomDoubles() throws SQLException {
        List<Double> values = new ArrayList<>(List.of(0.0, 1.0, -1.0, 0.5, 1e15, 1e14, 999999999999999.0,
                9999999999999999.0, 123456789012345678.0, 1e-4, 1e-5, 0.00012345, 1.0 / 3, 2.0 / 3, 100.0 / 7,
                0.1 + 0.2, 1e308, 4.9e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -123.456,
                9.223372036854775807e18, 3.14159265358979, 2.5e-5, 12345.678901234567, 1960977658227805.0, 5216788171630385.0));
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            values.add(switch (i % 4) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
                case 2 -> (double) rnd.nextInt(1_000_000) / Math.pow(10, rnd.nextInt(8));
                default -> rnd.nextGaussian() * 1e6;
            });
        }
        List<String> mismatches = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             PreparedStatement ps = c.prepareStatement("SELECT CAST(?1 AS TEXT), typeof(?1)")) {
            for (double d : values) {
                if (Double.isNaN(d)) {
                    continue; // SQLite stores NaN as NULL
                }
                ps.setDouble(1, d);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getString(2).equals("real")) {
                        continue;
                    }
                    String expected = rs.getString(1);
                    String actual = SqlText.formatReal(d);
                    if (!expected.equals(actual)) {
                        mismatches.add(d + ": sqlite " + expected + " ours " + actual);
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
