package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.loop.EventLoop;
import io.ringlite.engine.loop.TestBackend;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/** Nothing on the loop blocks (BlockHound), and rows are produced strictly on demand. */
class NonBlockingTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @Test
    void blockHoundCatchesABlockingCallOnTheLoopThread() throws Exception {
        EventLoop loop = EventLoop.start("blocking", new TestBackend());
        try {
            CompletableFuture<Throwable> caught = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    Thread.sleep(1);
                    caught.complete(null);
                } catch (Throwable t) {
                    caught.complete(t);
                }
            });
            assertThat(caught.get(10, TimeUnit.SECONDS)).isInstanceOf(reactor.blockhound.BlockingOperationError.class);
        } finally {
            BlockHoundSupport.DETECTED.removeIf(s -> s.contains("ringlite-loop-blocking"));
            loop.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void aWholeWorkloadRunsWithoutABlockingCallOnTheLoop(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        int before = BlockHoundSupport.DETECTED.size();
        Database db = t.open();
        Session s = db.connect();
        Sql.run(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
        Sql.run(s, "BEGIN");
        for (int i = 0; i < 20; i++) {
            Sql.run(s, "INSERT INTO t(b) VALUES (?)", "x".repeat(500));
        }
        Sql.run(s, "COMMIT");
        assertThat(Sql.rows(s, "SELECT a FROM t WHERE a > 15 ORDER BY a DESC")).hasSize(5);
        StepVerifier.create(s.execute(Sql.prepare(s, "SELECT a FROM t"), List.of()).take(3))
                .expectNextCount(3).verifyComplete();
        db.close().block(Sql.WAIT);
        Database again = t.open();
        assertThat(Sql.rows(again.connect(), "SELECT count(*) FROM t")).containsExactly(List.of(20L));
        again.close().block(Sql.WAIT);
        assertThat(BlockHoundSupport.DETECTED.subList(before, BlockHoundSupport.DETECTED.size())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void requestOfOneProducesExactlyOneRow(IoKind kind) throws Exception {
        TestDatabases t = new TestDatabases(kind, tmp);
        Database db = t.open();
        try {
            Session s = db.connect();
            Sql.run(s, "CREATE TABLE t(a)");
            Sql.run(s, "INSERT INTO t VALUES (1), (2), (3), (4), (5)");
            List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Void> first = new CompletableFuture<>();
            BaseSubscriber<Outcome> one = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                    request(1);
                }

                @Override
                protected void hookOnNext(Outcome value) {
                    received.add(value);
                    first.complete(null);
                }
            };
            s.execute(Sql.prepare(s, "SELECT a FROM t"), List.of()).subscribe(one);
            first.get(30, TimeUnit.SECONDS);
            // Another session's statement runs on the same loop after the first one's drain ended:
            // if that drain had produced more rows than requested, they would be here by now.
            Sql.run(db.connect(), "SELECT a FROM t");
            assertThat(received).hasSize(1);
            assertThat(((Outcome.Row) received.get(0)).values()).containsExactly(1L);
            one.request(2);
            StepVerifier.create(reactor.core.publisher.Mono.fromRunnable(() -> { }).then()).verifyComplete();
            Sql.run(db.connect(), "SELECT a FROM t");
            assertThat(received).hasSize(3);
            one.cancel();
        } finally {
            db.close().block(Sql.WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void statementsChainedWithOperatorsRunOnTheLoopWithoutBlockingIt(IoKind kind) {
        TestDatabases t = new TestDatabases(kind, tmp);
        int before = BlockHoundSupport.DETECTED.size();
        Database db = t.open();
        try {
            Session s = db.connect();
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            reactor.core.publisher.Flux<Outcome> chain = reactor.core.publisher.Flux
                    .just("CREATE TABLE c(a)", "BEGIN", "INSERT INTO c VALUES (1), (2)", "COMMIT", "SELECT a FROM c")
                    .concatMap(sql -> s.prepare(sql).flatMapMany(p -> s.execute(p, List.of())))
                    .doOnNext(o -> threads.add(Thread.currentThread().getName()));
            StepVerifier.create(chain)
                    .expectNextCount(4) // Done of CREATE, BEGIN, INSERT, COMMIT
                    .assertNext(o -> assertThat(((Outcome.Row) o).values()).containsExactly(1L))
                    .assertNext(o -> assertThat(((Outcome.Row) o).values()).containsExactly(2L))
                    .expectNext(new Outcome.Done(0, 2))
                    .verifyComplete();
            assertThat(threads).allSatisfy(n -> assertThat(n).startsWith("ringlite-loop-"));
        } finally {
            db.close().block(Sql.WAIT);
        }
        assertThat(BlockHoundSupport.DETECTED.subList(before, BlockHoundSupport.DETECTED.size())).isEmpty();
    }
}
