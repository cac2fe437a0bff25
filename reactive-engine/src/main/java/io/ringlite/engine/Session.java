package io.ringlite.engine;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One connection to a {@link Database}: its own transaction state (auto-commit until BEGIN),
 * its last-insert rowid and its running statements.
 *
 * <p>Errors are {@link io.ringlite.storage.error.DatabaseException}s with SQLite's result codes.
 */
public interface Session {

    /**
     * Compiles the first statement in {@code sql}. Emits the statement, or completes empty when
     * {@code sql} holds only whitespace and comments, or errors (syntax errors name the token,
     * as SQLite does: {@code near "x": syntax error}).
     */
    Mono<PreparedStatement> prepare(String sql);

    /**
     * Runs {@code statement} with {@code args} (index i is parameter i+1; values as in
     * {@link Outcome.Row}, plus Integer, Boolean, etc., which are converted). Emits rows on demand
     * (each {@code request(n)} steps the program until n rows, the end, or pending I/O), then one
     * {@link Outcome.Done}. Signals are delivered on the database's event loop. Cancelling
     * interrupts the statement at its next instruction, releases its cursors and pins, and rolls
     * back its changes as SQLite does for SQLITE_INTERRUPT; the session stays usable.
     */
    Flux<Outcome> execute(PreparedStatement statement, List<Object> args);

    /** True when no explicit transaction is open. */
    boolean isAutoCommit();

    /** Rolls back any open transaction and releases the session. */
    Mono<Void> close();
}
