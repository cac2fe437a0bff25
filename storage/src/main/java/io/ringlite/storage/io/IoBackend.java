package io.ringlite.storage.io;

import java.nio.file.Path;

/**
 * A source of {@link AsyncFile}s plus the completion pump that one event loop drives.
 *
 * <p>One backend instance belongs to one event loop. Only that loop's thread calls
 * {@link #open} (or the thread that owns the engine before the loop starts), {@link #poll} and
 * the file operations; {@link #wakeup()} may be called from any thread.
 */
public interface IoBackend extends AutoCloseable {

    IoKind kind();

    /**
     * Opens (and with {@code create}, creates) a file. Opening is synchronous: it happens when a
     * database is opened, not on the query path.
     */
    AsyncFile open(Path path, boolean create, boolean readOnly);

    /** True if the file exists (used for -wal and -journal detection). */
    boolean exists(Path path);

    /** Deletes the file if it exists. */
    void delete(Path path);

    /**
     * Submits every operation started since the last call and completes those that have
     * finished, running their callbacks on this thread. With {@code wait}, blocks until at least
     * one completion ran or {@link #wakeup()} was called. Returns the number of completions run.
     */
    int poll(boolean wait);

    /** True if operations are in flight (submitted and not yet completed). */
    boolean hasInFlight();

    /** Makes a concurrent or the next {@code poll(true)} return promptly. Any thread. */
    void wakeup();

    @Override
    void close();
}
