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
     * {@link Outcome.Done}. Signals are delivered on the thread that owns the database's engine:
     * the subscribing (or requesting) thread itself when the engine was idle and the rows needed
     * no I/O (inline execution, {@link DatabaseConfig#inline()}), otherwise the database's event
     * loop; a statement that started inline and waited for I/O continues on the loop. Do not block
     * in onNext: like the loop, an inline owner is a non-blocking thread. Cancelling
     * interrupts the statement at its next instruction, releases its cursors and pins, and rolls
     * back its changes as SQLite does for SQLITE_INTERRUPT; the session stays usable.
     */
    Flux<Outcome> execute(PreparedStatement statement, List<Object> args);

    /** True when no explicit transaction is open. */
    boolean isAutoCommit();

    /** Rolls back any open transaction and releases the session. */
    Mono<Void> close();
}
