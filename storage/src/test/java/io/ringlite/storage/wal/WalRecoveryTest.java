package io.ringlite.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.pager.CrashStates;
import io.ringlite.storage.pager.TestIo;
import io.ringlite.storage.pager.WalPager;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recovery of WALs written by real SQLite (fixtures made by sqlite3 3.40). */
class WalRecoveryTest {
    @TempDir
    Path dir;

    /** What SQLite itself recovers from the fixture: max frame and page count. */
    private record SqliteView(int maxFrame, int pageCount) {
    }

    private static SqliteView sqliteRecovers(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement()) {
            int pages;
            try (ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                pages = rs.getInt(1);
            }
            // A passive checkpoint reports the log's size in frames (its max frame) and copies it.
            try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                rs.next();
                return new SqliteView(rs.getInt(2), pages);
            }
        }
    }

    private Path original;

    /** A fresh copy of the crash state {@code id} (see {@link CrashStates#make}) in {@code sub}. */
    private Path copy(String id, String sub) throws Exception {
        if (original == null) {
            original = CrashStates.make(id, dir.resolve("original"));
        }
        return CrashStates.copy(original, dir.resolve(sub));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixture:wal-uncheckpointed.db", "fixture:wal-torn-tail.db", "made:uncheckpointed", "made:torn"})
    void recoveryFindsTheSameMaxFrameAndPagesAsSqlite(String fixture) throws Exception {
        Path theirs = copy(fixture, "sqlite");
        long walBytes = Files.size(Path.of(theirs + "-wal"));
        SqliteView expected = sqliteRecovers(theirs);
        assertThat(expected.maxFrame()).as("the WAL holds commits").isPositive();
        if (fixture.contains("torn")) {
            long framesInFile = (walBytes - WalFormat.HEADER_SIZE) / (WalFormat.FRAME_HEADER_SIZE + 4096);
            assertThat(framesInFile).as("the torn commit left frames past the last valid commit")
                    .isGreaterThan(expected.maxFrame());
        }
        // After SQLite's checkpoint and close, its database file holds every recovered page.
        byte[] checkpointed = Files.readAllBytes(theirs);

        Path ours = copy(fixture, "ringlite");
        IoBackend io = IoBackends.create(IoKind.PORTABLE);
        Storage storage = Storage.open(io, ours, StorageOptions.defaults().withReadOnly(true));
        TestIo.await(io, storage.start());
        WalPager pager = storage.walPager();

        assertThat(pager.walFrames()).isEqualTo(expected.maxFrame());
        assertThat(pager.pageCount()).isEqualTo(expected.pageCount());
        int ps = pager.pageSize();
        for (int n = 1; n <= pager.pageCount(); n++) {
            int page = n;
            TestIo.ready(io, () -> pager.fetch(page));
            byte[] mine = pager.get(n).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            byte[] sqlite = Arrays.copyOfRange(checkpointed, (n - 1) * ps, n * ps);
            assertThat(mine).as("page %d", n).isEqualTo(sqlite);
        }
        TestIo.await(io, storage.close());
        io.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixture:wal-uncheckpointed.db", "fixture:wal-torn-tail.db", "made:uncheckpointed", "made:torn"})
    void frameChecksumsMatchTheOnesSqliteWrote(String fixture) throws Exception {
        Path theirs = copy(fixture, "sqlite");
        byte[] walBytes = Files.readAllBytes(Path.of(theirs + "-wal"));
        int validFrames = sqliteRecovers(copy(fixture, "oracle")).maxFrame();
        MemorySegment wal = MemorySegment.ofArray(walBytes);
        WalFormat.Header header = WalFormat.Header.parse(wal.asSlice(0, WalFormat.HEADER_SIZE));
        assertThat(header).isNotNull();
        int frameSize = WalFormat.FRAME_HEADER_SIZE + header.pageSize();
        long running = header.checksum();
        for (int f = 1; f <= validFrames; f++) {
            long off = WalFormat.frameOffset(f, header.pageSize());
            MemorySegment frame = MemorySegment.ofArray(Arrays.copyOfRange(walBytes, (int) off, (int) off + frameSize));
            byte[] original = frame.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            running = WalFormat.writeFrameHeader(frame, header, WalFormat.getInt(frame, 0),
                    WalFormat.getInt(frame, 4), running);
            assertThat(frame.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).as("frame %d", f).isEqualTo(original);
        }
    }
}
