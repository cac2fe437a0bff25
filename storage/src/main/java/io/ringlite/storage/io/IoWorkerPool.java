package io.ringlite.storage.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The I/O threads of one {@link PortableBackend}: an executor whose {@link #execute} never
 * blocks or parks the caller, so the event-loop thread may hand work to it.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its work queue ({@code LinkedBlockingQueue}) takes a
 * {@code ReentrantLock} on every offer and on the signal to a waiting worker; under contention
 * the offering thread parks. That thread is the database's event loop (the JDK's
 * {@code AsynchronousFileChannel} calls {@code execute} from {@code read}/{@code write}), and a
 * parked loop stalls every query on it (BlockHound reports it as a blocking call).
 *
 * <h2>Design</h2>
 * <ol>
 *   <li>Tasks go on {@link #tasks}, a lock-free {@link ConcurrentLinkedQueue}. {@code execute}
 *       is: offer the task, then claim one idle worker (CAS its {@link Worker#idle} flag from
 *       true to false) and {@link LockSupport#unpark} it. Offer, CAS and unpark never park.</li>
 *   <li>A worker parks only when the queue is empty: it sets its {@code idle} flag, re-checks
 *       the queue, and parks only if it is still empty. The submitter writes the queue then
 *       reads the flags; the worker writes its flag then reads the queue (all volatile), so at
 *       least one of them sees the other: a task can never sit in the queue while every worker
 *       sleeps (no lost wake-up).</li>
 *   <li>Invariant: a worker's flag is true only while it is parked or about to park; whoever
 *       turns it false (the worker itself on waking, or a submitter that claims it) makes sure
 *       the worker polls the queue again before it can park.</li>
 *   <li>Workers are started eagerly (a fixed, small number: the JDK pool's lazy thread creation
 *       takes a lock too) and are daemons, so a leaked backend never keeps a JVM alive.</li>
 *   <li>{@link #shutdown} sets {@link #shutdown} and wakes everyone; workers finish the tasks
 *       already queued, then exit. {@link #shutdownNow} also drains the queue and interrupts
 *       them.</li>
 *   <li>A task that throws is reported to the thread's uncaught-exception handler and the worker
 *       carries on, so the pool never shrinks (the JDK's file-channel tasks catch their own
 *       failures; this is only a safety net).</li>
 * </ol>
 */
final class IoWorkerPool extends AbstractExecutorService {
    /** JVM-wide thread numbering: names stay unique across backends. */
    private static final AtomicInteger THREADS = new AtomicInteger();

    static final String THREAD_NAME_PREFIX = "ringlite-portable-io-";

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean shutdown;
    /** Workers that have not exited yet; the pool is terminated when it reaches zero. */
    private final AtomicInteger live;

    /** Starts {@code size} worker threads. */
    IoWorkerPool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("an I/O pool needs at least one thread: " + size);
        }
        workers = new Worker[size];
        live = new AtomicInteger(size);
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker();
        }
        // Start only once every worker exists: a running worker may read the whole array.
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** One I/O thread and its "parked, wake me" flag. */
    private final class Worker implements Runnable {
        final AtomicBoolean idle = new AtomicBoolean();
        final Thread thread;

        Worker() {
            thread = Thread.ofPlatform()
                    .name(THREAD_NAME_PREFIX + THREADS.incrementAndGet())
                    .daemon(true)
                    .unstarted(this);
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                live.decrementAndGet();
            }
        }

        private void loop() {
            for (;;) {
                Runnable task = tasks.poll();
                if (task != null) {
                    runTask(task);
                    continue;
                }
                if (shutdown) {
                    return; // queue empty and no more tasks accepted
                }
                idle.set(true);
                // Re-check after announcing: a submitter that offered before seeing our flag
                // would not wake us.
                if (!tasks.isEmpty() || shutdown) {
                    idle.set(false);
                    continue;
                }
                LockSupport.park(this);
                // Woken by a submitter (which cleared the flag), by shutdown, or spuriously.
                idle.set(false);
                if (Thread.interrupted() && shutdown) {
                    return; // shutdownNow
                }
            }
        }

        private void runTask(Runnable task) {
            try {
                task.run();
            } catch (Throwable t) {
                Thread me = Thread.currentThread();
                me.getUncaughtExceptionHandler().uncaughtException(me, t);
            }
        }
    }

    /** Queues {@code task} and wakes one idle worker; never blocks the caller. */
    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (shutdown) {
            throw new RejectedExecutionException("the portable I/O pool is shut down");
        }
        tasks.offer(task);
        for (Worker w : workers) {
            if (w.idle.compareAndSet(true, false)) {
                LockSupport.unpark(w.thread);
                return;
            }
        }
        // Nobody idle: every worker is busy and polls the queue before it may park again.
    }

    @Override
    public void shutdown() {
        shutdown = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>();
        Runnable r;
        while ((r = tasks.poll()) != null) {
            pending.add(r);
        }
        for (Worker w : workers) {
            w.thread.interrupt();
            LockSupport.unpark(w.thread);
        }
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && live.get() == 0;
    }

    /** Waits for the workers to exit; a blocking call, never made on an event loop. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return isTerminated();
            }
            w.thread.join(java.time.Duration.ofNanos(left));
        }
        return isTerminated();
    }

    /** The number of worker threads (fixed for the pool's life). */
    int size() {
        return workers.length;
    }
}
