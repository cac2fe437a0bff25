package io.ringlite.engine.exec;

import io.ringlite.engine.loop.EventLoop;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import reactor.core.Disposable;

/**
 * Which sessions of one database may read and which one may write, with writers (and readers
 * behind them) waiting <em>asynchronously</em> in one FIFO queue bounded by the busy timeout.
 *
 * <h2>Why a reader/writer lock inside one process</h2>
 * All sessions share one pager and one page cache, so a read while another session's write
 * transaction is open would see its uncommitted pages (the pager leaves this isolation to the
 * engine's scheduling). Until the pager offers per-reader snapshots, a write transaction
 * therefore excludes the other sessions' reads, and reads exclude a writer: SQLite's
 * serializable isolation, with reads of different sessions still running concurrently.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@code writer != null} implies {@code readers} is empty or exactly {writer}.</li>
 *   <li>FIFO: a request is granted on arrival only when nobody is waiting, so a waiting writer
 *       is not starved by a stream of new readers. The one exception is a session upgrading its
 *       own read lock to write: the waiters ahead of it wait for that read lock anyway.</li>
 *   <li>A waiter's completion is completed (granted) or failed (BUSY after the timeout) exactly
 *       once, always from a loop task of its own, never inside {@link #acquire} or
 *       {@link #release}, so no callback re-enters this class.</li>
 *   <li>Owner-confined: every method runs on the thread that owns the engine (the loop, or an
 *       inline caller; see {@code EventLoop.inOwner()}).</li>
 * </ol>
 */
public final class TransactionLocks {
    private final EventLoop loop;
    /** Owner-confined; {@code PRAGMA busy_timeout} changes it. */
    private Duration busyTimeout;
    private final Set<Object> readers = new HashSet<>();
    private Object writer;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** {@code waiting.size()} for readers on other threads (diagnostics and tests). */
    private volatile int waitingCount;

    private static final class Waiter {
        final Object owner;
        final boolean write;
        final Completion completion = new Completion();
        Disposable timer;

        Waiter(Object owner, boolean write) {
            this.owner = owner;
            this.write = write;
        }
    }

    /** How long a lock request waits before BUSY (PRAGMA busy_timeout). Loop only. */
    Duration busyTimeout() {
        return busyTimeout;
    }

    /** Sets the wait for later lock requests (PRAGMA busy_timeout = ms). Loop only. */
    void busyTimeout(Duration timeout) {
        busyTimeout = timeout;
    }

    public TransactionLocks(EventLoop loop, Duration busyTimeout) {
        this.loop = loop;
        this.busyTimeout = busyTimeout;
    }

    public boolean holdsRead(Object owner) {
        return readers.contains(owner);
    }

    /**
     * Grants {@code owner} the read (or write) lock: READY when it holds it now, else Pending on a
     * completion done once it is granted (call again then: it is READY) or failed with BUSY
     * "database is locked" when the busy timeout expired first.
     *
     * @throws DatabaseException BUSY at once when waiting could only deadlock (two readers both
     *     waiting to upgrade) or the busy timeout is zero
     */
    public IoStatus acquire(Object owner, boolean write) {
        assert loop.inOwner();
        if (write ? writer == owner : readers.contains(owner)) {
            return IoStatus.READY;
        }
        for (Waiter w : waiting) {
            if (w.owner == owner) {
                if (w.write == write || w.write) {
                    return IoStatus.pending(w.completion);
                }
            }
        }
        // A reader upgrading to write goes first: whoever waits ahead of it waits for its read
        // lock to go, which happens sooner if it can finish its transaction.
        boolean upgrade = write && readers.contains(owner);
        if ((waiting.isEmpty() || upgrade) && grantable(owner, write)) {
            grant(owner, write);
            return IoStatus.READY;
        }
        if (upgrade) {
            for (Waiter w : waiting) {
                if (w.write && readers.contains(w.owner)) {
                    // Both hold a read lock and want to write: neither can ever proceed.
                    throw busy();
                }
            }
        }
        if (busyTimeout.isZero() || busyTimeout.isNegative()) {
            throw busy();
        }
        Waiter w = new Waiter(owner, write);
        waiting.add(w);
        waitingCount = waiting.size();
        w.timer = loop.schedule(busyTimeout, () -> expire(w));
        return IoStatus.pending(w.completion);
    }

    /** Releases every lock {@code owner} holds and forgets its waits; grants whoever may go next. */
    public void release(Object owner) {
        assert loop.inOwner();
        readers.remove(owner);
        if (writer == owner) {
            writer = null;
        }
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.owner == owner) {
                it.remove();
                w.timer.dispose();
            }
        }
        grantWaiters();
    }

    /** Forgets {@code owner}'s pending requests (its statement ended), keeping the locks it holds. */
    public void cancelWaits(Object owner) {
        assert loop.inOwner();
        boolean removed = false;
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.owner == owner) {
                it.remove();
                w.timer.dispose();
                removed = true;
            }
        }
        if (removed) {
            grantWaiters();
        }
    }

    private boolean grantable(Object owner, boolean write) {
        if (write) {
            return writer == null && (readers.isEmpty() || readers.size() == 1 && readers.contains(owner));
        }
        return writer == null || writer == owner;
    }

    private void grant(Object owner, boolean write) {
        readers.add(owner);
        if (write) {
            writer = owner;
        }
        assert writer == null || readers.size() == 1 : "invariant: readers beside the writer";
    }

    private void grantWaiters() {
        while (true) {
            waitingCount = waiting.size();
            Waiter w = waiting.peek();
            if (w == null || !grantable(w.owner, w.write)) {
                return;
            }
            waiting.poll();
            w.timer.dispose();
            grant(w.owner, w.write);
            loop.execute(() -> w.completion.complete(0));
        }
    }

    private void expire(Waiter w) {
        if (!waiting.remove(w)) {
            return;
        }
        // the expired waiter may have been the head that blocked compatible ones behind it
        grantWaiters();
        w.completion.fail(busy());
    }

    private static DatabaseException busy() {
        return new DatabaseException(ResultCode.BUSY, "database is locked");
    }

    /** Requests waiting for a lock; any thread (a snapshot, for diagnostics and tests). */
    public int waiters() {
        return waitingCount;
    }
}
