package io.ringlite.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ringlite.engine.BlockHoundSupport;
import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * The caller-runs design: an idle engine lets the subscribing thread run the statement itself
 * until it needs I/O, after which the statement continues on the loop. Runs under BlockHound,
 * which treats an inline owner like the loop thread.
 */
class InlineExecutionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<Database> open = new ArrayList<>();
    private int detectedBefore;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void markDetected() {
        detectedBefore = BlockHoundSupport.DETECTED.size();
    }

    @AfterEach
    void closeAll() {
        for (Database d : open) {
            d.close().block(WAIT);
        }
        assertThat(BlockHoundSupport.DETECTED.subList(detectedBefore, BlockHoundSupport.DETECTED.size()))
                .as("blocking calls detected").isEmpty();
    }

    private EngineDatabase openFile(IoKind kind, boolean inline) {
        DatabaseConfig config = DatabaseConfig.file(tmp.resolve("inline.db")).withIo(kind).withInline(inline);
        EngineDatabase db = (EngineDatabase) Databases.open(config).block(WAIT);
        open.add(db);
        return db;
    }

    private void close(EngineDatabase db) {
        open.remove(db);
        db.close().block(WAIT);
    }

    private static List<Outcome> run(Session s, String sql, Object... args) {
        PreparedStatement p = s.prepare(sql).block(WAIT);
        return s.execute(p, Arrays.asList(args)).collectList().block(WAIT);
    }

    private static List<List<Object>> rows(List<Outcome> outcomes) {
        List<List<Object>> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o instanceof Outcome.Row r) {
                out.add(Arrays.asList(r.values()));
            }
        }
        return out;
    }

    private static void fill(Session s, int n) {
        run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
        run(s, "BEGIN");
        for (int i = 1; i <= n; i++) {
            run(s, "INSERT INTO t VALUES (?, ?)", i, "row" + i);
        }
        run(s, "COMMIT");
    }

    /** Waits (bounded) until the loop lends the engine, so the next subscription can run inline. */
    private static void awaitIdle(EngineDatabase db) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!db.loop().isIdle()) {
            if (System.nanoTime() > deadline) {
                fail("the loop never became idle");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** Records every signal with the thread it arrived on. */
    private static class Recorder implements CoreSubscriber<Outcome> {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            threads.add(Thread.currentThread().getName());
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Outcome o) {
            threads.add(Thread.currentThread().getName());
            outcomes.add(o);
        }

        @Override
        public void onError(Throwable t) {
            threads.add(Thread.currentThread().getName());
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            threads.add(Thread.currentThread().getName());
            done.complete(null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"PORTABLE", "URING"})
    void aCacheHitPointQueryRunsEntirelyOnTheSubscribingThread(IoKind kind) {
        EngineDatabase db = openFile(kind, true);
        Session s = db.connect();
        fill(s, 20);
        PreparedStatement p = s.prepare("SELECT b FROM t WHERE a = ?").block(WAIT);
        run(s, "SELECT b FROM t WHERE a = 7"); // warm the pages

        awaitIdle(db);
        Recorder r = new Recorder();
        s.execute(p, List.of(7)).subscribe(r);

        // Synchronous: the whole statement ran inside subscribe().
        assertThat(r.done).isCompleted();
        assertThat(rows(r.outcomes)).containsExactly(List.of("row7"));
        assertThat(r.threads).containsOnly(Thread.currentThread().getName());
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"PORTABLE", "URING"})
    void anInlineRunThatMissesTheCacheFinishesOnTheLoopWithTheRightRows(IoKind kind) throws Exception {
        EngineDatabase first = openFile(kind, true);
        fill(first.connect(), 300);
        close(first);
        // Reopened: the cache holds the schema's pages but none of t's.
        EngineDatabase db = openFile(kind, true);
        Session s = db.connect();
        PreparedStatement p = s.prepare("SELECT a, b FROM t ORDER BY a").block(WAIT);

        awaitIdle(db);
        Recorder r = new Recorder();
        s.execute(p, List.of()).subscribe(r);
        r.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        List<List<Object>> expected = new ArrayList<>();
        for (long i = 1; i <= 300; i++) {
            expected.add(List.of(i, "row" + i));
        }
        assertThat(rows(r.outcomes)).isEqualTo(expected);
        assertThat(r.outcomes.getLast()).isInstanceOf(Outcome.Done.class);
        assertThat(r.threads.getFirst()).as("onSubscribe, inline").isEqualTo(Thread.currentThread().getName());
        assertThat(r.threads.getLast()).as("onComplete, after the read on the loop").startsWith("ringlite-loop-");
        // the session is usable afterwards, inline again
        assertThat(rows(run(s, "SELECT count(*) FROM t"))).containsExactly(List.of(300L));
    }

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"PORTABLE", "URING"})
    void anInlineCommitWaitsForItsFsyncOnTheLoop(IoKind kind) throws Exception {
        EngineDatabase db = openFile(kind, true);
        Session s = db.connect();
        run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
        PreparedStatement insert = s.prepare("INSERT INTO t VALUES (?, ?)").block(WAIT);
        awaitIdle(db);
        Recorder r = new Recorder();
        s.execute(insert, List.of(1, "x")).subscribe(r);
        r.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(((Outcome.Done) r.outcomes.getLast()).changes()).isEqualTo(1);
        assertThat(r.threads.getFirst()).isEqualTo(Thread.currentThread().getName());
        assertThat(r.threads.getLast()).as("Done only after the WAL write and fsync, which run on the loop")
                .startsWith("ringlite-loop-");
        close(db);
        EngineDatabase again = openFile(kind, true);
        assertThat(rows(run(again.connect(), "SELECT b FROM t"))).containsExactly(List.of("x"));
    }

    @Test
    void withInlineOffEverySignalComesFromTheLoop() {
        EngineDatabase db = openFile(IoKind.PORTABLE, false);
        Session s = db.connect();
        fill(s, 5);
        PreparedStatement p = s.prepare("SELECT b FROM t WHERE a = ?").block(WAIT);
        Recorder r = new Recorder();
        s.execute(p, List.of(3)).subscribe(r);
        r.done.join();
        assertThat(rows(r.outcomes)).containsExactly(List.of("row3"));
        assertThat(r.threads).allMatch(t -> t.startsWith("ringlite-loop-"));
        assertThat(db.loop().isLendable()).isFalse();
    }

    @Test
    void cancellingAnInlineStartedScanFromAnotherThreadStopsItAtTheNextInstruction() throws Exception {
        EngineDatabase db = openFile(IoKind.PORTABLE, true);
        Session s = db.connect();
        fill(s, 100);
        PreparedStatement scan = s.prepare("SELECT a FROM t").block(WAIT);
        run(s, "SELECT a FROM t"); // warm: the scan runs inline with no I/O

        awaitIdle(db);
        String caller = Thread.currentThread().getName();
        List<Object> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        AtomicBoolean terminated = new AtomicBoolean();
        s.execute(scan, List.of()).subscribe(new CoreSubscriber<>() {
            Subscription sub;

            @Override
            public void onSubscribe(Subscription sub) {
                this.sub = sub;
                sub.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Outcome o) {
                seen.add(((Outcome.Row) o).values()[0]);
                threads.add(Thread.currentThread().getName());
                if (seen.size() == 1) {
                    // Another thread cancels while this one owns the engine inside its run. Spin
                    // rather than join: an inline owner must not block (BlockHound watches).
                    AtomicBoolean cancelled = new AtomicBoolean();
                    Thread.ofPlatform().name("canceller").start(() -> {
                        sub.cancel();
                        cancelled.set(true);
                    });
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (!cancelled.get() && System.nanoTime() < deadline) {
                        // busy: even Thread.onSpinWait counts as blocking for BlockHound
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                terminated.set(true);
            }

            @Override
            public void onComplete() {
                terminated.set(true);
            }
        });

        assertThat(threads).as("the scan ran inline").containsOnly(caller);
        assertThat(seen).containsExactly(1L);
        assertThat(terminated).isFalse();
        // released: the session runs its next statement
        assertThat(rows(run(s, "SELECT count(*) FROM t"))).containsExactly(List.of(100L));
    }

    @Test
    void aStatementSubscribedFromOnNextOfAnInlineRunIsQueuedNotNested() throws Exception {
        EngineDatabase db = openFile(IoKind.PORTABLE, true);
        Session s = db.connect();
        Session other = db.connect();
        fill(s, 3);
        PreparedStatement outer = s.prepare("SELECT a FROM t ORDER BY a").block(WAIT);
        PreparedStatement inner = other.prepare("SELECT b FROM t WHERE a = 2").block(WAIT);
        run(s, "SELECT a FROM t");

        awaitIdle(db);
        AtomicBoolean insideOnNext = new AtomicBoolean();
        List<Boolean> innerSignalsInsideOuter = new CopyOnWriteArrayList<>();
        Recorder innerRec = new Recorder() {
            @Override
            public void onSubscribe(Subscription sub) {
                innerSignalsInsideOuter.add(insideOnNext.get());
                super.onSubscribe(sub);
            }

            @Override
            public void onNext(Outcome o) {
                innerSignalsInsideOuter.add(insideOnNext.get());
                super.onNext(o);
            }
        };
        Recorder outerRec = new Recorder() {
            @Override
            public void onNext(Outcome o) {
                insideOnNext.set(true);
                try {
                    if (o instanceof Outcome.Row row && row.values()[0].equals(1L)) {
                        other.execute(inner, List.of()).subscribe(innerRec);
                    }
                    super.onNext(o);
                } finally {
                    insideOnNext.set(false);
                }
            }
        };
        s.execute(outer, List.of()).subscribe(outerRec);
        outerRec.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        innerRec.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(outerRec.threads).as("outer ran inline").containsOnly(Thread.currentThread().getName());
        assertThat(rows(outerRec.outcomes)).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(rows(innerRec.outcomes)).containsExactly(List.of("row2"));
        assertThat(innerSignalsInsideOuter).isNotEmpty().containsOnly(false);
        assertThat(innerRec.threads.getFirst()).as("the nested subscription hopped").startsWith("ringlite-loop-");
    }

    @Test
    void blockHoundCatchesABlockingCallInsideAnInlineRun() throws Exception {
        EngineDatabase db = openFile(IoKind.PORTABLE, true);
        Session s = db.connect();
        fill(s, 1);
        PreparedStatement p = s.prepare("SELECT a FROM t").block(WAIT);
        run(s, "SELECT a FROM t");
        awaitIdle(db);
        CompletableFuture<Throwable> caught = new CompletableFuture<>();
        Recorder r = new Recorder() {
            @Override
            public void onNext(Outcome o) {
                try {
                    Thread.sleep(1);
                    caught.complete(null);
                } catch (Throwable t) {
                    caught.complete(t);
                }
                super.onNext(o);
            }
        };
        try {
            s.execute(p, List.of()).subscribe(r);
            r.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.threads.getFirst()).isEqualTo(Thread.currentThread().getName());
            assertThat(caught.get()).isInstanceOf(reactor.blockhound.BlockingOperationError.class);
        } finally {
            String me = Thread.currentThread().getName();
            BlockHoundSupport.DETECTED.removeIf(d -> d.endsWith(" on " + me));
        }
        // outside an inline run the same thread may block as it likes
        Thread.sleep(1);
    }

    @Test
    void blockingInsideAnInlineRunFailsFastInsteadOfDeadlocking() throws Exception {
        EngineDatabase db = openFile(IoKind.PORTABLE, true);
        Session s = db.connect();
        fill(s, 2);
        PreparedStatement p = s.prepare("SELECT a FROM t").block(WAIT);
        run(s, "SELECT a FROM t");
        awaitIdle(db);
        CompletableFuture<Throwable> blockFailure = new CompletableFuture<>();
        Recorder r = new Recorder() {
            @Override
            public void onNext(Outcome o) {
                if (!blockFailure.isDone()) {
                    try {
                        // would wait for a statement only the loop can run while we hold the engine
                        s.execute(p, List.of()).blockLast(WAIT);
                        blockFailure.complete(null);
                    } catch (Throwable t) {
                        blockFailure.complete(t);
                    }
                }
                super.onNext(o);
            }
        };
        s.execute(p, List.of()).subscribe(r);
        r.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.threads.getFirst()).isEqualTo(Thread.currentThread().getName());
        assertThat(blockFailure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("block");
    }

    /**
     * Many threads, each with its own session, run point queries and writes at once with inline
     * on: every read sees the thread's own writes, nothing is lost, nothing deadlocks.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PORTABLE", "URING"})
    void concurrentCallersGetCorrectResultsWithoutDeadlock(String kindName) throws Exception {
        IoKind kind = IoKind.valueOf(kindName);
        long seed = Long.getLong("rl.seed", System.nanoTime());
        EngineDatabase db = openFile(kind, true);
        run(db.connect(), "CREATE TABLE kv(k INTEGER PRIMARY KEY, v INTEGER)");
        int threads = 6;
        int ops = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<Long, Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> worker(db, id, ops, new Random(seed + id))));
            }
            Map<Long, Long> all = new HashMap<>();
            for (Future<Map<Long, Long>> f : results) {
                try {
                    all.putAll(f.get(120, TimeUnit.SECONDS));
                } catch (TimeoutException e) {
                    fail("deadlock or lost wake-up, seed " + seed + " (-Drl.seed=" + seed + ")");
                }
            }
            Session check = db.connect();
            assertThat(rows(run(check, "SELECT count(*) FROM kv"))).as("seed %d", seed)
                    .containsExactly(List.of((long) all.size()));
            for (Map.Entry<Long, Long> e : all.entrySet()) {
                assertThat(rows(run(check, "SELECT v FROM kv WHERE k = ?", e.getKey()))).as("seed %d", seed)
                        .containsExactly(List.of(e.getValue()));
            }
        } catch (AssertionError | RuntimeException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError("failed with seed " + seed + " (-Drl.seed=" + seed + ")", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<Long, Long> worker(EngineDatabase db, int id, int ops, Random random) {
        Session s = db.connect();
        PreparedStatement insert = s.prepare("INSERT INTO kv VALUES (?, ?)").block(WAIT);
        PreparedStatement update = s.prepare("UPDATE kv SET v = ? WHERE k = ?").block(WAIT);
        PreparedStatement get = s.prepare("SELECT v FROM kv WHERE k = ?").block(WAIT);
        Map<Long, Long> mine = new HashMap<>();
        long next = id * 1_000_000L;
        for (int i = 0; i < ops; i++) {
            int op = random.nextInt(10);
            if (op < 2 || mine.isEmpty()) {
                long k = next++;
                long v = random.nextInt(1000);
                s.execute(insert, List.of(k, v)).blockLast(WAIT);
                mine.put(k, v);
            } else if (op < 3) {
                long k = mine.keySet().iterator().next();
                long v = random.nextInt(1000);
                s.execute(update, List.of(v, k)).blockLast(WAIT);
                mine.put(k, v);
            } else if (op < 4) {
                // a small explicit transaction
                run(s, "BEGIN");
                for (int j = 0; j < 3; j++) {
                    long k = next++;
                    s.execute(insert, List.of(k, (long) j)).blockLast(WAIT);
                    mine.put(k, (long) j);
                }
                run(s, "COMMIT");
            } else {
                List<Long> keys = new ArrayList<>(mine.keySet());
                long k = keys.get(random.nextInt(keys.size()));
                List<Outcome> out = s.execute(get, List.of(k)).collectList().block(WAIT);
                assertThat(rows(out)).as("thread %d key %d", id, k).containsExactly(List.of(mine.get(k)));
            }
        }
        s.close().block(WAIT);
        return mine;
    }
}
