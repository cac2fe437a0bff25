package io.ringlite.cli;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * {@link SqlConnection} over the reactive engine: one {@link Database} and one {@link Session}.
 *
 * <p>The shell thread is an ordinary blocking thread, so it may wait on the engine's publishers;
 * the engine's event loop never waits on the shell. Rows cross from the loop to the shell through
 * a queue, with demand kept at {@link #WINDOW} rows, so printing never runs on the loop.
 * {@link #interrupt} cancels the running statement's subscription, which is the engine's
 * per-statement cancellation (the same path an R2DBC cancel takes).
 */
final class EngineConnection implements SqlConnection {
    private static final int WINDOW = 64;
    private static final Object END = new Object();

    private final Database database;
    private final Session session;
    private volatile Pump running;

    private EngineConnection(Database database) {
        this.database = database;
        this.session = database.connect();
    }

    /** Opens a database ({@code Databases.open}); errors are DatabaseExceptions. */
    static EngineConnection open(DatabaseConfig config) {
        Database db = Databases.open(config).block();
        if (db == null) {
            throw new IllegalStateException("invariant: Databases.open completed without a database");
        }
        return new EngineConnection(db);
    }

    private record Prepared(PreparedStatement statement) implements Statement {
        @Override
        public String sql() {
            return statement.sql();
        }

        @Override
        public List<String> columnNames() {
            return statement.columnNames();
        }

        @Override
        public String tail() {
            return statement.tail();
        }
    }

    @Override
    public Statement prepare(String sql) {
        PreparedStatement ps = session.prepare(sql).block();
        return ps == null ? null : new Prepared(ps);
    }

    @Override
    public void execute(Statement statement, RowSink sink) {
        Pump pump = new Pump();
        running = pump;
        try {
            Flux<Outcome> flux = session.execute(((Prepared) statement).statement(), List.of());
            flux.subscribe(pump);
            while (true) {
                Object signal = take(pump);
                if (signal == END) {
                    return;
                }
                switch (signal) {
                    case Outcome.Row row -> {
                        sink.row(row.values());
                        pump.request(1);
                    }
                    case Outcome.Done done -> {
                    }
                    case Interrupted i -> throw new DatabaseException(ResultCode.INTERRUPT, "interrupted");
                    case Throwable t -> throw asDatabaseException(t);
                    default -> throw new IllegalStateException("invariant: unexpected signal " + signal);
                }
            }
        } finally {
            running = null;
            pump.dispose();
        }
    }

    private static Object take(Pump pump) {
        try {
            return pump.queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pump.dispose();
            throw new DatabaseException(ResultCode.INTERRUPT, "interrupted");
        }
    }

    private static RuntimeException asDatabaseException(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        return new DatabaseException(ResultCode.ERROR, String.valueOf(t.getMessage()), t);
    }

    @Override
    public void interrupt() {
        Pump pump = running;
        if (pump != null) {
            pump.dispose();
            pump.queue.add(new Interrupted());
        }
    }

    @Override
    public void close() {
        try {
            session.close().block();
        } finally {
            database.close().block();
        }
    }

    private record Interrupted() {
    }

    /** Moves signals from the engine's loop to the shell thread. */
    private static final class Pump extends BaseSubscriber<Outcome> {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(WINDOW);
        }

        @Override
        protected void hookOnNext(Outcome value) {
            queue.add(value);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            queue.add(throwable);
        }

        @Override
        protected void hookOnComplete() {
            queue.add(END);
        }
    }
}
