package io.ringlite.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Lifecycle;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/**
 * One R2DBC connection: one engine {@link Session} on a database shared with the factory's other
 * connections.
 *
 * <h2>Transactions</h2>
 * SQLite's model: outside BEGIN every statement is its own transaction (auto-commit, the default).
 * <ul>
 *   <li>{@link #beginTransaction()} runs {@code BEGIN} (deferred: the read or write lock is taken by
 *       the first statement that needs it); {@link #commitTransaction()} and
 *       {@link #rollbackTransaction()} run {@code COMMIT} / {@code ROLLBACK}, after which the
 *       connection is in auto-commit again. Each is a no-op when it has nothing to do (BEGIN inside a
 *       transaction, COMMIT/ROLLBACK outside one), as R2DBC users expect.</li>
 *   <li>{@link #setAutoCommit(boolean) setAutoCommit(false)} runs {@code BEGIN} now and, after every
 *       later commit or rollback, before the next statement, so the connection stays in explicit
 *       transaction mode; {@code setAutoCommit(true)} commits an open transaction.</li>
 *   <li>Isolation: SQLite transactions in WAL mode are SERIALIZABLE (a reader sees one snapshot,
 *       writers are serialized). Every requested level is accepted and served as SERIALIZABLE, the
 *       strongest, which the SQL standard permits; {@link #getTransactionIsolationLevel()} always
 *       answers SERIALIZABLE. A transaction definition's READ_ONLY, NAME and LOCK_WAIT_TIMEOUT are
 *       accepted and ignored.</li>
 *   <li>Savepoints run {@code SAVEPOINT "name"}, {@code RELEASE SAVEPOINT "name"},
 *       {@code ROLLBACK TO SAVEPOINT "name"}; a SAVEPOINT outside a transaction starts one.</li>
 * </ul>
 *
 * <p>Every publisher here is lazy (nothing happens before subscription), completes empty on success
 * and errors with an R2DBC exception ({@link ExceptionFactory}), or with
 * {@link IllegalStateException} once the connection is closed.
 */
public final class RingliteConnection implements Connection, Lifecycle {

    private final Session session;
    private final DatabaseRegistry.Lease lease;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean explicitTransactions;
    private volatile Duration statementTimeout;
    private final StatementCache statements = new StatementCache();

    RingliteConnection(Session session, DatabaseRegistry.Lease lease, Duration statementTimeout) {
        this.session = Objects.requireNonNull(session, "session");
        this.lease = lease;
        this.statementTimeout = statementTimeout;
    }

    Session session() {
        if (closed.get()) {
            throw new IllegalStateException("Connection is closed");
        }
        return session;
    }

    /**
     * The first statement of {@code sql}, from this connection's {@link StatementCache} or
     * prepared (and cached) now. Lazy; errors (bad SQL) on subscription; empty for blank text.
     */
    Mono<PreparedStatement> prepare(String sql) {
        return Mono.defer(() -> {
            PreparedStatement cached = statements.get(sql);
            if (cached != null) {
                return Mono.just(cached);
            }
            return session().prepare(sql).doOnNext(ps -> statements.put(sql, ps));
        });
    }

    /** Statements in this connection's cache (tests). */
    int cachedStatements() {
        return statements.size();
    }

    Duration statementTimeout() {
        return statementTimeout;
    }

    /** Runs before every statement: in explicit transaction mode, begins the next transaction. */
    Mono<Void> beforeStatement() {
        return Mono.defer(() -> explicitTransactions && session().isAutoCommit() ? run("BEGIN") : Mono.empty());
    }

    /** Runs one SQL statement to its end, discarding rows. */
    private Mono<Void> run(String sql) {
        return Mono.defer(() -> {
            Session s = session();
            return prepare(sql).flatMapMany(ps -> s.execute(ps, List.of())).then();
        }).onErrorMap(e -> ExceptionFactory.map(e, sql));
    }

    @Override
    public Mono<Void> beginTransaction() {
        return Mono.defer(() -> session().isAutoCommit() ? run("BEGIN") : Mono.empty());
    }

    /** {@inheritDoc} The isolation level is served as SERIALIZABLE; other attributes are ignored. */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        return beginTransaction();
    }

    @Override
    public Mono<Void> commitTransaction() {
        return Mono.defer(() -> session().isAutoCommit() ? Mono.empty() : run("COMMIT"));
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return Mono.defer(() -> session().isAutoCommit() ? Mono.empty() : run("ROLLBACK"));
    }

    @Override
    public RingliteBatch createBatch() {
        session();
        return new RingliteBatch(this);
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        String sql = "SAVEPOINT " + quote(name);
        return beforeStatement().then(run(sql));
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return run("RELEASE SAVEPOINT " + quote(name));
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return run("ROLLBACK TO SAVEPOINT " + quote(name));
    }

    @Override
    public RingliteStatement createStatement(String sql) {
        Objects.requireNonNull(sql, "sql");
        session();
        return new RingliteStatement(this, sql);
    }

    /** True unless a transaction is open or explicit transaction mode ({@code setAutoCommit(false)}) is on. */
    @Override
    public boolean isAutoCommit() {
        return !explicitTransactions && !closed.get() && session.isAutoCommit();
    }

    @Override
    public RingliteConnectionMetadata getMetadata() {
        return RingliteConnectionMetadata.INSTANCE;
    }

    /** Always SERIALIZABLE (see the class comment). */
    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return IsolationLevel.SERIALIZABLE;
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            Session s = session();
            explicitTransactions = !autoCommit;
            if (autoCommit) {
                return s.isAutoCommit() ? Mono.empty() : run("COMMIT");
            }
            return s.isAutoCommit() ? run("BEGIN") : Mono.empty();
        });
    }

    /**
     * Sets how long a writer waits for the write lock ({@code PRAGMA busy_timeout}). Errors if the
     * engine does not support the pragma.
     */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return run("PRAGMA busy_timeout = " + Math.max(0, timeout.toMillis()));
    }

    /**
     * Statements that run longer than {@code timeout} (from their start to their last row being
     * consumed) are interrupted and error with {@link io.r2dbc.spi.R2dbcTimeoutException}; zero means
     * no timeout.
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return Mono.error(new IllegalArgumentException("timeout must not be negative"));
        }
        return Mono.fromRunnable(() -> statementTimeout = timeout.isZero() ? null : timeout);
    }

    /** Accepted and served as SERIALIZABLE (see the class comment). */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        Objects.requireNonNull(isolationLevel, "isolationLevel");
        return Mono.defer(() -> {
            session();
            return Mono.empty();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Emits false once closed; LOCAL emits true otherwise; REMOTE runs {@code SELECT 1} and emits
     * whether it succeeded. Never errors.
     */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        Objects.requireNonNull(depth, "depth");
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.just(false);
            }
            if (depth == ValidationDepth.LOCAL) {
                return Mono.just(true);
            }
            return run("SELECT 1").thenReturn(true).onErrorReturn(false);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Rolls back an open transaction, releases the session, and drops this connection's reference
     * to the database (closing the database file if it was the last). Completes when that is done;
     * closing again completes at once.
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (!closed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            statements.clear();
            Mono<Void> release = lease == null ? Mono.empty() : lease.release();
            return session.close()
                    .onErrorMap(ExceptionFactory::map)
                    .then(release)
                    .onErrorResume(e -> release.then(Mono.error(e)));
        });
    }

    /** Nothing to prepare: a connection is ready when created. */
    @Override
    public Mono<Void> postAllocate() {
        return Mono.empty();
    }

    /** Before a pool takes the connection back: roll back an open transaction, leave explicit mode. */
    @Override
    public Mono<Void> preRelease() {
        return Mono.defer(() -> {
            explicitTransactions = false;
            return closed.get() || session.isAutoCommit() ? Mono.empty() : run("ROLLBACK");
        });
    }

    private static String quote(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("savepoint name must not be empty");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return "RingliteConnection{" + (closed.get() ? "closed" : "open") + "}";
    }
}
