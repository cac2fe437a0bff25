package io.ringlite.engine.exec;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Session;
import io.ringlite.engine.loop.EventLoop;
import io.ringlite.engine.loop.ForwardingBackend;
import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.pager.Pager;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * An open database: one {@link EventLoop} that owns the backend, the {@link Storage} (pager,
 * WAL, B-trees), the schema and the locks between sessions.
 *
 * <p>Lifecycle: {@link #open} starts the loop, then on it opens the storage, recovers the WAL
 * and reads the schema; {@link #close()} rolls back open transactions, closes the storage
 * (which checkpoints) and stops the loop. Everything but {@link #connect()}, {@link #config()}
 * and {@link #close()} is confined to the engine's owner thread (the loop, or an inline caller).
 */
public final class EngineDatabase implements Database {
    private final DatabaseConfig config;
    private final EventLoop loop;
    private final Storage storage;
    private final TransactionLocks locks;
    private final SchemaState schema;
    /** The store statements run against: yields the loop every so many cursor moves. */
    private final YieldingBTreeStore statementBtrees;
    private final Set<EngineSession> sessions = new LinkedHashSet<>();
    private CompletableFuture<Void> closing;
    /** PRAGMA wal_autocheckpoint: checkpoint after a commit once the WAL holds this many frames; 0 = never. */
    private int walAutoCheckpoint = 1000;
    /** PRAGMA synchronous as last set (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
    private int synchronous = 2;

    private EngineDatabase(DatabaseConfig config, EventLoop loop, Storage storage) {
        this.config = config;
        this.loop = loop;
        this.storage = storage;
        this.locks = new TransactionLocks(loop, config.busyTimeout());
        this.schema = new SchemaState(storage.pager(), storage.btrees());
        this.statementBtrees = new YieldingBTreeStore(storage.btrees(), loop);
    }

    /**
     * Opens a database. Emits the database once its file is open and locked, its WAL recovered
     * and its schema read, or a DatabaseException (CANTOPEN, BUSY "database is locked", NOTADB,
     * CORRUPT, IOERR_*). The signal comes from the database's loop thread.
     *
     * @param simulatedFs the file system of a SIMULATED database, or null for a new one seeded
     *     with the config's seed (files then live as long as the database)
     */
    public static Mono<Database> open(DatabaseConfig config, SimulatedFileSystem simulatedFs) {
        return Mono.create(sink -> {
            IoBackend backend;
            try {
                backend = config.io() == IoKind.SIMULATED
                        ? IoBackends.simulated(simulatedFs != null ? simulatedFs : new SimulatedFileSystem(config.seed()))
                        : IoBackends.create(config.io());
            } catch (Throwable t) {
                sink.error(t);
                return;
            }
            String name = config.inMemory() ? "memory" : String.valueOf(config.path().getFileName());
            EventLoop loop = EventLoop.start(name, backend, config.inline());
            // Storage sees the backend through the forwarding wrapper: file operations a caller
            // starts while it runs a statement inline are started on the loop.
            IoBackend storageBackend = config.inline() ? new ForwardingBackend(backend, loop) : backend;
            loop.execute(() -> startOnLoop(config, loop, storageBackend, sink));
        });
    }

    private static void startOnLoop(DatabaseConfig config, EventLoop loop, IoBackend backend, MonoSink<Database> sink) {
        // The runtime runs the automatic checkpoint itself (PRAGMA wal_autocheckpoint can change
        // it while the database is open), so the pager's own is off.
        StorageOptions options = StorageOptions.defaults().withReadOnly(config.readOnly()).withWalAutoCheckpoint(0);
        if (config.io() == IoKind.SIMULATED) {
            options = options.withSaltSeed(config.seed()); // determinism of the simulation
        }
        Storage storage;
        try {
            storage = Storage.open(backend, config.path(), options);
        } catch (Throwable t) {
            loop.shutdown();
            sink.error(t);
            return;
        }
        Completion started;
        try {
            started = storage.start();
        } catch (Throwable t) {
            abandon(storage, loop, sink, t);
            return;
        }
        started.whenDone(() -> {
            if (started.isFailed()) {
                abandon(storage, loop, sink, started.failure());
                return;
            }
            EngineDatabase db = new EngineDatabase(config, loop, storage);
            Completion read = db.schema.refresh();
            if (read == null) {
                sink.success(db);
                return;
            }
            read.whenDone(() -> {
                if (read.isFailed()) {
                    abandon(storage, loop, sink, read.failure());
                } else {
                    sink.success(db);
                }
            });
        });
    }

    private static void abandon(Storage storage, EventLoop loop, MonoSink<Database> sink, Throwable cause) {
        Completion closed;
        try {
            closed = storage.close();
        } catch (Throwable t) {
            cause.addSuppressed(t);
            loop.shutdown();
            sink.error(cause);
            return;
        }
        closed.whenDone(() -> {
            loop.shutdown();
            sink.error(cause);
        });
    }

    @Override
    public DatabaseConfig config() {
        return config;
    }

    /** A new session. Any thread; cheap (no I/O). */
    @Override
    public Session connect() {
        if (loop.isShutdown()) {
            throw new DatabaseException(ResultCode.MISUSE, "database is closed");
        }
        EngineSession s = new EngineSession(this);
        onLoop(null, () -> {
            if (closing != null) {
                s.closeOnLoop(new DatabaseException(ResultCode.MISUSE, "database is closed"));
            } else {
                sessions.add(s);
            }
        });
        return s;
    }

    /**
     * Fails every running statement (MISUSE "database is closed"), rolls back every session's open
     * transaction, checkpoints and closes the files, stops the loop. Completes empty when the loop has stopped; errors if the checkpoint or close failed
     * (committed data is still safe in the WAL then). Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return Mono.create(sink -> {
            try {
                loop.execute(() -> closeOnLoop().whenComplete((v, t) -> {
                    if (t != null) {
                        sink.error(t);
                    } else {
                        sink.success();
                    }
                }));
            } catch (RejectedExecutionException alreadyClosed) {
                sink.success();
            }
        });
    }

    private CompletableFuture<Void> closeOnLoop() {
        if (closing != null) {
            return closing;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        closing = done;
        DatabaseException closedError = new DatabaseException(ResultCode.MISUSE, "database is closed");
        for (EngineSession s : sessions) {
            s.closeOnLoop(closedError);
        }
        sessions.clear();
        Completion closed;
        try {
            closed = storage.close();
        } catch (Throwable t) {
            closed = Completion.failed(t);
        }
        Completion c = closed;
        c.whenDone(() -> loop.shutdown().whenComplete((v, t) -> {
            if (c.isFailed()) {
                done.completeExceptionally(c.failure());
            } else if (t != null) {
                done.completeExceptionally(t);
            } else {
                done.complete(null);
            }
        }));
        return done;
    }

    void sessionClosed(EngineSession s) {
        sessions.remove(s);
    }

    /**
     * Runs {@code r} as the engine's owner: inline on the calling thread when it can take the idle
     * engine, else on the loop; failures (and a closed database) go to {@code sink} if given.
     */
    void onLoop(MonoSink<?> sink, Runnable r) {
        if (loop.tryAcquire()) {
            try {
                r.run();
            } catch (Throwable t) {
                if (sink == null) {
                    throw t;
                }
                sink.error(t);
            } finally {
                loop.release();
            }
            return;
        }
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    if (sink == null) {
                        throw t;
                    }
                    sink.error(t);
                }
            });
        } catch (RejectedExecutionException e) {
            if (sink != null) {
                sink.error(new DatabaseException(ResultCode.MISUSE, "database is closed"));
            }
        }
    }

    EventLoop loop() {
        return loop;
    }

    Pager pager() {
        return storage.pager();
    }

    BTreeStore btrees() {
        return storage.btrees();
    }

    /**
     * The B-trees as statements see them: {@link #btrees()}, but a long scan lets the loop turn
     * every {@link YieldingBTreeStore#MOVES_PER_TURN} cursor moves, so that cancellation and other
     * sessions get in even while the statement emits no rows.
     */
    YieldingBTreeStore statementBtrees() {
        return statementBtrees;
    }

    Storage storage() {
        return storage;
    }

    int walAutoCheckpoint() {
        return walAutoCheckpoint;
    }

    void walAutoCheckpoint(int frames) {
        walAutoCheckpoint = Math.max(0, frames);
    }

    int synchronous() {
        return synchronous;
    }

    void synchronous(int level) {
        synchronous = level;
    }

    /**
     * After a commit, inside the committing statement: checkpoints once the WAL holds
     * {@link #walAutoCheckpoint()} frames and no session is inside a transaction, as SQLite's
     * automatic checkpoint does in the step of the commit that crosses the threshold.
     *
     * <p>Returns null when no checkpoint is due, else a completion done when the checkpoint has
     * ended. That completion never fails: the commit was acknowledged by its own fsync, so a
     * checkpoint error is only logged; the pager stays in its error state and the next
     * transaction reports it (and re-reads the files), as in SQLite.
     */
    Completion maybeAutoCheckpoint() {
        if (walAutoCheckpoint <= 0 || storage.isMemory() || config.readOnly() || closing != null) {
            return null;
        }
        if (storage.walPager().walFrames() < walAutoCheckpoint || storage.walPager().error() != null
                || storage.pager().inWriteTransaction()) {
            return null;
        }
        for (EngineSession s : sessions) {
            if (s.context().inTransaction()) {
                return null;
            }
        }
        Completion checkpoint;
        try {
            checkpoint = storage.checkpoint();
        } catch (RuntimeException e) {
            checkpoint = Completion.failed(e);
        }
        Completion ended = new Completion();
        Completion c = checkpoint;
        c.whenDone(() -> {
            if (c.isFailed()) {
                System.getLogger(EngineDatabase.class.getName())
                        .log(System.Logger.Level.WARNING, "automatic checkpoint failed: " + c.failure());
            }
            ended.complete(0);
        });
        return ended;
    }

    TransactionLocks locks() {
        return locks;
    }

    SchemaState schema() {
        return schema;
    }

    /** Lock requests of sessions waiting for another session's transaction; any thread (diagnostics). */
    public int sessionsWaitingForLocks() {
        return locks.waiters();
    }
}
