package io.ringlite.vdbe.func;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Mem;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in functions against real SQLite (sqlite-jdbc) for arguments of every storage class:
 * each call {@code f(lit, ...)} is evaluated by SQLite and by {@link FunctionRegistry}'s
 * definition; type and value must be identical (errors must be errors in both).
 */
class FunctionOracleTest {
    record Lit(String sql, Object value) { }

    static final List<Lit> ALL = List.of(
            new Lit("NULL", null),
            new Lit("0", 0L),
            new Lit("1", 1L),
            new Lit("-7", -7L),
            new Lit("3", 3L),
            new Lit("9223372036854775807", Long.MAX_VALUE),
            new Lit("(-9223372036854775807-1)", Long.MIN_VALUE),
            new Lit("2.5", 2.5),
            new Lit("-0.5", -0.5),
            new Lit("1e308", 1e308),
            new Lit("3.0", 3.0),
            new Lit("-2.675", -2.675),
            new Lit("'12'", "12"),
            new Lit("'-4.5x'", "-4.5x"),
            new Lit("'abc'", "abc"),
            new Lit("'héllo wörld'", "héllo wörld"),
            new Lit("' ab '", " ab "),
            new Lit("''", ""),
            new Lit("'ABc'", "ABc"),
            new Lit("'a%c'", "a%c"),
            new Lit("'[a-c]*'", "[a-c]*"),
            new Lit("x'31'", new byte[] {'1'}),
            new Lit("x'00ff61'", new byte[] {0, (byte) 0xff, 'a'}),
            new Lit("x''", new byte[0]));

    static final List<Lit> SMALL = List.of(
            new Lit("NULL", null), new Lit("0", 0L), new Lit("1", 1L), new Lit("-2", -2L), new Lit("3", 3L),
            new Lit("2.5", 2.5), new Lit("'2'", "2"), new Lit("'b'", "b"), new Lit("x'62'", new byte[] {'b'}));

    static Connection sqlite;

    @BeforeAll
    static void open() throws SQLException {
        sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    }

    @AfterAll
    static void close() throws SQLException {
        sqlite.close();
    }

    static String canon(Object v) {
        return switch (v) {
            case null -> "NULL";
            case Integer i -> "i:" + i;
            case Long l -> "i:" + l;
            case Double d -> "r:" + d;
            case String s -> "t:" + s;
            case byte[] b -> "b:" + HexFormat.of().formatHex(b);
            default -> throw new AssertionError(v.getClass());
        };
    }

    static String oracle(String sql) {
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("SELECT " + sql)) {
            rs.next();
            return canon(rs.getObject(1));
        } catch (SQLException e) {
            return "error";
        }
    }

    static String ours(String name, Lit... args) {
        Mem[] mems = new Mem[args.length];
        for (int i = 0; i < args.length; i++) {
            mems[i] = Mem.of(args[i].value());
        }
        Mem out = new Mem();
        try {
            FuncDef f = FunctionRegistry.lookup(name, args.length);
            if (f.isAggregate()) {
                Accumulator acc = f.aggregate().get();
                acc.step(mems);
                acc.finish(out);
            } else {
                f.scalar().call(mems, out);
            }
        } catch (DatabaseException e) {
            return "error";
        }
        return canon(out.toObject());
    }

    private static void compare(List<String> mismatches, String name, Lit... args) {
        StringBuilder sql = new StringBuilder(name).append('(');
        for (int i = 0; i < args.length; i++) {
            sql.append(i > 0 ? ", " : "").append(args[i].sql());
        }
        sql.append(')');
        String expected = oracle(sql.toString());
        String actual = ours(name, args);
        if (!expected.equals(actual)) {
            mismatches.add(sql + " -> sqlite " + expected + " ours " + actual);
        }
    }

    @Test
    void oneArgumentFunctionsMatchSqliteForEveryType() {
        List<String> mismatches = new ArrayList<>();
        for (String f : List.of("length", "hex", "typeof", "quote", "abs", "lower", "upper", "unicode",
                "round", "trim", "ltrim", "rtrim", "coalesce", "char", "likely", "unlikely", "count", "sum", "total", "avg",
                "min", "max", "group_concat")) {
            for (Lit a : ALL) {
                if (f.equals("coalesce")) {
                    compare(mismatches, f, a, new Lit("NULL", null));
                    continue;
                }
                if (f.equals("char") && !(a.value() instanceof Long l && l >= 0 && l < 0x10ffff)) {
                    continue; // char() of a non-code-point is a replacement character in SQLite too, but printed differently
                }
                compare(mismatches, f, a);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void twoArgumentFunctionsMatchSqliteForEveryPairOfTypes() {
        List<String> mismatches = new ArrayList<>();
        for (String f : List.of("substr", "ifnull", "nullif", "instr", "round", "trim", "ltrim", "rtrim",
                "like", "glob", "min", "max", "coalesce", "printf", "group_concat")) {
            for (Lit a : ALL) {
                for (Lit b : ALL) {
                    if (f.equals("round") && b.value() instanceof Long l && Math.abs(l) > 100) {
                        continue;
                    }
                    compare(mismatches, f, a, b);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void threeArgumentFunctionsMatchSqlite() {
        List<String> mismatches = new ArrayList<>();
        for (Lit a : ALL) {
            for (Lit b : SMALL) {
                for (Lit c : SMALL) {
                    compare(mismatches, "substr", a, b, c);
                }
            }
        }
        for (Lit a : SMALL) {
            for (Lit b : SMALL) {
                for (Lit c : SMALL) {
                    compare(mismatches, "replace", a, b, c);
                    compare(mismatches, "iif", a, b, c);
                    compare(mismatches, "coalesce", a, b, c);
                    compare(mismatches, "max", a, b, c);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void substrCountsFromEitherEndAsSqliteDoes() {
        List<String> mismatches = new ArrayList<>();
        for (long y = -8; y <= 8; y++) {
            for (long z = -8; z <= 8; z++) {
                compare(mismatches, "substr", new Lit("'hello'", "hello"), new Lit(Long.toString(y), y),
                        new Lit(Long.toString(z), z));
                compare(mismatches, "substr", new Lit("x'0102030405'", new byte[] {1, 2, 3, 4, 5}),
                        new Lit(Long.toString(y), y), new Lit(Long.toString(z), z));
            }
            compare(mismatches, "substr", new Lit("'hello'", "hello"), new Lit(Long.toString(y), y));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void likeAndGlobPatternsMatchSqlite() {
        List<String> mismatches = new ArrayList<>();
        String[] texts = {"", "a", "abc", "ABC", "a%c", "a_c", "xyz", "aXbXc", "[abc]", "é", "ab]c"};
        String[] likes = {"%", "_", "a%", "%c", "a_c", "A%C", "%b%", "a\\%c", "%%%", "_%_", "a", "é"};
        String[] globs = {"*", "?", "a*", "*c", "a?c", "[a-c]*", "[^a]*", "*[]]*", "A*", "a[bX]*", "[", "é"};
        for (String t : texts) {
            Lit tl = new Lit("'" + t + "'", t);
            for (String p : likes) {
                compare(mismatches, "like", new Lit("'" + p + "'", p), tl);
                compare(mismatches, "like", new Lit("'" + p + "'", p), tl, new Lit("'\\'", "\\"));
            }
            for (String p : globs) {
                compare(mismatches, "glob", new Lit("'" + p + "'", p), tl);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void printfFormatsCommonConversionsLikeSqlite() {
        List<String> mismatches = new ArrayList<>();
        String[] formats = {"%d", "%5d", "%-5d|", "%05d", "%+d", "%x", "%X", "%o", "%s", "%10s|", "%-10s|",
                "%.2s", "%q", "%Q", "%f", "%.2f", "%10.3f", "%e", "%.3e", "%g", "%c", "%%", "a%sb%dc"};
        for (String fmt : formats) {
            for (Lit a : SMALL) {
                compare(mismatches, "printf", new Lit("'" + fmt + "'", fmt), a);
            }
            compare(mismatches, "printf", new Lit("'" + fmt + "'", fmt), new Lit("123.456", 123.456));
            compare(mismatches, "printf", new Lit("'" + fmt + "'", fmt), new Lit("'it''s'", "it's"));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void randomFunctionsGiveValuesOfTheRightShape() {
        Mem out = new Mem();
        FunctionRegistry.lookup("random", 0).scalar().call(new Mem[0], out);
        assertThat(out.isInt()).isTrue();
        FunctionRegistry.lookup("randomblob", 1).scalar().call(new Mem[] {Mem.of(16L)}, out);
        assertThat(out.blobValue()).hasSize(16);
        FunctionRegistry.lookup("randomblob", 1).scalar().call(new Mem[] {Mem.of(-3L)}, out);
        assertThat(out.blobValue()).as("SQLite returns one byte for N < 1").hasSize(1);
        FunctionRegistry.lookup("zeroblob", 1).scalar().call(new Mem[] {Mem.of(3L)}, out);
        assertThat(out.blobValue()).containsExactly(0, 0, 0);
        assertThat(FunctionRegistry.lookup("random", 0).deterministic()).isFalse();
    }

    @Test
    void absOfTheSmallestIntegerIsAnIntegerOverflowError() {
        assertThatThrownBy(() -> FunctionRegistry.lookup("abs", 1).scalar()
                .call(new Mem[] {Mem.of(Long.MIN_VALUE)}, new Mem()))
                .isInstanceOf(DatabaseException.class)
                .hasMessage("integer overflow");
    }

    @Test
    void lookupReportsUnknownFunctionsAndWrongArgumentCountsWithSqlitesMessages() {
        assertThatThrownBy(() -> FunctionRegistry.lookup("nosuch", 1))
                .isInstanceOf(DatabaseException.class).hasMessage("no such function: nosuch")
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.ERROR);
        assertThatThrownBy(() -> FunctionRegistry.lookup("length", 2))
                .isInstanceOf(DatabaseException.class).hasMessage("wrong number of arguments to function length()");
        assertThatThrownBy(() -> FunctionRegistry.lookup("substr", 1))
                .hasMessage("wrong number of arguments to function substr()");
        assertThatThrownBy(() -> FunctionRegistry.lookup("coalesce", 1))
                .hasMessage("wrong number of arguments to function coalesce()");
        assertThat(FunctionRegistry.lookup("COUNT", 0).isAggregate()).isTrue();
        assertThat(FunctionRegistry.lookup("max", 1).isAggregate()).isTrue();
        assertThat(FunctionRegistry.lookup("max", 3).isAggregate()).isFalse();
    }
}
