package io.ringlite.storage.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The portable backend's I/O pool: runs every task, wakes idle workers, shuts down cleanly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a lost wake-up shows up as a hang
class IoWorkerPoolTest {
    private IoWorkerPool pool;

    @AfterEach
    void stopPool() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsEveryTaskSubmittedConcurrentlyFromManyThreads() throws Exception {
        pool = new IoWorkerPool(2);
        int submitters = 4;
        int perSubmitter = 25_000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch allRan = new CountDownLatch(submitters * perSubmitter);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < submitters; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int n = 0; n < perSubmitter; n++) {
                    pool.execute(() -> {
                        ran.incrementAndGet();
                        allRan.countDown();
                    });
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(allRan.await(30, TimeUnit.SECONDS)).as("all tasks ran").isTrue();
        assertThat(ran.get()).isEqualTo(submitters * perSubmitter);
    }

    @Test
    void anIdleWorkerIsWokenForEachLoneTask() throws Exception {
        // One task at a time: between tasks every worker goes idle and must be woken again.
        pool = new IoWorkerPool(2);
        for (int i = 0; i < 5_000; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(done::countDown);
            assertThat(done.await(10, TimeUnit.SECONDS)).as("task %d ran (no lost wake-up)", i).isTrue();
        }
    }

    @Test
    void workersAreNamedDaemonThreads() throws Exception {
        pool = new IoWorkerPool(3);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            pool.execute(() -> {
                seen.add(Thread.currentThread());
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).isNotEmpty().hasSizeLessThanOrEqualTo(3).allSatisfy(t -> {
            assertThat(t.getName()).matches(IoWorkerPool.THREAD_NAME_PREFIX + "\\d+");
            assertThat(t.isDaemon()).isTrue();
        });
    }

    @Test
    void aTaskThatThrowsDoesNotStopItsWorker() throws Exception {
        pool = new IoWorkerPool(1);
        Thread[] worker = new Thread[1];
        CountDownLatch first = new CountDownLatch(1);
        pool.execute(() -> {
            worker[0] = Thread.currentThread();
            first.countDown();
        });
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
        worker[0].setUncaughtExceptionHandler(quiet); // the pool reports through it; keep the log clean
        pool.execute(() -> {
            throw new IllegalStateException("boom");
        });
        CountDownLatch after = new CountDownLatch(1);
        Thread[] ranOn = new Thread[1];
        pool.execute(() -> {
            ranOn[0] = Thread.currentThread();
            after.countDown();
        });
        assertThat(after.await(10, TimeUnit.SECONDS)).as("a later task still runs").isTrue();
        assertThat(ranOn[0]).isSameAs(worker[0]);
    }

    @Test
    void shutdownRunsQueuedTasksThenStopsEveryWorker() throws Exception {
        pool = new IoWorkerPool(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            pool.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int i = 0; i < 100; i++) {
            pool.execute(ran::incrementAndGet);
        }
        pool.shutdown();
        assertThat(pool.isShutdown()).isTrue();
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        release.countDown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(ran.get()).as("tasks queued before shutdown still ran").isEqualTo(100);
    }

    @Test
    void shutdownNowHandsBackQueuedTasks() throws Exception {
        pool = new IoWorkerPool(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Runnable queued = () -> { };
        pool.execute(queued);
        assertThat(pool.shutdownNow()).containsExactly(queued);
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("the blocked worker was interrupted").isTrue();
    }

    @Test
    void closingThePortableBackendStopsItsIoThreads() throws Exception {
        PortableBackend backend = new PortableBackend();
        backend.close();
        assertThat(backend.pool().awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
