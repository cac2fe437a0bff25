package io.ringlite.storage.io;

import java.util.ArrayList;
import java.util.List;

/**
 * A one-shot asynchronous result: the outcome of one file operation (or of a group of them).
 *
 * <p>Threading: a completion is confined to the event loop that owns the file. Backends complete
 * it from {@link IoBackend#poll(boolean)}, which only the loop thread calls, so there is no
 * synchronisation here. Callbacks registered with {@link #whenDone(Runnable)} run on the loop
 * thread, in registration order, exactly once.
 *
 * <p>States: {@code PENDING --complete()/fail()--> DONE}. Completing twice is an invariant
 * violation.
 */
public final class Completion {
    private boolean done;
    private long result;
    private Throwable failure;
    private Object waiters; // null, a Runnable, or a List<Runnable>

    public Completion() {
    }

    /** An already-completed completion. */
    public static Completion completed(long result) {
        Completion c = new Completion();
        c.complete(result);
        return c;
    }

    /** An already-failed completion. */
    public static Completion failed(Throwable failure) {
        Completion c = new Completion();
        c.fail(failure);
        return c;
    }

    public boolean isDone() {
        return done;
    }

    /** True when done and failed. */
    public boolean isFailed() {
        return done && failure != null;
    }

    /** The operation's result (e.g. bytes transferred); valid once done without failure. */
    public long result() {
        if (!done) {
            throw new IllegalStateException("invariant: result() of a pending completion");
        }
        return result;
    }

    /** The failure, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Runs {@code r} when this completes (immediately, on this thread, if already done). */
    @SuppressWarnings("unchecked")
    public void whenDone(Runnable r) {
        if (done) {
            r.run();
            return;
        }
        if (waiters == null) {
            waiters = r;
        } else if (waiters instanceof List<?> list) {
            ((List<Runnable>) list).add(r);
        } else {
            List<Runnable> list = new ArrayList<>(2);
            list.add((Runnable) waiters);
            list.add(r);
            waiters = list;
        }
    }

    public void complete(long result) {
        finish(result, null);
    }

    public void fail(Throwable failure) {
        finish(0, failure == null ? new IllegalStateException("invariant: fail(null)") : failure);
    }

    @SuppressWarnings("unchecked")
    private void finish(long result, Throwable failure) {
        if (done) {
            throw new IllegalStateException("invariant: completion completed twice");
        }
        this.done = true;
        this.result = result;
        this.failure = failure;
        Object w = waiters;
        waiters = null;
        if (w instanceof Runnable r) {
            r.run();
        } else if (w instanceof List<?> list) {
            for (Runnable r : (List<Runnable>) list) {
                r.run();
            }
        }
    }

    /**
     * A completion that finishes when all of {@code parts} have finished: failed with the first
     * failure if any failed, otherwise with the sum of their results.
     */
    public static Completion all(List<Completion> parts) {
        Completion all = new Completion();
        if (parts.isEmpty()) {
            all.complete(0);
            return all;
        }
        int[] remaining = {parts.size()};
        long[] sum = {0};
        Throwable[] first = {null};
        for (Completion p : parts) {
            p.whenDone(() -> {
                if (p.failure() != null && first[0] == null) {
                    first[0] = p.failure();
                } else if (p.failure() == null) {
                    sum[0] += p.result();
                }
                if (--remaining[0] == 0) {
                    if (first[0] != null) {
                        all.fail(first[0]);
                    } else {
                        all.complete(sum[0]);
                    }
                }
            });
        }
        return all;
    }
}
