package io.ringlite.engine.loop;

import java.lang.System.Logger.Level;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import reactor.core.Disposable;

/**
 * The timer behind {@link EventLoop#schedule}: one daemon thread for every loop of the JVM that
 * only hands expired actions on (they enqueue their task onto their loop).
 *
 * <h2>Design</h2>
 * Scheduling and cancelling never take a lock, because they are called by engine owners (the loop
 * thread or an inline caller), which must not block: a {@code ScheduledThreadPoolExecutor} guards
 * its queue with a lock that the timer thread holds while it takes the next task, so scheduling or
 * cancelling from the loop could park it (BlockHound caught exactly that). Here an owner offers
 * the entry to a lock-free queue and unparks the timer thread ({@code LockSupport.unpark} never
 * blocks); cancelling sets a volatile flag. The timer thread alone keeps the entries in a heap by
 * deadline, runs the due ones that are not cancelled, and parks until the next deadline. A
 * cancelled entry stays in the heap until its deadline passes (entries live at most the busy
 * timeout), which keeps cancellation free of any coordination.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Only the timer thread touches {@link #heap}.</li>
 *   <li>An unpark given between the timer thread's last drain and its park makes that park return
 *       at once (the permit), so no entry waits past its deadline for a later wake-up.</li>
 *   <li>An action runs at most once, and never after {@link Disposable#dispose()} returned on
 *       the thread that reads the flag in time; a race with an action already started is resolved
 *       by the action's own checks (its task runs on the loop, which sees the cancellation).</li>
 * </ol>
 */
final class LoopTimer {
    private static final System.Logger LOG = System.getLogger(LoopTimer.class.getName());

    static final LoopTimer SHARED = new LoopTimer();

    private final ConcurrentLinkedQueue<Entry> incoming = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final Thread thread;

    private LoopTimer() {
        thread = new Thread(this::run, "ringlite-timer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code action} on the timer thread after {@code delayNanos}, unless disposed first. Any thread; never blocks. */
    Disposable schedule(long delayNanos, Runnable action) {
        Entry e = new Entry(System.nanoTime() + Math.max(0, delayNanos), action);
        incoming.offer(e);
        LockSupport.unpark(thread);
        return e;
    }

    private void run() {
        while (true) {
            Entry e;
            while ((e = incoming.poll()) != null) {
                heap.add(e);
            }
            long now = System.nanoTime();
            while ((e = heap.peek()) != null && e.deadline - now <= 0) {
                heap.poll();
                e.fire();
            }
            if (e == null) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, e.deadline - now);
            }
        }
    }

    private static final class Entry implements Disposable {
        final long deadline;
        private final Runnable action;
        private volatile boolean cancelled;
        private volatile boolean fired;

        Entry(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        void fire() {
            if (cancelled) {
                return;
            }
            fired = true;
            try {
                action.run();
            } catch (RuntimeException ex) {
                LOG.log(Level.ERROR, "ringlite timer action failed", ex);
            }
        }

        @Override
        public void dispose() {
            cancelled = true;
        }

        @Override
        public boolean isDisposed() {
            return cancelled || fired;
        }
    }
}
