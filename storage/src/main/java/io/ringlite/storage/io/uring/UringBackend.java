package io.ringlite.storage.io.uring;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoErrors;
import io.ringlite.storage.io.IoKind;
import io.ringlite.uring.IoUring;
import io.ringlite.uring.PosixFile;
import io.ringlite.uring.UringException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The Linux backend: one {@link IoUring} per backend (so per event loop).
 *
 * <h2>Design</h2>
 * <ol>
 *   <li>Starting an operation writes an SQE (or, when the ring is at capacity, queues a starter
 *       in {@link #backlog}); nothing is handed to the kernel until {@link #poll}, which submits
 *       everything queued in this loop turn with one {@code io_uring_enter} and, for
 *       {@code poll(true)}, waits in that same call.</li>
 *   <li>CQEs are reaped in {@code poll} on the loop thread; their handlers complete the storage
 *       {@link Completion}s there. Buffers stay referenced by the ring's in-flight table until
 *       then, so callers may drop theirs.</li>
 *   <li>Short transfers are finished here: a short write is re-submitted for its remainder; a
 *       short read too, until the kernel returns 0 (end of file).</li>
 *   <li>A heap segment (whose address the GC may move) goes through a native bounce buffer.</li>
 *   <li>Truncate goes through the ring (IORING_OP_FTRUNCATE) where the kernel supports it;
 *       otherwise it is a synchronous ftruncate whose completion is still delivered at the next
 *       poll, never inline. Open, size and locks are synchronous {@link PosixFile} calls. Locks
 *       are {@code fcntl} record locks on the same descriptor, the ones SQLite takes, checked
 *       first against the other handles of this JVM ({@link JvmLocks}).</li>
 *   <li>{@code poll(true)} blocks only inside {@code io_uring_enter}; {@link #wakeup()} writes
 *       the ring's eventfd (once per wake: a write not yet consumed covers later callers).</li>
 *   <li>The ring is set up with COOP_TASKRUN + TASKRUN_FLAG where the kernel has them (5.19+):
 *       completions do not interrupt the loop while it runs statements; {@code poll} collects
 *       them. Not SINGLE_ISSUER / DEFER_TASKRUN: the ring is created on the opening thread and
 *       then driven by the loop.</li>
 *   <li>Every file's descriptor is put in the ring's registered file table while open (best
 *       effort; a full table leaves it plain), and taken out before it is closed.</li>
 *   <li>Reads started while {@link #ASYNC_READS_ABOVE} or more operations are in flight are
 *       marked IOSQE_ASYNC, so that their copies run on io-wq threads in parallel with the
 *       loop; fewer stay inline (a cached page is then copied inside the loop's enter). The
 *       threshold is the system property {@code ringlite.uring.asyncReadsAbove} (default 4; 0
 *       never forces a read to io-wq): docs/BENCHMARKS.md measures both.</li>
 * </ol>
 */
public final class UringBackend implements IoBackend {
    static final int DEFAULT_ENTRIES = 256;
    /**
     * A read started while at least this many operations are in flight goes to the kernel's
     * io-wq threads (IOSQE_ASYNC) instead of being copied inside the loop's io_uring_enter: with
     * many readers waiting, the page copies then run on other cores while the loop steps B-trees
     * (docs/BENCHMARKS.md, "Cold-cache random reads"). One or a few reads keep the inline path.
     */
    static final int ASYNC_READS_ABOVE = Integer.getInteger("ringlite.uring.asyncReadsAbove", 4);

    private final IoUring ring;
    private final ArrayDeque<Runnable> backlog = new ArrayDeque<>();
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private int completed;
    private boolean closed;

    private UringBackend(IoUring ring) {
        this.ring = ring;
    }

    /**
     * Creates a backend with its own ring.
     *
     * @throws UringException when the ring cannot be created (see {@link io.ringlite.uring.UringProbe})
     */
    public static UringBackend create() {
        IoUring ring = IoUring.open(DEFAULT_ENTRIES);
        ring.asyncReadsAbove(ASYNC_READS_ABOVE);
        return new UringBackend(ring);
    }

    IoUring ring() {
        return ring;
    }

    @Override
    public IoKind kind() {
        return IoKind.URING;
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        ensureOpen();
        int flags = readOnly ? PosixFile.O_RDONLY : PosixFile.O_RDWR | (create ? PosixFile.O_CREAT : 0);
        try {
            return new UringFile(this, path, PosixFile.open(path, flags, 0644), readOnly);
        } catch (UringException e) {
            throw IoErrors.of(IoErrors.Op.OPEN, path, -1, e.errno(), e);
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

    /** Runs {@code starter} (which prepares one SQE) now if the ring has room, else later. */
    void enqueue(Runnable starter) {
        ensureOpen();
        if (backlog.isEmpty() && ring.hasCapacity()) {
            starter.run();
        } else {
            backlog.add(starter);
        }
    }

    /** Delivers a completion at the next poll (for synchronous metadata operations). */
    void deliverLater(Runnable completer) {
        ensureOpen();
        ready.add(completer);
    }

    /** Counts one storage completion completed in this poll. */
    void countCompletion() {
        completed++;
    }

    @Override
    public int poll(boolean wait) {
        ensureOpen();
        completed = 0;
        boolean woke = false;
        do {
            Runnable r;
            while ((r = ready.poll()) != null) {
                r.run();
            }
            while (!backlog.isEmpty() && ring.hasCapacity()) {
                backlog.poll().run();
            }
            boolean block = wait && completed == 0 && ready.isEmpty();
            if (block) {
                ring.submitAndWait();
            } else {
                ring.submit();
            }
            ring.reap();
            woke |= ring.consumeWakeup();
        } while (wait && completed == 0 && !woke);
        return completed;
    }

    @Override
    public boolean hasInFlight() {
        return ring.inFlight() > 0 || !backlog.isEmpty() || !ready.isEmpty();
    }

    @Override
    public void wakeup() {
        ring.wakeup();
    }

    /** Waits for every in-flight operation (the kernel may still use their buffers), then frees the ring. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ring.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
    }
}
