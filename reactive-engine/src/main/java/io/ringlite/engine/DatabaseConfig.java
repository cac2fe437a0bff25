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
 * @param inline       whether a statement subscribed while the engine is idle runs on the
 *                     subscribing thread until it needs I/O (the caller-runs design), instead of
 *                     always hopping onto the database's loop; see {@code io.ringlite.engine.loop}.
 *                     Default: on, except for SIMULATED databases with a file path (simulation
 *                     runs replay a seed, which needs every step on the loop in queue order)
 */
public record DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed, Duration busyTimeout,
                             boolean inline) {

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

    /** A configuration with the default inline setting ({@link #defaultInline}). */
    public DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed, Duration busyTimeout) {
        this(path, io, readOnly, seed, busyTimeout, defaultInline(path, io));
    }

    /** A configuration with the default busy timeout and inline setting. */
    public DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed) {
        this(path, io, readOnly, seed, DEFAULT_BUSY_TIMEOUT);
    }

    /** Inline execution is on by default except for simulated file databases (seed replay). */
    public static boolean defaultInline(Path path, IoKind io) {
        return io != IoKind.SIMULATED || path == null;
    }

    public static DatabaseConfig file(Path path) {
        return new DatabaseConfig(path, IoKind.URING, false, 0);
    }

    public static DatabaseConfig memory() {
        return new DatabaseConfig(null, IoKind.SIMULATED, false, 0);
    }

    /** With another backend; the inline setting follows it if it was the default. */
    public DatabaseConfig withIo(IoKind kind) {
        boolean in = inline == defaultInline(path, io) ? defaultInline(path, kind) : inline;
        return new DatabaseConfig(path, kind, readOnly, seed, busyTimeout, in);
    }

    public DatabaseConfig withReadOnly(boolean ro) {
        return new DatabaseConfig(path, io, ro, seed, busyTimeout, inline);
    }

    public DatabaseConfig withSeed(long s) {
        return new DatabaseConfig(path, io, readOnly, s, busyTimeout, inline);
    }

    public DatabaseConfig withBusyTimeout(Duration timeout) {
        return new DatabaseConfig(path, io, readOnly, seed, timeout, inline);
    }

    /** With inline caller-runs execution on or off (see the {@code inline} component). */
    public DatabaseConfig withInline(boolean on) {
        return new DatabaseConfig(path, io, readOnly, seed, busyTimeout, on);
    }

    public boolean inMemory() {
        return path == null;
    }
}
