package io.ringlite.storage.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The storage-side key order agrees with real SQLite's comparison of values. */
class RecordCompareTest {

    static Object randomValue(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> null;
            case 1 -> (long) r.nextInt(7) - 3;
            case 2 -> r.nextBoolean() ? r.nextLong() : (1L << 53) + r.nextInt(5) - 2;
            case 3 -> (double) (r.nextInt(7) - 3) + (r.nextBoolean() ? 0.0 : 0.5);
            case 4 -> r.nextBoolean() ? (double) ((1L << 53) + r.nextInt(5) - 2) : r.nextGaussian() * 1e19;
            case 5, 6 -> {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append("aAbB é_ ".charAt(r.nextInt(8)));
                }
                yield sb.toString();
            }
            case 7 -> Long.MIN_VALUE + r.nextInt(2) * (Long.MAX_VALUE - Long.MIN_VALUE);
            default -> {
                byte[] b = new byte[r.nextInt(3)];
                r.nextBytes(b);
                yield b;
            }
        };
    }

    static void bind(PreparedStatement ps, int i, Object v) throws Exception {
        switch (v) {
            case null -> ps.setNull(i, Types.NULL);
            case Long l -> ps.setLong(i, l);
            case Double d -> ps.setDouble(i, d);
            case String s -> ps.setString(i, s);
            case byte[] b -> ps.setBytes(i, b);
            default -> throw new IllegalArgumentException();
        }
    }

    @ParameterizedTest
    @EnumSource(Collation.class)
    void valueOrderMatchesSqlite(Collation coll) throws Exception {
        long seed = 1234 + coll.ordinal();
        Random r = new Random(seed);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT CASE WHEN ?1 < ?2 COLLATE " + coll + " THEN -1 WHEN ?1 = ?2 COLLATE " + coll + " THEN 0 ELSE 1 END")) {
            for (int i = 0; i < 3000; i++) {
                Object a = randomValue(r);
                Object b = r.nextInt(5) == 0 ? a : randomValue(r);
                bind(ps, 1, a);
                bind(ps, 2, b);
                int expected;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (a == null || b == null) {
                        // SQL comparison with NULL is NULL (the CASE says 1); the key order puts NULL first
                        expected = Integer.compare(a == null ? 0 : 1, b == null ? 0 : 1);
                    } else {
                        expected = rs.getInt(1);
                    }
                }
                String what = "seed " + seed + ": " + show(a) + " vs " + show(b);
                assertThat(Integer.signum(RecordCompare.compareValues(a, b, coll))).as(what).isEqualTo(expected);
                KeyInfo ki = new KeyInfo(new Collation[] {coll}, new boolean[] {false});
                MemorySegment ra = MemorySegment.ofArray(new RecordEncoder().encode(a));
                MemorySegment rb = MemorySegment.ofArray(new RecordEncoder().encode(b));
                assertThat(Integer.signum(RecordCompare.compare(ra, rb, ki))).as("records, " + what).isEqualTo(expected);
                assertThat(Integer.signum(RecordCompare.compare(ra, new Object[] {b}, ki))).as("record vs value, " + what).isEqualTo(expected);
            }
        }
    }

    static String show(Object v) {
        return v instanceof byte[] b ? "x'" + java.util.HexFormat.of().formatHex(b) + "'" : v + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")");
    }

    @Test
    void descendingColumnsInvertAndAPartialKeyComparesOnlyItsPrefix() {
        KeyInfo ki = new KeyInfo(new Collation[] {Collation.BINARY, Collation.NOCASE}, new boolean[] {true, false});
        MemorySegment r1 = MemorySegment.ofArray(new RecordEncoder().encode(5L, "abc", 1L));
        MemorySegment r2 = MemorySegment.ofArray(new RecordEncoder().encode(4L, "abc", 2L));
        MemorySegment r3 = MemorySegment.ofArray(new RecordEncoder().encode(5L, "ABD", 0L));
        assertThat(RecordCompare.compare(r1, r2, ki)).as("5 before 4 when DESC").isNegative();
        assertThat(RecordCompare.compare(r1, r3, ki)).as("abc < ABD under NOCASE").isNegative();
        assertThat(RecordCompare.compare(r1, new Object[] {5L, "ABC"}, ki)).isZero();
        assertThat(RecordCompare.compare(r1, new Object[] {5L}, ki)).isZero();
        assertThat(RecordCompare.compare(r1, new Object[] {5L, "ABC", 2L}, ki)).as("trailing rowid BINARY ASC").isNegative();
        assertThat(RecordCompare.compare(r1, new Object[] {5.5}, ki)).as("5 after 5.5 when DESC").isPositive();
    }

    @Test
    void integersAndRealsCompareExactlyBeyondDoublePrecision() {
        long big = (1L << 53) + 1;
        assertThat(RecordCompare.compareValues(big, (double) (1L << 53), Collation.BINARY)).isPositive();
        assertThat(RecordCompare.compareValues(Long.MAX_VALUE, 9.223372036854775807e18, Collation.BINARY)).isNegative();
        assertThat(RecordCompare.compareValues(Long.MIN_VALUE, -9.223372036854775808e18, Collation.BINARY)).isZero();
        assertThat(RecordCompare.compareValues(-1L, -0.5, Collation.BINARY)).isNegative();
        assertThat(RecordCompare.compareValues(3L, 3.0, Collation.BINARY)).isZero();
    }
}
