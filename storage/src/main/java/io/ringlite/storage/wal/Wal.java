package io.ringlite.storage.wal;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One database's write-ahead log file: recovery, appending committed transactions, reading
 * frames, and restarting after a checkpoint. Byte layout: {@link WalFormat}.
 *
 * <p>Definitions: <em>max frame</em> is the last frame of the last published commit; only frames
 * {@code <= maxFrame} are visible to readers, through the {@link WalIndex}.
 *
 * <p>Invariants:
 * <ol>
 *   <li>A commit is published (index, max frame, running checksum, db size) only after every
 *       one of its writes completed and, with {@code syncOnCommit}, after the sync that follows
 *       them completed. A failed commit publishes nothing; its frames on disk lie beyond max frame
 *       and are overwritten by the next commit (recovery would only accept them if they were
 *       complete and chained, i.e. exactly as a fully written commit).</li>
 *   <li>Every frame buffer handed to the file stays referenced by the backend until its write
 *       completes (AsyncFile contract); this class never reuses one.</li>
 *   <li>When {@code maxFrame == 0} the next commit writes a new header with fresh salts, so no
 *       frame of an earlier generation can ever validate against it.</li>
 * </ol>
 *
 * <p>States: {@code EMPTY --recover()/append()--> HAS_FRAMES --restart()--> EMPTY}.
 */
public final class Wal {
    /** Frames read per I/O during recovery. */
    private static final int RECOVERY_CHUNK_FRAMES = 64;

    private final AsyncFile file;
    private int pageSize;
    /** Sync after a commit's writes (synchronous FULL/EXTRA); read by every {@link #append}. */
    private boolean syncOnCommit;
    private final SplittableRandom random;
    private final WalIndex index = new WalIndex();
    private final Arena arena = Arena.ofAuto();

    private WalFormat.Header header;
    /** True once {@link #header} is on disk for the current generation. */
    private boolean headerOnDisk;
    private long checksum;
    private int maxFrame;
    private int dbSize;

    public Wal(AsyncFile file, int pageSize, boolean syncOnCommit, long saltSeed) {
        this.file = file;
        this.pageSize = pageSize;
        this.syncOnCommit = syncOnCommit;
        this.random = new SplittableRandom(saltSeed);
        this.header = freshHeader(0, random.nextInt());
    }

    /**
     * Whether the next commits sync the log before they are published (PRAGMA synchronous,
     * changeable at any time between commits; a commit in flight keeps the level it started with).
     */
    public void syncOnCommit(boolean sync) {
        this.syncOnCommit = sync;
    }

    /**
     * Changes the page size of a log that holds nothing yet (PRAGMA page_size on an empty
     * database): only before the first header was written.
     */
    public void changePageSize(int n) {
        if (!isPristine()) {
            throw new IllegalStateException("invariant: page size change of a log that has a header on disk");
        }
        pageSize = n;
        header = freshHeader(header.checkpointSeq(), header.salt1());
    }

    /** No header was written or recovered yet (nothing fixes the page size). */
    public boolean isPristine() {
        return maxFrame == 0 && !headerOnDisk;
    }

    public AsyncFile file() {
        return file;
    }

    public int maxFrame() {
        return maxFrame;
    }

    /** Database size in pages after the last published commit, or 0 if the log has none. */
    public int dbSize() {
        return dbSize;
    }

    public WalIndex index() {
        return index;
    }

    public WalFormat.Header header() {
        return header;
    }

    /** The newest frame {@code <= snapshot} holding {@code page}, or 0. */
    public int findFrame(int page, int snapshot) {
        return index.lookup(page, snapshot);
    }

    /** Reads the page image of {@code frame} into {@code dst} (pageSize bytes). */
    public Completion readPage(int frame, MemorySegment dst) {
        assert frame >= 1 && frame <= maxFrame;
        return file.read(WalFormat.framePageOffset(frame, pageSize), dst);
    }

    /**
     * Reads the whole frame {@code frame} (24-byte header + page image) into {@code dst}: the
     * unit that WAL shipping copies elsewhere, checksum included.
     */
    public Completion readFrame(int frame, MemorySegment dst) {
        if (frame < 1 || frame > maxFrame || dst.byteSize() < WalFormat.FRAME_HEADER_SIZE + pageSize) {
            throw new IllegalArgumentException("frame " + frame + " of " + maxFrame + " into " + dst.byteSize() + " bytes");
        }
        return file.read(WalFormat.frameOffset(frame, pageSize), dst.asSlice(0, WalFormat.FRAME_HEADER_SIZE + pageSize));
    }

    /**
     * Recovers the log from the file: validates the header, then every frame's salts and
     * cumulative checksum, and keeps the frames up to the last valid commit frame. The result is
     * {@link #maxFrame()} frames indexed. A missing, short or invalid header means an empty log
     * (SQLite ignores such a log too). A log whose page size differs from the database's is
     * ignored as well, since its frames cannot belong to this database.
     */
    public Completion recover() {
        index.clear();
        maxFrame = 0;
        dbSize = 0;
        headerOnDisk = false;
        Completion done = new Completion();
        long size = file.size();
        if (size < WalFormat.HEADER_SIZE) {
            header = freshHeader(0, random.nextInt());
            done.complete(0);
            return done;
        }
        MemorySegment hbuf = arena.allocate(WalFormat.HEADER_SIZE);
        Completion headerRead = file.read(0, hbuf);
        headerRead.whenDone(() -> {
            if (headerRead.isFailed()) {
                done.fail(headerRead.failure());
                return;
            }
            WalFormat.Header h = WalFormat.Header.parse(hbuf);
            if (h == null || h.pageSize() != pageSize) {
                header = freshHeader(0, random.nextInt());
                done.complete(0);
                return;
            }
            header = h;
            headerOnDisk = true;
            checksum = h.checksum();
            long frames = (size - WalFormat.HEADER_SIZE) / (WalFormat.FRAME_HEADER_SIZE + pageSize);
            readFrames(1, (int) Math.min(frames, Integer.MAX_VALUE - 1), h.checksum(), done);
        });
        return done;
    }

    /** Reads and verifies frames {@code from..total} chunk by chunk; completes {@code done}. */
    private void readFrames(int from, int total, long runningChecksum, Completion done) {
        if (from > total) {
            index.truncate(maxFrame);
            done.complete(maxFrame);
            return;
        }
        int count = Math.min(RECOVERY_CHUNK_FRAMES, total - from + 1);
        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        MemorySegment buf = arena.allocate((long) count * frameSize);
        Completion chunkRead = file.read(WalFormat.frameOffset(from, pageSize), buf);
        chunkRead.whenDone(() -> {
            if (chunkRead.isFailed()) {
                done.fail(chunkRead.failure());
                return;
            }
            // A short read means the file ended mid-chunk: only whole frames count.
            int whole = (int) Math.min(count, chunkRead.result() / frameSize);
            long running = runningChecksum;
            boolean[] valid = new boolean[1];
            // Frames past the last commit frame are indexed tentatively and dropped if no later
            // commit frame validates them: remember where the last commit ended.
            for (int i = 0; i < whole; i++) {
                long off = (long) i * frameSize;
                running = WalFormat.verifyFrame(buf, off, header, running, valid);
                if (!valid[0]) {
                    index.truncate(maxFrame);
                    done.complete(maxFrame);
                    return;
                }
                int frame = index.append(WalFormat.getInt(buf, off));
                assert frame == from + i;
                int commitSize = WalFormat.getInt(buf, off + 4);
                if (commitSize != 0) {
                    maxFrame = frame;
                    dbSize = commitSize;
                    checksum = running;
                }
            }
            readFrames(whole < count ? total + 1 : from + count, total, running, done);
        });
    }

    /**
     * Appends one committed transaction: {@code pages[i]} (page number {@code numbers[i]}, each
     * {@code pageSize} bytes) as frames after max frame, the last one a commit frame carrying
     * {@code dbSizeAfter}. Every write is started at once; the sync (with {@code syncOnCommit})
     * is started only after all of them completed; the commit is published last. The page
     * images are copied into frame buffers before this method returns, so the caller may change
     * the pages afterwards.
     */
    public Completion append(int[] numbers, MemorySegment[] pages, int count, int dbSizeAfter) {
        if (count == 0 || dbSizeAfter <= 0) {
            throw new IllegalStateException("invariant: commit of " + count + " frames, db size " + dbSizeAfter);
        }
        List<Completion> writes = new ArrayList<>(count + 1);
        WalFormat.Header h = header;
        if (maxFrame == 0 && headerOnDisk) {
            // Restart the log: new salts invalidate every frame of the previous generation.
            h = freshHeader(header.checkpointSeq() + 1, header.salt1() + 1);
        }
        boolean writeHeader = maxFrame == 0;
        if (writeHeader) {
            MemorySegment hbuf = arena.allocate(WalFormat.HEADER_SIZE);
            h = h.write(hbuf);
            writes.add(file.write(0, hbuf));
        }
        long running = writeHeader ? h.checksum() : checksum;
        int frameSize = WalFormat.FRAME_HEADER_SIZE + pageSize;
        for (int i = 0; i < count; i++) {
            MemorySegment frame = arena.allocate(frameSize, 8);
            MemorySegment.copy(pages[i], 0, frame, WalFormat.FRAME_HEADER_SIZE, pageSize);
            int commitSize = i == count - 1 ? dbSizeAfter : 0;
            running = WalFormat.writeFrameHeader(frame, h, numbers[i], commitSize, running);
            writes.add(file.write(WalFormat.frameOffset(maxFrame + 1 + i, pageSize), frame));
        }
        Completion published = new Completion();
        WalFormat.Header newHeader = h;
        long newChecksum = running;
        int[] frames = numbers.clone();
        boolean syncThisCommit = syncOnCommit;
        Completion.all(writes).whenDone(() -> {
            Throwable writeFailure = firstFailure(writes);
            if (writeFailure != null) {
                published.fail(writeFailure);
                return;
            }
            Runnable publish = () -> {
                header = newHeader;
                headerOnDisk = true;
                checksum = newChecksum;
                for (int i = 0; i < count; i++) {
                    index.append(frames[i]);
                }
                maxFrame += count;
                assert index.size() == maxFrame;
                dbSize = dbSizeAfter;
                published.complete(count);
            };
            if (!syncThisCommit) {
                publish.run();
                return;
            }
            Completion sync = file.sync(true);
            sync.whenDone(() -> {
                if (sync.isFailed()) {
                    published.fail(sync.failure());
                } else {
                    publish.run();
                }
            });
        });
        return published;
    }

    /** Syncs the log (before a checkpoint copies its frames into the database file). */
    public Completion sync() {
        return file.sync(true);
    }

    /**
     * Starts a new generation after a complete checkpoint: truncates the file and forgets every
     * frame. The new header (checkpoint sequence + 1, salt-1 + 1, new salt-2) is written with the
     * next commit. The caller guarantees no reader needs a frame and no commit is in flight.
     *
     * <p>With {@code sync} the truncation is synced before the completion is done. Without it, a
     * crash could keep the old header and some old frames while the next generation's unsynced
     * frames overwrote others: recovery would then replay an old prefix of commits over a database
     * file that already holds their successors (the case SQLite guards against by syncing a new
     * WAL header before any frame follows it). Commits that do not sync (synchronous=NORMAL)
     * depend on this; with FULL it is what makes the first commit's single sync sufficient.
     */
    public Completion restart(boolean sync) {
        index.clear();
        maxFrame = 0;
        dbSize = 0;
        Completion truncated = file.truncate(0);
        if (!sync) {
            return truncated;
        }
        Completion done = new Completion();
        truncated.whenDone(() -> {
            if (truncated.isFailed()) {
                done.fail(truncated.failure());
                return;
            }
            Completion synced;
            try {
                synced = file.sync(true);
            } catch (RuntimeException e) {
                done.fail(e);
                return;
            }
            synced.whenDone(() -> {
                if (synced.isFailed()) {
                    done.fail(synced.failure());
                } else {
                    done.complete(0);
                }
            });
        });
        return done;
    }

    private WalFormat.Header freshHeader(int checkpointSeq, int salt1) {
        // sqlite3 writes the magic of its native byte order; so do we, to stay byte-comparable.
        boolean bigEndian = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
        return new WalFormat.Header(bigEndian, pageSize, checkpointSeq, salt1, random.nextInt(), 0);
    }

    private static Throwable firstFailure(List<Completion> parts) {
        for (Completion c : parts) {
            if (c.isFailed()) {
                return c.failure();
            }
        }
        return null;
    }
}
