package io.ringlite.engine.loop;

import io.ringlite.storage.io.IoBackend;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Schedulers;

/**
 * The thread that owns a database: its {@link IoBackend}, page cache, B-trees and the execution
 * of every statement (DESIGN.md, Threading), and the ownership word that lets an idle engine be
 * borrowed by the calling thread.
 *
 * <h2>Design</h2>
 * A <em>turn</em> of the loop runs the tasks queued by {@link #execute(Runnable)} (at most
 * {@link #TASKS_PER_TURN} of them, so completions keep flowing under a flood of tasks) and then
 * calls {@code backend.poll(wait)}, with {@code wait} true only when no task is queued. Polling
 * submits the I/O the tasks started and runs the callbacks of finished operations; those
 * callbacks usually continue a statement that yielded on I/O.
 *
 * <p><b>Ownership (inline execution).</b> Engine state has one owner at a time, recorded in
 * {@code owner}: {@code LOOP} (the loop thread runs tasks and completions), {@code IDLE} (the loop
 * is parked with no task queued and no I/O in flight, and lends the engine) or {@code CALLER} (a
 * caller thread runs engine work inline). A lendable loop publishes IDLE before its idle wait; a
 * caller takes it with a CAS IDLE&rarr;CALLER ({@link #tryAcquire()}), runs one bounded piece of
 * work (a statement until its first I/O or its first row batch) and gives it back
 * ({@link #release()}: CALLER&rarr;IDLE, waking the loop if tasks were queued meanwhile or the loop
 * waits). The loop takes the engine back (IDLE&rarr;LOOP) before it runs anything; if it wakes while
 * a caller owns it, it marks itself waiting and polls again (no lock, nothing to block on but the
 * idle wait), and the caller's release wakes it. The storage contract is kept because the caller
 * never touches the completion pump: file operations it starts are forwarded to the loop
 * ({@link ForwardingBackend}) and their completions run there, after the caller released the
 * engine. The CAS (acquire) and the release store order every plain field of the engine between
 * owners.
 *
 * <p>Why not always hop: a hop costs a queue offer, a wake-up of the parked loop and a wake-up of
 * the caller back, tens of microseconds on a VM against a few microseconds for a cache-hit point
 * query (docs/BENCHMARKS.md, HandOff). Why not let callers run everything: I/O submission and
 * completion stay with one thread (the io_uring ring has one submitter; the simulated backend's
 * determinism), and work that is already queued keeps its order and is never starved (a caller
 * may not borrow while tasks are queued).
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Only {@link #thread} calls {@code backend.poll} and runs tasks; every task runs on it, and
 *       only while {@code owner == LOOP}.</li>
 *   <li>{@code backend.wakeup()} is called only when the loop is parked (or about to park), so
 *       a busy loop pays no wake-up system call per task; while a caller owns the engine, the
 *       caller's {@link #release()} does the wake-up instead of each producer.</li>
 *   <li>After {@link #shutdown()} no new task is accepted; the queued tasks still run, the loop
 *       keeps polling until no I/O is in flight, then closes the backend and the thread ends.</li>
 *   <li>The only blocking call on the loop thread is {@code backend.poll(true)} inside
 *       {@link #park()}, made when there is nothing else to do (the BlockHound allowance);
 *       this includes waiting for an inline caller to release the engine.</li>
 *   <li>An exception escaping {@code backend.poll} (a callback, or the backend itself, threw
 *       while completing an operation) never turns into a silent hang: every watcher registered
 *       with {@link #onCallbackFailure} at that moment is told, once, with the exception, and is
 *       removed. The exception may have stopped a chain of completions anywhere, so whoever
 *       waits on work in progress must fail it rather than wait for a completion that may
 *       never come. The same holds when the loop dies.</li>
 *   <li>{@code owner} is IDLE or CALLER only while the loop is inside {@code parkLent()}, the
 *       state is RUNNING at the time it lent, and no I/O is in flight: a poll made while a caller
 *       owns the engine runs no callback.</li>
 *   <li>A thread owns at most one inline run per loop: {@link #tryAcquire()} fails for a thread
 *       that already owns the engine (no nested inline runs).</li>
 * </ol>
 *
 * <h2>States</h2>
 * <pre>
 *   RUNNING --shutdown()--> STOPPING --(queue empty, no I/O in flight)--> TERMINATED
 *
 *   owner:  LOOP --parkLent()--> IDLE --tryAcquire()--> CALLER --release()--> IDLE
 *           IDLE --awaitOwnership()--> LOOP
 * </pre>
 */
public final class EventLoop implements Executor {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** Tasks run per turn before the loop polls for completions again. */
    static final int TASKS_PER_TURN = 1024;

    private static final int RUNNING = 0;
    private static final int STOPPING = 1;
    private static final int TERMINATED = 2;

    /** Ownership: the loop thread runs tasks and completions. */
    private static final int LOOP = 0;
    /** Ownership: the loop is parked with no task queued and no I/O in flight; a caller may take it. */
    private static final int IDLE = 1;
    /** Ownership: a caller thread runs engine work inline. */
    private static final int CALLER = 2;

    /** How many engines the current thread owns inline (nested only across different databases). */
    private static final ThreadLocal<int[]> INLINE_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    static {
        // Reactor's block() refuses to run on a NonBlocking thread (the loop); an inline owner is
        // in the same position (blocking there would wait for work only it can let run), so it
        // gets the same fail-fast error instead of a deadlock.
        Schedulers.registerNonBlockingThreadPredicate(EventLoop::runsInline);
    }

    private final String name;
    private final IoBackend backend;
    private final LoopThread thread;
    /** Multi-producer, single-consumer (the loop thread). */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** True while the loop is about to poll, or is polling, with wait = true. */
    private volatile boolean parked;
    /** Who owns the engine: {@link #LOOP}, {@link #IDLE} (lendable) or {@link #CALLER}. */
    private final AtomicInteger owner = new AtomicInteger(LOOP);
    /** The caller thread that owns the engine while {@code owner == CALLER}, else null. */
    private volatile Thread callerOwner;
    /** True while the loop has woken up from an idle park and waits for a caller to give the engine back. */
    private volatile boolean loopWaiting;
    /** Whether callers may borrow the engine at all (fixed at start). */
    private final boolean lendable;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Waiters to fail if an I/O callback throws (invariant 5). Loop thread only. */
    private final LinkedHashSet<Watch> watchers = new LinkedHashSet<>();

    private EventLoop(String name, IoBackend backend, boolean lendable) {
        this.name = name;
        this.backend = backend;
        this.lendable = lendable;
        this.thread = new LoopThread(this::run, "ringlite-loop-" + name);
    }

    /**
     * Starts a loop thread named {@code ringlite-loop-<name>} that owns {@code backend} from now
     * on (the caller must not touch the backend afterwards except through tasks).
     */
    public static EventLoop start(String name, IoBackend backend) {
        return start(name, backend, false);
    }

    /**
     * As {@link #start(String, IoBackend)}; with {@code lendable}, an idle loop lets callers take
     * ownership of the engine ({@link #tryAcquire()}) and run work inline.
     */
    public static EventLoop start(String name, IoBackend backend, boolean lendable) {
        EventLoop loop = new EventLoop(Objects.requireNonNull(name), Objects.requireNonNull(backend), lendable);
        loop.thread.start();
        return loop;
    }

    public String name() {
        return name;
    }

    /** The backend this loop drives. Use it only from the loop thread. */
    public IoBackend backend() {
        assert inLoop() : "backend used off the loop";
        return backend;
    }

    /** True when the calling thread is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * True when the calling thread owns the engine: the loop thread (which runs engine work only
     * while it owns it), or a caller between a successful {@link #tryAcquire()} and its
     * {@link #release()}. Engine state may be touched only where this holds.
     */
    public boolean inOwner() {
        Thread t = Thread.currentThread();
        return t == thread || t == callerOwner;
    }

    /**
     * True while the loop is parked with nothing to do and lends the engine (a caller's
     * {@link #tryAcquire()} would then succeed). Any thread; a snapshot for diagnostics and tests.
     */
    public boolean isIdle() {
        return owner.get() == IDLE && tasks.isEmpty();
    }

    /** True when callers may borrow this loop's engine (see {@link #tryAcquire()}). */
    public boolean isLendable() {
        return lendable;
    }

    /**
     * Takes ownership of the engine for the calling thread if the loop is idle (parked, no task
     * queued, no I/O in flight) and no one else owns it. On true the caller may run engine work
     * inline, must not start file operations itself (they go through the loop, see
     * {@link ForwardingBackend}), and must call {@link #release()} when done, soon (one row
     * batch). False on the loop thread, for a caller that already owns it (no re-entrant inline
     * runs), and when the loop is not lendable, busy or stopping.
     */
    public boolean tryAcquire() {
        if (!lendable || owner.get() != IDLE || loopWaiting || !tasks.isEmpty() || state.get() != RUNNING) {
            return false;
        }
        if (!owner.compareAndSet(IDLE, CALLER)) {
            return false;
        }
        callerOwner = Thread.currentThread();
        INLINE_DEPTH.get()[0]++;
        if (!tasks.isEmpty()) {
            // Another caller owned the engine between our checks and the CAS and left work queued
            // (forwarded I/O, continuations): that work goes first. release() wakes the loop for it.
            release();
            return false;
        }
        return true;
    }

    /**
     * True when {@code t} is the current thread and it owns some loop's engine inline: like the
     * loop thread, it must not block (BlockHound and Reactor's {@code block()} treat it as
     * non-blocking).
     */
    public static boolean runsInline(Thread t) {
        return t == Thread.currentThread() && INLINE_DEPTH.get()[0] > 0;
    }

    /**
     * Gives the engine back after {@link #tryAcquire()}. Wakes the loop if work was queued
     * meanwhile (continuations of the inline run, other callers' tasks, timers) or if it woke up
     * and waits for the engine; the loop then takes it before any other caller can (callers do not
     * borrow while tasks are queued).
     */
    public void release() {
        if (Thread.currentThread() != callerOwner || owner.get() != CALLER) {
            throw new IllegalStateException("invariant: release() by a thread that does not own the engine");
        }
        callerOwner = null;
        INLINE_DEPTH.get()[0]--;
        owner.set(IDLE);
        // Dekker pairing with execute() (which skips the wake-up while a caller owns the engine)
        // and with awaitOwnership() (which sets loopWaiting, then re-reads owner).
        if (loopWaiting || !tasks.isEmpty()) {
            backend.wakeup();
        }
    }

    /**
     * Queues {@code task} to run on the loop thread, after the tasks already queued. Any thread.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        int st = state.get();
        // While stopping, the loop itself may still queue continuations of work in progress.
        if (st == TERMINATED || st == STOPPING && !inOwner()) {
            throw new RejectedExecutionException("ringlite event loop " + name + " is shut down");
        }
        tasks.offer(task);
        // Dekker pairing with park(): the loop writes parked then reads the queue; we write the
        // queue then read parked, so at least one side sees the other. While a caller owns the
        // engine the loop cannot run the task anyway: release() sees it queued and wakes the loop
        // (the same pairing, with owner in place of parked).
        if (parked && !inLoop() && owner.get() != CALLER) {
            backend.wakeup();
        }
    }

    /**
     * Runs {@code task} on the loop after {@code delay}. The returned handle cancels it if it has
     * not started. Timing is approximate; nothing in the engine depends on its precision.
     */
    public Disposable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task);
        // LoopTimer, not a ScheduledExecutorService: scheduling and cancelling happen on engine
        // owners, which must not block on the executor's queue lock.
        return LoopTimer.SHARED.schedule(delay.toNanos(), () -> {
            try {
                execute(task);
            } catch (RejectedExecutionException ignored) {
                // the loop stopped meanwhile: the task's owner is gone too
            }
        });
    }

    /**
     * Registers {@code onFailure} to run, on the loop, if an exception escapes the completion of
     * an I/O operation on this loop (a callback threw, or the backend failed to complete an
     * operation) before the returned handle is disposed. It runs at most once and is then
     * removed; it also runs if the loop thread dies. Call this from the loop, around any wait
     * whose completion could be lost that way (opening a database, a statement in flight), and
     * dispose the handle when the wait ends normally. Loop thread only.
     */
    public Disposable onCallbackFailure(Consumer<? super Throwable> onFailure) {
        assert inLoop() : "onCallbackFailure off the loop";
        Watch w = new Watch(Objects.requireNonNull(onFailure));
        watchers.add(w);
        return w;
    }

    /**
     * Stops accepting tasks; the loop finishes the queued ones, waits for in-flight I/O, closes
     * the backend and ends. The future completes when the thread has finished (it completes
     * exceptionally only if closing the backend failed). Idempotent.
     */
    public CompletableFuture<Void> shutdown() {
        if (state.compareAndSet(RUNNING, STOPPING)) {
            backend.wakeup();
        }
        return terminated;
    }

    public boolean isShutdown() {
        return state.get() != RUNNING;
    }

    private void run() {
        try {
            while (true) {
                runTasks();
                boolean idle = tasks.isEmpty();
                if (idle && state.get() == STOPPING && !backend.hasInFlight()) {
                    break;
                }
                if (idle) {
                    park();
                } else {
                    pollSafely(false);
                }
            }
            state.set(TERMINATED);
            // A task offered between the last check and TERMINATED was accepted while we were
            // STOPPING: run it so nobody waits forever on it.
            runTasks();
            backend.close();
            terminated.complete(null);
        } catch (Throwable t) {
            state.set(TERMINATED);
            LOG.log(Level.ERROR, "ringlite event loop " + name + " died", t);
            failWatchers(t);
            terminated.completeExceptionally(t);
        }
    }

    /** The idle wait: the one place the loop blocks, and only when it has nothing to do. */
    private void park() {
        parked = true;
        try {
            if (tasks.isEmpty() && (state.get() == RUNNING || backend.hasInFlight())) {
                if (lendable && state.get() == RUNNING && !backend.hasInFlight()) {
                    parkLent();
                } else {
                    pollSafely(true);
                }
            } else {
                pollSafely(false);
            }
        } finally {
            parked = false;
        }
    }

    /**
     * The idle wait of a lendable loop: the engine is IDLE (callers may take it) while the loop
     * waits; the loop takes it back before running anything. With no I/O in flight, a poll runs
     * no callback, so polling while a caller owns the engine touches no engine state.
     */
    private void parkLent() {
        owner.set(IDLE);
        // A task queued before IDLE was published skipped nothing (we were LOOP), but its
        // producer may have seen parked == false: check the queue once more before sleeping.
        if (tasks.isEmpty() && state.get() == RUNNING) {
            pollSafely(true);
        }
        awaitOwnership();
    }

    /** Takes the engine back from IDLE, or waits (polling, never blocking on a lock) until a caller releases it. */
    private void awaitOwnership() {
        while (!owner.compareAndSet(IDLE, LOOP)) {
            loopWaiting = true;
            try {
                if (owner.get() == CALLER) {
                    if (backend.hasInFlight()) {
                        throw new IllegalStateException("invariant: I/O in flight while a caller owns the engine");
                    }
                    pollSafely(true); // release() wakes us
                }
            } finally {
                loopWaiting = false;
            }
        }
    }

    private void pollSafely(boolean wait) {
        try {
            backend.poll(wait);
        } catch (RuntimeException e) {
            // A failing callback must not kill the database's only thread, nor leave anyone
            // waiting for a completion the exception may have cut off.
            LOG.log(Level.ERROR, "ringlite event loop " + name + ": I/O callback failed", e);
            failWatchers(e);
        }
    }

    private void failWatchers(Throwable cause) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Watch> toFail = new ArrayList<>(watchers);
        watchers.clear();
        for (Watch w : toFail) {
            w.fire(cause);
        }
    }

    private void runTasks() {
        for (int i = 0; i < TASKS_PER_TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "ringlite event loop " + name + ": task failed", t);
                if (t instanceof Error e && !(t instanceof AssertionError)) {
                    throw e;
                }
            }
        }
    }

    /** A registration of {@link #onCallbackFailure}; identity-based. */
    private final class Watch implements Disposable {
        private final Consumer<? super Throwable> onFailure;
        private boolean disposed;

        Watch(Consumer<? super Throwable> onFailure) {
            this.onFailure = onFailure;
        }

        void fire(Throwable cause) {
            if (disposed) {
                return;
            }
            disposed = true;
            try {
                onFailure.accept(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "ringlite event loop " + name + ": failure watcher failed", e);
            }
        }

        @Override
        public void dispose() {
            assert inLoop() : "dispose of a failure watcher off the loop";
            disposed = true;
            watchers.remove(this);
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }


    /**
     * The loop's thread. Implementing Reactor's {@link NonBlocking} marker makes BlockHound (via
     * Reactor's integration) treat every blocking call on it as an error, except the idle wait.
     */
    private static final class LoopThread extends Thread implements NonBlocking {
        LoopThread(Runnable body, String name) {
            super(body, name);
            setDaemon(true);
        }
    }
}
