package io.ringlite.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.io.Completion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    private final TestBackend backend = new TestBackend();
    private final EventLoop loop = EventLoop.start("test", backend);

    @AfterEach
    void stop() throws Exception {
        loop.shutdown().get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void tasksFromManyThreadsRunOnTheLoopThreadInSubmissionOrderPerThread() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Thread> runners = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(400);
        Thread[] producers = new Thread[4];
        for (int p = 0; p < producers.length; p++) {
            int id = p;
            producers[p] = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    loop.execute(() -> {
                        seen.add(id + ":" + n);
                        runners.add(Thread.currentThread());
                        all.countDown();
                    });
                }
            });
            producers[p].start();
        }
        for (Thread t : producers) {
            t.join();
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runners).allSatisfy(t -> assertThat(t.getName()).isEqualTo("ringlite-loop-test"));
        for (int p = 0; p < producers.length; p++) {
            String prefix = p + ":";
            List<Integer> order = seen.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(order).isSorted().hasSize(100);
        }
    }

    @Test
    void loopThreadIsADaemonNamedAfterTheDatabaseAndInLoopIsTrueOnlyThere() throws Exception {
        Thread t = onLoop(Thread::currentThread);
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("ringlite-loop-test");
        assertThat(onLoop(loop::inLoop)).isTrue();
        assertThat(loop.inLoop()).isFalse();
    }

    @Test
    void ioStartedByATaskCompletesLaterOnTheLoopThreadNotInsideTheStartingCall() throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        boolean[] doneInsideStart = {false};
        loop.execute(() -> {
            Completion c = backend.operation(42);
            c.whenDone(() -> done.complete(Thread.currentThread().getName() + "/" + c.result()));
            doneInsideStart[0] = c.isDone();
        });
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo("ringlite-loop-test/42");
        assertThat(doneInsideStart[0]).isFalse();
        assertThat(backend.pollingThread.getName()).isEqualTo("ringlite-loop-test");
    }

    @Test
    void aFailingTaskIsLoggedAndTheLoopKeepsRunning() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        assertThat(onLoop(() -> "still alive")).isEqualTo("still alive");
    }

    @Test
    void scheduledTaskRunsOnTheLoopAndACancelledOneNever() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        CompletableFuture<Boolean> cancelledRan = new CompletableFuture<>();
        loop.schedule(Duration.ofSeconds(30), () -> cancelledRan.complete(true)).dispose();
        loop.schedule(Duration.ofMillis(5), () -> ran.complete(Thread.currentThread()));
        assertThat(ran.get(10, TimeUnit.SECONDS).getName()).isEqualTo("ringlite-loop-test");
        assertThat(cancelledRan).isNotDone();
    }

    /**
     * Lock waits schedule and cancel a busy-timeout timer on the loop, thousands of times while
     * the timer thread keeps firing others: none of it may block the loop (a timer guarded by a
     * lock, as ScheduledThreadPoolExecutor's queue is, parked the loop under contention).
     */
    @Test
    void schedulingAndCancellingOnTheLoopNeverBlocks() throws Exception {
        io.ringlite.engine.BlockHoundSupport.install();
        int before = io.ringlite.engine.BlockHoundSupport.DETECTED.size();
        int rounds = 20_000;
        java.util.concurrent.atomic.AtomicInteger fired = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(new Runnable() {
            int round;

            @Override
            public void run() {
                for (int i = 0; i < 200 && round < rounds; i++, round++) {
                    loop.schedule(Duration.ofMillis(1 + round % 3), fired::incrementAndGet);
                    loop.schedule(Duration.ofSeconds(30), () -> { throw new AssertionError("cancelled timer ran"); }).dispose();
                }
                if (round < rounds) {
                    loop.execute(this); // let the timer's tasks in between
                } else {
                    done.countDown();
                }
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fired.get() < rounds && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(fired.get()).as("every scheduled task ran once").isEqualTo(rounds);
        assertThat(io.ringlite.engine.BlockHoundSupport.DETECTED.subList(before, io.ringlite.engine.BlockHoundSupport.DETECTED.size()))
                .as("blocking calls on the loop").isEmpty();
    }

    @Test
    void shutdownRunsQueuedTasksWaitsForInFlightIoThenClosesTheBackend() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        loop.execute(() -> {
            Completion c = backend.operation(1);
            c.whenDone(() -> events.add("io done"));
            events.add("started");
        });
        CompletableFuture<Void> stopped = loop.shutdown();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(events).containsExactly("started", "io done");
        assertThat(backend.closed).isTrue();
        assertThat(loop.isShutdown()).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void anIdleLoopIsWokenByExecuteAndABusyOneIsNot() throws Exception {
        onLoop(() -> null);
        // Let it park: nothing is queued.
        for (int i = 0; i < 200 && !parkedNow(); i++) {
            Thread.sleep(5);
        }
        int before = backend.wakeups.get();
        assertThat(onLoop(() -> "woken")).isEqualTo("woken");
        assertThat(backend.wakeups.get()).isGreaterThan(before);
        // Tasks queued from the loop itself never pay for a wake-up.
        CompletableFuture<Integer> inner = new CompletableFuture<>();
        int wakeupsDuringInnerExecute = onLoop(() -> {
            int w = backend.wakeups.get();
            loop.execute(() -> inner.complete(1));
            return backend.wakeups.get() - w;
        });
        assertThat(inner.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(wakeupsDuringInnerExecute).isZero();
    }

    private boolean parkedNow() throws Exception {
        java.lang.reflect.Field f = EventLoop.class.getDeclaredField("parked");
        f.setAccessible(true);
        return f.getBoolean(loop);
    }

    @Test
    void aCallbackThatThrowsFailsEveryWatcherOnceSoNobodyWaitsForever() throws Exception {
        CompletableFuture<Throwable> watching = new CompletableFuture<>();
        CompletableFuture<Throwable> disposedEarlier = new CompletableFuture<>();
        List<Throwable> calls = new CopyOnWriteArrayList<>();
        loop.execute(() -> {
            loop.onCallbackFailure(t -> {
                calls.add(t);
                watching.complete(t);
            });
            loop.onCallbackFailure(disposedEarlier::complete).dispose();
            Completion c = backend.operation(1);
            c.whenDone(() -> {
                throw new IllegalStateException("callback bug");
            });
        });

        assertThat(watching.get(10, TimeUnit.SECONDS)).hasMessage("callback bug");
        // The loop survives, the watcher was removed (a second failure does not call it again)
        // and a disposed watcher is never called.
        CompletableFuture<Boolean> secondFailureSeen = new CompletableFuture<>();
        loop.execute(() -> {
            loop.onCallbackFailure(t -> secondFailureSeen.complete(true));
            backend.operation(2).whenDone(() -> {
                throw new IllegalStateException("second bug");
            });
        });
        assertThat(secondFailureSeen.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onLoop(() -> "still alive")).isEqualTo("still alive");
        assertThat(calls).hasSize(1);
        assertThat(disposedEarlier).isNotDone();
    }

    @Test
    void aWatcherDisposedAfterItsWaitEndedIsNotCalledByALaterFailure() throws Exception {
        CompletableFuture<Throwable> stale = new CompletableFuture<>();
        CompletableFuture<Throwable> current = new CompletableFuture<>();
        loop.execute(() -> {
            var handle = loop.onCallbackFailure(stale::complete);
            Completion c = backend.operation(1);
            c.whenDone(() -> {
                handle.dispose();
                loop.onCallbackFailure(current::complete);
                backend.operation(2).whenDone(() -> {
                    throw new IllegalStateException("later bug");
                });
            });
        });
        assertThat(current.get(10, TimeUnit.SECONDS)).hasMessage("later bug");
        assertThat(stale).isNotDone();
    }
}
