package io.ringlite.r2dbc;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Objects;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Conversions between Java values and SQLite's five storage classes (NULL, INTEGER as {@link Long},
 * REAL as {@link Double}, TEXT as {@link String}, BLOB as {@code byte[]}).
 *
 * <h2>Binding (Java to SQLite)</h2>
 * <table>
 *   <caption>bind conversions</caption>
 *   <tr><th>Java</th><th>stored as</th></tr>
 *   <tr><td>Long, Integer, Short, Byte, Boolean (1/0), BigInteger within 64 bits</td><td>INTEGER</td></tr>
 *   <tr><td>Double, Float</td><td>REAL</td></tr>
 *   <tr><td>BigDecimal</td><td>INTEGER if integral and within 64 bits, else TEXT (its plain digits; a
 *       column of NUMERIC or REAL affinity turns it into a number, as sqlite-jdbc does)</td></tr>
 *   <tr><td>String, other CharSequence, Character, Enum (its name), UUID</td><td>TEXT</td></tr>
 *   <tr><td>byte[], ByteBuffer (its remaining bytes), {@link Blob}</td><td>BLOB</td></tr>
 *   <tr><td>{@link Clob}</td><td>TEXT</td></tr>
 *   <tr><td>LocalDate</td><td>TEXT {@code YYYY-MM-DD}</td></tr>
 *   <tr><td>LocalTime</td><td>TEXT {@code HH:MM:SS[.fraction]}</td></tr>
 *   <tr><td>LocalDateTime</td><td>TEXT {@code YYYY-MM-DD HH:MM:SS[.fraction]}</td></tr>
 *   <tr><td>Instant</td><td>TEXT in UTC without zone, {@code YYYY-MM-DD HH:MM:SS[.fraction]}, like SQLite's {@code datetime('now')}</td></tr>
 *   <tr><td>OffsetDateTime, ZonedDateTime</td><td>TEXT {@code YYYY-MM-DD HH:MM:SS[.fraction]+HH:MM}</td></tr>
 * </table>
 * The text forms are the ones SQLite's date and time functions read (see SQLite's "Date And Time
 * Functions", time values formats 2-10), so {@code date(col)} and comparisons work on them.
 *
 * <h2>Reading (SQLite to Java)</h2>
 * NULL reads as null for every type. INTEGER reads as Long, Integer, Short, Byte (range-checked),
 * Boolean (non-zero), BigDecimal, BigInteger, Double, Float, String. REAL reads as Double, Float,
 * BigDecimal, String (SQLite's text for it), and as an integral type if it has no fraction and fits.
 * TEXT reads as String, CharSequence, Clob, LocalDate, LocalTime, LocalDateTime, Instant,
 * OffsetDateTime, UUID, an Enum constant, and numbers if it is a well-formed number. BLOB reads as
 * byte[], ByteBuffer, {@link Blob}, String (UTF-8) and UUID (16 bytes). Anything else is an
 * {@link IllegalArgumentException} naming the value's storage class and the requested type.
 */
final class Codecs {

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(TIME).toFormatter();
    private static final DateTimeFormatter PARSE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter PARSE_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .append(PARSE_TIME)
            .toFormatter();
    private static final DateTimeFormatter PARSE_OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(PARSE_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private Codecs() {
    }

    /**
     * The engine value for a bound Java value: null, Long, Double, String, byte[], or a
     * {@code Mono} (of String or byte[]) for a {@link Clob} or {@link Blob}, which is read at execution.
     *
     * @throws IllegalArgumentException for a type that cannot be bound
     */
    static Object encode(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Parameter p) {
            return encode(p.getValue());
        }
        return switch (value) {
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Boolean b -> b ? 1L : 0L;
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigDecimal bd -> encodeDecimal(bd);
            case BigInteger bi -> bi.bitLength() < 64 ? (Object) bi.longValue() : bi.toString();
            case String s -> s;
            case CharSequence cs -> cs.toString();
            case Character c -> c.toString();
            case byte[] bytes -> bytes.clone();
            case ByteBuffer buf -> bytesOf(buf);
            case LocalDate d -> d.toString();
            case LocalTime t -> TIME.format(t);
            case LocalDateTime dt -> DATE_TIME.format(dt);
            case Instant i -> DATE_TIME.format(LocalDateTime.ofInstant(i, ZoneOffset.UTC));
            case OffsetDateTime o -> DATE_TIME.format(o.toLocalDateTime()) + offset(o.getOffset());
            case ZonedDateTime z -> DATE_TIME.format(z.toLocalDateTime()) + offset(z.getOffset());
            case UUID u -> u.toString();
            case Enum<?> e -> e.name();
            case Blob blob -> Flux.from(blob.stream())
                    .collectList()
                    .map(Codecs::concat);
            case Clob clob -> Flux.from(clob.stream())
                    .collect(StringBuilder::new, StringBuilder::append)
                    .map(StringBuilder::toString);
            default -> throw new IllegalArgumentException(
                    "Cannot bind a value of type " + value.getClass().getName() + " (supported: numbers, Boolean, "
                            + "String, byte[], ByteBuffer, Blob, Clob, java.time dates and times, UUID, enums)");
        };
    }

    private static Object encodeDecimal(BigDecimal bd) {
        if (bd.signum() == 0) {
            return 0L;
        }
        BigDecimal stripped = bd.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
            try {
                return stripped.longValueExact();
            } catch (ArithmeticException tooBig) {
                // falls through to text
            }
        }
        return bd.toPlainString();
    }

    private static String offset(ZoneOffset o) {
        return o.getTotalSeconds() == 0 ? "+00:00" : o.getId();
    }

    private static byte[] bytesOf(ByteBuffer buf) {
        ByteBuffer dup = buf.duplicate();
        byte[] out = new byte[dup.remaining()];
        dup.get(out);
        return out;
    }

    private static byte[] concat(java.util.List<ByteBuffer> parts) {
        int n = 0;
        for (ByteBuffer b : parts) {
            n += b.remaining();
        }
        byte[] out = new byte[n];
        int at = 0;
        for (ByteBuffer b : parts) {
            int len = b.remaining();
            b.duplicate().get(out, at, len);
            at += len;
        }
        return out;
    }

    /** The natural Java value of an engine value: Long, Double, String, ByteBuffer (read-only) or null. */
    static Object natural(Object value) {
        if (value instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        }
        return value;
    }

    /**
     * Converts an engine value (null, Long, Double, String, byte[]) to {@code type}.
     *
     * @throws IllegalArgumentException if the value cannot be read as {@code type}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> T decode(Object value, Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (value == null) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException("Cannot read NULL as primitive " + type.getName());
            }
            return null;
        }
        Class<?> target = boxed(type);
        if (target == Object.class) {
            return (T) natural(value);
        }
        Object out = switch (value) {
            case Long l -> fromInteger(l, target);
            case Double d -> fromReal(d, target);
            case String s -> fromText(s, target);
            case byte[] b -> fromBlob(b, target);
            default -> throw new IllegalStateException("invariant: engine value of type " + value.getClass().getName());
        };
        if (out == null) {
            throw new IllegalArgumentException("Cannot read " + storageClass(value) + " value "
                    + preview(value) + " as " + type.getName());
        }
        return (T) out;
    }

    private static Object fromInteger(long v, Class<?> t) {
        if (t == Long.class || t == Number.class) {
            return v;
        }
        if (t == Integer.class) {
            return (int) checkRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE, t);
        }
        if (t == Short.class) {
            return (short) checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, t);
        }
        if (t == Byte.class) {
            return (byte) checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, t);
        }
        if (t == Boolean.class) {
            return v != 0;
        }
        if (t == BigDecimal.class) {
            return BigDecimal.valueOf(v);
        }
        if (t == BigInteger.class) {
            return BigInteger.valueOf(v);
        }
        if (t == Double.class) {
            return (double) v;
        }
        if (t == Float.class) {
            return (float) v;
        }
        if (t == String.class || t == CharSequence.class) {
            return Long.toString(v);
        }
        return null;
    }

    private static long checkRange(long v, long min, long max, Class<?> t) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("INTEGER value " + v + " is out of range for " + t.getName());
        }
        return v;
    }

    private static Object fromReal(double v, Class<?> t) {
        if (t == Double.class || t == Number.class) {
            return v;
        }
        if (t == Float.class) {
            return (float) v;
        }
        if (t == BigDecimal.class) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("REAL value " + v + " has no BigDecimal form");
            }
            return BigDecimal.valueOf(v);
        }
        if (t == String.class || t == CharSequence.class) {
            return realText(v);
        }
        if (t == Long.class || t == Integer.class || t == Short.class || t == Byte.class || t == BigInteger.class) {
            if (v != Math.rint(v) || Double.isInfinite(v) || v < -0x1p63 || v >= 0x1p63) {
                throw new IllegalArgumentException("REAL value " + realText(v) + " is not an integer that fits " + t.getName());
            }
            return fromInteger((long) v, t);
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fromText(String s, Class<?> t) {
        if (t == String.class || t == CharSequence.class) {
            return s;
        }
        if (t == Clob.class) {
            return Clob.from(Mono.just(s));
        }
        try {
            if (t == LocalDate.class) {
                return LocalDate.parse(s.length() > 10 ? s.substring(0, 10) : s);
            }
            if (t == LocalTime.class) {
                return LocalTime.parse(s, PARSE_TIME);
            }
            if (t == LocalDateTime.class) {
                return s.length() == 10 ? LocalDate.parse(s).atStartOfDay() : LocalDateTime.parse(s, PARSE_DATE_TIME);
            }
            if (t == OffsetDateTime.class || t == Instant.class) {
                OffsetDateTime odt = parseOffsetDateTime(s);
                return t == Instant.class ? odt.toInstant() : odt;
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("TEXT value " + preview(s) + " is not a well-formed " + t.getSimpleName(), e);
        }
        if (t == UUID.class) {
            try {
                if (s.length() != 36) {
                    throw new IllegalArgumentException("length " + s.length());
                }
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TEXT value " + preview(s) + " is not a well-formed UUID", e);
            }
        }
        if (t.isEnum()) {
            try {
                return Enum.valueOf((Class) t, s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TEXT value " + preview(s) + " names no constant of " + t.getName(), e);
            }
        }
        if (t == byte[].class) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (Number.class.isAssignableFrom(t) || t == Boolean.class) {
            BigDecimal number;
            try {
                number = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("TEXT value " + preview(s) + " is not a number", e);
            }
            if (t == BigDecimal.class) {
                return number;
            }
            if (t == Double.class) {
                return number.doubleValue();
            }
            if (t == Float.class) {
                return number.floatValue();
            }
            try {
                BigInteger integral = number.toBigIntegerExact();
                if (t == BigInteger.class) {
                    return integral;
                }
                return fromInteger(integral.longValueExact(), t);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("TEXT value " + preview(s) + " is not an integer that fits " + t.getName(), e);
            }
        }
        return null;
    }

    private static OffsetDateTime parseOffsetDateTime(String s) {
        if (s.length() == 10) {
            return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
        }
        var parsed = PARSE_OFFSET_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
        if (parsed instanceof OffsetDateTime odt) {
            return odt;
        }
        // No zone: SQLite's own date and time functions produce UTC (datetime('now')), so read it as UTC.
        return ((LocalDateTime) parsed).atOffset(ZoneOffset.UTC);
    }

    private static Object fromBlob(byte[] b, Class<?> t) {
        if (t == byte[].class) {
            return b.clone();
        }
        if (t == ByteBuffer.class) {
            return ByteBuffer.wrap(b.clone());
        }
        if (t == Blob.class) {
            return Blob.from(Mono.just(ByteBuffer.wrap(b.clone())));
        }
        if (t == String.class || t == CharSequence.class) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (t == UUID.class) {
            if (b.length != 16) {
                throw new IllegalArgumentException("BLOB of " + b.length + " bytes is not a UUID (16 bytes)");
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new UUID(buf.getLong(), buf.getLong());
        }
        return null;
    }

    /**
     * SQLite's text for a REAL: 15 significant digits ({@code printf("%!.15g")}), always with a
     * decimal point or exponent, exponent written {@code e+NN}/{@code e-NN}; e.g. 1.0, 0.1, 1.0e+20.
     */
    static String realText(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(v).round(new MathContext(15));
        int exponent = bd.precision() - bd.scale() - 1;
        String digits = bd.unscaledValue().abs().toString();
        // trim trailing zeros of the significand
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        StringBuilder out = new StringBuilder();
        if (v < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 15) {
            out.append(digits.charAt(0)).append('.');
            out.append(digits.length() > 1 ? digits.substring(1) : "0");
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (exponent < 0) {
            out.append("0.");
            out.append("0".repeat(-exponent - 1)).append(digits);
        } else {
            if (digits.length() <= exponent + 1) {
                out.append(digits).append("0".repeat(exponent + 1 - digits.length())).append(".0");
            } else {
                out.append(digits, 0, exponent + 1).append('.').append(digits.substring(exponent + 1));
            }
        }
        return out.toString();
    }

    static String storageClass(Object value) {
        return switch (value) {
            case null -> "NULL";
            case Long l -> "INTEGER";
            case Double d -> "REAL";
            case String s -> "TEXT";
            case byte[] b -> "BLOB";
            default -> value.getClass().getSimpleName();
        };
    }

    private static String preview(Object value) {
        if (value instanceof byte[] b) {
            return "(" + b.length + " bytes)";
        }
        String s = value.toString();
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == long.class) {
            return Long.class;
        }
        if (type == int.class) {
            return Integer.class;
        }
        if (type == short.class) {
            return Short.class;
        }
        if (type == byte.class) {
            return Byte.class;
        }
        if (type == boolean.class) {
            return Boolean.class;
        }
        if (type == double.class) {
            return Double.class;
        }
        if (type == float.class) {
            return Float.class;
        }
        throw new IllegalArgumentException("Cannot read a column as " + type.getName());
    }
}
