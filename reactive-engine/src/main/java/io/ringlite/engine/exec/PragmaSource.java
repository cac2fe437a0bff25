package io.ringlite.engine.exec;

import io.ringlite.engine.compile.PragmaPlan;
import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.check.IntegrityCheck;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.WalPager;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a PRAGMA ({@link PragmaPlan}) directly against the session's transaction, the pager and
 * the storage, and emits its rows. Pragmas need no VDBE program of their own: they read or write
 * header fields, run a checkpoint or an integrity check (whose row half is a program the
 * compiler made, run here to its end before any row is emitted).
 *
 * <p>Shape: a state machine. The first {@link #step()} computes the result, returning
 * {@link StepResult#IO} whenever it waits (for the transaction lock, a page read, a checkpoint);
 * everything done before the wait is remembered (the transaction is open, the integrity check
 * keeps its own position, the checkpoint's completion is kept), so the next step resumes. Then
 * one row per step.
 *
 * <p>Transactions: header reads and the integrity checks open a read transaction, setting
 * {@code user_version}, {@code application_id} or {@code schema_version} a write transaction;
 * the runtime ends it like any statement's ({@link StatementHost#finish}). A checkpoint runs
 * outside any transaction of this session, so the WAL can restart afterwards.
 */
final class PragmaSource implements StepSource {
    /** Pages an integrity check reads between two turns of the loop. */
    static final int PAGES_PER_TURN = 256;
    private final EngineSession session;
    private final PragmaPlan plan;
    private List<Object[]> rows;
    private int next;
    private Completion pending;
    private Completion checkpoint;
    private int logBefore;
    private IntegrityCheck check;
    /** The row half of an integrity check while it runs. */
    private volatile Vdbe rowCheck;
    private final List<String> rowMessages = new ArrayList<>();
    private int[] vacuumLeft;
    private volatile boolean interrupted;

    PragmaSource(EngineSession session, PragmaPlan plan) {
        this.session = session;
        this.plan = plan;
    }

    @Override
    public StepResult step() {
        if (interrupted) {
            return StepResult.INTERRUPTED;
        }
        if (pending != null) {
            Completion c = pending;
            pending = null;
            if (c.isFailed() && c != checkpoint) {
                throw asDatabaseException(c.failure());
            }
        }
        if (rows == null) {
            IoStatus s = compute();
            if (s instanceof IoStatus.Pending(Completion c)) {
                pending = c;
                return StepResult.IO;
            }
            if (interrupted) {
                return StepResult.INTERRUPTED;
            }
        }
        if (next >= rows.size()) {
            return StepResult.DONE;
        }
        next++;
        return StepResult.ROW;
    }

    /** Fills {@link #rows}, or returns Pending having remembered how far it got. */
    private IoStatus compute() {
        SessionContext ctx = session.context();
        EngineDatabase db = session.database();
        switch (plan.kind()) {
            case PAGE_SIZE, PAGE_COUNT, FREELIST_COUNT, USER_VERSION, APPLICATION_ID, SCHEMA_VERSION -> {
                IoStatus s = ctx.beginTransaction(plan.writes());
                if (!s.isReady()) {
                    return s;
                }
                if (plan.writes()) {
                    ctx.setCookie(headerOffset(), (int) plan.number());
                    if (plan.kind() == PragmaPlan.Kind.SCHEMA_VERSION) {
                        ctx.schemaChanged();
                    }
                    rows = List.of();
                } else if (plan.set()) {
                    // page_size = N: takes effect on an empty database (written with its first
                    // commit); ignored, as by SQLite, once the database has content or N is invalid.
                    db.storage().walPager().changePageSize((int) plan.number(), 1);
                    rows = List.of();
                } else {
                    rows = one(headerValue(db));
                }
            }
            case AUTO_VACUUM -> {
                IoStatus s = ctx.beginTransaction(plan.writes());
                if (!s.isReady()) {
                    return s;
                }
                if (plan.set()) {
                    // SQLite: NONE <-> FULL/INCREMENTAL only before the first commit; FULL <-> INCREMENTAL always.
                    db.pager().setAutoVacuumMode((int) plan.number());
                    rows = List.of();
                } else {
                    rows = one((long) db.pager().autoVacuumMode());
                }
            }
            case INCREMENTAL_VACUUM -> {
                if (vacuumLeft == null) {
                    IoStatus s = ctx.beginTransaction(true);
                    if (!s.isReady()) {
                        return s;
                    }
                    vacuumLeft = new int[] {(int) plan.number()};
                }
                // The pager counts vacuumLeft down as it goes, so a re-run after I/O continues.
                IoStatus s = db.pager().incrementalVacuum(vacuumLeft);
                if (!s.isReady()) {
                    return s;
                }
                rows = List.of();
            }
            case JOURNAL_MODE -> rows = one(db.storage().isMemory() ? "memory" : "wal");
            case DATA_VERSION -> rows = one(ctx.dataVersion());
            case SYNCHRONOUS -> {
                // Per database (every session): the pager reads the level at each commit and checkpoint.
                WalPager pager = db.storage().walPager();
                if (plan.set()) {
                    int level = (int) plan.number(); // 0..6 as SQLite reports it; 4..6 act as EXTRA
                    pager.synchronous(StorageOptions.Synchronous.values()[Math.min(level, 3)]);
                    db.synchronous(level);
                    rows = List.of();
                } else {
                    rows = one((long) db.synchronous());
                }
            }
            case WAL_AUTOCHECKPOINT -> {
                if (plan.set()) {
                    db.walAutoCheckpoint((int) plan.number());
                }
                rows = one((long) db.walAutoCheckpoint());
            }
            case BUSY_TIMEOUT -> {
                if (plan.set()) {
                    db.locks().busyTimeout(Duration.ofMillis(plan.number()));
                }
                rows = one(db.locks().busyTimeout().toMillis());
            }
            case WAL_CHECKPOINT -> {
                return walCheckpoint(db.storage());
            }
            case INTEGRITY_CHECK, QUICK_CHECK -> {
                return integrityCheck(ctx, db);
            }
            case CONSTANT -> rows = plan.rows();
            case IGNORED -> rows = List.of();
        }
        return IoStatus.READY;
    }

    /**
     * integrity_check / quick_check: first the B-tree half ({@link IntegrityCheck}, its messages
     * in one row as SQLite returns them), then the row half, a VDBE program scanning the rows
     * ({@link PragmaPlan#rowChecks()}, one row per message) with the error budget the first half
     * left. "ok" only if neither found anything. If the row scan itself hits a corrupt page (the
     * B-tree half has reported it already), the check ends with the messages found so far.
     */
    private IoStatus integrityCheck(SessionContext ctx, EngineDatabase db) {
        if (check == null) {
            IoStatus s = ctx.beginTransaction(false);
            if (!s.isReady()) {
                return s;
            }
            check = new IntegrityCheck(db.pager(), plan.roots(), (int) plan.number(), plan.partial());
        }
        if (!check.isFinished()) {
            IoStatus s = check.run(PAGES_PER_TURN);
            if (!s.isReady()) {
                return s;
            }
            if (!check.isFinished()) {
                return letTheLoopTurn(db);
            }
            long left = plan.number() - check.problems().size();
            if (plan.rowChecks() != null && left > 0) {
                rowCheck = new Vdbe(plan.rowChecks(), ctx);
                rowCheck.bind(1, left);
            }
        }
        while (rowCheck != null) {
            StepResult r;
            try {
                r = rowCheck.step();
            } catch (DatabaseException e) {
                if (e.code().primary() != ResultCode.CORRUPT || check.problems().isEmpty()) {
                    throw e;
                }
                r = StepResult.DONE;
            }
            switch (r) {
                case ROW -> rowMessages.add(String.valueOf(rowCheck.row()[0]));
                case IO -> {
                    return IoStatus.pending(rowCheck.pendingIo());
                }
                case DONE -> {
                    rowCheck.close();
                    rowCheck = null;
                }
                case INTERRUPTED -> {
                    interrupted = true;
                    rows = List.of();
                    return IoStatus.READY;
                }
                default -> throw new IllegalStateException("invariant: integrity check program returned " + r);
            }
        }
        List<Object[]> out = new ArrayList<>();
        if (!check.problems().isEmpty()) {
            out.add(new Object[] {check.messages().get(0)});
        }
        for (String m : rowMessages) {
            out.add(new Object[] {m});
        }
        if (out.isEmpty()) {
            out.add(new Object[] {"ok"});
        }
        rows = out;
        return IoStatus.READY;
    }

    /**
     * SQLite's result row {@code busy, log, checkpointed}: log is the WAL's frame count, checkpointed
     * the frames copied into the database; -1, -1 for a database without a WAL. Ringlite copies every
     * committed frame and restarts the WAL when nobody reads it, so RESTART and TRUNCATE are busy (1)
     * only when a transaction kept the WAL from restarting; TRUNCATE reports 0, 0 after a restart.
     */
    private IoStatus walCheckpoint(Storage storage) {
        if (storage.isMemory()) {
            rows = one(0L, -1L, -1L);
            return IoStatus.READY;
        }
        if (checkpoint == null) {
            logBefore = storage.walPager().walFrames();
            checkpoint = storage.checkpoint();
            if (!checkpoint.isDone()) {
                return IoStatus.pending(checkpoint);
            }
        }
        if (checkpoint.isFailed()) {
            throw asDatabaseException(checkpoint.failure());
        }
        PragmaPlan.CheckpointMode mode = PragmaPlan.CheckpointMode.values()[(int) plan.number()];
        boolean restarted = storage.walPager().walFrames() == 0;
        long log = logBefore;
        rows = switch (mode) {
            case PASSIVE, FULL -> one(0L, log, log);
            case RESTART -> one(restarted ? 0L : 1L, log, log);
            case TRUNCATE -> restarted ? one(0L, 0L, 0L) : one(1L, log, log);
        };
        return IoStatus.READY;
    }

    /**
     * Pending until the loop has run whatever else was queued: a long check over cached pages lets
     * cancellation and other sessions in (as {@link YieldingBTreeStore} does for scans).
     */
    private static IoStatus letTheLoopTurn(EngineDatabase db) {
        Completion later = new Completion();
        try {
            db.loop().execute(() -> later.complete(0));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return IoStatus.pending(Completion.completed(0));
        }
        return IoStatus.pending(later);
    }

    private int headerOffset() {
        return switch (plan.kind()) {
            case USER_VERSION -> DatabaseHeader.OFF_USER_VERSION;
            case APPLICATION_ID -> DatabaseHeader.OFF_APPLICATION_ID;
            case SCHEMA_VERSION -> DatabaseHeader.OFF_SCHEMA_COOKIE;
            case FREELIST_COUNT -> DatabaseHeader.OFF_FREELIST_COUNT;
            default -> throw new IllegalStateException("invariant: no header field for " + plan.kind());
        };
    }

    private Object headerValue(EngineDatabase db) {
        return switch (plan.kind()) {
            case PAGE_SIZE -> (long) db.pager().pageSize();
            // sqlite3 counts the pages of the file: none before the first commit of a new database
            case PAGE_COUNT -> db.storage().walPager().isEmpty() ? 0L : (long) db.pager().pageCount();
            default -> (long) db.pager().headerInt(headerOffset());
        };
    }

    private static List<Object[]> one(Object... values) {
        List<Object[]> out = new ArrayList<>(1);
        out.add(values);
        return out;
    }

    private static DatabaseException asDatabaseException(Throwable t) {
        if (t instanceof DatabaseException e) {
            return e;
        }
        return new DatabaseException(ResultCode.IOERR, "disk I/O error", t);
    }

    @Override
    public Completion pendingIo() {
        return pending;
    }

    @Override
    public Object[] row() {
        return rows.get(next - 1).clone();
    }

    @Override
    public long changes() {
        return 0;
    }

    @Override
    public void interrupt() {
        interrupted = true;
        Vdbe v = rowCheck;
        if (v != null) {
            v.interrupt();
        }
    }

    @Override
    public void close() {
        Vdbe v = rowCheck;
        if (v != null) {
            rowCheck = null;
            v.close();
        }
    }
}
