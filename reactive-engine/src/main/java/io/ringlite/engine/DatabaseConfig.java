package io.ringlite.engine;

import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;

/**
 * How to open a database.
 *
 * @param path      the database file, or null for a private in-memory database
 * @param io        the I/O backend (URING falls back to PORTABLE where io_uring is unavailable)
 * @param readOnly  open without write access
 * @param seed      seed of the SIMULATED backend (ignored by the others)
 */
public record DatabaseConfig(Path path, IoKind io, boolean readOnly, long seed) {

    public static DatabaseConfig file(Path path) {
        return new DatabaseConfig(path, IoKind.URING, false, 0);
    }

    public static DatabaseConfig memory() {
        return new DatabaseConfig(null, IoKind.SIMULATED, false, 0);
    }

    public DatabaseConfig withIo(IoKind kind) {
        return new DatabaseConfig(path, kind, readOnly, seed);
    }

    public DatabaseConfig withReadOnly(boolean ro) {
        return new DatabaseConfig(path, io, ro, seed);
    }

    public boolean inMemory() {
        return path == null;
    }
}
