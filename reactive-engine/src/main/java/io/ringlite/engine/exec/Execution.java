package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.loop.EventLoop;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.StepResult;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * One run of one statement, as the {@link Subscription} of its {@code Flux<Outcome>}: it steps
 * the program on the event loop exactly as far as the subscriber's demand allows.
 *
 * <h2>Design</h2>
 * Engine state belongs to one <em>owner</em> thread at a time ({@link EventLoop#inOwner()}): the
 * loop thread, or a caller that took an idle engine by CAS ({@link EventLoop#tryAcquire()}) to
 * run inline. {@link #request(long)} (any thread) adds demand and drains: at once on the owner
 * thread; inline if the calling thread can take an idle engine (it gives it back after the
 * drain); otherwise it schedules {@link #drain()} on the loop. A drain steps the
 * {@link StepSource} while rows are wanted: ROW emits a row, IO registers a continuation on the
 * completion and returns (the owner is free meanwhile; completions always run on the loop, so a
 * statement that started inline continues there), DONE asks the host to finish (commit; the
 * {@link Outcome.Done} is emitted only after the commit's fsync completed and once there is
 * demand for it). After {@link #ROWS_PER_TURN} rows a drain re-queues itself on the loop so other
 * statements (and the loop's own tasks, when the drain ran inline) get their turn: a statement
 * never holds the engine for longer than one row batch. A statement that emits no rows for a long
 * time (an aggregate over a big table) does not hold it either: the VM runs against a
 * {@link YieldingBTreeStore}, whose cursors return Pending every so many moves, so {@code step()}
 * returns IO and the continuation is queued behind the loop's other tasks. {@link #cancel()} from
 * any thread also stops a running {@code step()} through the program's interrupt flag.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Every signal to the subscriber (onSubscribe, onNext, onError, onComplete) and every call
 *       to the source and the host happens on the thread that owns the engine at that moment
 *       (the loop thread, or an inline caller); ownership changes hands through the loop's
 *       ownership word (a CAS to take it, a volatile write to give it back), which orders the
 *       plain fields below between owners.</li>
 *   <li>No onNext without demand: {@code emitted <= requested}.</li>
 *   <li>{@code host.released()} runs exactly once, after which no other host method runs.</li>
 *   <li>Nothing is signalled after {@link #cancel()}.</li>
 *   <li>A drain never nests inside another drain of the same execution, and an inline run never
 *       nests inside another one: a thread that already owns the engine does not take it
 *       again, so a statement subscribed from inside onNext is queued on the loop.</li>
 * </ol>
 *
 * <h2>States</h2>
 * <pre>
 *   QUEUED --activate()--> RUNNING --IO--> WAITING_IO --completion--> RUNNING
 *   RUNNING --DONE--> FINISHING --commit done--> DONE_READY --demand--> TERMINATED
 *   any --error / cancel()--> TERMINATED   (FINISHING lets the commit end first)
 * </pre>
 */
public final class Execution implements Subscription {
    private static final System.Logger LOG = System.getLogger(Execution.class.getName());

    /** Rows emitted by one drain before it yields the loop to other tasks. */
    static final int ROWS_PER_TURN = 256;

    enum State { QUEUED, RUNNING, WAITING_IO, FINISHING, DONE_READY, TERMINATED }

    private static final AtomicLongFieldUpdater<Execution> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(Execution.class, "requested");

    private final EventLoop loop;
    private final CoreSubscriber<? super Outcome> actual;
    private final ExecutionHost host;

    private volatile long requested;
    private volatile boolean cancelled;
    /** Set once opened; read by {@link #cancel()} from any thread to interrupt it. */
    private volatile StepSource source;
    private final AtomicInteger drainScheduled = new AtomicInteger();

    // owner-confined (invariant 1)
    private State state = State.QUEUED;
    private long emitted;
    private boolean draining;
    private boolean subscribed;

    public Execution(EventLoop loop, CoreSubscriber<? super Outcome> actual, ExecutionHost host) {
        this.loop = loop;
        this.actual = actual;
        this.host = host;
    }

    /** Delivers onSubscribe. Owner thread. */
    public void subscribed() {
        assert loop.inOwner();
        subscribed = true;
        actual.onSubscribe(this);
    }

    /** It is this execution's turn in its session: open the program and start stepping. */
    public void activate() {
        assert loop.inOwner();
        if (state == State.TERMINATED) {
            return; // failed while it waited for its turn (its session or database closed)
        }
        if (state != State.QUEUED) {
            throw new IllegalStateException("invariant: activate() in state " + state);
        }
        if (cancelled) {
            terminate(null, false);
            return;
        }
        StepSource s;
        try {
            s = host.open();
        } catch (Throwable t) {
            terminate(t, true);
            return;
        }
        source = s;
        state = State.RUNNING;
        if (cancelled) {
            // cancel() ran before source was visible: it could not interrupt it
            s.interrupt();
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            // Reactive Streams rule 3.9
            runOnLoop(() -> terminate(
                    new IllegalArgumentException("request(" + n + "): demand must be positive"), true));
            return;
        }
        Operators.addCap(REQUESTED, this, n);
        if (loop.inOwner()) {
            if (!draining) {
                drain();
            }
        } else if (loop.tryAcquire()) {
            try {
                drain();
            } finally {
                loop.release();
            }
        } else if (drainScheduled.getAndIncrement() == 0) {
            runOnLoop(() -> {
                drainScheduled.set(0);
                drain();
            });
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        StepSource s = source;
        if (s != null) {
            s.interrupt();
        }
        if (loop.inOwner() && !draining) {
            drain();
        } else {
            runOnLoop(this::drain);
        }
    }

    /** Steps the program while there is demand. Owner thread; safe to call at any time. */
    void drain() {
        assert loop.inOwner();
        if (draining || !subscribed) {
            return;
        }
        draining = true;
        try {
            drainLoop();
        } finally {
            draining = false;
        }
    }

    private void drainLoop() {
        int budget = ROWS_PER_TURN;
        while (true) {
            switch (state) {
                case QUEUED -> {
                    // Waiting for the session; a cancelled one leaves the queue when activated.
                    return;
                }
                case WAITING_IO -> {
                    if (cancelled) {
                        // Do not wait for the completion: it may be a lock that is granted only
                        // much later. Its callback finds the execution terminated.
                        terminate(null, false);
                    }
                    return;
                }
                case TERMINATED, FINISHING -> {
                    return;
                }
                case DONE_READY -> {
                    if (cancelled) {
                        terminate(null, false);
                    } else if (requested > emitted) {
                        emitted++;
                        Outcome.Done d;
                        try {
                            d = host.done(source);
                        } catch (Throwable t) {
                            terminate(t, true);
                            return;
                        }
                        if (emit(d)) {
                            terminate(null, true);
                        }
                    }
                    return;
                }
                case RUNNING -> {
                    if (cancelled) {
                        terminate(null, false);
                        return;
                    }
                    if (requested <= emitted) {
                        return;
                    }
                    if (budget-- == 0) {
                        runOnLoop(this::drain);
                        return;
                    }
                    if (!stepOnce()) {
                        return;
                    }
                }
            }
        }
    }

    /** One step of the program; false when the drain must stop. */
    private boolean stepOnce() {
        StepSource s = source;
        StepResult r;
        try {
            r = s.step();
        } catch (Throwable t) {
            terminate(t, true);
            return false;
        }
        switch (r) {
            case ROW -> {
                Object[] values;
                try {
                    values = s.row();
                } catch (Throwable t) {
                    terminate(t, true);
                    return false;
                }
                emitted++;
                return emit(new Outcome.Row(values));
            }
            case IO -> {
                Completion c = s.pendingIo();
                if (c == null) {
                    terminate(new IllegalStateException("invariant: step() returned IO without a completion"), true);
                    return false;
                }
                if (c.isDone()) {
                    // Finished already (a yield whose loop task ran, a read that completed
                    // inline): registering a continuation would run it at once, inside this
                    // drain, where it could not re-enter; step again instead.
                    if (c.isFailed()) {
                        terminate(c.failure(), !cancelled);
                        return false;
                    }
                    return true;
                }
                state = State.WAITING_IO;
                c.whenDone(() -> ioDone(c));
                return false;
            }
            case DONE -> {
                beginFinish(s);
                return true;
            }
            case BUSY -> {
                terminate(new DatabaseException(ResultCode.BUSY, "database is locked"), true);
                return false;
            }
            case INTERRUPTED -> {
                terminate(cancelled ? null : new DatabaseException(ResultCode.INTERRUPT, "interrupted"), !cancelled);
                return false;
            }
        }
        throw new IllegalStateException("invariant: unknown step result " + r);
    }

    /**
     * Delivers one outcome; false if the subscriber threw (a Reactive Streams violation: the
     * statement is then abandoned as if cancelled, so the session does not stay blocked).
     */
    private boolean emit(Outcome o) {
        try {
            actual.onNext(o);
            return state != State.TERMINATED;
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "subscriber.onNext threw; cancelling the statement", t);
            cancelled = true;
            StepSource s = source;
            if (s != null) {
                s.interrupt();
            }
            terminate(null, false);
            return false;
        }
    }

    /**
     * Ends the statement with {@code cause} (the database or session is closing): rolls it back
     * and signals onError unless it was cancelled. Owner thread; no-op once terminated.
     */
    public void fail(Throwable cause) {
        assert loop.inOwner();
        StepSource s = source;
        if (s != null) {
            s.interrupt();
        }
        if (state == State.FINISHING) {
            // the commit is being written; it ends by itself and must not be rolled back
            return;
        }
        terminate(cause, true);
    }

    private void ioDone(Completion c) {
        if (state != State.WAITING_IO) {
            return; // aborted meanwhile
        }
        if (c.isFailed()) {
            terminate(c.failure(), !cancelled);
            return;
        }
        state = State.RUNNING;
        drain();
    }

    private void beginFinish(StepSource s) {
        state = State.FINISHING;
        Completion c;
        try {
            c = host.finish(s);
        } catch (Throwable t) {
            terminate(t, true);
            return;
        }
        if (c == null) {
            state = State.DONE_READY;
            return;
        }
        c.whenDone(() -> {
            if (state != State.FINISHING) {
                return;
            }
            if (c.isFailed()) {
                terminate(c.failure(), !cancelled);
                return;
            }
            state = State.DONE_READY;
            drain();
        });
    }

    /**
     * Ends the execution. {@code failure} null means success (after Done) when {@code signal},
     * or cancellation when not. Runs abort for failures and cancellations, released always.
     */
    private void terminate(Throwable failure, boolean signal) {
        State was = state;
        if (was == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        boolean success = failure == null && signal && was == State.DONE_READY;
        try {
            if (!success) {
                host.abort(source, failure);
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "invariant: abort failed", t);
        } finally {
            host.released();
        }
        if (!signal || cancelled && failure == null) {
            return;
        }
        if (failure != null) {
            if (cancelled) {
                return;
            }
            actual.onError(failure);
        } else {
            actual.onComplete();
        }
    }

    private void runOnLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "statement signal after the database closed", e);
        }
    }
}
