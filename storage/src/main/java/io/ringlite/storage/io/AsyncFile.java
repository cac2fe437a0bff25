package io.ringlite.storage.io;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file whose reads, writes and syncs complete asynchronously.
 *
 * <p>Contract for every backend:
 * <ol>
 *   <li>Operations are started only by the owning event loop thread and their completions are
 *       completed on that thread, from {@link IoBackend#poll(boolean)} (never inside the call
 *       that started them, so a caller can always register its callback first).</li>
 *   <li>A segment passed to {@link #read} or {@link #write} is kept strongly referenced by the
 *       backend until the operation's completion is done; the caller must not reuse or free it
 *       before then.</li>
 *   <li>{@link #read} completes with the number of bytes read, short only at end of file.
 *       {@link #write} completes with {@code src.byteSize()} or fails; backends retry short
 *       transfers themselves.</li>
 *   <li>Failures are {@link io.ringlite.storage.error.DatabaseException}s with an IOERR_* (or
 *       FULL for ENOSPC) code whose message names the errno.</li>
 * </ol>
 */
public interface AsyncFile extends AutoCloseable {

    Path path();

    /** Current size in bytes (fstat; synchronous metadata). */
    long size();

    Completion read(long offset, MemorySegment dst);

    Completion write(long offset, MemorySegment src);

    /** fsync, or fdatasync when {@code dataOnly}. Ordered after every write already completed. */
    Completion sync(boolean dataOnly);

    Completion truncate(long size);

    /**
     * Tries to take a POSIX byte-range lock (the same locks SQLite takes, so another process
     * running SQLite sees them). Returns false if another process holds a conflicting lock.
     */
    boolean tryLock(long position, long length, boolean shared);

    void unlock(long position, long length);

    @Override
    void close();
}
