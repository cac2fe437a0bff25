package io.ringlite.engine;

import reactor.core.publisher.Mono;

/**
 * An open database: its file(s), its event loop, its page cache. Create with
 * {@code Databases.open(config)} (reactive-engine).
 */
public interface Database {

    DatabaseConfig config();

    /** A new connection. */
    Session connect();

    /** Checkpoints, closes files and stops the event loop once every session is closed. */
    Mono<Void> close();
}
