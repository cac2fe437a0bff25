package io.ringlite.storage.io;

import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The backend for every platform: {@link AsynchronousFileChannel} for reads and writes, and the
 * same small private thread pool for fsync and truncate (which the JDK only offers blocking).
 *
 * <h2>Design</h2>
 * <ol>
 *   <li>Every channel is opened with this backend's own {@link IoWorkerPool} (threads
 *       {@code ringlite-portable-io-N}), never the JDK's default pool: a read or write started on
 *       the loop thread only offers a task to a lock-free queue and unparks an idle worker, so
 *       the loop can never park there (a {@code ThreadPoolExecutor} would take its queue's lock).
 *       The pool is shut down with the backend.</li>
 *   <li>I/O threads never touch loop state: when an operation finishes they put a {@link Done}
 *       on {@link #finished}, a lock-free queue, and unpark the waiting loop thread if any.
 *       {@link #poll} drains it on the loop thread and
 *       completes the {@link Completion}s there, so callbacks run where the contract says, and
 *       never inside the call that started the operation.</li>
 *   <li>An I/O thread may continue its own operation (the next part of a short transfer) before
 *       reporting it; that touches only the channel and the operation's buffer.</li>
 *   <li>{@code poll(true)} waits only in {@link LockSupport#park} until the queue is non-empty
 *       or {@link #wakeup()} set {@link #wakeRequested}; both sides publish first and unpark
 *       second, so neither a completion nor a wake-up can be lost. Nothing here takes a lock,
 *       so I/O threads and threads calling {@code wakeup()} never block (BlockHound-clean).</li>
 *   <li>{@link #inFlight} is touched only by the loop thread (incremented when an operation
 *       starts, decremented when its result is delivered).</li>
 * </ol>
 */
public final class PortableBackend implements IoBackend {
    /**
     * I/O threads per backend: one loop rarely has more than a few operations in flight (a page
     * read, a WAL append, an fsync), and two threads let an fsync overlap a read.
     */
    static final int IO_THREADS = 2;

    /** A finished operation waiting to be delivered on the loop thread. */
    record Done(Completion completion, long result, Throwable failure, Runnable beforeComplete) {
    }

    /** Never started; stands for "some thread other than the loop" in accessibility checks. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private final ConcurrentLinkedQueue<Done> finished = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile Thread waiter;
    private final ExecutorService pool;
    private int inFlight;
    private volatile boolean closed;

    public PortableBackend() {
        this(new IoWorkerPool(IO_THREADS));
    }

    /**
     * A backend whose channels run on {@code pool}, which it then owns (shuts down on close).
     * Tests only: production code must use a pool whose {@code execute} never blocks.
     */
    PortableBackend(ExecutorService pool) {
        this.pool = pool;
    }

    @Override
    public IoKind kind() {
        return IoKind.PORTABLE;
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        ensureOpen();
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.READ);
        if (!readOnly) {
            options.add(StandardOpenOption.WRITE);
            if (create) {
                options.add(StandardOpenOption.CREATE);
            }
        }
        try {
            return new PortableFile(this, path, AsynchronousFileChannel.open(path, options, pool), readOnly);
        } catch (Exception e) {
            throw IoErrors.fromJava(IoErrors.Op.OPEN, path, -1, e);
        }
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (Exception e) {
            throw IoErrors.fromJava(IoErrors.Op.DELETE, path, -1, e);
        }
    }

    /** The I/O threads; {@code execute} on it never blocks the caller. */
    ExecutorService pool() {
        return pool;
    }

    /** Loop thread: an operation was handed to an I/O thread. */
    Completion started() {
        ensureOpen();
        inFlight++;
        return new Completion();
    }

    /** Any thread: the operation finished; deliver it at the next poll. */
    void finished(Completion c, long result, Throwable failure) {
        finished(c, result, failure, null);
    }

    /** As {@link #finished}, running {@code beforeComplete} on the loop thread first (bounce copies). */
    void finished(Completion c, long result, Throwable failure, Runnable beforeComplete) {
        finished.add(new Done(c, result, failure, beforeComplete));
        unparkWaiter();
    }

    private void unparkWaiter() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * True if I/O threads may touch {@code segment}: a segment of a confined arena belongs to the
     * loop thread only, and goes through a bounce buffer instead.
     */
    static boolean usableByIoThreads(java.lang.foreign.MemorySegment segment) {
        return segment.isAccessibleBy(OTHER_THREAD);
    }

    @Override
    public int poll(boolean wait) {
        ensureOpen();
        int n = drain();
        if (n == 0 && wait && !wakeRequested.getAndSet(false)) {
            waiter = Thread.currentThread();
            try {
                while (finished.isEmpty() && !wakeRequested.getAndSet(false)) {
                    LockSupport.park(this);
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
            } finally {
                waiter = null;
            }
            n = drain();
        }
        return n;
    }

    private int drain() {
        int n = 0;
        Done d;
        while ((d = finished.poll()) != null) {
            inFlight--;
            assert inFlight >= 0 : "invariant: more completions than operations";
            n++;
            if (d.failure() != null) {
                d.completion().fail(d.failure());
            } else {
                if (d.beforeComplete() != null) {
                    d.beforeComplete().run();
                }
                d.completion().complete(d.result());
            }
        }
        return n;
    }

    @Override
    public boolean hasInFlight() {
        return inFlight > 0;
    }

    @Override
    public void wakeup() {
        wakeRequested.set(true);
        unparkWaiter();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdown();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
    }
}
