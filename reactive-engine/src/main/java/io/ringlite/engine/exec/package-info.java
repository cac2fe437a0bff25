/**
 * The engine runtime: databases, sessions, statement execution as publishers, transactions and
 * the locks between sessions. Everything here runs on the thread that owns the engine at that
 * moment: the database's event loop, or a caller that took the idle engine to run inline
 * ({@code EventLoop.inOwner()}). The public entry points ({@code StatementFlux.subscribe},
 * {@code Execution.request}, {@code EngineSession.prepare}/{@code close},
 * {@code EngineDatabase.connect}) run inline when {@code EventLoop.tryAcquire()} succeeds and hop
 * onto the loop otherwise; completions of I/O always run on the loop, so a statement that started
 * inline and had to wait continues there. Plain fields are safe to share between successive
 * owners because ownership changes through the loop's ownership word (CAS / volatile store).
 *
 * <h2>Threading: why inline</h2>
 * Measured in {@code bench} ({@code HandOff}, docs/BENCHMARKS.md): with every statement hopping
 * onto the loop, a cache-hit point query awaited by a caller paid a loop wake-up and a caller
 * wake-up, several times the query's own cost; the R2DBC driver paid it twice (prepare, then
 * execute). Now the driver caches prepared statements per connection (expired by
 * {@code SchemaState.generation()} after DDL) and an idle engine runs the statement on the caller's
 * thread, so a cache hit pays no hand-off. Invariants of {@code Execution} hold with "the owner
 * thread" for "the loop thread"; inline runs are bounded by one row batch and never nest (a
 * statement subscribed from inside onNext is queued).
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.ringlite.engine.exec.EngineDatabase}: open (storage start, WAL recovery, schema
 *       read), connect, close (fails running statements, rolls back, checkpoints, stops the
 *       loop).</li>
 *   <li>{@link io.ringlite.engine.exec.EngineSession}: prepare (schema refresh + compile),
 *       execute (a cold {@link io.ringlite.engine.exec.StatementFlux}); statements of one session
 *       run one at a time in subscription order ({@link io.ringlite.engine.exec.StatementQueue}).</li>
 *   <li>{@link io.ringlite.engine.exec.Execution}: the subscription that steps the program under
 *       the subscriber's demand, yields on I/O, emits Done only after the commit's fsync, and
 *       cancels by interrupting the VM.</li>
 *   <li>{@link io.ringlite.engine.exec.YieldingBTreeStore}: the B-trees as statements see them;
 *       a cursor move yields the loop every so many moves, so a statement that emits no rows for
 *       a long time (an aggregate over a big table) still lets cancellation and other sessions
 *       in.</li>
 *   <li>{@link io.ringlite.engine.exec.SessionContext}: the VM's view of the session's transaction
 *       (BEGIN/COMMIT/ROLLBACK, auto-commit, statement savepoints, cookies, last rowid).</li>
 *   <li>{@link io.ringlite.engine.exec.TransactionLocks}: readers/one writer between sessions,
 *       waiting asynchronously in a FIFO queue bounded by the busy timeout.</li>
 *   <li>{@link io.ringlite.engine.exec.PragmaSource}: PRAGMAs, run directly against the session's
 *       transaction, the pager and the storage (header fields, checkpoint, the integrity check of
 *       {@code io.ringlite.storage.check}) from the plan {@code compile.PragmaCompiler} made; the
 *       only VDBE program is the row half of integrity_check / quick_check.</li>
 *   <li>Automatic checkpoint: the pager's own is off; after each commit
 *       {@link io.ringlite.engine.exec.EngineDatabase} checkpoints once the WAL holds
 *       {@code PRAGMA wal_autocheckpoint} frames (default 1000) and no session is in a transaction.
 *       A checkpoint restarts the WAL only if no transaction started meanwhile.</li>
 *   <li>{@link io.ringlite.engine.exec.SchemaState}: the parsed schema, re-read after DDL, after a
 *       rolled-back DDL and when the schema cookie moved; statements prepared under an older
 *       schema are recompiled from their text before they run.</li>
 * </ul>
 *
 * <h2>Departures from SQLite, on purpose</h2>
 * <ul>
 *   <li>All sessions share one pager and cache, so a session's write transaction excludes other
 *       sessions' reads until it ends (SQLite's WAL readers would keep reading their snapshot).
 *       Isolation stays serializable; concurrency of reads with one writer waits for per-reader
 *       snapshots in the pager.</li>
 *   <li>{@code PRAGMA busy_timeout} and {@code wal_autocheckpoint} are per database (all its
 *       sessions), not per connection; so is {@code PRAGMA synchronous} (the pager reads the level
 *       at every commit and checkpoint; see {@code io.ringlite.storage.wal} for what each level
 *       syncs).</li>
 *   <li>A session runs its statements one at a time; a second statement subscribed while the
 *       first is still producing rows waits for it (SQLite allows interleaving them).</li>
 *   <li>A waiting writer does not fail with SQLITE_BUSY at once: it waits without blocking any
 *       thread, up to the busy timeout (default 5 s, {@code DatabaseConfig.busyTimeout}).
 *       Two sessions that both hold a read lock and both want to write would deadlock; the
 *       second one fails with BUSY at once, as SQLite's would.</li>
 * </ul>
 */
package io.ringlite.engine.exec;
