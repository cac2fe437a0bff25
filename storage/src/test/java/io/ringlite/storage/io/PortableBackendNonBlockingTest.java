package io.ringlite.storage.io;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portable backend never blocks the event-loop thread: thousands of reads, writes, fsyncs
 * and truncates started from a thread BlockHound watches, while other watched threads hammer
 * the same I/O pool, produce no blocking call.
 *
 * <p>BlockHound stays installed for the rest of the JVM, so it is installed here (and only
 * here) with a predicate that watches just the threads this class names {@code test-loop*};
 * the other storage tests run on unwatched threads and are unaffected.
 *
 * <p>{@link #theJdksThreadPoolIsCaughtBlockingTheLoop} shows the test can fail: with a
 * {@code ThreadPoolExecutor} as the channels' pool (what the backend used before), the loop's
 * hand-off parks on the pool queue's lock under contention. Contention is likely but not
 * certain, so it runs only on request ({@code -Dringlite.io.demonstrateBlockingPool=true}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PortableBackendNonBlockingTest {
    private static final String WATCHED_PREFIX = "test-loop";
    private static final List<String> DETECTED = new CopyOnWriteArrayList<>();

    private static final int PAGE = 4096;
    private static final int SLOTS = 64;
    private static final int IN_FLIGHT = 16;
    private static final int ROUNDS = 150; // each round: 16 writes + 16 reads (+ fsync / truncate)
    private static final int CONTENDERS = 2;
    private static final int BACKLOG = 64;

    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        // install(...) also loads the ServiceLoader integrations (Reactor's among them).
        BlockHound.install(builder -> builder
                .nonBlockingThreadPredicate(p -> p.or(t -> t.getName().startsWith(WATCHED_PREFIX)))
                // The loop's idle wait, as in the engine's EventLoop.park: nothing to do but wait.
                .allowBlockingCallsInside(PortableBackendNonBlockingTest.class.getName(), "idleWait")
                .blockingMethodCallback(m -> {
                    DETECTED.add(m + " on " + Thread.currentThread().getName());
                    throw new BlockingOperationError(m);
                }));
    }

    @Test
    void blockHoundCatchesABlockingCallOnAWatchedThread() throws Exception {
        // Guards the guard: if the predicate or install were wrong, the real test would pass vacuously.
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(WATCHED_PREFIX + "-probe").start(() -> {
            try {
                Thread.sleep(1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertThat(thrown.get()).isInstanceOf(BlockingOperationError.class);
        DETECTED.removeIf(s -> s.endsWith(WATCHED_PREFIX + "-probe"));
    }

    @Test
    void ioFromTheLoopThreadNeverBlocksUnderContention() throws Exception {
        DETECTED.clear();
        Outcome outcome = hammer(new PortableBackend(), true);

        assertThat(DETECTED).as("blocking calls on watched threads").isEmpty();
        assertThat(outcome.loopFailure()).as("loop thread failure").isNull();
        assertThat(outcome.contenderFailures()).as("contender failures").isEmpty();
        assertThat(outcome.operations()).isGreaterThanOrEqualTo(ROUNDS * IN_FLIGHT * 2);
        assertThat(outcome.contenderTasksSubmitted()).isPositive();
        assertThat(outcome.contenderTasksRun()).as("every accepted task ran before shutdown finished")
                .isEqualTo(outcome.contenderTasksSubmitted());
    }

    @Test
    @EnabledIfSystemProperty(named = "ringlite.io.demonstrateBlockingPool", matches = "true")
    void theJdksThreadPoolIsCaughtBlockingTheLoop() throws Exception {
        DETECTED.clear();
        ExecutorService jdkPool = Executors.newFixedThreadPool(PortableBackend.IO_THREADS,
                Thread.ofPlatform().name("jdk-pool-io-", 1).daemon(true).factory());
        // Contenders unwatched here: the point is that the loop itself gets parked.
        hammer(new PortableBackend(jdkPool), false);

        assertThat(DETECTED).as("blocking calls on the loop thread")
                .anyMatch(s -> s.endsWith(" on " + WATCHED_PREFIX + "-io"));
        System.out.println("caught with the JDK pool: " + DETECTED.stream().distinct().toList());
        DETECTED.clear();
    }

    /** What one run of {@link #hammer} saw. */
    private record Outcome(Throwable loopFailure, List<Throwable> contenderFailures, int operations,
                           long contenderTasksSubmitted, long contenderTasksRun) {
    }

    /**
     * Runs the loop (reads, writes, syncs, truncates on one file) on a watched thread while
     * contender threads (watched too if {@code watchContenders}) submit tasks straight to the
     * backend's pool, then closes it.
     */
    private Outcome hammer(PortableBackend backend, boolean watchContenders) throws Exception {
        // Opening is synchronous and happens before the loop starts, as in the engine.
        AsyncFile file = backend.open(dir.resolve("hammer.db"), true, false);
        ExecutorService pool = backend.pool();
        AtomicLong contenderTasksRun = new AtomicLong();
        List<Throwable> contenderFailures = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> loopFailure = new AtomicReference<>();
        AtomicInteger operations = new AtomicInteger();

        // Contenders submit for as long as the loop runs, keeping a small backlog so the pool's
        // workers keep going idle and being woken (the hand-off a locking queue contends on).
        AtomicBoolean loopDone = new AtomicBoolean();
        AtomicLong submitted = new AtomicLong();
        List<Thread> contenders = new ArrayList<>();
        for (int i = 0; i < CONTENDERS; i++) {
            String name = (watchContenders ? WATCHED_PREFIX + "-" : "") + "contender-" + i;
            contenders.add(Thread.ofPlatform().name(name).unstarted(() -> {
                try {
                    while (!loopDone.get()) {
                        if (submitted.get() - contenderTasksRun.get() < BACKLOG) {
                            submitted.incrementAndGet();
                            pool.execute(contenderTasksRun::incrementAndGet);
                        }
                    }
                } catch (Throwable e) {
                    contenderFailures.add(e);
                }
            }));
        }
        Thread loop = Thread.ofPlatform().name(WATCHED_PREFIX + "-io").unstarted(() -> {
            try {
                runLoop(backend, file, operations);
            } catch (Throwable e) {
                loopFailure.set(e);
            } finally {
                loopDone.set(true);
            }
        });

        contenders.forEach(Thread::start);
        loop.start();
        loop.join();
        for (Thread c : contenders) {
            c.join();
        }
        file.close();
        backend.close();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("pool drained and stopped").isTrue();
        return new Outcome(loopFailure.get(), contenderFailures, operations.get(),
                submitted.get(), contenderTasksRun.get());
    }

    /** The event loop: batches of concurrent writes, then reads that check what was written. */
    private static void runLoop(IoBackend backend, AsyncFile file, AtomicInteger operations) {
        byte[][] expected = new byte[SLOTS][];
        for (int round = 0; round < ROUNDS; round++) {
            List<Completion> batch = new ArrayList<>(IN_FLIGHT);
            int first = (round * IN_FLIGHT) % SLOTS;
            for (int i = 0; i < IN_FLIGHT; i++) {
                int slot = (first + i) % SLOTS;
                byte[] page = new byte[PAGE];
                Arrays.fill(page, (byte) (round * 31 + i));
                expected[slot] = page;
                batch.add(file.write((long) slot * PAGE, MemorySegment.ofArray(page.clone())));
            }
            awaitAll(backend, batch);
            operations.addAndGet(batch.size());

            batch.clear();
            List<byte[]> buffers = new ArrayList<>(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                int slot = (first + i) % SLOTS;
                byte[] page = new byte[PAGE];
                buffers.add(page);
                batch.add(file.read((long) slot * PAGE, MemorySegment.ofArray(page)));
            }
            awaitAll(backend, batch);
            operations.addAndGet(batch.size());
            for (int i = 0; i < IN_FLIGHT; i++) {
                int slot = (first + i) % SLOTS;
                assert batch.get(i).result() == PAGE : "short read of slot " + slot;
                if (!Arrays.equals(buffers.get(i), expected[slot])) {
                    throw new AssertionError("round " + round + ": slot " + slot + " read back wrong bytes");
                }
            }

            if (round % 10 == 9) {
                // Growing truncate (the write-the-last-byte path) then back, and an fsync.
                awaitAll(backend, List.of(file.truncate((long) (SLOTS + 1) * PAGE)));
                awaitAll(backend, List.of(file.truncate((long) SLOTS * PAGE)));
                awaitAll(backend, List.of(file.sync(round % 20 == 9)));
                operations.addAndGet(3);
            }
        }
        if (file.size() != (long) SLOTS * PAGE) {
            throw new AssertionError("file size " + file.size());
        }
    }

    private static void awaitAll(IoBackend backend, List<Completion> batch) {
        for (Completion c : batch) {
            while (!c.isDone()) {
                idleWait(backend);
            }
            if (c.isFailed()) {
                throw new AssertionError("operation failed", c.failure());
            }
        }
    }

    /** The only place the loop may wait: nothing is left to do until I/O completes. */
    private static void idleWait(IoBackend backend) {
        backend.poll(true);
    }
}
