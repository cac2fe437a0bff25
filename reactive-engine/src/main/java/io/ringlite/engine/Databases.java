package io.ringlite.engine;

import io.ringlite.engine.exec.EngineDatabase;
import io.ringlite.storage.io.SimulatedFileSystem;
import reactor.core.publisher.Mono;

/** Opens databases. */
public final class Databases {
    private Databases() {
    }

    /**
     * Opens (creating if needed, unless read-only) the database {@code config} describes, on a
     * new event loop thread {@code ringlite-loop-<file name>}.
     *
     * <p>Signals: one {@link Database} once the file is open and locked, its WAL recovered and
     * its schema read; or a {@link io.ringlite.storage.error.DatabaseException} (CANTOPEN,
     * BUSY "database is locked" when another process holds the file, NOTADB, CORRUPT, IOERR_*).
     * Nothing happens until subscription; each subscription opens the database again.
     */
    public static Mono<Database> open(DatabaseConfig config) {
        return EngineDatabase.open(config, null);
    }

    /**
     * Opens a SIMULATED database whose files live in {@code fs}, so that a test can close and
     * reopen it, crash it, or inject faults (deterministic from {@code fs}'s seed).
     */
    public static Mono<Database> open(DatabaseConfig config, SimulatedFileSystem fs) {
        if (config.io() != io.ringlite.storage.io.IoKind.SIMULATED) {
            throw new IllegalArgumentException("a simulated file system needs io = SIMULATED, not " + config.io());
        }
        return EngineDatabase.open(config, fs);
    }
}
