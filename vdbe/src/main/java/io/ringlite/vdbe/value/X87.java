package io.ringlite.vdbe.value;

import java.math.BigInteger;

/**
 * A non-negative number in the x87 80-bit extended format, the {@code long double} SQLite 3.40
 * computes with on x86-64 when it prints a REAL ({@link FloatFormat}) and when it reads decimal
 * text ({@link DecimalText}).
 *
 * <p>Definitions: the value is {@code m * 2^e} where {@code m} is an unsigned 64-bit significand.
 * Every operation is computed exactly (in 128 bits plus a sticky bit) and then rounded to a 64-bit
 * significand, to nearest with ties to even, as the FPU does under its default control word. The
 * exponent is unbounded: the extended format's 15-bit exponent is never exhausted by the values
 * SQLite handles (all within about 10^±400), so neither overflow nor denormals need modelling.
 *
 * <p>Invariants: (1) normalised: {@code m == 0} (the value zero, {@code e == 0}) or the top bit of
 * {@code m} is set, so each value has one representation and magnitudes compare by exponent
 * first; (2) values are never negative (callers carry the sign).
 */
record X87(long m, int e) {
    static final X87 ZERO = new X87(0, 0);
    static final X87 ONE = of(1.0);
    static final X87 TEN = of(10.0);

    X87 {
        assert m < 0 || (m == 0 && e == 0) : "invariant: X87 is normalised";
    }

    /** The exact extended value of a finite non-negative double (every double is one). */
    static X87 of(double d) {
        assert d >= 0 && Double.isFinite(d) : "invariant: X87 holds finite non-negative values";
        if (d == 0) {
            return ZERO;
        }
        long bits = Double.doubleToRawLongBits(d);
        int biased = (int) ((bits >>> 52) & 0x7ff);
        long fraction = bits & ((1L << 52) - 1);
        return biased == 0 ? normalise(fraction, -1074) : normalise(fraction | (1L << 52), biased - 1075);
    }

    /** The extended value of a non-negative 64-bit integer: exact, the significand holds 64 bits. */
    static X87 ofLong(long v) {
        assert v >= 0 : "invariant: X87 holds non-negative values";
        return v == 0 ? ZERO : normalise(v, 0);
    }

    private static X87 normalise(long m, int e) {
        int z = Long.numberOfLeadingZeros(m);
        return new X87(m << z, e - z);
    }

    boolean isZero() {
        return m == 0;
    }

    X87 mul(X87 o) {
        if (m == 0 || o.m == 0) {
            return ZERO;
        }
        return round(Math.unsignedMultiplyHigh(m, o.m), m * o.m, e + o.e, false);
    }

    X87 add(X87 o) {
        if (o.m == 0) {
            return this;
        }
        if (m == 0) {
            return o;
        }
        X87 big = compareTo(o) >= 0 ? this : o;
        X87 small = big == this ? o : this;
        Aligned s = Aligned.of(small, big.e);
        long lo = s.lo; // big contributes no low bits, so no carry from the low half
        long hi = big.m + s.hi;
        int e0 = big.e - 64;
        boolean sticky = s.sticky;
        if (Long.compareUnsigned(hi, big.m) < 0) {
            // carry out of 128 bits: shift everything right once
            sticky |= (lo & 1) != 0;
            lo = (lo >>> 1) | (hi << 63);
            hi = (hi >>> 1) | Long.MIN_VALUE;
            e0++;
        }
        return round(hi, lo, e0, sticky);
    }

    /** {@code this - o}; callers only subtract a value no larger (a digit from its own number). */
    X87 sub(X87 o) {
        int c = compareTo(o);
        if (c < 0) {
            throw new IllegalStateException("invariant: X87.sub would go negative");
        }
        if (c == 0) {
            return ZERO;
        }
        if (o.m == 0) {
            return this;
        }
        Aligned s = Aligned.of(o, e);
        // (m : 0) - (s.hi : s.lo), and one unit less if bits below s.lo were lost (then sticky)
        long lo = -s.lo;
        long borrow = s.lo != 0 ? 1 : 0;
        if (s.sticky) {
            borrow += lo == 0 ? 1 : 0;
            lo -= 1;
        }
        long hi = m - s.hi - borrow;
        int e0 = e - 64;
        if (hi == 0) {
            // deep cancellation: only exact when nothing was lost, which holds for shifts below 64
            assert !s.sticky : "invariant: cancellation with lost bits";
            if (lo == 0) {
                return ZERO;
            }
            return normalise(lo, e0);
        }
        int z = Long.numberOfLeadingZeros(hi);
        if (z > 0) {
            hi = (hi << z) | (lo >>> (64 - z));
            lo <<= z;
            e0 -= z;
        }
        return round(hi, lo, e0, s.sticky);
    }

    X87 div(X87 o) {
        if (o.m == 0) {
            throw new IllegalStateException("invariant: X87 division by zero");
        }
        if (m == 0) {
            return ZERO;
        }
        // q = (m * 2^66) / o.m by restoring division; it has 66 or 67 bits (both significands are
        // in [2^63, 2^64)): 64 plus guard bits, and a remainder is the sticky bit
        long r = m;
        long qh = 0;
        long ql = 0;
        if (Long.compareUnsigned(r, o.m) >= 0) {
            r -= o.m;
            ql = 1;
        }
        for (int i = 0; i < 66; i++) {
            boolean carry = r < 0; // the shifted remainder needs a 65th bit
            r <<= 1;
            qh = (qh << 1) | (ql >>> 63);
            ql <<= 1;
            if (carry || Long.compareUnsigned(r, o.m) >= 0) {
                r -= o.m;
                ql |= 1;
            }
        }
        boolean sticky = r != 0;
        int extra = 64 - Long.numberOfLeadingZeros(qh);
        assert extra == 2 || extra == 3 : "invariant: quotient of normalised significands has 66..67 bits";
        long hi = (qh << (64 - extra)) | (ql >>> extra);
        long lo = ql << (64 - extra);
        return round(hi, lo, e - o.e - 66 - (64 - extra), sticky);
    }

    int compareTo(X87 o) {
        if (m == 0 || o.m == 0) {
            return Boolean.compare(m != 0, o.m != 0);
        }
        if (e != o.e) {
            return Integer.compare(e, o.e);
        }
        return Long.compareUnsigned(m, o.m);
    }

    /** C's {@code (int) x} for the small values digit extraction meets. */
    int truncToInt() {
        if (m == 0 || e <= -64) {
            return 0;
        }
        if (e > -33) {
            throw new IllegalStateException("invariant: X87 value too large for an int");
        }
        return (int) (m >>> -e);
    }

    /**
     * The double nearest to this value (ties to even), as storing a {@code long double} into a
     * {@code double} does: subnormal results keep fewer bits, too large ones become infinity.
     */
    double toDouble() {
        if (m == 0) {
            return 0.0;
        }
        int top = 63 + e; // binary exponent of the leading bit
        int keep = top >= -1022 ? 53 : 53 - (-1022 - top);
        if (keep <= 0) {
            // below half the smallest subnormal, or exactly half of it (tie to even: zero)
            boolean aboveHalf = keep == 0 && m != Long.MIN_VALUE;
            return aboveHalf ? Double.MIN_VALUE : 0.0;
        }
        int drop = 64 - keep;
        long q = m >>> drop;
        long rem = m & ((1L << drop) - 1);
        long half = 1L << (drop - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;
        }
        return Math.scalb((double) q, e + drop);
    }

    /** The significand as a BigInteger, for tests. */
    BigInteger significand() {
        return unsigned(m);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /** {@code small} expressed against {@code big}'s exponent: 128 bits below big's top, plus lost bits. */
    private record Aligned(long hi, long lo, boolean sticky) {
        static Aligned of(X87 small, int bigExponent) {
            int d = bigExponent - small.e;
            assert d >= 0 : "invariant: aligning a larger value";
            if (d == 0) {
                return new Aligned(small.m, 0, false);
            }
            if (d < 64) {
                return new Aligned(small.m >>> d, small.m << (64 - d), false);
            }
            if (d == 64) {
                return new Aligned(0, small.m, false);
            }
            if (d < 128) {
                return new Aligned(0, small.m >>> (d - 64), (small.m << (128 - d)) != 0);
            }
            return new Aligned(0, 0, true);
        }
    }

    /**
     * Rounds the 128-bit value {@code (hi : lo) * 2^e} (plus a fraction of one unit of {@code lo}
     * when {@code sticky}) to 64 bits. {@code hi} must have its top bit set, or the next one for
     * the product of two normalised significands.
     */
    private static X87 round(long hi, long lo, int e, boolean sticky) {
        int eHi = e + 64;
        if (hi >= 0) {
            // a product of two normalised significands can start one bit lower: shift left once
            assert (hi & 0x4000000000000000L) != 0 : "invariant: X87 rounding input not normalised";
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            eHi--;
        }
        boolean roundBit = lo < 0;
        boolean below = (lo << 1) != 0 || sticky;
        if (roundBit && (below || (hi & 1) != 0)) {
            hi++;
            if (hi == 0) {
                return new X87(Long.MIN_VALUE, eHi + 1);
            }
        }
        return new X87(hi, eHi);
    }
}
