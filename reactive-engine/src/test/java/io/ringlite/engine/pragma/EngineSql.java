package io.ringlite.engine.pragma;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs one statement through the engine or through real SQLite (sqlite-jdbc), rows as lists. */
final class EngineSql {
    static final Duration WAIT = Duration.ofSeconds(30);

    private EngineSql() {
    }

    /** Column names and rows of one statement (values as Long / Double / String / byte[] / null). */
    record Result(List<String> columns, List<List<Object>> rows) {
    }

    static Database open(Path file) {
        return Databases.open(new DatabaseConfig(file, IoKind.PORTABLE, false, 1)).block(WAIT);
    }

    static void close(Database db) {
        db.close().block(WAIT);
    }

    static Result run(Session s, String sql) {
        PreparedStatement p = s.prepare(sql).block(WAIT);
        if (p == null) {
            return new Result(List.of(), List.of());
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Outcome o : s.execute(p, List.of()).collectList().block(WAIT)) {
            if (o instanceof Outcome.Row r) {
                rows.add(Arrays.asList(r.values()));
            }
        }
        return new Result(p.columnNames(), rows);
    }

    static List<List<Object>> rows(Session s, String sql) {
        return run(s, sql).rows();
    }

    /** The same statement(s) in SQLite on {@code file}: the rows of the last one. */
    static List<List<Object>> sqlite(Path file, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            List<List<Object>> rows = List.of();
            for (String q : sql) {
                rows = List.of();
                if (!st.execute(q)) {
                    continue;
                }
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<List<Object>> out = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            row.add(v instanceof Integer n ? Long.valueOf(n) : v);
                        }
                        out.add(row);
                    }
                    rows = out;
                }
            }
            return rows;
        }
    }
}
