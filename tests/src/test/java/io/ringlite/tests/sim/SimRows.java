package io.ringlite.tests.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rows of the simulated table {@code t(id INTEGER PRIMARY KEY, n INTEGER, v TEXT, b BLOB)} as
 * comparable text, read from Ringlite or from real SQLite (sqlite-jdbc on a copy of the files).
 */
final class SimRows {
    static final String TABLE = "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, v TEXT, b BLOB)";
    static final String SELECT_ALL = "SELECT id, n, v, b FROM t ORDER BY id";

    private SimRows() {
    }

    /** One row's columns n, v, b as text; blobs in hex, so equal rows render equally. */
    static String render(Object n, Object v, Object b) {
        return text(n) + "|" + text(v) + "|" + text(b);
    }

    private static String text(Object value) {
        return switch (value) {
            case null -> "NULL";
            case byte[] bytes -> "x'" + HexFormat.of().formatHex(bytes) + "'";
            case String s -> "'" + s + "'";
            default -> value.toString();
        };
    }

    /** The first few differences between two states, for failure messages. */
    static String diff(TreeMap<Long, String> expected, TreeMap<Long, String> actual) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, String> e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (a == null) {
                out.add("missing id " + e.getKey());
            } else if (!a.equals(e.getValue())) {
                out.add("id " + e.getKey() + " differs (" + abbreviate(e.getValue()) + " vs " + abbreviate(a) + ")");
            }
        }
        for (Long id : actual.keySet()) {
            if (!expected.containsKey(id)) {
                out.add("unexpected id " + id);
            }
        }
        if (out.isEmpty()) {
            return "identical";
        }
        return (out.size() > 6 ? out.subList(0, 6) + " ... (" + out.size() + " differences)" : out.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    }

    /**
     * Real SQLite's view of a database whose bytes are {@code db} and {@code wal} (null: no WAL):
     * the result of {@code PRAGMA integrity_check} and the table's rows (null when the table does
     * not exist). Works on copies in {@code dir}; SQLite recovers the WAL as it would after a
     * power cut.
     */
    static SqliteView sqlite(Path dir, byte[] db, byte[] wal) throws Exception {
        Path file = Files.createTempFile(dir, "sim", ".db");
        Files.write(file, db);
        Path walFile = Path.of(file + "-wal");
        if (wal != null) {
            Files.write(walFile, wal);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement()) {
            List<String> check = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    check.add(rs.getString(1));
                }
            }
            boolean hasTable;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 't'")) {
                hasTable = rs.next() && rs.getLong(1) == 1;
            }
            TreeMap<Long, String> rows = null;
            if (hasTable) {
                rows = new TreeMap<>();
                try (ResultSet rs = st.executeQuery(SELECT_ALL)) {
                    while (rs.next()) {
                        rows.put(rs.getLong(1), render(rs.getObject(2), rs.getObject(3), rs.getBytes(4)));
                    }
                }
            }
            return new SqliteView(check, rows);
        } catch (SQLException e) {
            return new SqliteView(List.of("sqlite-jdbc failed: " + e.getMessage()), null);
        } finally {
            Files.deleteIfExists(walFile);
            Files.deleteIfExists(Path.of(file + "-shm"));
            Files.deleteIfExists(file);
        }
    }

    /** What real SQLite saw. */
    record SqliteView(List<String> integrity, TreeMap<Long, String> rows) {
    }
}
