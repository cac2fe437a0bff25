package io.ringlite.engine.exec;

import java.util.ArrayDeque;

/**
 * A session runs one statement at a time, in subscription order (as a SQLite connection used by
 * one thread would; R2DBC drivers queue the same way). Owner-confined (the loop, or an inline
 * caller).
 *
 * <p>Invariant: {@code active == null} implies {@code waiting.isEmpty()}.
 */
public final class StatementQueue {
    private final ArrayDeque<Execution> waiting = new ArrayDeque<>();
    private Execution active;
    private boolean closed;
    private final java.util.concurrent.Executor loop;
    private final java.util.function.Consumer<Execution> activator;

    public StatementQueue(java.util.concurrent.Executor loop) {
        this(loop, Execution::activate);
    }

    /**
     * @param activator starts an execution whose turn it is; the session uses it to bring the
     *     schema up to date first (it must eventually call {@link Execution#activate()})
     */
    public StatementQueue(java.util.concurrent.Executor loop, java.util.function.Consumer<Execution> activator) {
        this.loop = loop;
        this.activator = activator;
    }

    /** Runs {@code e} now if the session is idle, else after the statements before it. */
    public void submit(Execution e) {
        if (closed) {
            e.fail(new io.ringlite.storage.error.DatabaseException(
                    io.ringlite.storage.error.ResultCode.MISUSE, "the session is closed"));
            return;
        }
        if (active == null) {
            assert waiting.isEmpty() : "invariant: queued statements with none active";
            active = e;
            activator.accept(e);
        } else {
            waiting.add(e);
        }
    }

    /**
     * Fails the active and every queued statement with {@code cause} and refuses new ones (the
     * session or the database is closing).
     */
    public void closeAll(Throwable cause) {
        closed = true;
        java.util.List<Execution> all = new java.util.ArrayList<>();
        if (active != null) {
            all.add(active);
        }
        all.addAll(waiting);
        waiting.clear();
        for (Execution e : all) {
            e.fail(cause);
        }
    }

    /** The active statement ended: start the next one (in its own loop task, so stacks stay flat). */
    public void released() {
        if (closed) {
            active = null;
            return;
        }
        if (active == null) {
            throw new IllegalStateException("invariant: released() with no active statement");
        }
        Execution next = waiting.poll();
        active = next;
        if (next != null) {
            loop.execute(() -> activator.accept(next));
        }
    }

    public boolean isIdle() {
        return active == null;
    }
}
