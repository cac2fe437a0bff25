package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.io.IoKind;
import java.io.IOException;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by real sqlite3 (../shared/fixtures) read back in Ringlite exactly as SQLite reads
 * them: every table, every row, every value compared through {@code quote()}, which prints each
 * value's type and bytes unambiguously.
 */
class FixtureReadTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {
        "basic-4096.db", "pagesize-512.db", "pagesize-65536.db", "overflow.db", "reserved-bytes.db",
        "freelist.db", "schema-only.db", "wal-uncheckpointed.db", "wal-torn-tail.db",
        "autovacuum-full.db", "autovacuum-incremental.db"})
    void fixtureReadsBackAsSqliteReadsIt(String name) throws Exception {
        Map<String, List<String>> expected = expected(name);
        Map<String, List<String>> columns = columns(name);
        Path db = Fixtures.copy(name, Files.createDirectories(tmp.resolve("ringlite")));
        try (Db ringlite = Db.open(DatabaseConfig.file(db).withIo(IoKind.PORTABLE))) {
            for (Map.Entry<String, List<String>> table : expected.entrySet()) {
                List<String> cols = columns.get(table.getKey());
                String quoted = cols.stream().map(c -> "quote(\"" + c + "\")").collect(Collectors.joining(", "));
                String order = java.util.stream.IntStream.rangeClosed(1, cols.size())
                        .mapToObj(Integer::toString).collect(Collectors.joining(", "));
                List<Object[]> rows = ringlite.query(
                        "SELECT " + quoted + " FROM \"" + table.getKey() + "\" ORDER BY " + order);
                List<String> actual = rows.stream()
                        .map(r -> java.util.Arrays.stream(r).map(String::valueOf).collect(Collectors.joining("|")))
                        .toList();
                assertThat(actual).as("table %s of %s", table.getKey(), name).isEqualTo(table.getValue());
            }
        }
    }

    /** The rows real SQLite printed, per table, from NAME.expected.txt. */
    private static Map<String, List<String>> expected(String name) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(Fixtures.dir().resolve(name + ".expected.txt"))) {
            if (line.startsWith("-- table ")) {
                current = new ArrayList<>();
                out.put(line.substring("-- table ".length()), current);
            } else if (current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return out;
    }

    /** Column names per table, asked of real SQLite on a separate copy of the fixture. */
    private Map<String, List<String>> columns(String name) throws IOException, SQLException {
        Path copy = Fixtures.copy(name, Files.createDirectories(tmp.resolve("oracle")));
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                List<String> cols = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + t + "\")")) {
                    while (rs.next()) {
                        cols.add(rs.getString("name"));
                    }
                }
                out.put(t, cols);
            }
        }
        return out;
    }
}
