package io.ringlite.engine;

import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to open a database.
 *
 * @param path         the database file, or null for a private in-memory database
 * @param io           the I/O backend (URING falls back to PORTABLE where io_uring is unavailable)
 * @param readOnly     open without write access
 * @param seed         seed of the SIMULATED backend (ignored by the others)
 * @param busyTimeout  how long a session waits (asynchronously, in a FIFO queue) for a lock held
 *                     by another session before failing with BUSY "database is locked"
 *                     (SQLite's {@code busy_timeout}); zero fails at once
 */
public record DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed, Duration busyTimeout) {

    /** The default busy timeout, 5 seconds. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    public DatabaseConfig {
        if (io == null) {
            throw new IllegalArgumentException("io kind is null");
        }
        if (busyTimeout == null || busyTimeout.isNegative()) {
            throw new IllegalArgumentException("busy timeout must be zero or positive: " + busyTimeout);
        }
    }

    /** A configuration with the default busy timeout. */
    public DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed) {
        this(path, io, readOnly, seed, DEFAULT_BUSY_TIMEOUT);
    }

    public static DatabaseConfig file(Path path) {
        return new DatabaseConfig(path, IoKind.URING, false, 0);
    }

    public static DatabaseConfig memory() {
        return new DatabaseConfig(null, IoKind.SIMULATED, false, 0);
    }

    public DatabaseConfig withIo(IoKind kind) {
        return new DatabaseConfig(path, kind, readOnly, seed, busyTimeout);
    }

    public DatabaseConfig withReadOnly(boolean ro) {
        return new DatabaseConfig(path, io, ro, seed, busyTimeout);
    }

    public DatabaseConfig withSeed(long s) {
        return new DatabaseConfig(path, io, readOnly, s, busyTimeout);
    }

    public DatabaseConfig withBusyTimeout(Duration timeout) {
        return new DatabaseConfig(path, io, readOnly, seed, timeout);
    }

    public boolean inMemory() {
        return path == null;
    }
}
