package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.storage.io.Completion;

/**
 * The session's side of one {@link Execution}: creating the program, finishing its transaction,
 * and cleaning up. Every method runs on the engine's owner thread (the loop, or an inline
 * caller), in this order:
 * {@code open} once; then {@code finish} (after DONE) and {@code done}; {@code abort} on an error
 * or a cancellation at any point (also after {@code finish}, when the subscriber cancelled while
 * the commit was in flight or before it asked for the Done: the commit stands then); then
 * {@code released} exactly once in every case (also when the execution was cancelled before it
 * was opened), which closes the source if it is still open.
 */
public interface ExecutionHost {

    /** Creates the program with its arguments bound. Throws DatabaseException for bad input. */
    StepSource open();

    /**
     * Called after the program returned DONE: commits in auto-commit mode. The returned
     * completion is done when the statement's effects are durable (after the fsync); null when
     * there is nothing to wait for. If it fails, {@link #abort} follows with its failure.
     */
    Completion finish(StepSource source);

    /** The final outcome, once {@link #finish} is done. */
    Outcome.Done done(StepSource source);

    /**
     * Closes {@code source} (null if never opened) and rolls back as SQLite does for
     * {@code cause} (null = cancelled, i.e. SQLITE_INTERRUPT). Must not throw.
     */
    void abort(StepSource source, Throwable cause);

    /** The execution is over; the session may run its next statement. */
    void released();
}
