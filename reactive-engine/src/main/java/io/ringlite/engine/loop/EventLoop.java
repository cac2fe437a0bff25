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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.NonBlocking;

/**
 * The one thread that owns a database: its {@link IoBackend}, page cache, B-trees and the
 * execution of every statement (DESIGN.md, Threading).
 *
 * <h2>Design</h2>
 * A <em>turn</em> of the loop runs the tasks queued by {@link #execute(Runnable)} (at most
 * {@link #TASKS_PER_TURN} of them, so completions keep flowing under a flood of tasks) and then
 * calls {@code backend.poll(wait)}, with {@code wait} true only when no task is queued. Polling
 * submits the I/O the tasks started and runs the callbacks of finished operations; those
 * callbacks usually continue a statement that yielded on I/O.
 *
 * <p>Why a plain hop onto the loop rather than letting an idle caller take ownership by CAS and
 * run inline: the storage contract (AsyncFile rule 1) confines every file operation and
 * completion to one thread, and the page cache, B-trees and pager have no locks. Inline
 * execution would make the owner thread vary, which the io_uring ring (single submitter) and
 * the simulated backend's determinism do not tolerate without a second hand-off on every I/O.
 * A hop costs one queue offer plus, only when the loop is parked, one wake-up; the bench team
 * measures it against the alternative.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Only {@link #thread} calls {@code backend.poll} and runs tasks; every task runs on it.</li>
 *   <li>{@code backend.wakeup()} is called only when the loop is parked (or about to park), so
 *       a busy loop pays no wake-up system call per task.</li>
 *   <li>After {@link #shutdown()} no new task is accepted; the queued tasks still run, the loop
 *       keeps polling until no I/O is in flight, then closes the backend and the thread ends.</li>
 *   <li>The only blocking call on the loop thread is {@code backend.poll(true)} inside
 *       {@link #park()}, made when there is nothing else to do (the BlockHound allowance).</li>
 *   <li>An exception escaping {@code backend.poll} (a callback, or the backend itself, threw
 *       while completing an operation) never turns into a silent hang: every watcher registered
 *       with {@link #onCallbackFailure} at that moment is told, once, with the exception, and is
 *       removed. The exception may have stopped a chain of completions anywhere, so whoever
 *       waits on work in progress must fail it rather than wait for a completion that may
 *       never come. The same holds when the loop dies.</li>
 * </ol>
 *
 * <h2>States</h2>
 * <pre>
 *   RUNNING --shutdown()--> STOPPING --(queue empty, no I/O in flight)--> TERMINATED
 * </pre>
 */
public final class EventLoop implements Executor {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** Tasks run per turn before the loop polls for completions again. */
    static final int TASKS_PER_TURN = 1024;

    private static final int RUNNING = 0;
    private static final int STOPPING = 1;
    private static final int TERMINATED = 2;

    /** Timer thread shared by every loop; it only hands expired tasks to their loop. */
    private static final ScheduledExecutorService TIMER = newTimer();

    private final String name;
    private final IoBackend backend;
    private final LoopThread thread;
    /** Multi-producer, single-consumer (the loop thread). */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** True while the loop is about to poll, or is polling, with wait = true. */
    private volatile boolean parked;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Waiters to fail if an I/O callback throws (invariant 5). Loop thread only. */
    private final LinkedHashSet<Watch> watchers = new LinkedHashSet<>();

    private EventLoop(String name, IoBackend backend) {
        this.name = name;
        this.backend = backend;
        this.thread = new LoopThread(this::run, "ringlite-loop-" + name);
    }

    /**
     * Starts a loop thread named {@code ringlite-loop-<name>} that owns {@code backend} from now
     * on (the caller must not touch the backend afterwards except through tasks).
     */
    public static EventLoop start(String name, IoBackend backend) {
        EventLoop loop = new EventLoop(Objects.requireNonNull(name), Objects.requireNonNull(backend));
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
     * Queues {@code task} to run on the loop thread, after the tasks already queued. Any thread.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        int st = state.get();
        // While stopping, the loop itself may still queue continuations of work in progress.
        if (st == TERMINATED || st == STOPPING && !inLoop()) {
            throw new RejectedExecutionException("ringlite event loop " + name + " is shut down");
        }
        tasks.offer(task);
        // Dekker pairing with park(): the loop writes parked then reads the queue; we write the
        // queue then read parked, so at least one side sees the other.
        if (parked && !inLoop()) {
            backend.wakeup();
        }
    }

    /**
     * Runs {@code task} on the loop after {@code delay}. The returned handle cancels it if it has
     * not started. Timing is approximate; nothing in the engine depends on its precision.
     */
    public Disposable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task);
        ScheduledFuture<?> f = TIMER.schedule(() -> {
            try {
                execute(task);
            } catch (RejectedExecutionException ignored) {
                // the loop stopped meanwhile: the task's owner is gone too
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return new Disposable() {
            @Override
            public void dispose() {
                f.cancel(false);
            }

            @Override
            public boolean isDisposed() {
                return f.isDone();
            }
        };
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
                pollSafely(true);
            } else {
                pollSafely(false);
            }
        } finally {
            parked = false;
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

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ringlite-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
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
