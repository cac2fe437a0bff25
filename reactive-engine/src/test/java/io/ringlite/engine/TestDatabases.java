package io.ringlite.engine;

import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * One database file per test on a given backend: SIMULATED keeps its files in a
 * {@link SimulatedFileSystem} (so it can be reopened and copied out for sqlite-jdbc), PORTABLE
 * and URING use a real temporary file. URING is skipped, with the reason, where io_uring is
 * unavailable.
 */
final class TestDatabases {
    final IoKind kind;
    final Path file;
    final SimulatedFileSystem fs;

    TestDatabases(IoKind kind, Path tempDir) {
        this.kind = kind;
        if (kind == IoKind.URING) {
            String why = IoBackends.uringUnavailableReason();
            Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        }
        if (kind == IoKind.SIMULATED) {
            this.fs = new SimulatedFileSystem(20261121L);
            this.file = Path.of("/sim/test.db");
        } else {
            this.fs = null;
            this.file = tempDir.resolve("test.db");
        }
    }

    DatabaseConfig config() {
        return new DatabaseConfig(file, kind, false, 7);
    }

    Database open() {
        return open(config());
    }

    Database open(DatabaseConfig config) {
        return (fs != null ? Databases.open(config, fs) : Databases.open(config)).block(Sql.WAIT);
    }

    /** A real file with the database's bytes (the simulated one copied out), for sqlite-jdbc. */
    Path realFile(Path tempDir) throws IOException {
        if (fs == null) {
            return file;
        }
        Path out = tempDir.resolve("copied.db");
        Files.write(out, fs.content(file));
        Path wal = Path.of(file + "-wal");
        if (fs.exists(wal)) {
            Files.write(Path.of(out + "-wal"), fs.content(wal));
        }
        return out;
    }

    /** Runs a query in real SQLite (sqlite-jdbc) and returns the first column of each row as text. */
    static java.util.List<String> sqlite(Path file, String sql) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
