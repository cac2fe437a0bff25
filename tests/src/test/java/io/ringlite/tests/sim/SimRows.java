package io.ringlite.tests.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what a database holds, as a {@link View}, from Ringlite (through a {@link SimSession})
 * or from real SQLite (sqlite-jdbc on a copy of the simulated files), and checks a view against
 * the model.
 */
final class SimRows {
    private SimRows() {
    }

    /** Runs a query and returns its rows, values normalised by {@link SimState#value}. */
    @FunctionalInterface
    interface Reader {
        List<List<Object>> query(String sql) throws Exception;
    }

    /**
     * What one reader saw: the state (tables, rows, catalog indexes), the rows of
     * {@code sqlite_schema} as {@link SimCatalog#schemaLine} and the answers to
     * {@link SimCatalog#QUERIES} (by SQL text), plus SQLite's integrity_check verdict when it was
     * SQLite that read.
     */
    record View(SimState state, List<String> schema, List<String> unknownObjects, Map<String, List<List<Object>>> answers,
            List<String> integrity) {

        /**
         * Null if this view is consistent with itself: its schema rows are exactly those its state
         * implies (same CREATE text as issued, automatic indexes present, nothing else) and each
         * query returned what the model computes from the rows. Otherwise the first problem.
         */
        String inconsistency() {
            if (!unknownObjects.isEmpty()) {
                return "unknown schema objects " + unknownObjects;
            }
            List<String> expected = SimCatalog.schemaOf(state);
            if (!schema.equals(expected)) {
                return "sqlite_schema " + schema + " instead of " + expected;
            }
            for (SimCatalog.Query q : SimCatalog.QUERIES) {
                List<List<Object>> got = answers.get(q.sql());
                if (got == null) {
                    continue;
                }
                List<List<Object>> want = q.expected().apply(state);
                if (!got.equals(want)) {
                    return q.sql() + " returned " + abbreviate(got) + " instead of " + abbreviate(want);
                }
            }
            return null;
        }
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Reads a whole view through {@code r}. */
    static View read(Reader r, List<String> integrity) throws Exception {
        List<String> schema = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        SimState state = new SimState();
        List<String> indexes = new ArrayList<>();
        for (List<Object> row : r.query(SimCatalog.SCHEMA)) {
            schema.add(SimCatalog.schemaLine(row.get(0), row.get(1), row.get(2), row.get(3)));
            String type = String.valueOf(row.get(0));
            String name = String.valueOf(row.get(1));
            if (type.equals("table") && (name.equals("t") || name.equals("u"))) {
                state.tables.put(name, new TreeMap<>());
            } else if (type.equals("index") && SimCatalog.INDEXES.stream().anyMatch(i -> i.name().equals(name))) {
                indexes.add(name);
            } else if (!(type.equals("index") && name.equals(SimCatalog.U_AUTOINDEX))) {
                unknown.add(name);
            }
        }
        state.indexes.addAll(indexes);
        for (String table : state.tables.keySet()) {
            TreeMap<Long, List<Object>> rows = state.tables.get(table);
            for (List<Object> row : r.query(SimCatalog.selectAll(table))) {
                List<Object> columns = new ArrayList<>(row.subList(1, row.size()));
                rows.put((Long) row.getFirst(), java.util.Collections.unmodifiableList(columns));
            }
        }
        Map<String, List<List<Object>>> answers = new LinkedHashMap<>();
        for (SimCatalog.Query q : SimCatalog.QUERIES) {
            if (state.has(q.table())) {
                answers.put(q.sql(), r.query(q.sql()));
            }
        }
        return new View(state, schema, unknown, answers, integrity);
    }

    /** Ringlite's view through an open session. */
    static View ringlite(SimSession s) throws Exception {
        return read(sql -> {
            List<List<Object>> out = new ArrayList<>();
            for (Object[] row : s.run(sql)) {
                out.add(normalised(row));
            }
            return out;
        }, null);
    }

    private static List<Object> normalised(Object[] row) {
        List<Object> out = new ArrayList<>(row.length);
        for (Object v : row) {
            out.add(SimState.value(v));
        }
        return out;
    }

    /**
     * Real SQLite's view of a database whose bytes are {@code db} and {@code wal} (null: no WAL),
     * with the result of its {@code PRAGMA integrity_check} (which also checks every index against
     * its table). Works on copies in {@code dir}; SQLite recovers the WAL as it would after a
     * power cut. A failure of SQLite itself comes back as the integrity verdict.
     */
    static View sqlite(Path dir, byte[] db, byte[] wal) throws Exception {
        Path file = Files.createTempFile(dir, "sim", ".db");
        Files.write(file, db);
        Path walFile = Path.of(file + "-wal");
        if (wal != null) {
            Files.write(walFile, wal);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement()) {
            Reader reader = sql -> {
                List<List<Object>> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(sql)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Object[] row = new Object[n];
                        for (int i = 0; i < n; i++) {
                            row[i] = rs.getObject(i + 1);
                        }
                        out.add(normalised(row));
                    }
                }
                return out;
            };
            List<String> check = new ArrayList<>();
            for (List<Object> row : reader.query("PRAGMA integrity_check")) {
                check.add(String.valueOf(row.getFirst()));
            }
            return read(reader, check);
        } catch (SQLException e) {
            return new View(new SimState(), List.of(), List.of(), Map.of(),
                    List.of("sqlite-jdbc failed: " + e.getMessage()));
        } finally {
            Files.deleteIfExists(walFile);
            Files.deleteIfExists(Path.of(file + "-shm"));
            Files.deleteIfExists(file);
        }
    }
}
