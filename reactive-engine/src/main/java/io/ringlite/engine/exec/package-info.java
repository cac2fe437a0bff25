/**
 * The engine runtime: databases, sessions, statement execution as publishers, transactions and
 * the locks between sessions. Everything here runs on the database's event loop except the
 * public entry points, which hop onto it.
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
 *       {@code io.ringlite.storage.check}) from the plan {@code compile.PragmaCompiler} made; no VDBE
 *       program.</li>
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
 *       sessions), not per connection. {@code PRAGMA synchronous} is remembered and reported, but
 *       commits keep syncing as FULL (the pager's level is fixed when the file opens).</li>
 *   <li>A session runs its statements one at a time; a second statement subscribed while the
 *       first is still producing rows waits for it (SQLite allows interleaving them).</li>
 *   <li>A waiting writer does not fail with SQLITE_BUSY at once: it waits without blocking any
 *       thread, up to the busy timeout (default 5 s, {@code DatabaseConfig.busyTimeout}).
 *       Two sessions that both hold a read lock and both want to write would deadlock; the
 *       second one fails with BUSY at once, as SQLite's would.</li>
 * </ul>
 */
package io.ringlite.engine.exec;
