package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Playback of a hot rollback journal, with hand-made journals: only a header SQLite would accept
 * is played back, and playback only ever shrinks the database file.
 */
class HotJournalTest {
    private static final Path DB = Path.of("/hj/test.db");
    private static final Path JOURNAL = Path.of("/hj/test.db-journal");
    private static final int PS = 512;

    /** A database of {@code pages} pages; page n is filled with the byte n. */
    private static byte[] database(int pages) {
        byte[] db = new byte[pages * PS];
        for (int p = 1; p <= pages; p++) {
            Arrays.fill(db, (p - 1) * PS, p * PS, (byte) p);
        }
        return db;
    }

    /**
     * A one-segment journal: header (count, nonce 7, original size, sector, page size 512) padded
     * to 512 bytes, then one record per page in {@code pages}, each holding a page of 0x55 bytes
     * with a correct checksum.
     */
    private static byte[] journal(int count, int originalPages, int sector, int... pages) {
        int nonce = 7;
        ByteBuffer b = ByteBuffer.allocate(512 + pages.length * (PS + 8));
        b.putLong(0xd9d505f920a163d7L).putInt(count).putInt(nonce).putInt(originalPages).putInt(sector).putInt(PS);
        b.position(512);
        int sum = nonce;
        for (int x = PS - 200; x >= 0; x -= 200) {
            sum += 0x55;
        }
        for (int page : pages) {
            b.putInt(page);
            for (int i = 0; i < PS; i++) {
                b.put((byte) 0x55);
            }
            b.putInt(sum);
        }
        return b.array();
    }

    private record Outcome(long restored, byte[] db) {
    }

    private static Outcome playBack(byte[] db, byte[] journal) {
        SimulatedFileSystem fs = new SimulatedFileSystem(3);
        fs.putFile(DB, db);
        fs.putFile(JOURNAL, journal);
        IoBackend io = IoBackends.simulated(fs);
        AsyncFile dbFile = io.open(DB, false, false);
        AsyncFile journalFile = io.open(JOURNAL, false, false);
        long restored = TestIo.await(io, new HotJournal(journalFile, dbFile).rollback());
        return new Outcome(restored, fs.content(DB));
    }

    private static byte[] page(byte[] db, int n) {
        return Arrays.copyOfRange(db, (n - 1) * PS, n * PS);
    }

    @Test
    void validJournalRestoresPagesAndShrinksTheFileToItsOriginalSize() {
        Outcome o = playBack(database(4), journal(1, 3, 512, 2));

        assertThat(o.restored()).isEqualTo(1);
        assertThat(o.db()).hasSize(3 * PS);
        assertThat(page(o.db(), 2)).containsOnly(0x55);
        assertThat(page(o.db(), 3)).containsOnly(3);
    }

    @ParameterizedTest(name = "sector size {0}")
    @ValueSource(ints = {0, -1, 16, 100, 513, 131072})
    void journalWithAnInvalidSectorSizeIsNotPlayedBack(int sector) {
        byte[] before = database(4);

        Outcome o = playBack(before, journal(1, 2, sector, 2));

        // SQLite stops at a header whose sector size is not a power of two in [32, 65536]:
        // the first header, so nothing is restored and nothing is truncated.
        assertThat(o.restored()).isZero();
        assertThat(o.db()).isEqualTo(before);
    }

    @Test
    void hugeOriginalSizeNeverExtendsTheFile() {
        byte[] before = database(4);

        Outcome o = playBack(before, journal(1, 0x7FFF_FFFF, 512, 2));

        assertThat(o.restored()).isEqualTo(1);
        assertThat(o.db()).hasSize(before.length);
        assertThat(page(o.db(), 2)).containsOnly(0x55);
        assertThat(page(o.db(), 4)).containsOnly(4);
    }

    @Test
    void originalSizeAboveTwoToTheThirtyOneIsReadUnsignedAndNeverExtendsTheFile() {
        byte[] before = database(4);

        Outcome o = playBack(before, journal(1, 0xFFFF_FFF0, 512, 3));

        assertThat(o.db()).hasSize(before.length);
        assertThat(page(o.db(), 3)).containsOnly(0x55);
    }

    @Test
    void recordForAPageFarPastTheEndIsSkippedWithoutAllocatingForIt() {
        byte[] before = database(4);

        Outcome o = playBack(before, journal(2, 4, 512, 0x7FFF_FFFF, 2));

        assertThat(o.restored()).isEqualTo(1);
        assertThat(o.db()).hasSize(before.length);
        assertThat(page(o.db(), 2)).containsOnly(0x55);
    }

    @Test
    void recordForTheLockBytePageEndsPlaybackAsInSqlite() {
        byte[] before = database(4);
        int lockBytePage = 0x4000_0000 / PS + 1;

        Outcome o = playBack(before, journal(3, 0x7FFF_FFFF, 512, 2, lockBytePage, 3));

        assertThat(o.restored()).isEqualTo(1);
        assertThat(o.db()).hasSize(before.length);
        assertThat(page(o.db(), 2)).containsOnly(0x55);
        assertThat(page(o.db(), 3)).containsOnly(3);
    }
}
