package io.ringlite.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ownership word of a lendable loop: who may run engine work, and that nothing is lost. */
class EventLoopOwnershipTest {
    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (EventLoop l : loops) {
            l.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    private EventLoop start(boolean lendable) {
        EventLoop l = EventLoop.start("own", new TestBackend(), lendable);
        loops.add(l);
        return l;
    }

    /**
     * Waits for {@code f} without a blocking call: an inline owner must not block (BlockHound,
     * when another suite installed it, treats it like the loop thread).
     */
    private static <T> T spinFor(CompletableFuture<T> f) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.isDone()) {
            if (System.nanoTime() > deadline) {
                fail("timed out");
            }
        }
        return f.join();
    }

    /** Lets {@code millis} pass without a blocking call (see {@link #spinFor}). */
    private static void spin(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            // busy on purpose
        }
    }

    private static void awaitIdle(EventLoop l) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!l.isIdle()) {
            if (System.nanoTime() > deadline) {
                fail("the loop never became idle");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @Test
    void anIdleLendableLoopLetsTheCallerOwnTheEngineOnce() {
        EventLoop l = start(true);
        awaitIdle(l);
        assertThat(l.tryAcquire()).isTrue();
        try {
            assertThat(l.inOwner()).isTrue();
            assertThat(EventLoop.runsInline(Thread.currentThread())).isTrue();
            assertThat(l.tryAcquire()).as("no nested inline run").isFalse();
        } finally {
            l.release();
        }
        assertThat(l.inOwner()).isFalse();
        assertThat(EventLoop.runsInline(Thread.currentThread())).isFalse();
    }

    @Test
    void aLoopThatIsNotLendableNeverLendsTheEngine() throws Exception {
        EventLoop l = start(false);
        CountDownLatch ran = new CountDownLatch(1);
        l.execute(ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(l.isIdle()).isFalse();
        assertThat(l.tryAcquire()).isFalse();
    }

    @Test
    void onlyOneCallerOwnsTheEngineAtATime() throws Exception {
        EventLoop l = start(true);
        awaitIdle(l);
        assertThat(l.tryAcquire()).isTrue();
        try {
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(l::tryAcquire);
            assertThat(spinFor(other)).isFalse();
        } finally {
            l.release();
        }
    }

    @Test
    void releaseByAThreadThatDoesNotOwnTheEngineIsAnInvariantViolation() {
        EventLoop l = start(true);
        assertThatThrownBy(l::release).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("invariant:");
    }

    @Test
    void tasksQueuedWhileACallerOwnsTheEngineRunOnTheLoopAfterItsRelease() throws Exception {
        EventLoop l = start(true);
        awaitIdle(l);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        assertThat(l.tryAcquire()).isTrue();
        try {
            // from the owner (a continuation) and from another thread (another caller's hop)
            l.execute(() -> {
                order.add("owner's task on " + Thread.currentThread().getName());
                both.countDown();
            });
            spinFor(CompletableFuture.runAsync(() -> l.execute(() -> {
                order.add("other's task");
                both.countDown();
            })));
            spin(20);
            assertThat(order).as("nothing runs while the caller owns the engine").isEmpty();
        } finally {
            l.release();
        }
        assertThat(both.await(10, TimeUnit.SECONDS)).as("no lost wake-up").isTrue();
        assertThat(order.getFirst()).isEqualTo("owner's task on ringlite-loop-own");
    }

    @Test
    void manyCallersAndProducersNeverLoseATaskNorOverlapOwnership() throws Exception {
        EventLoop l = start(true);
        int threads = 4;
        int rounds = 2000;
        AtomicInteger owners = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger tasksRun = new AtomicInteger();
        AtomicInteger inline = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    if (l.tryAcquire()) {
                        try {
                            if (owners.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            inline.incrementAndGet();
                            owners.decrementAndGet();
                        } finally {
                            l.release();
                        }
                    } else {
                        l.execute(() -> {
                            if (owners.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            tasksRun.incrementAndGet();
                            owners.decrementAndGet();
                        });
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inline.get() + tasksRun.get() < threads * rounds && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(inline.get() + tasksRun.get()).isEqualTo(threads * rounds);
        assertThat(overlaps.get()).isZero();
    }
}
