package io.ringlite.engine.compile;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Real SQLite through sqlite-jdbc, the oracle for expected results. */
final class OracleSupport implements AutoCloseable {
    private final Connection conn;

    OracleSupport() throws SQLException {
        conn = DriverManager.getConnection("jdbc:sqlite::memory:");
    }

    void exec(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** Rows with values normalised to the engine's Java types (Long, Double, String, byte[], null). */
    List<List<Object>> query(String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(normalise(rs.getObject(i)));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** sqlite3_changes() of the last statement. */
    long changes() throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT changes()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    List<String> columnNames(String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnLabel(i));
            }
            return names;
        }
    }

    static Object normalise(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d -> d;
            case Float f -> (double) f;
            case null -> null;
            default -> v;
        };
    }

    /** Rows made comparable with equals (byte[] as lists). */
    static List<List<Object>> comparable(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Object> r = new ArrayList<>();
            for (Object v : row) {
                r.add(v instanceof byte[] b ? "X'" + java.util.HexFormat.of().formatHex(b).toUpperCase() + "'" : v);
            }
            out.add(r);
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }

    static String show(List<List<Object>> rows) {
        StringBuilder sb = new StringBuilder();
        for (List<Object> r : comparable(rows)) {
            sb.append(Arrays.toString(r.toArray())).append('\n');
        }
        return sb.toString();
    }
}
