package io.ringlite.storage.pager;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.lock.FileLocks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * Rolls back a hot rollback journal ({@code NAME-journal}) left by a crashed SQLite writer in
 * rollback-journal mode, as SQLite itself would before reading the file ("Database File Format"
 * section 3, "The Rollback Journal").
 *
 * <p>The journal is a sequence of segments, each a header padded to the sector size followed by
 * page records. Header (big-endian):
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+------------------------------------------------------------------
 *    0   |   8  | magic d9 d5 05 f9 20 a1 63 d7
 *    8   |   4  | number of page records in this segment; -1: up to the end of file
 *   12   |   4  | nonce for the page checksums
 *   16   |   4  | database size in pages before the transaction began
 *   20   |   4  | sector size (the header occupies one sector)
 *   24   |   4  | page size
 * </pre>
 * Page record:
 * <pre>
 * OFFSET | SIZE     | DESCRIPTION
 * -------+----------+--------------------------------------------------------------
 *    0   |   4      | page number
 *    4   | pageSize | the page's original content
 * 4+ps   |   4      | checksum: nonce + the bytes at ps-200, ps-400, ... (unsigned)
 * </pre>
 *
 * <p>Playback writes every record whose checksum matches (a mismatch marks the torn end of the
 * journal, after which nothing was changed in the database), truncates the database to its
 * original size, syncs it, and only then lets the caller delete the journal: until the sync the
 * journal must stay, so a crash during playback replays it again (playback is idempotent).
 *
 * <p>Hostile or half-written journals, following SQLite's reading of the header: a header whose
 * page size (a power of two in [512, 65536]) or sector size (a power of two in [32, 65536]) is
 * out of range ends playback before its records, so an invalid first header means the journal
 * is not hot at all (nothing restored, nothing truncated). The original size is unsigned and
 * only ever shrinks the file; it never extends it.
 */
public final class HotJournal {
    private static final long MAGIC = 0xd9d505f920a163d7L;
    private static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final AsyncFile journal;
    private final AsyncFile db;
    private final Arena arena = Arena.ofAuto();
    private final long journalSize;
    private int pageSize;
    /** The database size in pages before the transaction (unsigned on disk); -1: no valid header. */
    private long originalPages = -1;
    private int restored;
    /** Pages already played back: only the first image of a page is its original content. */
    private final Set<Integer> played = new HashSet<>(); // not a BitSet: page numbers come from the file

    public HotJournal(AsyncFile journal, AsyncFile db) {
        this.journal = journal;
        this.db = db;
        this.journalSize = journal.size();
    }

    /** True if the journal could hold a transaction to roll back (non-empty, header not zeroed). */
    public static boolean mayBeHot(AsyncFile journal) {
        return journal.size() >= 28;
    }

    /** Pages written back by {@link #rollback()}. */
    public int restoredPages() {
        return restored;
    }

    /**
     * Plays the journal back into the database file. Completes with the number of pages
     * restored (0 when the journal turned out not to be hot: zeroed or foreign header).
     */
    public Completion rollback() {
        Completion done = new Completion();
        segment(0, done);
        return done;
    }

    private void segment(long headerOffset, Completion done) {
        if (headerOffset + 28 > journalSize) {
            finish(done);
            return;
        }
        MemorySegment h = arena.allocate(28);
        Completion read = journal.read(headerOffset, h);
        read.whenDone(() -> {
            if (read.isFailed()) {
                done.fail(read.failure());
                return;
            }
            if (read.result() < 28 || h.get(BE_LONG, 0) != MAGIC) {
                finish(done);
                return;
            }
            int nRec = h.get(BE_INT, 8);
            int nonce = h.get(BE_INT, 12);
            int dbPagesBefore = h.get(BE_INT, 16);
            int sector = h.get(BE_INT, 20);
            int ps = h.get(BE_INT, 24);
            // A page or sector size out of range means the writer crashed before this header
            // was synced: playback ends here, before the records it announces (SQLite reads
            // every journal header this way). For the first header the journal is then not
            // played back at all and the database is not truncated; the caller deletes it.
            if (!validPageSize(ps) || !validSectorSize(sector) || headerOffset > 0 && ps != pageSize) {
                finish(done);
                return;
            }
            if (headerOffset == 0) {
                pageSize = ps;
                originalPages = Integer.toUnsignedLong(dbPagesBefore);
            }
            long recordSize = pageSize + 8L;
            long first = headerOffset + sector;
            long records = nRec == -1 ? Math.max(0, (journalSize - first) / recordSize) : Integer.toUnsignedLong(nRec);
            int sectorSize = sector;
            records(first, 0, records, recordSize, nonce, sectorSize, done);
        });
    }

    private void records(long offset, long index, long count, long recordSize, int nonce, int sector,
                         Completion done) {
        if (index >= count) {
            long next = offset + ((sector - (offset % sector)) % sector);
            segment(next, done);
            return;
        }
        if (offset + recordSize > journalSize) {
            finish(done);
            return;
        }
        MemorySegment rec = arena.allocate(recordSize);
        Completion read = journal.read(offset, rec);
        read.whenDone(() -> {
            if (read.isFailed()) {
                done.fail(read.failure());
                return;
            }
            int pgno = rec.get(BE_INT, 0);
            MemorySegment page = rec.asSlice(4, pageSize);
            int sum = nonce;
            for (int x = pageSize - 200; x >= 0; x -= 200) {
                sum += Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, x));
            }
            if (read.result() < recordSize || sum != rec.get(BE_INT, 4L + pageSize) || pgno <= 0
                    || pgno == lockBytePage()) {
                // Torn record: the transaction never got further, so neither did the database.
                // No database page is 0 or the lock-byte page, so SQLite ends playback at such a
                // record as well.
                finish(done);
                return;
            }
            if (pgno > originalPages || played.contains(pgno)) {
                records(offset + recordSize, index + 1, count, recordSize, nonce, sector, done);
                return;
            }
            played.add(pgno);
            Completion write = db.write((pgno - 1L) * pageSize, page);
            write.whenDone(() -> {
                if (write.isFailed()) {
                    done.fail(write.failure());
                    return;
                }
                restored++;
                records(offset + recordSize, index + 1, count, recordSize, nonce, sector, done);
            });
        });
    }

    /** The page holding the lock bytes, which SQLite never uses (file format section 1.3.2). */
    private int lockBytePage() {
        return FileLocks.lockBytePage(pageSize);
    }

    static boolean validPageSize(int ps) {
        return ps >= 512 && ps <= 65536 && Integer.bitCount(ps) == 1;
    }

    static boolean validSectorSize(int sector) {
        return sector >= 32 && sector <= 65536 && Integer.bitCount(sector) == 1;
    }

    private void finish(Completion done) {
        if (originalPages < 0) {
            done.complete(0);
            return;
        }
        // Only shrink: pages past the original end were added by the transaction. A file that
        // is already no longer than the original size is left as it is, whatever size the
        // header claims (a hostile header must not make us allocate or extend anything).
        long originalBytes = originalPages * pageSize;
        Completion truncated = db.size() > originalBytes ? db.truncate(originalBytes) : Completion.completed(0);
        truncated.whenDone(() -> {
            if (truncated.isFailed()) {
                done.fail(truncated.failure());
                return;
            }
            Completion synced = db.sync(false);
            synced.whenDone(() -> {
                if (synced.isFailed()) {
                    done.fail(synced.failure());
                } else {
                    done.complete(restored);
                }
            });
        });
    }
}
