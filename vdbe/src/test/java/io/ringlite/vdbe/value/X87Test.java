package io.ringlite.vdbe.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The extended-precision model: exact conversions where the formats allow them, and the
 * round-to-nearest-even rule at 64 bits (arithmetic) and 53 bits (storing into a double),
 * checked against BigDecimal arithmetic.
 */
class X87Test {
    private static final long SEED = 87L;

    private static BigDecimal exact(X87 x) {
        BigDecimal m = new BigDecimal(x.significand());
        return x.e() >= 0 ? m.multiply(new BigDecimal(BigInteger.TWO.pow(x.e())))
                : m.divide(new BigDecimal(BigInteger.TWO.pow(-x.e())));
    }

    @Test
    void everyDoubleAndEveryLongConvertExactly() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 10_000; i++) {
            double d = Math.abs(Double.longBitsToDouble(rnd.nextLong()));
            if (Double.isFinite(d)) {
                assertThat(X87.of(d).toDouble()).as("seed %d: %s", SEED, d).isEqualTo(d);
                assertThat(exact(X87.of(d))).isEqualByComparingTo(new BigDecimal(d));
            }
            long v = rnd.nextLong() >>> 1;
            assertThat(exact(X87.ofLong(v))).isEqualByComparingTo(new BigDecimal(v));
            assertThat(X87.ofLong(v).toDouble()).as("seed %d: %d", SEED, v).isEqualTo((double) v);
        }
        assertThat(X87.of(Double.MIN_VALUE).toDouble()).isEqualTo(Double.MIN_VALUE);
        assertThat(X87.of(Double.MAX_VALUE).toDouble()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void storingIntoADoubleRoundsHalfToEvenAndHandlesTheSubnormalEdge() {
        // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins
        assertThat(X87.ofLong((1L << 53) + 1).toDouble()).isEqualTo(9007199254740992.0);
        assertThat(X87.ofLong((1L << 53) + 3).toDouble()).isEqualTo(9007199254740996.0);
        // exactly half the smallest subnormal rounds to zero, anything above it to the subnormal
        X87 half = X87.of(Double.MIN_VALUE).mul(X87.of(0.5));
        assertThat(half.toDouble()).isEqualTo(0.0);
        assertThat(half.add(X87.of(Double.MIN_VALUE).mul(X87.of(0x1p-20))).toDouble()).isEqualTo(Double.MIN_VALUE);
        assertThat(X87.of(Double.MAX_VALUE).mul(X87.of(2.0)).toDouble()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void arithmeticRoundsToSixtyFourBitsNearestEven() {
        Random rnd = new Random(SEED);
        MathContext ext = new MathContext(200);
        for (int i = 0; i < 5_000; i++) {
            X87 a = X87.of(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
            X87 b = X87.of(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20) + Double.MIN_NORMAL);
            check(a.mul(b), exact(a).multiply(exact(b), ext));
            check(a.add(b), exact(a).add(exact(b), ext));
            check(a.div(b), exact(a).divide(exact(b), new MathContext(400, RoundingMode.DOWN)));
            if (a.compareTo(b) >= 0) {
                check(a.sub(b), exact(a).subtract(exact(b), ext));
            }
        }
    }

    /** {@code r} is the 64-bit value nearest to {@code want}: within half a unit of its last bit. */
    private static void check(X87 r, BigDecimal want) {
        assertThat(r.significand().bitLength()).isLessThanOrEqualTo(64);
        if (want.signum() == 0) {
            assertThat(r.isZero()).isTrue();
            return;
        }
        BigDecimal ulp = r.e() >= 0 ? new BigDecimal(BigInteger.TWO.pow(r.e()))
                : BigDecimal.ONE.divide(new BigDecimal(BigInteger.TWO.pow(-r.e())));
        BigDecimal error = exact(r).subtract(want).abs();
        assertThat(error.compareTo(ulp.divide(BigDecimal.TWO))).as("seed %d", SEED).isLessThanOrEqualTo(0);
        assertThat(r.significand().bitLength()).as("normalised").isEqualTo(64);
    }
}
