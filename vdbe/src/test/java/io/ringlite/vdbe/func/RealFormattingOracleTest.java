package io.ringlite.vdbe.func;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.vdbe.value.Mem;
import io.ringlite.vdbe.value.SqlNumbers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * printf's floating-point conversions, quote(), round() and text-to-REAL against sqlite-jdbc
 * (SQLite 3.40.1, the version the project targets) over seeded random doubles of every
 * magnitude plus edge cases. Doubles are bound as parameters, so both sides see the same bits;
 * the expected text is whatever SQLite returns.
 */
class RealFormattingOracleTest {
    private static final long SEED = 20261121L;
    private static Connection sqlite;

    @BeforeAll
    static void open() throws SQLException {
        sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    }

    @AfterAll
    static void close() throws SQLException {
        sqlite.close();
    }

    /** Edge cases, then random doubles: raw bit patterns, scaled decimals, integers and halves. */
    static List<Double> values(int randomCount) {
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2 + 0.1, 1.0 / 3, 2.0 / 3, 2.675,
                -2.675, 1.005, 0.125, 0.045, 9.995, 99.5, 1e15, 1e16, 1e17, 1e-4, 1e-5, 123456789012345678.0,
                5216788171630385.0, 1960977658227805.0, 1e308, 1.7976931348623157e308, 4.9e-324,
                2.2250738585072014e-308, 1e-300, 1e300 / 3, 4503599627370496.5, 4503599627370495.5,
                9.223372036854775807e18, 0.49999999999999994, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        Random rnd = new Random(SEED);
        for (int i = 0; i < randomCount; i++) {
            double d = switch (i % 5) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(60) - 30);
                case 2 -> (double) rnd.nextInt(10_000_000) / Math.pow(10, rnd.nextInt(9));
                case 3 -> rnd.nextInt(2_000_001) / 2.0 - 500_000;
                default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(30));
            };
            if (!Double.isNaN(d)) {
                v.add(d);
            }
        }
        return v;
    }

    private static String ours(String function, Object... args) {
        Mem[] mems = new Mem[args.length];
        for (int i = 0; i < args.length; i++) {
            mems[i] = Mem.of(args[i]);
        }
        Mem out = new Mem();
        FunctionRegistry.lookup(function, args.length).scalar().call(mems, out);
        return FunctionOracleTest.canon(out.toObject());
    }

    private static String theirs(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return FunctionOracleTest.canon(rs.getObject(1));
        }
    }

    @Test
    void printfFloatConversionsMatchSqliteDigitForDigit() throws SQLException {
        List<String> formats = List.of("%f", "%.0f", "%.1f", "%.2f", "%.3f", "%.10f", "%.20f", "%!.20f", "%e", "%.0e",
                "%.3e", "%.15e", "%!.20e", "%E", "%g", "%.1g", "%.10g", "%!.15g", "%!.20g", "%#g", "%#.3g", "%G",
                "%+.4f", "% .2e", "%12.4f", "%-12.3e|", "%012.3f", "%!.0f", "%#.0f", "%.17g", "%.30f");
        List<String> mismatches = new ArrayList<>();
        List<Double> values = values(1500);
        try (PreparedStatement ps = sqlite.prepareStatement("SELECT printf(?1, ?2)")) {
            for (String f : formats) {
                for (double d : values) {
                    String expected = theirs(ps, f, d);
                    String actual = ours("printf", f, d);
                    if (!expected.equals(actual)) {
                        mismatches.add("printf('" + f + "', " + d + ") sqlite " + expected + " ours " + actual);
                    }
                }
            }
        }
        assertThat(mismatches).as("seed %d", SEED).isEmpty();
    }

    @Test
    void quoteOfARealMatchesSqlite() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (PreparedStatement ps = sqlite.prepareStatement("SELECT quote(?1)")) {
            for (double d : values(20_000)) {
                String expected = theirs(ps, d);
                String actual = ours("quote", d);
                if (!expected.equals(actual)) {
                    mismatches.add("quote(" + d + ") sqlite " + expected + " ours " + actual);
                }
            }
        }
        assertThat(mismatches).as("seed %d", SEED).isEmpty();
    }

    @Test
    void roundMatchesSqliteForEveryPrecision() throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (PreparedStatement one = sqlite.prepareStatement("SELECT round(?1)");
             PreparedStatement two = sqlite.prepareStatement("SELECT round(?1, ?2)")) {
            List<Double> values = values(2000);
            for (double d : values) {
                String expected = theirs(one, d);
                String actual = ours("round", d);
                if (!expected.equals(actual)) {
                    mismatches.add("round(" + d + ") sqlite " + expected + " ours " + actual);
                }
                for (long n : new long[] {1, 2, 3, 5, 8, 13, 17, 30, 31, -1, 4294967298L}) {
                    expected = theirs(two, d, n);
                    actual = ours("round", d, n);
                    if (!expected.equals(actual)) {
                        mismatches.add("round(" + d + ", " + n + ") sqlite " + expected + " ours " + actual);
                    }
                }
            }
        }
        assertThat(mismatches).as("seed %d", SEED).isEmpty();
    }

    /** Text that SQLite's reader handles inexactly: long digit strings, large and tiny exponents. */
    @Test
    void textToRealReadsAsSqliteReadsIt() throws SQLException {
        List<String> texts = new ArrayList<>(List.of("0.1", "1e308", "1.7976931348623157e308", "1e309", "4.9e-324",
                "2.2250738585072014e-308", "1e-320", "123456789012345678901234567890", "0.000000000000000000001234",
                "9007199254740993", "1.00000000000000011102230246251565404236316680908203125", "-0.0", "1e-400",
                "12345678901234567890e-30", "3.14159265358979323846264338327950288", "1e22", "1e23", "8.5e-309"));
        Random rnd = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int digits = 1 + rnd.nextInt(25);
            for (int k = 0; k < digits; k++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextBoolean()) {
                sb.insert(rnd.nextInt(sb.length() + 1), '.');
                if (sb.charAt(0) == '.') {
                    sb.insert(0, '0');
                }
            }
            sb.append('e').append(rnd.nextInt(700) - 350);
            texts.add(sb.toString());
        }
        List<String> mismatches = new ArrayList<>();
        try (PreparedStatement ps = sqlite.prepareStatement("SELECT CAST(?1 AS REAL)")) {
            for (String t : texts) {
                ps.setString(1, t);
                double expected;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expected = rs.getDouble(1);
                }
                double actual = SqlNumbers.textToReal(t);
                if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(actual)
                        && !(expected == 0 && actual == 0)) {
                    mismatches.add("CAST('" + t + "' AS REAL) sqlite " + expected + " ours " + actual);
                }
            }
        }
        assertThat(mismatches).as("seed %d", SEED).isEmpty();
    }
}
