package io.ringlite.r2dbc;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import reactor.core.publisher.Mono;

/** The driver's one entry into the engine runtime: opening a database. */
final class EngineAccess {

    private EngineAccess() {
    }

    /** {@code Databases.open(config)}: lazy; one Database, or the engine's open error. */
    static Mono<Database> open(DatabaseConfig config) {
        return Databases.open(config);
    }
}
