package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.engine.compile.CompiledStatement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A connection: its transaction state ({@link SessionContext}) and its statements, which run
 * one at a time in subscription order ({@link StatementQueue}) on the engine's owner thread.
 */
public final class EngineSession implements Session {
    private final EngineDatabase db;
    private final SessionContext context;
    private final StatementQueue queue;
    private volatile boolean closed;

    EngineSession(EngineDatabase db) {
        this.db = db;
        this.context = new SessionContext(db.pager(), db.statementBtrees(), db.locks(), db.schema());
        this.queue = new StatementQueue(db.loop(), this::activate);
    }

    EngineDatabase database() {
        return db;
    }

    SessionContext context() {
        return context;
    }

    void checkOpen() {
        if (closed) {
            throw new DatabaseException(ResultCode.MISUSE, "the session is closed");
        }
    }

    /**
     * Signal contract: one PreparedStatement, or empty for blank input, or one DatabaseException;
     * on the engine's owner thread (inline on the caller's when the engine is idle, else the loop).
     */
    @Override
    public Mono<PreparedStatement> prepare(String sql) {
        Objects.requireNonNull(sql, "sql");
        return Mono.create(sink -> db.onLoop(sink, () -> {
            checkOpen();
            Completion fresh = db.schema().refresh();
            if (fresh == null) {
                compileInto(sql, sink);
            } else {
                fresh.whenDone(() -> {
                    if (fresh.isFailed()) {
                        sink.error(fresh.failure());
                    } else {
                        compileInto(sql, sink);
                    }
                });
            }
        }));
    }

    private void compileInto(String sql, MonoSink<PreparedStatement> sink) {
        CompiledStatement c;
        try {
            c = CompilerBridge.compile(sql, db.schema().schema());
        } catch (Throwable t) {
            sink.error(t);
            return;
        }
        if (c == null) {
            sink.success();
        } else {
            sink.success(new EnginePreparedStatement(c, db.schema().generation(), db));
        }
    }

    /** See {@link Session#execute}; the Flux is cold: every subscription runs the statement again. */
    @Override
    public Flux<Outcome> execute(PreparedStatement statement, List<Object> args) {
        if (!(statement instanceof EnginePreparedStatement s) || s.owner() != db) {
            return Flux.error(new DatabaseException(ResultCode.MISUSE,
                    "the statement was not prepared by this database"));
        }
        List<Object> copy = args == null ? List.of() : new ArrayList<>(args);
        return new StatementFlux(db.loop(), () -> new StatementHost(this, s, copy), queue::submit);
    }

    /** Its turn: bring the schema up to date (another statement may have changed it), then run. */
    private void activate(Execution e) {
        Completion fresh = db.schema().refresh();
        if (fresh == null) {
            e.activate();
        } else {
            fresh.whenDone(e::activate);
        }
    }

    void statementReleased() {
        queue.released();
    }

    @Override
    public boolean isAutoCommit() {
        return context.isAutoCommit();
    }

    /**
     * Fails the session's running and queued statements (MISUSE "the session is closed"), rolls
     * back an open transaction; emits nothing and completes (on the loop). Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return Mono.create(sink -> db.onLoop(sink, () -> {
            if (!closed) {
                closeOnLoop(new DatabaseException(ResultCode.MISUSE, "the session is closed"));
                db.sessionClosed(this);
            }
            sink.success();
        }));
    }

    /** Fails running and queued statements with {@code cause}, rolls back, refuses new work. Loop. */
    void closeOnLoop(DatabaseException cause) {
        closed = true;
        queue.closeAll(cause);
        context.rollback();
        context.resetAutoCommit();
    }
}
