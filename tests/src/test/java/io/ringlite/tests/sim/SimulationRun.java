package io.ringlite.tests.sim;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.storage.io.SimulatedFileSystem.CrashMode;
import io.ringlite.storage.io.SimulatedFileSystem.Operation;
import io.ringlite.uring.Errno;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One seeded simulation: a random workload over tables {@code t} and {@code u} and the indexes
 * of {@link SimCatalog} on a {@link SimulatedFileSystem}, with crashes at arbitrary file
 * operations and one-shot EIO/ENOSPC faults, checked against a model of committed states
 * ({@link Candidates} of {@link SimState}) after every crash and reopen, both by Ringlite and by
 * real SQLite reading the durable bytes.
 *
 * <h2>Workload</h2>
 * Autocommit statements and explicit transactions (committed or rolled back) of inserts,
 * updates (of indexed columns too) and deletes, by rowid and by range, small rows and rows with
 * overflow pages; CREATE INDEX / DROP INDEX of the catalog (UNIQUE, multi-column, DESC, partial,
 * expression, COLLATE); DROP TABLE u / CREATE TABLE u (whose UNIQUE constraint makes an automatic
 * index); bulk transactions; {@code PRAGMA wal_checkpoint} in each mode; clean close-and-reopen
 * (which checkpoints); automatic checkpoints inside commits. A statement that would
 * break a UNIQUE index or constraint must fail with SQLITE_CONSTRAINT_UNIQUE and change nothing:
 * the model predicts which ones ({@link SimCatalog}).
 *
 * <h2>Determinism</h2>
 * Everything random comes from {@code seed}: the workload ({@link #rnd}), the fault schedule
 * (counted in file operations) and the crash outcomes (the file system's own generator). The
 * workload is strictly sequential (one session, each statement awaited before the next is
 * chosen) and the engine runs the automatic checkpoint inside the committing statement, so the
 * sequence of file operations, and hence which operation a fault hits, is the same on every run
 * of a seed. {@link #fingerprint()} folds every file operation (number, kind, file, fault) and
 * every step's outcome into one number; two runs of a seed must agree on it.
 *
 * <h2>What a crash means here</h2>
 * "Crash at operation k" arms a window of failing operations starting at k: operation k and every
 * later one fail with EIO, so nothing after k reaches the file system; when the statement running
 * at that moment errors, the machine loses power ({@link SimulatedFileSystem#crash(CrashMode)}:
 * unsynced writes kept, lost or torn). The transaction whose commit was in flight is in doubt:
 * after recovery it must be there entirely or not at all. Where the crash hit (a commit, the
 * checkpoint's backfill, the WAL restart, a read) is counted from the failing operation.
 *
 * <h2>Checks after each recovery</h2>
 * <ol>
 *   <li>real SQLite on the durable bytes: {@code PRAGMA integrity_check} is {@code ok} (it checks
 *       every index against its table), {@code sqlite_schema} holds exactly the tables and
 *       indexes of the state it shows, with their CREATE text, the state is one of the candidates
 *       (every acknowledged commit present, nothing unacknowledged visible in part), and queries
 *       that SQLite answers through the indexes return what the model computes;</li>
 *   <li>Ringlite reopening the same simulated files: opens, passes the same checks, its own
 *       {@code PRAGMA integrity_check} says {@code ok}, and after a crash it sees the same state
 *       as SQLite (the bytes they read are the same);</li>
 *   <li>after a one-shot fault (no crash) the failing statement errors with a
 *       {@link DatabaseException} (IOERR_* for EIO, FULL for ENOSPC), earlier commits stay, and
 *       the next write either works or fails with a DatabaseException until the reopen. A fault
 *       that hits the automatic checkpoint must fail no statement (the commit was acknowledged
 *       already); what follows is treated like the rest of a one-shot fault.</li>
 * </ol>
 */
final class SimulationRun {
    static final Path FILE = Path.of("/sim/sim.db");
    static final Path WAL = Path.of("/sim/sim.db-wal");
    private static final int MAX_ID = 400;
    private static final int CRASH_WINDOW = 1_000;
    private static final String[] U_TEXTS = {null, "x", "y", "z", "w"};

    private enum Armed { NONE, CRASH, FAULT }

    /** How a statement ended: as the model predicted, with the predicted UNIQUE failure, or under a fault. */
    private enum Result { OK, CONSTRAINT, FAULT }

    private final long seed;
    private final Path tmp;
    private final Random rnd;
    private final SimulatedFileSystem fs;
    private final DatabaseConfig config;
    private final Candidates model = new Candidates();
    private final Deque<String> trace = new ArrayDeque<>();
    private SimSession db;
    /** Volatile: the file system's observer reads it on the loop thread. */
    private volatile Armed armed = Armed.NONE;
    private CrashMode crashMode = CrashMode.SEEDED;
    private Errno faultErrno;
    private DatabaseException lastError;
    private boolean absorbedNoted;
    private int step;
    private boolean heavy;

    // Written by the file system's observer (on the loop thread, under the file system's monitor).
    private long fingerprint = 1;
    private boolean faultHit;
    private boolean windowAtNextHit;
    private String phase = "commit";
    private final Map<String, Integer> hits = new TreeMap<>();
    private int restartsWhileOpen;
    private volatile boolean closing;

    /** Counters, for the summary line of a run. */
    int commits;
    int crashes;
    int faults;
    int absorbedFaults;
    int constraintFailures;
    int schemaChanges;
    int verifications;
    int maxWalFrames;

    /**
     * PRAGMA wal_autocheckpoint of this run: SQLite's 1000 in heavy runs (which grow the log past
     * it) and in two of three light ones; 50 in every third light run, so that light runs, which
     * crash and fault far more often, also checkpoint inside their commits.
     */
    private int walAutoCheckpoint = 1000;

    SimulationRun(long seed, Path tmp) {
        this.seed = seed;
        this.tmp = tmp;
        this.rnd = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        this.fs = new SimulatedFileSystem(seed);
        this.config = new DatabaseConfig(FILE, IoKind.SIMULATED, false, seed);
        fs.observe(this::observed);
    }

    /**
     * Runs {@code steps} workload steps, then ends with a crash or a clean close, and verifies.
     * A {@code heavy} run arms faults rarely and further ahead, never closes cleanly mid-run and
     * does more bulk transactions, so the log passes the 1000-frame auto-checkpoint and faults
     * can hit the checkpoint.
     */
    void run(int steps, boolean heavy) throws Exception {
        this.heavy = heavy;
        walAutoCheckpoint = !heavy && seed % 3 == 0 ? 50 : 1000;
        db = open();
        List<Consumer<SimState>> setup = new ArrayList<>();
        for (String table : List.of("t", "u")) {
            db.run(SimCatalog.createSql(table));
            setup.add(s -> s.tables.put(table, new TreeMap<>()));
        }
        for (String index : SimCatalog.INITIAL) {
            db.run(SimCatalog.index(index).sql());
            setup.add(s -> s.indexes.add(index));
        }
        model.commit(setup);
        note("CREATE TABLE t, u and indexes " + SimCatalog.INITIAL);
        for (step = 1; step <= steps; step++) {
            maybeArm();
            if (fs.exists(WAL)) {
                maxWalFrames = Math.max(maxWalFrames, (int) Math.max(0, (fs.size(WAL) - 32) / (4096 + 24)));
            }
            int r = rnd.nextInt(100);
            if (heavy && r >= 95) {
                r = 90; // no clean close: let the log grow
            }
            if (heavy && r < 30) {
                transaction(true, false, true);
            } else if (r < 3) {
                checkpoint();
            } else if (r < 50) {
                transaction(false, false, false);
            } else if (r < 80) {
                transaction(true, false, false);
            } else if (r < 88) {
                transaction(true, true, false);
            } else if (r < 95) {
                transaction(true, false, true);
            } else {
                closeAndReopen();
            }
        }
        finish();
    }

    String summary() {
        synchronized (fs) {
            return "seed=" + seed + " steps=" + (step - 1) + " commits=" + commits + " crashes=" + crashes
                    + " faults=" + faults + " absorbed=" + absorbedFaults + " constraintFailures=" + constraintFailures
                    + " schemaChanges=" + schemaChanges + " verifications=" + verifications
                    + " walAutoCheckpoint=" + walAutoCheckpoint + " maxWalFrames=" + maxWalFrames
                    + " walRestartsWhileOpen=" + restartsWhileOpen
                    + " fileOps=" + fs.operationCount() + " hits=" + hits
                    + " fingerprint=" + Long.toHexString(fingerprint);
        }
    }

    /** Where injected faults and crashes hit, e.g. {@code "EIO/sync" -> 3}, {@code "crash@checkpoint-backfill" -> 1}. */
    Map<String, Integer> hits() {
        synchronized (fs) {
            return new TreeMap<>(hits);
        }
    }

    /** Checkpoints that ran while the database was open (not at close) and restarted the WAL. */
    int walRestartsWhileOpen() {
        synchronized (fs) {
            return restartsWhileOpen;
        }
    }

    /** Every file operation and every step's outcome of this run, folded into one number. */
    long fingerprint() {
        synchronized (fs) {
            return fingerprint;
        }
    }

    /** The run's last 80 steps, for failure messages (and {@code -Dringlite.sim.trace=true}). */
    String trace() {
        return String.join("\n", trace);
    }

    // ---------------------------------------------------------------- workload

    /**
     * One transaction: autocommit (one statement), or BEGIN, 1..8 statements (up to 40 inserts
     * into t when {@code bulk}), then COMMIT or ROLLBACK.
     */
    private void transaction(boolean explicit, boolean rollback, boolean bulk) throws Exception {
        List<SimState> working = model.copies();
        List<Consumer<SimState>> ops = new ArrayList<>();
        if (explicit && exec("BEGIN") != Result.OK) {
            recover(List.of());
            return;
        }
        int count = !explicit ? 1 : bulk ? 10 + rnd.nextInt(31) : 1 + rnd.nextInt(8);
        for (int i = 0; i < count; i++) {
            Stmt st = bulk ? insertT(working, 500 + rnd.nextInt(1000)) : statement(working);
            boolean fails = failsUnique(working, st);
            Result result = exec(st.sql(), fails, st.args());
            if (result == Result.FAULT) {
                if (!explicit && !fails) {
                    recover(List.of(st.apply())); // the autocommit statement's commit may have reached the WAL
                } else {
                    recover(List.of()); // never committed: rolled back below or by the crash
                }
                return;
            }
            if (result == Result.CONSTRAINT) {
                constraintFailures++;
                if (!explicit) {
                    return; // the statement's own transaction changed nothing
                }
                continue; // SQLite keeps the transaction open after a constraint error
            }
            ops.add(st.apply());
            working.forEach(st.apply());
            if (st.schema()) {
                schemaChanges++;
            }
        }
        if (!explicit) {
            model.commit(ops);
            commits++;
            return;
        }
        if (rollback) {
            if (exec("ROLLBACK") != Result.OK) {
                recover(List.of());
            }
            return;
        }
        if (exec("COMMIT") != Result.OK) {
            recover(ops);
            return;
        }
        model.commit(ops);
        commits++;
    }

    /** {@code PRAGMA wal_checkpoint} in one of its modes: changes no committed state. */
    private void checkpoint() throws Exception {
        String[] modes = {"PASSIVE", "FULL", "RESTART", "TRUNCATE"};
        String sql = "PRAGMA wal_checkpoint(" + modes[rnd.nextInt(modes.length)] + ")";
        if (exec(sql) != Result.OK) {
            recover(List.of());
        }
    }

    /** A statement, its effect on a state, and whether it changes the schema. */
    private record Stmt(String sql, Object[] args, Consumer<SimState> apply, boolean schema) {
        Stmt(String sql, Object[] args, Consumer<SimState> apply) {
            this(sql, args, apply, false);
        }
    }

    /**
     * Whether {@code st} fails with a UNIQUE constraint in the working state(s). All candidates
     * must agree: the workload only runs with one candidate (every fault is followed by a reopen
     * that collapses the model), except for the probe, which cannot conflict.
     */
    private static boolean failsUnique(List<SimState> working, Stmt st) {
        Boolean fails = null;
        for (SimState w : working) {
            SimState after = w.copy();
            st.apply().accept(after);
            boolean f = after.uniqueViolation() != null;
            if (fails != null && fails != f) {
                throw new IllegalStateException("invariant: candidates disagree on whether " + st.sql() + " fails");
            }
            fails = f;
        }
        return fails != null && fails;
    }

    private Stmt statement(List<SimState> working) {
        SimState some = working.getFirst();
        int r = rnd.nextInt(100);
        if (r < 5) {
            return toggleIndex(some);
        }
        if (r < 6) {
            return toggleTableU(some);
        }
        if (r < 20 && some.has("u")) {
            return statementU(working);
        }
        return statementT(working);
    }

    private Stmt toggleIndex(SimState some) {
        List<SimCatalog.Index> usable = SimCatalog.INDEXES.stream().filter(i -> some.has(i.table())).toList();
        SimCatalog.Index index = usable.get(rnd.nextInt(usable.size()));
        String name = index.name();
        if (some.indexes.contains(name)) {
            return new Stmt("DROP INDEX " + name, new Object[0], s -> s.indexes.remove(name), true);
        }
        return new Stmt(index.sql(), new Object[0], s -> s.indexes.add(name), true);
    }

    private Stmt toggleTableU(SimState some) {
        if (some.has("u")) {
            return new Stmt("DROP TABLE u", new Object[0], s -> {
                s.tables.remove("u");
                s.indexes.removeIf(i -> SimCatalog.index(i).table().equals("u"));
            }, true);
        }
        return new Stmt(SimCatalog.U, new Object[0], s -> s.tables.put("u", new TreeMap<>()), true);
    }

    private Stmt statementU(List<SimState> working) {
        TreeMap<Long, List<Object>> some = working.getFirst().rows("u");
        int r = rnd.nextInt(100);
        long a = rnd.nextInt(20);
        String c = U_TEXTS[rnd.nextInt(U_TEXTS.length)];
        List<Object> row = SimState.row(a, c);
        if (r < 50 || some.isEmpty()) {
            long id = freeId(working, "u");
            return new Stmt("INSERT INTO u(id, a, c) VALUES (?, ?, ?)", new Object[] {id, a, c},
                    s -> s.rows("u").put(id, row));
        }
        long id = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(MAX_ID) : existing(some);
        if (r < 80) {
            return new Stmt("UPDATE u SET a = ?, c = ? WHERE id = ?", new Object[] {a, c, id},
                    s -> s.rows("u").computeIfPresent(id, (k, old) -> row));
        }
        return new Stmt("DELETE FROM u WHERE id = ?", new Object[] {id}, s -> s.rows("u").remove(id));
    }

    private Stmt statementT(List<SimState> working) {
        TreeMap<Long, List<Object>> some = working.getFirst().rows("t");
        int r = rnd.nextInt(100);
        if (r < 45 || some.isEmpty()) {
            return insertT(working, -1);
        }
        long id = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(MAX_ID) : existing(some);
        if (r < 65) {
            Long n = number();
            String v = text();
            byte[] b = blob(-1);
            List<Object> row = SimState.row(n, v, b);
            return new Stmt("UPDATE t SET n = ?, v = ?, b = ? WHERE id = ?", new Object[] {n, v, b, id},
                    s -> s.rows("t").computeIfPresent(id, (k, old) -> row));
        }
        if (r < 77) {
            long hi = id + rnd.nextInt(12);
            Long n = number();
            byte[] b = blob(-1);
            List<Object> row = SimState.row(n, "range", b);
            return new Stmt("UPDATE t SET n = ?, v = 'range', b = ? WHERE id >= ? AND id <= ?",
                    new Object[] {n, b, id, hi},
                    s -> s.rows("t").subMap(id, true, hi, true).replaceAll((k, old) -> row));
        }
        if (r < 90) {
            return new Stmt("DELETE FROM t WHERE id = ?", new Object[] {id}, s -> s.rows("t").remove(id));
        }
        long hi = id + rnd.nextInt(8);
        return new Stmt("DELETE FROM t WHERE id >= ? AND id <= ?", new Object[] {id, hi},
                s -> s.rows("t").subMap(id, true, hi, true).clear());
    }

    /** An INSERT into t of a rowid free in every candidate state (so the rowid never conflicts). */
    private Stmt insertT(List<SimState> working, int blobSize) {
        long id = freeId(working, "t");
        Long n = number();
        String v = text();
        byte[] b = blob(blobSize);
        List<Object> row = SimState.row(n, v, b);
        return new Stmt("INSERT INTO t(id, n, v, b) VALUES (?, ?, ?, ?)", new Object[] {id, n, v, b},
                s -> s.rows("t").put(id, row));
    }

    /** An INSERT into t that no UNIQUE index can refuse (NULL in every indexed text and number). */
    private Stmt probe(List<SimState> working) {
        long id = freeId(working, "t");
        byte[] b = blob(1 + rnd.nextInt(50));
        List<Object> row = SimState.row(null, null, b);
        return new Stmt("INSERT INTO t(id, n, v, b) VALUES (?, NULL, NULL, ?)", new Object[] {id, b},
                s -> s.rows("t").put(id, row));
    }

    private long freeId(List<SimState> working, String table) {
        for (int tries = 0; tries < 50; tries++) {
            long c = 1 + rnd.nextInt(MAX_ID * (1 + tries));
            if (working.stream().noneMatch(s -> s.rows(table).containsKey(c))) {
                return c;
            }
        }
        throw new IllegalStateException("invariant: no free rowid found");
    }

    private long existing(TreeMap<Long, List<Object>> m) {
        int skip = rnd.nextInt(m.size());
        for (Long k : m.keySet()) {
            if (skip-- == 0) {
                return k;
            }
        }
        throw new IllegalStateException("invariant: unreachable");
    }

    /** Mostly small numbers (so UNIQUE indexes on n see duplicates), sometimes any long or int. */
    private Long number() {
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextLong();
            case 1 -> (long) rnd.nextInt();
            default -> (long) rnd.nextInt(1000) - 100;
        };
    }

    /** Text from a small alphabet (so that UNIQUE (n, v) conflicts happen), sometimes long, sometimes NULL. */
    private String text() {
        int r = rnd.nextInt(100);
        if (r < 5) {
            return null;
        }
        int len = r < 10 ? 1000 + rnd.nextInt(3000) : r < 30 ? rnd.nextInt(2) : rnd.nextInt(60);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            int c = rnd.nextInt(60);
            sb.append(c < 52 ? (char) ((c < 26 ? 'a' : 'A' - 26) + c) : c < 58 ? ' ' : c == 58 ? 'é' : '€');
        }
        return sb.toString();
    }

    /** A blob of {@code size} bytes, or (size < 0) NULL, small, or large enough to overflow. */
    private byte[] blob(int size) {
        if (size < 0) {
            int r = rnd.nextInt(100);
            if (r < 40) {
                return null;
            }
            size = r < 85 ? rnd.nextInt(100) : 3000 + rnd.nextInt(13000);
        }
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- faults

    /**
     * At the start of a step, with some probability and if nothing is armed yet: a crash window
     * or a one-shot I/O error at a seeded number of file operations from now, or at the next
     * read, write or sync (of the WAL, or of any file: the database file is written and synced
     * only by checkpoints). An armed fault stays until an operation hits it (cache hits do no
     * I/O). One that hit without failing a statement (the automatic checkpoint inside a commit
     * swallowed it) stays armed until a reopen: the pager keeps the checkpoint's error until a
     * transaction re-reads the files, so a PRAGMA wal_checkpoint or a close meanwhile may still
     * report it.
     */
    private void maybeArm() {
        if (armed == Armed.FAULT && hitSinceArmed() && !absorbedNoted) {
            absorbedNoted = true;
            absorbedFaults++;
            note("the armed " + faultErrno + " hit without failing a statement");
        }
        if (armed != Armed.NONE || rnd.nextInt(100) >= (heavy ? 2 : 12)) {
            return;
        }
        int at = 1 + rnd.nextInt(heavy ? 400 : 40);
        if (rnd.nextInt(100) < 60) {
            int m = rnd.nextInt(100);
            crashMode = m < 70 ? CrashMode.SEEDED : m < 85 ? CrashMode.LOSE_ALL : CrashMode.KEEP_ALL;
            arm(Armed.CRASH);
            if (rnd.nextInt(100) < 15) {
                // The WAL restart after a checkpoint is two operations (truncate, sync): a crash
                // at a random operation rarely lands there, so aim at it.
                synchronized (fs) {
                    windowAtNextHit = true;
                }
                fs.failNext(Operation.TRUNCATE, WAL, Errno.EIO);
                note("armed crash (" + crashMode + ") at the next WAL truncate");
            } else {
                for (int i = 0; i < CRASH_WINDOW; i++) {
                    fs.failOperation(at + i, Errno.EIO);
                }
                note("armed crash (" + crashMode + ") at file operation " + (fs.operationCount() + at));
            }
        } else {
            faultErrno = rnd.nextBoolean() ? Errno.EIO : Errno.ENOSPC;
            int how = rnd.nextInt(6);
            if (how == 5) {
                faultErrno = Errno.EIO; // reads fail with EIO; ENOSPC is a write's error
            }
            arm(Armed.FAULT);
            switch (how) {
                case 0 -> fs.failOperation(at, faultErrno);
                case 1 -> fs.failNext(Operation.WRITE, null, faultErrno);
                case 2 -> fs.failNext(Operation.SYNC, WAL, faultErrno);
                case 3 -> fs.failNext(Operation.WRITE, WAL, faultErrno);
                case 4 -> fs.failNext(Operation.SYNC, null, faultErrno);
                default -> fs.failNext(Operation.READ, null, faultErrno);
            }
            note("armed " + faultErrno + " " + switch (how) {
                case 0 -> "at file operation " + (fs.operationCount() + at);
                case 1 -> "on the next write";
                case 2 -> "on the next WAL sync";
                case 3 -> "on the next WAL write";
                case 4 -> "on the next sync";
                default -> "on the next read";
            });
        }
    }

    private void arm(Armed what) {
        synchronized (fs) {
            faultHit = false;
            windowAtNextHit = false;
        }
        absorbedNoted = false;
        armed = what;
    }

    private boolean hitSinceArmed() {
        synchronized (fs) {
            return faultHit;
        }
    }

    /**
     * The file system's observer: folds the operation into the fingerprint, follows which phase
     * the I/O is in (WAL writes: a commit; database-file writes and syncs: a checkpoint's
     * backfill, as the database file is written only by checkpoints; a WAL truncate and the sync
     * after it: the WAL restart) and counts where the first fault since arming hit.
     */
    private void observed(long n, Operation op, Path path, Errno fault) {
        boolean dbFile = path.equals(FILE);
        long faultCode = fault == null ? 0 : fault.number() * 1009L;
        fingerprint = mix(fingerprint, n * 31 + op.ordinal() * 7L + (dbFile ? 1 : 2) + faultCode);
        String where;
        if (op == Operation.READ) {
            where = "read";
        } else if (dbFile) {
            phase = "checkpoint-backfill";
            where = phase;
        } else if (op == Operation.TRUNCATE) {
            phase = "wal-restart";
            where = phase;
            if (!closing && fault == null) {
                restartsWhileOpen++;
            }
        } else if (op == Operation.WRITE) {
            phase = "commit";
            where = phase;
        } else {
            where = phase;
        }
        if (fault != null && !faultHit) {
            faultHit = true;
            if (windowAtNextHit) {
                windowAtNextHit = false;
                for (int i = 1; i < CRASH_WINDOW; i++) {
                    fs.failOperation(i, Errno.EIO); // the machine died at this operation
                }
            }
            String key = armed == Armed.CRASH ? "crash@" + where : fault.name() + "/" + op.name().toLowerCase();
            hits.merge(key, 1, Integer::sum);
        }
    }

    private static long mix(long h, long v) {
        h ^= v + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        return h * 0xBF58476D1CE4E5B9L;
    }

    /**
     * Runs one statement. OK if it succeeded and was expected to; CONSTRAINT if it failed with
     * SQLITE_CONSTRAINT_UNIQUE as the model predicted ({@code expectUnique}); FAULT if it failed
     * with another DatabaseException while a fault was armed (kept in {@link #lastError}). Any
     * other outcome fails the run.
     */
    private Result exec(String sql, Object... args) {
        return exec(sql, false, args);
    }

    private Result exec(String sql, boolean expectUnique, Object... args) {
        try {
            db.run(sql, args);
            note(describe(sql, args) + " ok");
            if (expectUnique) {
                throw new AssertionError("should have failed with a UNIQUE constraint: " + describe(sql, args));
            }
            return Result.OK;
        } catch (DatabaseException e) {
            note(describe(sql, args) + " -> " + e.code() + ": " + e.getMessage());
            if (e.code().primary() == ResultCode.CONSTRAINT) {
                if (!expectUnique) {
                    throw new AssertionError("unexpected constraint failure: " + describe(sql, args), e);
                }
                if (e.code() != ResultCode.CONSTRAINT_UNIQUE
                        || !String.valueOf(e.getMessage()).startsWith("UNIQUE constraint failed")) {
                    throw new AssertionError("a UNIQUE violation should fail with CONSTRAINT_UNIQUE, not " + e.code()
                            + ": " + e.getMessage(), e);
                }
                return Result.CONSTRAINT;
            }
            if (armed == Armed.NONE) {
                throw new AssertionError("unexpected error with no fault armed: " + describe(sql, args), e);
            }
            lastError = e;
            return Result.FAULT;
        }
    }

    /**
     * A statement failed under an armed fault. {@code inDoubt} is the transaction whose commit
     * was in flight (empty if none). Crash window: the machine loses power now. One-shot fault:
     * the database keeps working or refuses writes with a DatabaseException; then it is closed,
     * sometimes crashed, reopened and checked.
     */
    private void recover(List<Consumer<SimState>> inDoubt) throws Exception {
        if (!inDoubt.isEmpty()) {
            model.inDoubt(inDoubt);
        }
        if (armed == Armed.CRASH) {
            crash(crashMode);
            return;
        }
        faults++;
        ResultCode expected = faultErrno == Errno.ENOSPC ? ResultCode.FULL : ResultCode.IOERR;
        if (lastError.code().primary() != expected) {
            throw new AssertionError("an injected " + faultErrno + " should fail with " + expected + "*, not "
                    + lastError.code() + ": " + lastError.getMessage(), lastError);
        }
        fs.clearFaults();
        armed = Armed.NONE;
        if (!db.session.isAutoCommit()) {
            try {
                db.run("ROLLBACK");
                note("ROLLBACK ok");
            } catch (DatabaseException e) {
                note("ROLLBACK -> " + e.code() + ": " + e.getMessage());
            }
        }
        Stmt probe = probe(model.copies());
        try {
            db.run(probe.sql(), probe.args());
            note("probe " + describe(probe.sql(), probe.args()) + " ok");
            model.commit(List.of(probe.apply()));
            commits++;
        } catch (DatabaseException e) {
            note("probe " + describe(probe.sql(), probe.args()) + " -> " + e.code() + ": " + e.getMessage());
            model.inDoubt(List.of(probe.apply()));
        }
        Throwable closeError = close();
        note("close " + (closeError == null ? "ok" : "-> " + closeError));
        if (rnd.nextBoolean()) {
            crashAfterClose(CrashMode.SEEDED);
        } else {
            reopenAndVerify(false);
        }
    }

    private Throwable close() {
        closing = true;
        try {
            return db.close();
        } finally {
            closing = false;
        }
    }

    private void crash(CrashMode mode) throws Exception {
        fs.crash(mode);
        fs.clearFaults();
        armed = Armed.NONE;
        crashes++;
        note("CRASH " + mode);
        Throwable closeError = close(); // the dead process's handles fail; close must still end
        note("close after crash " + (closeError == null ? "ok" : "-> " + closeError.getClass().getSimpleName()));
        reopenAndVerify(true);
    }

    private void crashAfterClose(CrashMode mode) throws Exception {
        fs.crash(mode);
        crashes++;
        note("CRASH " + mode + " (after close)");
        reopenAndVerify(true);
    }

    /**
     * A clean close (which checkpoints) and reopen; a crash window may hit either. Sometimes a
     * read fault is armed after the reopen, when the cache is cold and statements must read.
     */
    private void closeAndReopen() throws Exception {
        Throwable closeError = close();
        note("close " + (closeError == null ? "ok" : "-> " + closeError));
        if (closeError != null) {
            if (armed == Armed.NONE || !(closeError instanceof DatabaseException)) {
                throw new AssertionError("close failed with no fault armed", closeError);
            }
            faults++;
            fs.clearFaults();
            if (armed == Armed.CRASH) {
                armed = Armed.NONE;
                crashAfterClose(crashMode);
            } else {
                armed = Armed.NONE;
                reopenAndVerify(false);
            }
            return;
        }
        checkSqlite(true);
        try {
            db = open();
            note("reopen ok");
            if (armed == Armed.FAULT && hitSinceArmed()) {
                fs.clearFaults(); // the fault hit and was absorbed; the reopen re-read the files
                armed = Armed.NONE;
            }
        } catch (DatabaseException e) {
            note("reopen -> " + e.code() + ": " + e.getMessage());
            if (armed == Armed.NONE) {
                throw new AssertionError("reopen failed with no fault armed", e);
            }
            faults++;
            fs.clearFaults();
            if (armed == Armed.CRASH) {
                armed = Armed.NONE;
                crashAfterClose(crashMode);
            } else {
                armed = Armed.NONE;
                reopenAndVerify(false);
            }
            return;
        }
        if (armed == Armed.NONE && rnd.nextInt(100) < 30) {
            faultErrno = Errno.EIO;
            arm(Armed.FAULT);
            fs.failNext(Operation.READ, null, faultErrno);
            note("armed EIO on the next read (cold cache)");
        }
    }

    /** Ends the run: a crash with a transaction in flight, a crash after a commit, or a clean close. */
    private void finish() throws Exception {
        // A fault that hit a checkpoint without failing its statement leaves the pager's error,
        // which the close's own checkpoint may report.
        boolean absorbed = armed != Armed.NONE && hitSinceArmed();
        fs.clearFaults();
        armed = Armed.NONE;
        int r = rnd.nextInt(100);
        if (r < 40) {
            // An open transaction that never committed: not a trace of it may survive.
            exec("BEGIN");
            List<SimState> working = model.copies();
            for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
                Stmt st = statement(working);
                if (exec(st.sql(), failsUnique(working, st), st.args()) == Result.OK) {
                    working.forEach(st.apply());
                }
            }
            note("in-flight transaction left open");
            crash(r < 25 ? CrashMode.SEEDED : r < 32 ? CrashMode.LOSE_ALL : CrashMode.KEEP_ALL);
        } else if (r < 70) {
            crash(r < 60 ? CrashMode.SEEDED : CrashMode.LOSE_ALL);
        } else {
            Throwable closeError = close();
            if (closeError != null && (!absorbed || !(closeError instanceof DatabaseException))) {
                throw new AssertionError("clean close failed", closeError);
            }
            note("clean close " + (closeError == null ? "ok" : "-> " + closeError.getMessage()));
            reopenAndVerify(false);
        }
        Throwable closeError = close();
        if (closeError != null) {
            throw new AssertionError("close failed", closeError);
        }
    }

    // ---------------------------------------------------------------- checks

    private SimSession open() {
        SimSession s = new SimSession(Databases.open(config, fs).block(SimSession.WAIT));
        if (walAutoCheckpoint != 1000) {
            s.run("PRAGMA wal_autocheckpoint = " + walAutoCheckpoint); // per open database, as in SQLite
        }
        return s;
    }

    /** SQLite's check of the durable bytes; returns what SQLite saw. */
    private SimRows.View checkSqlite(boolean mustBeCandidate) throws Exception {
        byte[] dbBytes = fs.durableContent(FILE);
        byte[] walBytes = fs.exists(WAL) ? fs.durableContent(WAL) : null;
        SimRows.View view = SimRows.sqlite(tmp, dbBytes, walBytes);
        verifications++;
        if (!view.integrity().equals(List.of("ok"))) {
            throw new AssertionError("sqlite integrity_check on the durable files: " + view.integrity()
                    + dump(dbBytes, walBytes));
        }
        String wrong = view.inconsistency();
        if (wrong != null) {
            throw new AssertionError("sqlite on the durable files: " + wrong);
        }
        if (mustBeCandidate && !model.contains(view.state())) {
            throw new AssertionError("sqlite sees a state that is not a committed one: " + model.describe(view.state()));
        }
        return view;
    }

    /**
     * With {@code -Dringlite.sim.dump=DIR}, writes the files SQLite refused to
     * {@code DIR/seed-N.db[-wal]} for a look with {@code sqlite3}; returns where, for the message.
     */
    private String dump(byte[] dbBytes, byte[] walBytes) throws java.io.IOException {
        String dir = System.getProperty("ringlite.sim.dump");
        if (dir == null || dir.isBlank()) {
            return " (-Dringlite.sim.dump=DIR keeps the files)";
        }
        Path db = Path.of(dir, "seed-" + seed + ".db");
        java.nio.file.Files.createDirectories(db.getParent());
        java.nio.file.Files.write(db, dbBytes);
        if (walBytes != null) {
            java.nio.file.Files.write(Path.of(db + "-wal"), walBytes);
        }
        return " (files in " + db + ")";
    }

    /**
     * Checks real SQLite on the durable bytes, then reopens with Ringlite and checks it too.
     * After a crash both read the same bytes and must agree; without one, Ringlite may also see
     * a transaction whose commit failed after its frames were written (in doubt).
     */
    private void reopenAndVerify(boolean crashed) throws Exception {
        if (crashed && rnd.nextInt(100) < 30) {
            crashDuringRecovery();
        }
        SimRows.View sqlite = checkSqlite(true);
        db = open();
        SimRows.View ours = SimRows.ringlite(db);
        String wrong = ours.inconsistency();
        if (wrong != null) {
            throw new AssertionError("ringlite after reopen: " + wrong);
        }
        if (!model.contains(ours.state())) {
            throw new AssertionError("ringlite sees a state that is not a committed one: " + model.describe(ours.state()));
        }
        if (crashed && !ours.state().equals(sqlite.state())) {
            throw new AssertionError("ringlite and sqlite recovered different states: "
                    + SimState.diff(sqlite.state(), ours.state()));
        }
        checkRingliteIntegrity();
        model.collapse(ours.state());
        note("verified " + ours.state());
    }

    /**
     * Power fails again while Ringlite recovers from the last crash: during the open (WAL
     * recovery) or the close that follows it (checkpoint). No transaction runs, so the committed
     * states stay the same.
     */
    private void crashDuringRecovery() {
        int at = 1 + rnd.nextInt(30);
        arm(Armed.CRASH);
        for (int i = 0; i < CRASH_WINDOW; i++) {
            fs.failOperation(at + i, Errno.EIO);
        }
        note("armed crash during recovery at file operation " + (fs.operationCount() + at));
        try {
            SimSession recovering = open();
            closing = true;
            Throwable closeError = recovering.close();
            closing = false;
            note("recovery open ok, close " + (closeError == null ? "ok" : "-> " + closeError.getMessage()));
        } catch (DatabaseException e) {
            note("recovery open -> " + e.code() + ": " + e.getMessage());
        }
        fs.crash(CrashMode.SEEDED);
        fs.clearFaults();
        armed = Armed.NONE;
        crashes++;
        note("CRASH SEEDED (during recovery)");
    }

    /** Ringlite's own {@code PRAGMA integrity_check} must say {@code ok}. */
    private void checkRingliteIntegrity() {
        List<Object[]> rows;
        try {
            rows = db.run("PRAGMA integrity_check");
        } catch (DatabaseException e) {
            throw new AssertionError("ringlite PRAGMA integrity_check failed", e);
        }
        List<Object> verdict = rows.stream().map(r -> r[0]).toList();
        if (!verdict.equals(List.of("ok"))) {
            throw new AssertionError("ringlite integrity_check after recovery: " + verdict);
        }
        note("ringlite integrity_check ok");
    }

    // ---------------------------------------------------------------- trace

    private void note(String what) {
        String line = "step " + step + ": " + what;
        synchronized (fs) {
            fingerprint = mix(fingerprint, line.hashCode());
        }
        trace.addLast(line);
        if (trace.size() > 80) {
            trace.removeFirst();
        }
    }

    private static String describe(String sql, Object[] args) {
        if (args.length == 0) {
            return sql;
        }
        StringBuilder sb = new StringBuilder(sql).append(" [");
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            sb.append(i == 0 ? "" : ", ").append(switch (a) {
                case null -> "NULL";
                case byte[] b -> "blob(" + b.length + ")";
                case String s -> s.length() <= 8 ? "'" + s + "'" : "text(" + s.getBytes(StandardCharsets.UTF_8).length + ")";
                default -> a.toString();
            });
        }
        return sb.append(']').toString();
    }
}
