package io.ringlite.tests.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One state the simulated database can be in: which tables exist with which rows, and which
 * indexes of the {@link SimCatalog} exist.
 *
 * <p>Definitions: a row is the list of a table's columns after its rowid ({@code id}), each a
 * {@link Long}, a {@link String}, a {@link Blob} or null ({@link #value} normalises what a
 * driver returns). A table's automatic indexes (UNIQUE constraints) exist exactly while the table
 * does; {@link #indexes} holds only catalog indexes.
 *
 * <p>Invariants: (1) every index in {@link #indexes} belongs to a table in {@link #tables}
 * (dropping a table drops its indexes); (2) equal states compare equal and hash alike (blobs
 * by content), so a set of candidates can be deduplicated.
 */
final class SimState {
    /** A blob value, compared by content. */
    record Blob(String hex) {
        static Blob of(byte[] b) {
            return new Blob(HexFormat.of().formatHex(b));
        }

        @Override
        public String toString() {
            return "x'" + (hex.length() > 40 ? hex.substring(0, 40) + "..(" + hex.length() / 2 + " bytes)" : hex) + "'";
        }
    }

    final TreeMap<String, TreeMap<Long, List<Object>>> tables = new TreeMap<>();
    final TreeSet<String> indexes = new TreeSet<>();

    SimState copy() {
        SimState s = new SimState();
        for (Map.Entry<String, TreeMap<Long, List<Object>>> e : tables.entrySet()) {
            s.tables.put(e.getKey(), new TreeMap<>(e.getValue())); // rows are immutable lists
        }
        s.indexes.addAll(indexes);
        return s;
    }

    /** The rows of {@code table}; the table must exist. */
    TreeMap<Long, List<Object>> rows(String table) {
        TreeMap<Long, List<Object>> rows = tables.get(table);
        if (rows == null) {
            throw new IllegalStateException("invariant: table " + table + " does not exist in the model");
        }
        return rows;
    }

    boolean has(String table) {
        return tables.containsKey(table);
    }

    /** A value as the model keeps it: integers as Long, blobs as {@link Blob}. */
    static Object value(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case byte[] b -> Blob.of(b);
            default -> v;
        };
    }

    static List<Object> row(Object... values) {
        List<Object> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(value(v));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /**
     * The first UNIQUE constraint this state violates (a catalog UNIQUE index that exists, or a
     * table's UNIQUE constraint), or null. Keys with a NULL column never conflict, as in SQLite.
     */
    String uniqueViolation() {
        for (SimCatalog.Unique u : SimCatalog.uniques(this)) {
            Set<List<Object>> seen = new HashSet<>();
            for (List<Object> r : rows(u.table()).values()) {
                if (!u.where().test(r)) {
                    continue;
                }
                List<Object> key = u.key().apply(r);
                if (SimCatalog.hasNull(key)) {
                    continue;
                }
                if (!seen.add(key)) {
                    return u.name() + " " + key;
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimState s && tables.equals(s.tables) && indexes.equals(s.indexes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tables, indexes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        tables.forEach((t, rows) -> sb.append(t).append(": ").append(rows.size()).append(" rows; "));
        return sb.append("indexes ").append(indexes).toString();
    }

    /** The first few differences from {@code expected} to {@code actual}, for failure messages. */
    static String diff(SimState expected, SimState actual) {
        List<String> out = new ArrayList<>();
        if (!expected.indexes.equals(actual.indexes)) {
            out.add("indexes " + expected.indexes + " vs " + actual.indexes);
        }
        if (!expected.tables.keySet().equals(actual.tables.keySet())) {
            out.add("tables " + expected.tables.keySet() + " vs " + actual.tables.keySet());
        }
        for (String t : expected.tables.keySet()) {
            TreeMap<Long, List<Object>> a = actual.tables.get(t);
            if (a == null) {
                continue;
            }
            TreeMap<Long, List<Object>> e = expected.tables.get(t);
            for (Map.Entry<Long, List<Object>> row : e.entrySet()) {
                List<Object> got = a.get(row.getKey());
                if (got == null) {
                    out.add(t + ": missing id " + row.getKey());
                } else if (!got.equals(row.getValue())) {
                    out.add(t + ": id " + row.getKey() + " differs (" + abbreviate(row.getValue()) + " vs "
                            + abbreviate(got) + ")");
                }
            }
            for (Long id : a.keySet()) {
                if (!e.containsKey(id)) {
                    out.add(t + ": unexpected id " + id);
                }
            }
        }
        if (out.isEmpty()) {
            return "identical";
        }
        return out.size() > 6 ? out.subList(0, 6) + " ... (" + out.size() + " differences)" : out.toString();
    }

    private static String abbreviate(List<Object> row) {
        String s = row.toString();
        return s.length() > 80 ? s.substring(0, 80) + "...(" + s.length() + " chars)" : s;
    }
}
