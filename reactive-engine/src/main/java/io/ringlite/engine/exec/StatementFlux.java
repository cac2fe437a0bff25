package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.loop.EventLoop;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The cold {@code Flux<Outcome>} of one statement: each subscription is a new {@link Execution}
 * with a new {@link ExecutionHost}. Subscribing delivers onSubscribe and hands the execution to
 * {@code launcher} (the session's statement queue) on the thread that owns the engine: the
 * subscribing thread itself when it can take an idle engine ({@link EventLoop#tryAcquire()}; the
 * statement then runs inline until its first I/O or the end of its first row batch), otherwise a
 * task on the loop. A subscription made by a thread that already owns the engine (from inside
 * onNext) is always queued on the loop, never run nested.
 */
public final class StatementFlux extends Flux<Outcome> {
    private final EventLoop loop;
    private final Supplier<ExecutionHost> hosts;
    private final Consumer<Execution> launcher;

    public StatementFlux(EventLoop loop, Supplier<ExecutionHost> hosts, Consumer<Execution> launcher) {
        this.loop = loop;
        this.hosts = hosts;
        this.launcher = launcher;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Outcome> actual) {
        if (loop.tryAcquire()) {
            try {
                start(actual);
            } finally {
                loop.release();
            }
            return;
        }
        try {
            loop.execute(() -> start(actual));
        } catch (RejectedExecutionException closed) {
            Operators.error(actual, new DatabaseException(ResultCode.MISUSE, "database is closed"));
        }
    }

    /** Owner thread. */
    private void start(CoreSubscriber<? super Outcome> actual) {
        ExecutionHost host;
        try {
            host = hosts.get();
        } catch (Throwable t) {
            Operators.error(actual, t);
            return;
        }
        Execution e = new Execution(loop, actual, host);
        e.subscribed();
        launcher.accept(e);
    }
}
