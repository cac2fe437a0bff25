package io.ringlite.engine.exec;

import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.StepResult;

/**
 * What an {@link Execution} drives: a program that produces rows one {@link #step()} at a time
 * and yields on pending I/O. The production implementation wraps a {@code Vdbe}
 * ({@link VdbeStepSource}); tests drive the publisher mechanics with scripted sources.
 *
 * <p>Every method except {@link #interrupt()} is called on the thread that owns the engine (the
 * database's event loop, or an inline caller; {@code EventLoop.inOwner()}).
 */
public interface StepSource {

    /** Runs until a row is ready, the program ends, or it must wait for I/O. */
    StepResult step();

    /** After {@link StepResult#IO}: the completion the program waits for. */
    Completion pendingIo();

    /** After {@link StepResult#ROW}: the row's values (a fresh array the caller may keep). */
    Object[] row();

    /** Rows changed by the program so far (SQLite's {@code sqlite3_changes()}). */
    long changes();

    /** Asks the program to stop at its next instruction boundary. Any thread. */
    void interrupt();

    /** Releases cursors and page pins. Idempotent. */
    void close();
}
