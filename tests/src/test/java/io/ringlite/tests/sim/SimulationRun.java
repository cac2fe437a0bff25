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
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One seeded simulation: a random workload on table {@code t} over a {@link SimulatedFileSystem},
 * with crashes at arbitrary file operations and one-shot EIO/ENOSPC faults, checked against a
 * model of committed states ({@link Candidates}) after every crash and reopen, both by Ringlite
 * and by real SQLite reading the durable bytes.
 *
 * <h2>Determinism</h2>
 * Everything random comes from {@code seed}: the workload ({@link #rnd}), the fault schedule
 * (counted in file operations) and the crash outcomes (the file system's own generator). The
 * engine runs statements on its event-loop thread, so the workload is kept strictly sequential
 * (one session, each statement awaited before the next is chosen): the sequence of file
 * operations, and hence which operation a fault hits, is the same on every run of a seed.
 * One exception: once the log passes 1000 frames the engine checkpoints in the background after
 * the commit's Done, and how that interleaves with the next statement depends on thread timing;
 * only heavy runs get there (see {@code CrashSimulationTest.aSeedReplaysTheSameRunExactly}).
 *
 * <h2>What a crash means here</h2>
 * "Crash at operation k" arms a window of failing operations starting at k: operation k and every
 * later one fail with EIO, so nothing after k reaches the file system; when the statement running
 * at that moment errors, the machine loses power ({@link SimulatedFileSystem#crash(CrashMode)}:
 * unsynced writes kept, lost or torn). The transaction whose commit was in flight is in doubt:
 * after recovery it must be there entirely or not at all.
 *
 * <h2>Checks after each recovery</h2>
 * <ol>
 *   <li>real SQLite on the durable bytes: {@code PRAGMA integrity_check} is {@code ok} and the
 *       table is one of the candidate states (every acknowledged commit present, nothing
 *       unacknowledged visible in part);</li>
 *   <li>Ringlite reopening the same simulated files opens without error, its own
 *       {@code PRAGMA integrity_check} (once the engine has it) says {@code ok}, and it sees the
 *       same state as SQLite (after a crash the bytes they read are the same);</li>
 *   <li>after a one-shot fault (no crash) the failing statement errors with a
 *       {@link DatabaseException} (IOERR_* for EIO, FULL for ENOSPC), earlier commits stay, and
 *       the next write either works or fails with a DatabaseException until the reopen.</li>
 * </ol>
 */
final class SimulationRun {
    static final Path FILE = Path.of("/sim/sim.db");
    static final Path WAL = Path.of("/sim/sim.db-wal");
    private static final int MAX_ID = 400;
    private static final int CRASH_WINDOW = 1_000;

    private enum Armed { NONE, CRASH, FAULT }

    private final long seed;
    private final Path tmp;
    private final Random rnd;
    private final SimulatedFileSystem fs;
    private final DatabaseConfig config;
    private final Candidates model = new Candidates();
    private final Deque<String> trace = new ArrayDeque<>();
    private SimSession db;
    private Armed armed = Armed.NONE;
    private CrashMode crashMode = CrashMode.SEEDED;
    private Errno faultErrno;
    private DatabaseException lastError;
    private int step;
    private boolean heavy;

    /** Counters, for the summary line of a run. */
    int commits;
    int crashes;
    int faults;
    int verifications;
    int maxWalFrames;

    SimulationRun(long seed, Path tmp) {
        this.seed = seed;
        this.tmp = tmp;
        this.rnd = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        this.fs = new SimulatedFileSystem(seed);
        this.config = new DatabaseConfig(FILE, IoKind.SIMULATED, false, seed);
    }

    /**
     * Runs {@code steps} workload steps, then ends with a crash or a clean close, and verifies.
     * A {@code heavy} run arms faults rarely and further ahead, never closes cleanly mid-run and
     * does more bulk transactions, so the log passes the 1000-frame auto-checkpoint and faults
     * can hit the checkpoint.
     */
    void run(int steps, boolean heavy) throws Exception {
        this.heavy = heavy;
        db = open();
        db.run(SimRows.TABLE);
        note("CREATE TABLE");
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
        return "seed=" + seed + " steps=" + (step - 1) + " commits=" + commits + " crashes=" + crashes
                + " faults=" + faults + " verifications=" + verifications + " maxWalFrames=" + maxWalFrames
                + " fileOps=" + fs.operationCount();
    }

    /** The run's last 80 steps, for failure messages (and {@code -Dringlite.sim.trace=true}). */
    String trace() {
        return String.join("\n", trace);
    }

    // ---------------------------------------------------------------- workload

    /**
     * One transaction: autocommit (one statement), or BEGIN, 1..8 statements (up to 40 small
     * inserts when {@code bulk}), then COMMIT or ROLLBACK.
     */
    private void transaction(boolean explicit, boolean rollback, boolean bulk) throws Exception {
        List<TreeMap<Long, String>> working = model.copies();
        List<Consumer<TreeMap<Long, String>>> ops = new ArrayList<>();
        if (explicit && !exec("BEGIN")) {
            recover(List.of());
            return;
        }
        int count = !explicit ? 1 : bulk ? 10 + rnd.nextInt(31) : 1 + rnd.nextInt(8);
        for (int i = 0; i < count; i++) {
            Stmt st = bulk ? insert(working, 500 + rnd.nextInt(1000)) : statement(working);
            if (!exec(st.sql(), st.args())) {
                if (!explicit) {
                    ops.add(st.apply());
                    recover(ops); // the autocommit statement's commit may have reached the WAL
                } else {
                    recover(List.of()); // never committed: rolled back below or by the crash
                }
                return;
            }
            ops.add(st.apply());
            working.forEach(st.apply());
        }
        if (!explicit) {
            model.commit(ops);
            commits++;
            return;
        }
        if (rollback) {
            if (!exec("ROLLBACK")) {
                recover(List.of());
            }
            return;
        }
        if (!exec("COMMIT")) {
            recover(ops);
            return;
        }
        model.commit(ops);
        commits++;
    }

    private record Stmt(String sql, Object[] args, Consumer<TreeMap<Long, String>> apply) {
    }

    private Stmt statement(List<TreeMap<Long, String>> working) {
        TreeMap<Long, String> some = working.getFirst();
        int r = rnd.nextInt(100);
        if (r < 45 || some.isEmpty()) {
            return insert(working, -1);
        }
        long id = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(MAX_ID) : existing(some);
        if (r < 65) {
            long n = number();
            String v = text();
            byte[] b = blob(-1);
            String row = SimRows.render(n, v, b);
            return new Stmt("UPDATE t SET n = ?, v = ?, b = ? WHERE id = ?", new Object[] {n, v, b, id},
                    m -> m.computeIfPresent(id, (k, old) -> row));
        }
        if (r < 77) {
            long hi = id + rnd.nextInt(12);
            long n = number();
            byte[] b = blob(-1);
            String row = SimRows.render(n, "range", b);
            return new Stmt("UPDATE t SET n = ?, v = 'range', b = ? WHERE id >= ? AND id <= ?",
                    new Object[] {n, b, id, hi},
                    m -> m.subMap(id, true, hi, true).replaceAll((k, old) -> row));
        }
        if (r < 90) {
            return new Stmt("DELETE FROM t WHERE id = ?", new Object[] {id}, m -> m.remove(id));
        }
        long hi = id + rnd.nextInt(8);
        return new Stmt("DELETE FROM t WHERE id >= ? AND id <= ?", new Object[] {id, hi},
                m -> m.subMap(id, true, hi, true).clear());
    }

    /** An INSERT of a rowid free in every candidate state (so it succeeds whichever is real). */
    private Stmt insert(List<TreeMap<Long, String>> working, int blobSize) {
        long id = -1;
        for (int tries = 0; tries < 50 && id < 0; tries++) {
            long c = 1 + rnd.nextInt(MAX_ID * (1 + tries));
            if (working.stream().noneMatch(m -> m.containsKey(c))) {
                id = c;
            }
        }
        if (id < 0) {
            throw new IllegalStateException("invariant: no free rowid found");
        }
        long n = number();
        String v = text();
        byte[] b = blob(blobSize);
        String row = SimRows.render(n, v, b);
        long key = id;
        return new Stmt("INSERT INTO t(id, n, v, b) VALUES (?, ?, ?, ?)", new Object[] {id, n, v, b},
                m -> m.put(key, row));
    }

    private long existing(TreeMap<Long, String> m) {
        int skip = rnd.nextInt(m.size());
        for (Long k : m.keySet()) {
            if (skip-- == 0) {
                return k;
            }
        }
        throw new IllegalStateException("invariant: unreachable");
    }

    private long number() {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextLong();
            case 1 -> rnd.nextInt();
            default -> rnd.nextInt(1000) - 100;
        };
    }

    private String text() {
        int r = rnd.nextInt(100);
        if (r < 5) {
            return null;
        }
        int len = r < 10 ? 1000 + rnd.nextInt(3000) : rnd.nextInt(60);
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
     * or a one-shot I/O error at a seeded number of file operations from now. An armed fault
     * stays until an operation hits it (cache hits do no I/O).
     */
    private void maybeArm() {
        if (armed != Armed.NONE || rnd.nextInt(100) >= (heavy ? 2 : 12)) {
            return;
        }
        int at = 1 + rnd.nextInt(heavy ? 400 : 40);
        if (rnd.nextInt(100) < 60) {
            int m = rnd.nextInt(100);
            crashMode = m < 70 ? CrashMode.SEEDED : m < 85 ? CrashMode.LOSE_ALL : CrashMode.KEEP_ALL;
            for (int i = 0; i < CRASH_WINDOW; i++) {
                fs.failOperation(at + i, Errno.EIO);
            }
            armed = Armed.CRASH;
            note("armed crash (" + crashMode + ") at file operation " + (fs.operationCount() + at));
        } else {
            faultErrno = rnd.nextBoolean() ? Errno.EIO : Errno.ENOSPC;
            int how = rnd.nextInt(4);
            switch (how) {
                case 0 -> fs.failOperation(at, faultErrno);
                case 1 -> fs.failNext(Operation.WRITE, null, faultErrno);
                case 2 -> fs.failNext(Operation.SYNC, WAL, faultErrno);
                default -> fs.failNext(Operation.WRITE, WAL, faultErrno);
            }
            armed = Armed.FAULT;
            note("armed " + faultErrno + " " + switch (how) {
                case 0 -> "at file operation " + (fs.operationCount() + at);
                case 1 -> "on the next write";
                case 2 -> "on the next WAL sync";
                default -> "on the next WAL write";
            });
        }
    }

    /**
     * Runs one statement; true if it succeeded, false if it failed with a DatabaseException while
     * a fault was armed (kept in {@link #lastError}). Any other failure fails the run.
     */
    private boolean exec(String sql, Object... args) {
        try {
            db.run(sql, args);
            note(describe(sql, args) + " ok");
            return true;
        } catch (DatabaseException e) {
            note(describe(sql, args) + " -> " + e.code() + ": " + e.getMessage());
            if (armed == Armed.NONE) {
                throw new AssertionError("unexpected error with no fault armed: " + sql, e);
            }
            lastError = e;
            return false;
        }
    }

    /**
     * A statement failed under an armed fault. {@code inDoubt} is the transaction whose commit
     * was in flight (empty if none). Crash window: the machine loses power now. One-shot fault:
     * the database keeps working or refuses writes with a DatabaseException; then it is closed,
     * sometimes crashed, reopened and checked.
     */
    private void recover(List<Consumer<TreeMap<Long, String>>> inDoubt) throws Exception {
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
        Stmt probe = insert(model.copies(), -1);
        try {
            db.run(probe.sql(), probe.args());
            note("probe " + describe(probe.sql(), probe.args()) + " ok");
            model.commit(List.of(probe.apply()));
            commits++;
        } catch (DatabaseException e) {
            note("probe " + describe(probe.sql(), probe.args()) + " -> " + e.code() + ": " + e.getMessage());
            model.inDoubt(List.of(probe.apply()));
        }
        Throwable closeError = db.close();
        note("close " + (closeError == null ? "ok" : "-> " + closeError));
        if (rnd.nextBoolean()) {
            crashAfterClose(CrashMode.SEEDED);
        } else {
            reopenAndVerify(false);
        }
    }

    private void crash(CrashMode mode) throws Exception {
        fs.crash(mode);
        fs.clearFaults();
        armed = Armed.NONE;
        crashes++;
        note("CRASH " + mode);
        Throwable closeError = db.close(); // the dead process's handles fail; close must still end
        note("close after crash " + (closeError == null ? "ok" : "-> " + closeError.getClass().getSimpleName()));
        reopenAndVerify(true);
    }

    private void crashAfterClose(CrashMode mode) throws Exception {
        fs.crash(mode);
        crashes++;
        note("CRASH " + mode + " (after close)");
        reopenAndVerify(true);
    }

    /** A clean close (which checkpoints) and reopen; a crash window may hit either. */
    private void closeAndReopen() throws Exception {
        Throwable closeError = db.close();
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
        }
    }

    /** Ends the run: a crash with a transaction in flight, a crash after a commit, or a clean close. */
    private void finish() throws Exception {
        fs.clearFaults();
        armed = Armed.NONE;
        int r = rnd.nextInt(100);
        if (r < 40) {
            // An open transaction that never committed: not a trace of it may survive.
            db.run("BEGIN");
            List<TreeMap<Long, String>> working = model.copies();
            for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
                Stmt st = statement(working);
                db.run(st.sql(), st.args());
                working.forEach(st.apply());
            }
            note("in-flight transaction left open");
            crash(r < 25 ? CrashMode.SEEDED : r < 32 ? CrashMode.LOSE_ALL : CrashMode.KEEP_ALL);
        } else if (r < 70) {
            crash(r < 60 ? CrashMode.SEEDED : CrashMode.LOSE_ALL);
        } else {
            Throwable closeError = db.close();
            if (closeError != null) {
                throw new AssertionError("clean close failed", closeError);
            }
            note("clean close");
            reopenAndVerify(false);
        }
        Throwable closeError = db.close();
        if (closeError != null) {
            throw new AssertionError("close failed", closeError);
        }
    }

    // ---------------------------------------------------------------- checks

    private SimSession open() {
        return new SimSession(Databases.open(config, fs).block(SimSession.WAIT));
    }

    /** SQLite's check of the durable bytes; returns what SQLite saw. */
    private TreeMap<Long, String> checkSqlite(boolean mustBeCandidate) throws Exception {
        byte[] dbBytes = fs.durableContent(FILE);
        byte[] walBytes = fs.exists(WAL) ? fs.durableContent(WAL) : null;
        SimRows.SqliteView view = SimRows.sqlite(tmp, dbBytes, walBytes);
        verifications++;
        if (!view.integrity().equals(List.of("ok"))) {
            throw new AssertionError("sqlite integrity_check on the durable files: " + view.integrity());
        }
        if (view.rows() == null) {
            throw new AssertionError("sqlite: table t (an acknowledged CREATE) is missing");
        }
        if (mustBeCandidate && !model.contains(view.rows())) {
            throw new AssertionError("sqlite sees a state that is not a committed one: " + model.describe(view.rows()));
        }
        return view.rows();
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
        TreeMap<Long, String> sqlite = checkSqlite(true);
        db = open();
        TreeMap<Long, String> ours = db.rows();
        if (ours == null) {
            throw new AssertionError("ringlite: table t (an acknowledged CREATE) is missing after reopen");
        }
        if (!model.contains(ours)) {
            throw new AssertionError("ringlite sees a state that is not a committed one: " + model.describe(ours));
        }
        if (crashed && !ours.equals(sqlite)) {
            throw new AssertionError("ringlite and sqlite recovered different states: " + SimRows.diff(sqlite, ours));
        }
        checkRingliteIntegrity();
        model.collapse(ours);
        note("verified " + ours.size() + " rows");
    }

    /**
     * Power fails again while Ringlite recovers from the last crash: during the open (WAL
     * recovery) or the close that follows it (checkpoint). No transaction runs, so the committed
     * states stay the same.
     */
    private void crashDuringRecovery() {
        int at = 1 + rnd.nextInt(30);
        for (int i = 0; i < CRASH_WINDOW; i++) {
            fs.failOperation(at + i, Errno.EIO);
        }
        note("armed crash during recovery at file operation " + (fs.operationCount() + at));
        try {
            SimSession recovering = open();
            Throwable closeError = recovering.close();
            note("recovery open ok, close " + (closeError == null ? "ok" : "-> " + closeError.getMessage()));
        } catch (DatabaseException e) {
            note("recovery open -> " + e.code() + ": " + e.getMessage());
        }
        fs.crash(CrashMode.SEEDED);
        fs.clearFaults();
        crashes++;
        note("CRASH SEEDED (during recovery)");
    }

    /**
     * Ringlite's own {@code PRAGMA integrity_check} must say {@code ok}. While the engine does not
     * know the pragma yet (it returns no rows, as SQLite does for an unknown pragma, or refuses
     * PRAGMA as unsupported syntax) the check is skipped: SQLite's verdict above still holds.
     */
    private void checkRingliteIntegrity() {
        List<Object[]> rows;
        try {
            rows = db.run("PRAGMA integrity_check");
        } catch (DatabaseException e) {
            String m = String.valueOf(e.getMessage());
            if (e.code().primary() == ResultCode.ERROR && (m.contains("syntax error") || m.contains("not supported"))) {
                note("ringlite integrity_check unavailable: " + m);
                return;
            }
            throw new AssertionError("ringlite PRAGMA integrity_check failed", e);
        }
        if (rows.isEmpty()) {
            note("ringlite integrity_check unavailable: no rows");
            return;
        }
        List<Object> verdict = rows.stream().map(r -> r[0]).toList();
        if (!verdict.equals(List.of("ok"))) {
            throw new AssertionError("ringlite integrity_check after recovery: " + verdict);
        }
        note("ringlite integrity_check ok");
    }

    // ---------------------------------------------------------------- trace

    private void note(String what) {
        trace.addLast("step " + step + ": " + what);
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
                case String s -> "text(" + s.getBytes(StandardCharsets.UTF_8).length + ")";
                default -> a.toString();
            });
        }
        return sb.append(']').toString();
    }
}
