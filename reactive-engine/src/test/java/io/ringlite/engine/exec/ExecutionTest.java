package io.ringlite.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.loop.EventLoop;
import io.ringlite.engine.loop.TestBackend;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class ExecutionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final TestBackend backend = new TestBackend();
    private final EventLoop loop = EventLoop.start("exec", backend);
    private final StatementQueue queue = new StatementQueue(loop);

    @AfterEach
    void stop() throws Exception {
        loop.shutdown().get(10, TimeUnit.SECONDS);
    }

    private RecordingHost host(List<String> script, boolean endless) {
        RecordingHost[] h = new RecordingHost[1];
        h[0] = new RecordingHost(() -> new ScriptedSource(backend, script, endless), backend, queue);
        return h[0];
    }

    private Flux<Outcome> flux(RecordingHost host) {
        return new StatementFlux(loop, () -> host, queue::submit);
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
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

    private static long rowNumber(Outcome o) {
        return (Long) ((Outcome.Row) o).get(0);
    }

    @Test
    void requestOfOneProducesExactlyOneRowAndStepsNoFurther() throws Exception {
        RecordingHost host = host(List.of(), true);
        StepVerifier.create(flux(host), 0)
                .thenRequest(1)
                .assertNext(o -> assertThat(rowNumber(o)).isEqualTo(1))
                .then(() -> {
                    try {
                        // any loop task queued now runs after the drain that produced the row
                        assertThat(onLoop(() -> host.source.steps.get())).isEqualTo(1);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .thenRequest(2)
                .assertNext(o -> assertThat(rowNumber(o)).isEqualTo(2))
                .assertNext(o -> assertThat(rowNumber(o)).isEqualTo(3))
                .thenCancel()
                .verify(WAIT);
        assertThat(host.source.steps.get()).isEqualTo(3);
    }

    @Test
    void rowsAcrossPendingIoThenDoneOnlyAfterTheCommitCompletedAllOnTheLoop() {
        RecordingHost host = host(List.of("ROW", "IO", "ROW", "IO", "DONE"), false);
        host.asyncCommit = true;
        List<String> signalThreads = new CopyOnWriteArrayList<>();
        StepVerifier.create(flux(host).doOnEach(s -> signalThreads.add(Thread.currentThread().getName())))
                .assertNext(o -> assertThat(rowNumber(o)).isEqualTo(1))
                .assertNext(o -> assertThat(rowNumber(o)).isEqualTo(2))
                .expectNext(new Outcome.Done(7, 99))
                .verifyComplete();
        assertThat(host.calls).containsExactly("open", "finish", "committed", "done", "released");
        assertThat(signalThreads).allMatch("ringlite-loop-exec"::equals);
        assertThat(host.threads).allMatch("ringlite-loop-exec"::equals);
        assertThat(host.source.closed).isTrue();
    }

    @Test
    void doneWaitsForDemandOfItsOwn() throws Exception {
        RecordingHost host = host(List.of("ROW", "DONE"), false);
        StepVerifier.create(flux(host), 1)
                .expectNextCount(1)
                .then(() -> {
                    try {
                        onLoop(() -> null);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    assertThat(host.calls).doesNotContain("done");
                })
                .thenRequest(1)
                .expectNext(new Outcome.Done(7, 99))
                .verifyComplete();
    }

    @Test
    void cancellingAnEndlessScanInterruptsAbortsAndReleasesTheSession() throws Exception {
        RecordingHost host = host(List.of(), true);
        StepVerifier.create(flux(host).take(5))
                .expectNextCount(5)
                .verifyComplete();
        onLoop(() -> null);
        assertThat(host.calls).containsExactly("open", "abort", "released");
        assertThat(host.abortCause).isNull();
        assertThat(host.source.closed).isTrue();
        assertThat(onLoop(queue::isIdle)).isTrue();
    }

    @Test
    void cancelFromAnotherThreadStopsAStepThatNeverYields() throws Exception {
        RecordingHost host = host(List.of("ROW", "SPIN"), false);
        StepVerifier.create(flux(host))
                .expectNextCount(1)
                .then(() -> {
                    // wait until the loop is inside the spinning step
                    while (host.source.steps.get() < 2) {
                        Thread.onSpinWait();
                    }
                })
                .thenCancel()
                .verify(WAIT);
        onLoop(() -> null);
        assertThat(host.calls).containsExactly("open", "abort", "released");
        assertThat(host.source.closed).isTrue();
    }

    @Test
    void cancelWhileWaitingForIoReleasesWithoutSteppingAgain() throws Exception {
        RecordingHost host = host(List.of("ROW", "IO", "ROW"), false);
        StepVerifier.create(flux(host), 1)
                .expectNextCount(1)
                .thenRequest(1)
                .thenCancel()
                .verify(WAIT);
        onLoop(() -> null);
        onLoop(() -> null);
        assertThat(host.calls).containsExactly("open", "abort", "released");
        assertThat(host.source.steps.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void anErrorFromAStepIsSignalledAfterTheHostRolledBack() {
        RecordingHost host = host(List.of("ROW", "THROW"), false);
        StepVerifier.create(flux(host))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DatabaseException.class);
                    assertThat(((DatabaseException) e).code()).isEqualTo(ResultCode.CONSTRAINT_UNIQUE);
                    assertThat(host.calls).containsExactly("open", "abort", "released");
                })
                .verify(WAIT);
        assertThat(host.abortCause).isInstanceOf(DatabaseException.class);
    }

    @Test
    void aFailedReadIsSignalledAsTheStatementsError() {
        RecordingHost host = host(List.of("FAILIO"), false);
        StepVerifier.create(flux(host))
                .expectErrorSatisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(ResultCode.IOERR_READ))
                .verify(WAIT);
        assertThat(host.calls).containsExactly("open", "abort", "released");
    }

    @Test
    void statementsOfOneSessionRunOneAfterAnother() throws Exception {
        RecordingHost first = host(List.of("ROW", "IO", "ROW", "DONE"), false);
        RecordingHost second = host(List.of("ROW", "DONE"), false);
        List<String> order = new CopyOnWriteArrayList<>();
        first.calls.clear();
        Flux<Outcome> a = flux(first).doOnNext(o -> order.add("a"));
        Flux<Outcome> b = flux(second).doOnNext(o -> order.add("b"));
        StepVerifier.create(Flux.merge(a, b)).expectNextCount(5).verifyComplete();
        assertThat(order).containsExactly("a", "a", "a", "b", "b");
    }

    @Test
    void aStatementCancelledWhileQueuedNeverOpens() throws Exception {
        RecordingHost first = host(List.of("ROW", "ROW"), true);
        RecordingHost second = host(List.of("ROW", "DONE"), false);
        var firstSub = flux(first).subscribe(o -> { }, e -> { }, () -> { }, s -> s.request(1));
        var secondSub = flux(second).subscribe();
        onLoop(() -> null);
        secondSub.dispose();
        firstSub.dispose();
        onLoop(() -> null);
        onLoop(() -> null);
        assertThat(second.calls).containsExactly("abort", "released");
        assertThat(second.source).isNull();
        assertThat(onLoop(queue::isIdle)).isTrue();
    }

    @Test
    void aLongResultYieldsTheLoopBetweenRowBatches() throws Exception {
        RecordingHost host = host(List.of(), true);
        List<Long> interleaved = new CopyOnWriteArrayList<>();
        long[] rowsSeen = {0};
        StepVerifier.create(flux(host).doOnNext(o -> {
                    rowsSeen[0]++;
                    if (rowsSeen[0] == 10) {
                        // queued behind the running drain: runs only if the drain yields
                        loop.execute(() -> interleaved.add(rowsSeen[0]));
                    }
                }).take(3 * Execution.ROWS_PER_TURN))
                .expectNextCount(3 * Execution.ROWS_PER_TURN)
                .verifyComplete();
        assertThat(interleaved).hasSize(1);
        assertThat(interleaved.get(0)).isLessThan(3L * Execution.ROWS_PER_TURN);
    }

    @Test
    void cancelWhileWaitingOnACompletionThatNeverCompletesStillReleasesTheSession() throws Exception {
        RecordingHost host = host(List.of("ROW", "HANG"), false);
        StepVerifier.create(flux(host))
                .expectNextCount(1)
                .thenCancel()
                .verify(WAIT);
        onLoop(() -> null);
        assertThat(host.calls).containsExactly("open", "abort", "released");
        assertThat(onLoop(queue::isIdle)).isTrue();
    }
}
