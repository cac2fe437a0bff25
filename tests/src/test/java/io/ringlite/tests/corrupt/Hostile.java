package io.ringlite.tests.corrupt;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import reactor.core.Exceptions;

/**
 * Runs statements against hostile bytes, through the engine and through real SQLite
 * (sqlite-jdbc), and reduces each run to an {@link Result}: the rows, or the error.
 *
 * <p>Anything that is neither rows nor a {@link DatabaseException} — another exception type, an
 * {@link Error} such as {@link OutOfMemoryError} or {@link StackOverflowError} — is kept as the
 * result's {@code alien} throwable so that the test can fail with it. A run that does not finish
 * within {@link #HANG_GUARD} fails the test: that bound is a hang guard, not a timing
 * assertion.
 */
final class Hostile {
    /** Generous bound after which a run counts as a hang. */
    static final Duration HANG_GUARD = Duration.ofSeconds(60);
    /** Bound of one blocking wait inside a run. */
    private static final Duration WAIT = Duration.ofSeconds(50);

    private Hostile() {
    }

    /** What one statement did: rows, or a typed error, or something that must never happen. */
    record Result(String sql, List<List<Object>> rows, DatabaseException error, Throwable alien) {
        static Result ok(String sql, List<List<Object>> rows) {
            return new Result(sql, rows, null, null);
        }

        static Result failed(String sql, Throwable t) {
            Throwable u = Exceptions.unwrap(t);
            if (u instanceof DatabaseException e) {
                return new Result(sql, null, e, null);
            }
            return new Result(sql, null, null, u);
        }

        boolean isRows() {
            return rows != null;
        }

        /** True for SQLITE_CORRUPT (any extended code) or SQLITE_NOTADB. */
        boolean isCorruptOrNotADb() {
            return error != null
                    && (error.code().primary() == ResultCode.CORRUPT || error.code().primary() == ResultCode.NOTADB);
        }

        @Override
        public String toString() {
            if (rows != null) {
                return sql + " -> " + rows.size() + " rows";
            }
            if (error != null) {
                return sql + " -> " + error.code() + " \"" + error.getMessage() + "\" page " + error.pageNumber();
            }
            return sql + " -> ALIEN " + alien;
        }
    }

    static final Path SIM_DB = Path.of("/hostile/test.db");
    static final Path SIM_WAL = Path.of("/hostile/test.db-wal");
    static final Path SIM_JOURNAL = Path.of("/hostile/test.db-journal");

    /**
     * Opens {@code db} (+ {@code wal}, may be null) with the engine on the simulated backend and
     * runs {@code statements} in order in one session. The open itself is the first result
     * (sql "open") when it fails; later statements are then not run.
     */
    static List<Result> engine(byte[] db, byte[] wal, List<String> statements) {
        return engine(db, wal, statements, null);
    }

    /**
     * As {@link #engine(byte[], byte[], List)}; when {@code imageOut} is given, it receives the
     * database file [0] and the WAL file [1] (or null) as they are after the database closed.
     */
    static List<Result> engine(byte[] db, byte[] wal, List<String> statements, byte[][] imageOut) {
        return engine(db, wal, null, statements, imageOut);
    }

    /** As {@link #engine(byte[], byte[], List, byte[][])} with a rollback journal too (may be null). */
    static List<Result> engine(byte[] db, byte[] wal, byte[] journal, List<String> statements, byte[][] imageOut) {
        SimulatedFileSystem fs = new SimulatedFileSystem(1);
        fs.putFile(SIM_DB, db);
        if (wal != null) {
            fs.putFile(SIM_WAL, wal);
        }
        if (journal != null) {
            fs.putFile(SIM_JOURNAL, journal);
        }
        List<Result> out = engineOn(fs, new DatabaseConfig(SIM_DB, IoKind.SIMULATED, false, 1), statements);
        if (imageOut != null) {
            imageOut[0] = fs.content(SIM_DB);
            imageOut[1] = fs.exists(SIM_WAL) ? fs.content(SIM_WAL) : null;
        }
        return out;
    }

    private static List<Result> engineOn(SimulatedFileSystem fs, DatabaseConfig config, List<String> statements) {
        List<Result> out = new ArrayList<>();
        Database database;
        try {
            database = (fs != null ? Databases.open(config, fs) : Databases.open(config)).block(WAIT);
        } catch (Throwable t) {
            rethrowIfInterrupt(t);
            out.add(Result.failed("open", t));
            return out;
        }
        Session session = null;
        try {
            session = database.connect();
            for (String sql : statements) {
                out.add(run(session, sql));
            }
        } catch (Throwable t) {
            rethrowIfInterrupt(t);
            out.add(Result.failed("connect", t));
        } finally {
            try {
                if (session != null) {
                    session.close().block(WAIT);
                }
            } catch (Throwable t) {
                rethrowIfInterrupt(t);
                out.add(Result.failed("session.close", t));
            }
            try {
                database.close().block(WAIT);
            } catch (Throwable t) {
                rethrowIfInterrupt(t);
                out.add(Result.failed("database.close", t));
            }
        }
        return out;
    }

    private static Result run(Session session, String sql) {
        try {
            PreparedStatement ps = session.prepare(sql).block(WAIT);
            if (ps == null) {
                return Result.ok(sql, List.of());
            }
            List<Outcome> all = session.execute(ps, List.of()).collectList().block(WAIT);
            List<List<Object>> rows = new ArrayList<>();
            for (Outcome o : Objects.requireNonNull(all, "no outcome")) {
                if (o instanceof Outcome.Row r) {
                    rows.add(normalize(r.values()));
                }
            }
            return Result.ok(sql, rows);
        } catch (Throwable t) {
            rethrowIfInterrupt(t);
            return Result.failed(sql, t);
        }
    }

    /** A hang-guard timeout interrupts the run; let that surface instead of recording it. */
    private static void rethrowIfInterrupt(Throwable t) {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted by the hang guard", t);
        }
    }

    /** Runs {@link #engine} under the hang guard. */
    static List<Result> engineGuarded(byte[] db, byte[] wal, List<String> statements) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> engine(db, wal, statements),
                () -> "engine did not finish within the hang guard " + HANG_GUARD);
    }

    /**
     * Runs {@code statements} through sqlite-jdbc on a copy of the bytes in {@code dir}. Each
     * result is rows or a {@link DatabaseException} with SQLite's primary code (carried over
     * from the JDBC error code) so that the two engines compare directly.
     */
    static List<Result> sqlite(Path dir, byte[] db, byte[] wal, List<String> statements) throws IOException {
        return sqlite(dir, db, wal, null, statements);
    }

    /** As {@link #sqlite(Path, byte[], byte[], List)} with a rollback journal too (may be null). */
    static List<Result> sqlite(Path dir, byte[] db, byte[] wal, byte[] journal, List<String> statements)
            throws IOException {
        Path file = Files.createTempFile(dir, "oracle", ".db");
        Files.write(file, db);
        if (journal != null) {
            Files.write(Path.of(file + "-journal"), journal);
        }
        Path walFile = Path.of(file + "-wal");
        Files.deleteIfExists(walFile);
        if (wal != null) {
            Files.write(walFile, wal);
        }
        List<Result> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (String sql : statements) {
                try (Statement s = c.createStatement()) {
                    if (s.execute(sql)) {
                        List<List<Object>> rows = new ArrayList<>();
                        try (ResultSet rs = s.getResultSet()) {
                            int n = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                Object[] row = new Object[n];
                                for (int i = 0; i < n; i++) {
                                    row[i] = rs.getObject(i + 1);
                                }
                                rows.add(normalize(row));
                            }
                        }
                        out.add(Result.ok(sql, rows));
                    } else {
                        out.add(Result.ok(sql, List.of()));
                    }
                } catch (SQLException e) {
                    out.add(Result.failed(sql, sqliteError(e)));
                }
            }
        } catch (SQLException e) {
            out.add(Result.failed("open", sqliteError(e)));
        } finally {
            Files.deleteIfExists(walFile);
            Files.deleteIfExists(Path.of(file + "-shm"));
            Files.deleteIfExists(Path.of(file + "-journal"));
            Files.deleteIfExists(file);
        }
        return out;
    }

    private static DatabaseException sqliteError(SQLException e) {
        ResultCode code;
        try {
            code = ResultCode.forCode(e.getErrorCode() & 0xff);
        } catch (IllegalArgumentException unknown) {
            code = ResultCode.ERROR;
        }
        return new DatabaseException(code, String.valueOf(e.getMessage()));
    }

    /** Integers as Long, reals as Double, text as String, blobs as byte[] (compared by content). */
    private static List<Object> normalize(Object[] row) {
        List<Object> out = new ArrayList<>(row.length);
        for (Object v : row) {
            if (v instanceof Integer i) {
                out.add(i.longValue());
            } else if (v instanceof Float f) {
                out.add(f.doubleValue());
            } else if (v instanceof byte[] b) {
                out.add(new Blob(b));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    /** A blob with value equality, so that rows compare with {@code equals}. */
    record Blob(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Blob[" + bytes.length + "]";
        }
    }
}
