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
 * with a new {@link ExecutionHost}. Subscribing hops onto the loop, which delivers onSubscribe
 * and hands the execution to {@code launcher} (the session's statement queue).
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
        try {
            loop.execute(() -> {
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
            });
        } catch (RejectedExecutionException closed) {
            Operators.error(actual, new DatabaseException(ResultCode.MISUSE, "database is closed"));
        }
    }
}
