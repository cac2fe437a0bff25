package io.ringlite.storage.wal;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The copying half of a checkpoint: writes the newest version of every page in frames
 * {@code 1..maxFrame} of the log into the database file, in the order that keeps a crash at any
 * point harmless.
 *
 * <p>Ordering (each step starts only after the previous one completed):
 * <ol>
 *   <li>sync the WAL: the database file is about to be overwritten from it, so its frames must
 *       be durable first (with {@code synchronous=NORMAL} commits did not sync);</li>
 *   <li>copy pages, {@value #BATCH} reads-then-writes in flight at a time;</li>
 *   <li>truncate the database file to the committed size, if it is larger;</li>
 *   <li>sync the database file.</li>
 * </ol>
 * A crash before the end leaves the WAL intact, and recovery plus a later checkpoint redo the
 * copy (it is idempotent). Restarting the log afterwards is the pager's decision (it knows
 * whether readers still need the frames).
 */
public final class WalBackfill {
    /** Pages copied concurrently. */
    static final int BATCH = 32;

    private final Wal wal;
    private final AsyncFile db;
    private final int pageSize;
    private final boolean sync;
    private final int[] pages;
    private final int[] frames;
    private final int count;
    private final int dbSize;
    private final Arena arena = Arena.ofAuto();
    private final Completion done = new Completion();

    private WalBackfill(Wal wal, AsyncFile db, int pageSize, int maxFrame, int dbSize, boolean sync) {
        this.wal = wal;
        this.db = db;
        this.pageSize = pageSize;
        this.sync = sync;
        this.dbSize = dbSize;
        WalIndex index = wal.index();
        this.pages = new int[maxFrame];
        this.frames = new int[maxFrame];
        int n = 0;
        for (int f = 1; f <= maxFrame; f++) {
            int page = index.pageOf(f);
            if (index.lookup(page, maxFrame) == f && page <= dbSize) {
                pages[n] = page;
                frames[n] = f;
                n++;
            }
        }
        this.count = n;
    }

    /**
     * Copies frames {@code 1..maxFrame} (the state of a commit whose database size is
     * {@code dbSize} pages) into {@code db}. Syncs only when {@code sync}. Completes with the
     * number of pages written, or fails with the first I/O error.
     */
    public static Completion run(Wal wal, AsyncFile db, int pageSize, int maxFrame, int dbSize, boolean sync) {
        WalBackfill b = new WalBackfill(wal, db, pageSize, maxFrame, dbSize, sync);
        Completion walSynced = sync ? wal.sync() : Completion.completed(0);
        walSynced.whenDone(() -> {
            if (walSynced.isFailed()) {
                b.done.fail(walSynced.failure());
            } else {
                b.guarded(() -> b.copy(0));
            }
        });
        return b.done;
    }

    private void copy(int from) {
        if (from >= count) {
            finish();
            return;
        }
        int end = Math.min(count, from + BATCH);
        List<Completion> copies = new ArrayList<>(end - from);
        for (int i = from; i < end; i++) {
            MemorySegment seg = arena.allocate(pageSize, Math.min(pageSize, 4096));
            long offset = (pages[i] - 1L) * pageSize;
            Completion copied = new Completion();
            copies.add(copied);
            Completion read = wal.readPage(frames[i], seg);
            read.whenDone(() -> {
                if (read.isFailed()) {
                    copied.fail(read.failure());
                    return;
                }
                Completion write = db.write(offset, seg);
                write.whenDone(() -> {
                    if (write.isFailed()) {
                        copied.fail(write.failure());
                    } else {
                        copied.complete(pageSize);
                    }
                });
            });
        }
        Completion batch = Completion.all(copies);
        batch.whenDone(() -> {
            if (batch.isFailed()) {
                done.fail(batch.failure());
            } else {
                guarded(() -> copy(end));
            }
        });
    }

    /**
     * Runs a step that starts I/O from inside a completion callback. A file whose handle went
     * bad (after a crash of the simulated machine, say) may throw instead of failing a
     * completion; the checkpoint must then fail, not leave {@code done} pending forever.
     */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (!done.isDone()) {
                done.fail(e);
            }
        }
    }

    private void finish() {
        long size = (long) dbSize * pageSize;
        Completion truncated = db.size() > size ? db.truncate(size) : Completion.completed(0);
        truncated.whenDone(() -> {
            if (truncated.isFailed()) {
                done.fail(truncated.failure());
                return;
            }
            Completion synced = sync ? db.sync(false) : Completion.completed(0);
            synced.whenDone(() -> {
                if (synced.isFailed()) {
                    done.fail(synced.failure());
                } else {
                    done.complete(count);
                }
            });
        });
    }
}
