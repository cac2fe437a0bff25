package io.ringlite.storage.pager;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;

/**
 * Crash states made by real SQLite (sqlite-jdbc) inside the test, the way the shared fixtures
 * were made: files copied while the writer is still open. Tests use both these and the shared
 * fixtures, so they keep their teeth even if the shared copies get damaged.
 */
public final class CrashStates {
    private CrashStates() {
    }

    /**
     * The crash state {@code id}: {@code fixture:NAME} (shared fixture; the test is skipped if
     * its side file is gone), or {@code made:uncheckpointed}, {@code made:torn},
     * {@code made:hot-journal} (made here). Returns the database path; side files sit next to it.
     */
    public static Path make(String id, Path dir) throws Exception {
        String[] parts = id.split(":", 2);
        if (parts[0].equals("fixture")) {
            return fixture(parts[1], parts[1].startsWith("hot") ? "-journal" : "-wal", dir);
        }
        return switch (parts[1]) {
            case "uncheckpointed" -> uncheckpointedWal(dir);
            case "torn" -> tornWal(dir);
            case "hot-journal" -> hotJournal(dir);
            default -> throw new IllegalArgumentException(id);
        };
    }

    /** Copies database {@code db} and its side files (never -shm) into {@code dir}. */
    public static Path copy(Path db, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve(db.getFileName());
        Files.copy(db, out);
        for (String suffix : new String[] {"-wal", "-journal"}) {
            Path side = Path.of(db + suffix);
            if (Files.exists(side)) {
                Files.copy(side, Path.of(out + suffix));
            }
        }
        out.toFile().setWritable(true);
        return out;
    }

    /** Copies a shared crash-state fixture, skipping the test if its side file is gone. */
    public static Path fixture(String name, String sideSuffix, Path dir) throws Exception {
        Path side = TestIo.fixtures().resolve(name + sideSuffix);
        assumeTrue(Files.exists(side), "shared fixture damaged: " + side + " is missing (was the fixture opened in place?)");
        return TestIo.copyFixture(name, Files.createDirectories(dir));
    }

    /** A WAL database whose every change lives only in NAME-wal (the writer never checkpointed). */
    public static Path uncheckpointedWal(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src")).resolve("w.db");
        Path out = Files.createDirectories(dir.resolve("out")).resolve("w.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src); Statement s = c.createStatement()) {
            writeWal(s);
            Files.copy(src, out);
            Files.copy(Path.of(src + "-wal"), Path.of(out + "-wal"));
        }
        return out;
    }

    /** Like {@link #uncheckpointedWal} plus one more commit whose frames are cut half-way. */
    public static Path tornWal(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src")).resolve("t.db");
        Path out = Files.createDirectories(dir.resolve("out")).resolve("t.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src); Statement s = c.createStatement()) {
            writeWal(s);
            long before = Files.size(Path.of(src + "-wal"));
            Files.copy(src, out);
            s.execute("UPDATE t SET b = 'torn ' || b");
            byte[] grown = Files.readAllBytes(Path.of(src + "-wal"));
            if (grown.length <= before) {
                throw new IllegalStateException("the last commit did not grow the WAL");
            }
            Files.write(Path.of(out + "-wal"), Arrays.copyOf(grown, (int) (before + (grown.length - before) / 2)));
        }
        return out;
    }

    private static void writeWal(Statement s) throws Exception {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA wal_autocheckpoint=0");
        s.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
        s.execute("CREATE INDEX tb ON t(b)");
        for (int batch = 0; batch < 5; batch++) {
            s.execute("BEGIN");
            s.execute("INSERT INTO t(b) WITH RECURSIVE g(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM g WHERE v < 200) "
                    + "SELECT printf('%d-%s', v, hex(randomblob(abs(random()) % 300))) FROM g");
            s.execute("COMMIT");
        }
        s.execute("DELETE FROM t WHERE a % 3 = 0");
    }

    /** A rollback-journal database that crashed mid-transaction after spilling pages into the file. */
    public static Path hotJournal(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src")).resolve("h.db");
        Path out = Files.createDirectories(dir.resolve("out")).resolve("h.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src); Statement s = c.createStatement()) {
            s.execute("PRAGMA cache_size=10");
            s.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
            s.execute("INSERT INTO t(b) SELECT hex(randomblob(200)) FROM "
                    + "(WITH RECURSIVE g(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM g WHERE v < 3000) SELECT v FROM g)");
            c.setAutoCommit(false);
            s.execute("UPDATE t SET b = b || '-changed'");
            s.execute("DELETE FROM t WHERE a % 2 = 0");
            Files.copy(src, out);
            Path journal = Path.of(src + "-journal");
            if (!Files.exists(journal)) {
                throw new IllegalStateException("no journal while the transaction is open");
            }
            Files.copy(journal, Path.of(out + "-journal"));
            c.rollback();
        }
        return out;
    }
}
