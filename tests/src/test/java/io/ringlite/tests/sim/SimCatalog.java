package io.ringlite.tests.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The schema objects of the simulation and what the model needs to know about each.
 *
 * <p>Tables: {@code t(id INTEGER PRIMARY KEY, n INTEGER, v TEXT, b BLOB)} exists for the whole
 * run; {@code u(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, c TEXT, UNIQUE(a, c))} is created
 * with index {@code u_c} at the start and is dropped and created again by the workload.
 *
 * <p>Indexes the workload creates and drops ({@link #INDEXES}): plain, UNIQUE over two columns,
 * DESC, partial UNIQUE, on expressions and with a collation. For every UNIQUE one the model
 * knows the key and the WHERE clause in Java ({@link Unique}), so it can tell in advance which
 * statement fails with a UNIQUE constraint: it fails exactly when its result would hold two rows
 * with the same non-NULL key. That holds because every workload statement gives all the rows it
 * changes the same new values, so no conflict is only transient.
 */
final class SimCatalog {
    static final String T = "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, v TEXT, b BLOB)";
    static final String U = "CREATE TABLE u(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, c TEXT, UNIQUE(a, c))";
    static final String U_AUTOINDEX = "sqlite_autoindex_u_1";

    /** A catalog index: its name, table, CREATE statement, and for a UNIQUE one its key. */
    record Index(String name, String table, String sql, Unique unique) {
    }

    /** A UNIQUE constraint over the rows of {@code table} that satisfy {@code where}. */
    record Unique(String name, String table, Function<List<Object>, List<Object>> key, Predicate<List<Object>> where) {
    }

    // t's columns after id: 0 n, 1 v, 2 b. u's: 0 a, 1 c.
    static final List<Index> INDEXES = List.of(
            new Index("t_n", "t", "CREATE INDEX t_n ON t(n)", null),
            new Index("t_nv", "t", "CREATE UNIQUE INDEX t_nv ON t(n, v)",
                    new Unique("t_nv", "t", r -> List.of(nn(r.get(0)), nn(r.get(1))), r -> true)),
            new Index("t_vd", "t", "CREATE INDEX t_vd ON t(v DESC, n)", null),
            new Index("t_hi", "t", "CREATE UNIQUE INDEX t_hi ON t(n) WHERE n >= 800",
                    new Unique("t_hi", "t", r -> List.of(nn(r.get(0))),
                            r -> r.get(0) instanceof Long n && n >= 800)),
            new Index("t_expr", "t", "CREATE INDEX t_expr ON t(length(b), substr(v, 1, 2))", null),
            new Index("t_nc", "t", "CREATE INDEX t_nc ON t(v COLLATE NOCASE, id DESC)", null),
            new Index("u_c", "u", "CREATE INDEX u_c ON u(c DESC, a)", null),
            new Index("u_ad", "u", "CREATE UNIQUE INDEX u_ad ON u(a DESC) WHERE c IS NULL",
                    new Unique("u_ad", "u", r -> List.of(nn(r.get(0))), r -> r.get(1) == null)));

    /** u's UNIQUE(a, c) constraint (its automatic index). */
    static final Unique U_UNIQUE = new Unique(U_AUTOINDEX, "u", r -> List.of(nn(r.get(0)), nn(r.get(1))), r -> true);

    /** Indexes that exist when the run starts (besides u's automatic one). */
    static final List<String> INITIAL = List.of("t_n", "u_c");

    private SimCatalog() {
    }

    /** A stand-in for NULL in keys: List.of refuses nulls, and a key with one never conflicts. */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    private static Object nn(Object v) {
        return v == null ? NULL : v;
    }

    static boolean hasNull(List<Object> key) {
        return key.contains(NULL);
    }

    static Index index(String name) {
        for (Index i : INDEXES) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no catalog index " + name);
    }

    static String createSql(String table) {
        return switch (table) {
            case "t" -> T;
            case "u" -> U;
            default -> throw new IllegalArgumentException(table);
        };
    }

    static String selectAll(String table) {
        return switch (table) {
            case "t" -> "SELECT id, n, v, b FROM t ORDER BY id";
            case "u" -> "SELECT id, a, c FROM u ORDER BY id";
            default -> throw new IllegalArgumentException(table);
        };
    }

    /** The UNIQUE constraints in force in {@code s}. */
    static List<Unique> uniques(SimState s) {
        List<Unique> out = new ArrayList<>();
        if (s.has("u")) {
            out.add(U_UNIQUE);
        }
        for (String name : s.indexes) {
            Unique u = index(name).unique();
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    /**
     * The rows of {@code sqlite_schema} that {@code s} implies, as "type name tbl_name sql",
     * sorted by name (the query {@link #SCHEMA} returns them so).
     */
    static List<String> schemaOf(SimState s) {
        List<String[]> rows = new ArrayList<>();
        for (String table : s.tables.keySet()) {
            rows.add(new String[] {"table", table, table, createSql(table)});
            if (table.equals("u")) {
                rows.add(new String[] {"index", U_AUTOINDEX, "u", null});
            }
        }
        for (String name : s.indexes) {
            Index i = index(name);
            rows.add(new String[] {"index", name, i.table(), i.sql()});
        }
        rows.sort(Comparator.comparing(r -> r[1]));
        return rows.stream().map(r -> schemaLine(r[0], r[1], r[2], r[3])).toList();
    }

    static final String SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name";

    static String schemaLine(Object type, Object name, Object table, Object sql) {
        return type + " " + name + " " + table + " " + sql;
    }

    /**
     * Queries whose answers the model computes from a state; real SQLite answers them through the
     * indexes that exist (so they read the index B-trees Ringlite wrote), Ringlite by whatever
     * plan it has. Each is run only if its tables exist.
     */
    record Query(String table, String sql, Function<SimState, List<List<Object>>> expected) {
    }

    static final List<Query> QUERIES = List.of(
            new Query("t", "SELECT id, n FROM t WHERE n >= 800 ORDER BY n, id", s -> select(s, "t",
                    r -> r.get(0) instanceof Long n && n >= 800, (id, r) -> List.of(id, r.get(0)),
                    Comparator.comparing((List<Object> o) -> (Long) o.get(1)).thenComparing(o -> (Long) o.get(0)))),
            new Query("t", "SELECT id FROM t WHERE n >= 0 AND n < 50 ORDER BY id", s -> select(s, "t",
                    r -> r.get(0) instanceof Long n && n >= 0 && n < 50, (id, r) -> List.of(id), byId())),
            new Query("t", "SELECT id FROM t WHERE v >= 'a' AND v < 'b' ORDER BY id", s -> select(s, "t",
                    r -> r.get(1) instanceof String v && v.compareTo("a") >= 0 && v.compareTo("b") < 0,
                    (id, r) -> List.of(id), byId())),
            new Query("t", "SELECT count(*) FROM t WHERE v IS NULL", s -> List.of(List.of(
                    s.rows("t").values().stream().filter(r -> r.get(1) == null).count()))),
            new Query("u", "SELECT id, a FROM u WHERE c IS NULL ORDER BY a DESC, id", s -> select(s, "u",
                    r -> r.get(1) == null, (id, r) -> List.of(id, r.get(0)),
                    Comparator.comparing((List<Object> o) -> -(Long) o.get(1)).thenComparing(o -> (Long) o.get(0)))),
            new Query("u", "SELECT id FROM u WHERE a = 7 ORDER BY id", s -> select(s, "u",
                    r -> Long.valueOf(7).equals(r.get(0)), (id, r) -> List.of(id), byId())));

    private static Comparator<List<Object>> byId() {
        return Comparator.comparing(o -> (Long) o.get(0));
    }

    private static List<List<Object>> select(SimState s, String table, Predicate<List<Object>> where,
            java.util.function.BiFunction<Long, List<Object>, List<Object>> project, Comparator<List<Object>> order) {
        List<List<Object>> out = new ArrayList<>();
        for (Map.Entry<Long, List<Object>> e : s.rows(table).entrySet()) {
            if (where.test(e.getValue())) {
                out.add(project.apply(e.getKey(), e.getValue()));
            }
        }
        out.sort(order);
        return out;
    }
}
