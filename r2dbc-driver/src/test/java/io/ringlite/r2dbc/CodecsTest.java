package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Value conversions in both directions; SQLite (sqlite-jdbc) is the oracle where SQLite defines the answer. */
class CodecsTest {

    enum Color { RED, GREEN }

    @Test
    void integerReadsAsEveryIntegralTypeWithARangeCheck() {
        assertThat(Codecs.decode(42L, Long.class)).isEqualTo(42L);
        assertThat(Codecs.decode(42L, Integer.class)).isEqualTo(42);
        assertThat(Codecs.decode(42L, int.class)).isEqualTo(42);
        assertThat(Codecs.decode(-7L, Short.class)).isEqualTo((short) -7);
        assertThat(Codecs.decode(127L, Byte.class)).isEqualTo((byte) 127);
        assertThat(Codecs.decode(0L, Boolean.class)).isFalse();
        assertThat(Codecs.decode(2L, Boolean.class)).isTrue();
        assertThat(Codecs.decode(Long.MAX_VALUE, BigInteger.class)).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE));
        assertThat(Codecs.decode(5L, BigDecimal.class)).isEqualTo(BigDecimal.valueOf(5));
        assertThat(Codecs.decode(5L, Double.class)).isEqualTo(5.0);
        assertThat(Codecs.decode(5L, String.class)).isEqualTo("5");
        assertThatThrownBy(() -> Codecs.decode(3_000_000_000L, Integer.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Codecs.decode(128L, Byte.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Codecs.decode(1L, LocalDate.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INTEGER");
    }

    @Test
    void realReadsAsFloatingTypesAndAsIntegersOnlyWithoutFraction() {
        assertThat(Codecs.decode(2.5, Double.class)).isEqualTo(2.5);
        assertThat(Codecs.decode(2.5, Float.class)).isEqualTo(2.5f);
        assertThat(Codecs.decode(2.5, BigDecimal.class)).isEqualByComparingTo("2.5");
        assertThat(Codecs.decode(3.0, Long.class)).isEqualTo(3L);
        assertThatThrownBy(() -> Codecs.decode(3.5, Long.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Codecs.decode(1e300, Long.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textReadsAsDatesTimesUuidsEnumsAndNumbersWhenWellFormed() {
        assertThat(Codecs.decode("2024-02-29", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(Codecs.decode("2024-02-29 13:45:10", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(Codecs.decode("2024-02-29 13:45:10.250", LocalDateTime.class))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 45, 10, 250_000_000));
        assertThat(Codecs.decode("2024-02-29T13:45", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 45));
        assertThat(Codecs.decode("13:45:10", LocalTime.class)).isEqualTo(LocalTime.of(13, 45, 10));
        assertThat(Codecs.decode("2024-02-29 13:45:10", Instant.class)).isEqualTo(Instant.parse("2024-02-29T13:45:10Z"));
        assertThat(Codecs.decode("2024-02-29 13:45:10+02:00", Instant.class)).isEqualTo(Instant.parse("2024-02-29T11:45:10Z"));
        assertThat(Codecs.decode("2024-02-29T13:45:10Z", OffsetDateTime.class))
                .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 10, 0, ZoneOffset.UTC));
        UUID u = UUID.randomUUID();
        assertThat(Codecs.decode(u.toString(), UUID.class)).isEqualTo(u);
        assertThat(Codecs.decode("GREEN", Color.class)).isEqualTo(Color.GREEN);
        assertThat(Codecs.decode("12.50", BigDecimal.class)).isEqualTo(new BigDecimal("12.50"));
        assertThat(Codecs.decode("12", Integer.class)).isEqualTo(12);
        assertThatThrownBy(() -> Codecs.decode("2024-13-01", LocalDate.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a well-formed LocalDate");
        assertThatThrownBy(() -> Codecs.decode("not-a-uuid", UUID.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Codecs.decode("BLUE", Color.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Codecs.decode("12abc", Long.class)).isInstanceOf(IllegalArgumentException.class);
        Clob clob = Codecs.decode("text", Clob.class);
        assertThat(Flux.from(clob.stream()).map(CharSequence::toString).collectList().block()).containsExactly("text");
    }

    @Test
    void blobReadsAsBytesBufferBlobAndUuid() {
        byte[] bytes = {1, 2, 3};
        byte[] copy = Codecs.decode(bytes, byte[].class);
        assertThat(copy).containsExactly(1, 2, 3).isNotSameAs(bytes);
        assertThat(Codecs.decode(bytes, ByteBuffer.class).remaining()).isEqualTo(3);
        Blob blob = Codecs.decode(bytes, Blob.class);
        assertThat(Flux.from(blob.stream()).map(ByteBuffer::remaining).blockFirst()).isEqualTo(3);
        UUID u = new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
        ByteBuffer raw = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        assertThat(Codecs.decode(raw.array(), UUID.class)).isEqualTo(u);
        assertThat(Codecs.decode("é".getBytes(StandardCharsets.UTF_8), String.class)).isEqualTo("é");
        assertThatThrownBy(() -> Codecs.decode(bytes, Long.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullReadsAsNullForEveryObjectTypeButNotForPrimitives() {
        assertThat(Codecs.decode(null, Long.class)).isNull();
        assertThat(Codecs.decode(null, LocalDate.class)).isNull();
        assertThat(Codecs.decode(null, Object.class)).isNull();
        assertThatThrownBy(() -> Codecs.decode(null, long.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNaturalTypeIsTheStorageClassWithBlobsAsReadOnlyBuffers() {
        assertThat(Codecs.decode(1L, Object.class)).isEqualTo(1L);
        assertThat(Codecs.decode(1.5, Object.class)).isEqualTo(1.5);
        assertThat(Codecs.decode("s", Object.class)).isEqualTo("s");
        assertThat(Codecs.decode(new byte[] {9}, Object.class)).isInstanceOfSatisfying(ByteBuffer.class,
                b -> assertThat(b.isReadOnly()).isTrue());
    }

    @Test
    void boundJavaValuesBecomeSqliteStorageClasses() {
        assertThat(Codecs.encode(7)).isEqualTo(7L);
        assertThat(Codecs.encode((short) 7)).isEqualTo(7L);
        assertThat(Codecs.encode((byte) 7)).isEqualTo(7L);
        assertThat(Codecs.encode(true)).isEqualTo(1L);
        assertThat(Codecs.encode(false)).isEqualTo(0L);
        assertThat(Codecs.encode(1.5f)).isEqualTo(1.5);
        assertThat(Codecs.encode(new BigDecimal("10.00"))).isEqualTo(10L);
        assertThat(Codecs.encode(new BigDecimal("10.25"))).isEqualTo("10.25");
        assertThat(Codecs.encode(new BigDecimal("1e30"))).isEqualTo("1000000000000000000000000000000");
        assertThat(Codecs.encode(BigInteger.TEN)).isEqualTo(10L);
        assertThat(Codecs.encode(BigInteger.TWO.pow(70))).isEqualTo(BigInteger.TWO.pow(70).toString());
        assertThat(Codecs.encode(new StringBuilder("sb"))).isEqualTo("sb");
        assertThat(Codecs.encode(ByteBuffer.wrap(new byte[] {1, 2, 3}, 1, 2))).isEqualTo(new byte[] {2, 3});
        assertThat(Codecs.encode(LocalDate.of(2024, 1, 2))).isEqualTo("2024-01-02");
        assertThat(Codecs.encode(LocalDateTime.of(2024, 1, 2, 3, 4, 5))).isEqualTo("2024-01-02 03:04:05");
        assertThat(Codecs.encode(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 120_000_000))).isEqualTo("2024-01-02 03:04:05.12");
        assertThat(Codecs.encode(Instant.parse("2024-01-02T03:04:05Z"))).isEqualTo("2024-01-02 03:04:05");
        assertThat(Codecs.encode(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))))
                .isEqualTo("2024-01-02 03:04:05+02:00");
        assertThat(Codecs.encode(Color.RED)).isEqualTo("RED");
        Object lob = Codecs.encode(Blob.from(Flux.just(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2, 3}))));
        assertThat(((Mono<?>) lob).block()).isEqualTo(new byte[] {1, 2, 3});
        Object text = Codecs.encode(Clob.from(Flux.just("ab", "c")));
        assertThat(((Mono<?>) text).block()).isEqualTo("abc");
        assertThatThrownBy(() -> Codecs.encode(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundDateTextIsWhatSqliteDateFunctionsRead() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            var ps = c.prepareStatement("SELECT datetime(?), date(?), time(?), datetime(?)");
            ps.setString(1, (String) Codecs.encode(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 120_000_000)));
            ps.setString(2, (String) Codecs.encode(LocalDate.of(2024, 2, 29)));
            ps.setString(3, (String) Codecs.encode(LocalTime.of(23, 59, 58)));
            ps.setString(4, (String) Codecs.encode(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))));
            ResultSet rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2024-01-02 03:04:05");
            assertThat(rs.getString(2)).isEqualTo("2024-02-29");
            assertThat(rs.getString(3)).isEqualTo("23:59:58");
            assertThat(rs.getString(4)).isEqualTo("2024-01-02 01:04:05");
            // and what SQLite writes, the driver reads back
            ResultSet now = c.createStatement().executeQuery("SELECT datetime(1700000000, 'unixepoch')");
            now.next();
            assertThat(Codecs.decode(now.getString(1), Instant.class)).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
        }
    }

    /**
     * True if the exact binary value of {@code d} lies within a thousandth of a unit in the 15th
     * significant digit of a rounding tie. There SQLite's approximate decimal conversion and the
     * driver's exact one may round differently; elsewhere they must agree. (For magnitudes far
     * beyond 1e+-20 SQLite's conversion drifts further, so the random values stay within that.)
     */
    private static boolean nearRoundingTie(double d) {
        BigDecimal exact = new BigDecimal(d).abs();
        BigDecimal scaled = exact.movePointLeft(exact.precision() - exact.scale() - 15);
        BigDecimal fraction = scaled.subtract(new BigDecimal(scaled.toBigInteger()));
        return fraction.subtract(new BigDecimal("0.5")).abs().compareTo(new BigDecimal("0.001")) < 0;
    }

    @Test
    void realTextMatchesSqlitesOwnConversion() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        double[] fixed = {0.1, 1.0, 1e20, 1e15, 1e14, 1e-5, 0.0001, -2.5e-300, 123456789.123456789, 1.0 / 3, 100.0,
                -0.5, 9007199254740993.0, 1.7976931348623157e308, 4.9e-324};
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            var ps = c.prepareStatement("SELECT CAST(? AS TEXT)");
            for (int i = 0; i < fixed.length + 300; i++) {
                double d = i < fixed.length ? fixed[i]
                        : switch (i % 3) {
                            case 0 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                            case 1 -> -random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
                            default -> random.nextInt(1_000_000) / 100.0;
                        };
                if (Double.isNaN(d) || Double.isInfinite(d) || nearRoundingTie(d)) {
                    continue;
                }
                ps.setDouble(1, d);
                ResultSet rs = ps.executeQuery();
                rs.next();
                assertThat(Codecs.realText(d)).as("text of %s (seed %d)", d, seed).isEqualTo(rs.getString(1));
            }
        }
    }
}
