package io.ringlite.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.pager.CrashStates;
import io.ringlite.storage.pager.Page;
import io.ringlite.storage.pager.TablePages;
import io.ringlite.storage.pager.TestIo;
import io.ringlite.storage.pager.WalPager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Files crossing between the pager and real SQLite (sqlite-jdbc, and the sqlite3 CLI as another process). */
class StorageInteropTest {
    @TempDir
    Path dir;

    private final IoBackend io = IoBackends.create(IoKind.PORTABLE);

    @AfterEach
    void closeBackend() {
        io.close();
    }

    private Storage openStarted(Path db, StorageOptions options) {
        Storage s = Storage.open(io, db, options);
        TestIo.await(io, s.start());
        return s;
    }

    /** Writes table t(a) with rows 1..rows into a new database, plus {@code freed} pages on the freelist. */
    private void createTable(WalPager pager, int rows, int freed) {
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        TestIo.ready(io, () -> pager.prepareAllocate(1 + freed));
        Page table = pager.allocate();
        List<TablePages.Row> data = new ArrayList<>();
        for (long i = 1; i <= rows; i++) {
            data.add(new TablePages.Row(i, TablePages.record(i)));
        }
        TablePages.writeLeaf(table.data(), 0, pager.usableSize(), data);
        List<Integer> spare = new ArrayList<>();
        for (int i = 0; i < freed; i++) {
            spare.add(pager.allocate().number());
        }
        for (int n : spare) {
            TestIo.ready(io, () -> pager.prepareFree(1));
            pager.free(n);
        }
        Page p1 = pager.get(1);
        pager.markDirty(p1);
        TablePages.writeLeaf(p1.data(), 100, pager.usableSize(), List.of(new TablePages.Row(1,
                TablePages.record("table", "t", "t", (long) table.number(), "CREATE TABLE t(a)"))));
        pager.setHeaderInt(DatabaseHeader.OFF_SCHEMA_COOKIE, 1);
        TestIo.await(io, pager.commit());
        pager.endRead();
    }

    private static List<String> query(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= cols; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(b.toString());
            }
            return out;
        }
    }

    @ParameterizedTest
    @CsvSource({"512,0", "1024,0", "4096,0", "4096,8", "65536,0"})
    void fileWrittenByThePagerPassesSqliteIntegrityCheck(int pageSize, int reserved) throws Exception {
        Path db = dir.resolve("new.db");
        Storage s = openStarted(db, StorageOptions.defaults().withPageSize(pageSize).withReservedBytes(reserved));
        createTable(s.walPager(), 40, 5);
        TestIo.await(io, s.close());
        assertThat(Files.exists(Path.of(db + "-wal"))).isFalse();

        assertThat(query(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(query(db, "SELECT count(*), sum(a) FROM t")).containsExactly("40|820");
        assertThat(query(db, "PRAGMA freelist_count")).containsExactly("5");
        assertThat(query(db, "PRAGMA page_size")).containsExactly(String.valueOf(pageSize));
        assertThat(query(db, "PRAGMA journal_mode")).containsExactly("wal");
    }

    @Test
    void sameFileOverIoUringPassesSqliteIntegrityCheck() throws Exception {
        String reason = IoBackends.uringUnavailableReason();
        assumeTrue(reason == null, () -> "io_uring unavailable: " + reason);
        Path db = dir.resolve("uring.db");
        try (IoBackend uring = IoBackends.create(IoKind.URING)) {
            assertThat(uring.kind()).isEqualTo(IoKind.URING);
            Storage s = Storage.open(uring, db, StorageOptions.defaults());
            TestIo.await(uring, s.start());
            WalPager pager = s.walPager();
            TestIo.ready(uring, pager::beginRead);
            TestIo.ready(uring, pager::beginWrite);
            TestIo.ready(uring, () -> pager.prepareAllocate(1));
            Page table = pager.allocate();
            List<TablePages.Row> data = new ArrayList<>();
            for (long i = 1; i <= 30; i++) {
                data.add(new TablePages.Row(i, TablePages.record(i)));
            }
            TablePages.writeLeaf(table.data(), 0, pager.usableSize(), data);
            Page p1 = pager.get(1);
            pager.markDirty(p1);
            TablePages.writeLeaf(p1.data(), 100, pager.usableSize(), List.of(new TablePages.Row(1,
                    TablePages.record("table", "t", "t", (long) table.number(), "CREATE TABLE t(a)"))));
            pager.setHeaderInt(DatabaseHeader.OFF_SCHEMA_COOKIE, 1);
            TestIo.await(uring, pager.commit());
            pager.endRead();
            TestIo.await(uring, s.close());
        }
        assertThat(query(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(query(db, "SELECT count(*), sum(a) FROM t")).containsExactly("30|465");
    }

    @Test
    void zeroLengthFileIsANewEmptyDatabase() throws Exception {
        Path db = TestIo.copyFixture("empty.db", dir);
        Storage s = openStarted(db, StorageOptions.defaults().withPageSize(1024));
        assertThat(s.pager().pageCount()).isEqualTo(1);
        createTable(s.walPager(), 10, 0);
        TestIo.await(io, s.close());
        assertThat(query(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(query(db, "SELECT count(*) FROM t")).containsExactly("10");
        assertThat(query(db, "PRAGMA page_size")).containsExactly("1024");
    }

    @Test
    void readOnlyOpenRefusesToIgnoreAHotJournal() throws Exception {
        Path db = CrashStates.hotJournal(dir);
        Storage s = Storage.open(io, db, StorageOptions.defaults().withReadOnly(true));
        assertThatThrownBy(() -> TestIo.await(io, s.start())).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.code()).isEqualTo(ResultCode.READONLY_ROLLBACK));
        TestIo.await(io, s.close());
        assertThat(Files.exists(Path.of(db + "-journal"))).isTrue();
    }

    @Test
    void uncheckpointedWalWrittenByThePagerIsRecoveredBySqlite() throws Exception {
        Path db = dir.resolve("live.db");
        Storage s = openStarted(db, StorageOptions.defaults());
        createTable(s.walPager(), 25, 2);
        assertThat(s.walPager().walFrames()).isPositive();
        // Copy the files while the pager still holds them: the commit lives only in the WAL.
        Path copy = Files.createDirectories(dir.resolve("copy")).resolve("live.db");
        Files.copy(db, copy);
        Files.copy(Path.of(db + "-wal"), Path.of(copy + "-wal"));
        // The database file holds only the empty database's page 1 (SQLite ignores a WAL next
        // to an empty file); the table exists only in the WAL.
        byte[] file = Files.readAllBytes(copy);
        assertThat(file).hasSize(4096);
        assertThat(file[103] | file[104]).as("sqlite_schema cell count in the file").isZero();

        assertThat(query(copy, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(query(copy, "SELECT count(*), sum(a) FROM t")).containsExactly("25|325");
        TestIo.await(io, s.close());
    }

    @Test
    void secondGenerationWalAfterACheckpointIsRecoveredBySqlite() throws Exception {
        Path db = dir.resolve("gen.db");
        Storage s = openStarted(db, StorageOptions.defaults().withWalAutoCheckpoint(0));
        WalPager pager = s.walPager();
        createTable(pager, 10, 0);
        TestIo.await(io, s.checkpoint());
        assertThat(pager.walFrames()).isZero();
        // Two more commits in the restarted log: rewrite the table with 20, then 30 rows.
        for (int rows : new int[] {20, 30}) {
            TestIo.ready(io, pager::beginRead);
            TestIo.ready(io, pager::beginWrite);
            TestIo.ready(io, () -> pager.fetch(2));
            Page table = pager.get(2);
            pager.markDirty(table);
            List<TablePages.Row> data = new ArrayList<>();
            for (long i = 1; i <= rows; i++) {
                data.add(new TablePages.Row(i, TablePages.record(i)));
            }
            TablePages.writeLeaf(table.data(), 0, pager.usableSize(), data);
            TestIo.await(io, pager.commit());
            pager.endRead();
        }
        Path copy = Files.createDirectories(dir.resolve("copy")).resolve("gen.db");
        Files.copy(db, copy);
        Files.copy(Path.of(db + "-wal"), Path.of(copy + "-wal"));
        assertThat(query(copy, "SELECT count(*), sum(a) FROM t")).containsExactly("30|465");
        assertThat(query(copy, "PRAGMA integrity_check")).containsExactly("ok");
        TestIo.await(io, s.close());
        assertThat(query(db, "SELECT count(*) FROM t")).containsExactly("30");
    }

    @Test
    void commitAppendedToAWalWrittenBySqliteIsReadBySqlite() throws Exception {
        Path original = CrashStates.uncheckpointedWal(dir.resolve("made"));
        Path oracle = CrashStates.copy(original, dir.resolve("oracle"));
        List<String> rows = query(oracle, "SELECT count(*), sum(length(b)) FROM t");
        long sqliteWal = Files.size(Path.of(original + "-wal"));

        Path db = CrashStates.copy(original, dir.resolve("ringlite"));
        Storage s = openStarted(db, StorageOptions.defaults().withWalAutoCheckpoint(0));
        WalPager pager = s.walPager();
        int framesBefore = pager.walFrames();
        assertThat(framesBefore).isPositive();
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        pager.setHeaderInt(DatabaseHeader.OFF_USER_VERSION, 42);
        TestIo.await(io, pager.commit());
        pager.endRead();
        assertThat(pager.walFrames()).as("appended after SQLite's frames, same generation").isEqualTo(framesBefore + 1);
        assertThat(Files.size(Path.of(db + "-wal"))).isGreaterThan(sqliteWal);

        Path copy = CrashStates.copy(db, dir.resolve("copy"));
        assertThat(query(copy, "PRAGMA user_version")).containsExactly("42");
        assertThat(query(copy, "SELECT count(*), sum(length(b)) FROM t")).isEqualTo(rows);
        assertThat(query(copy, "PRAGMA integrity_check")).containsExactly("ok");
        TestIo.await(io, s.close());
    }

    @Test
    void sqlite3ProcessGetsDatabaseIsLockedWhileThePagerHoldsTheFile() throws Exception {
        assumeTrue(sqlite3Available(), "sqlite3 CLI not on PATH");
        Path db = dir.resolve("locked.db");
        Storage s = openStarted(db, StorageOptions.defaults());
        createTable(s.walPager(), 3, 0);
        Result locked = sqlite3(db, "SELECT count(*) FROM t;");
        assertThat(locked.exitCode()).isNotZero();
        assertThat(locked.stderr()).contains("database is locked");
        TestIo.await(io, s.close());

        Result free = sqlite3(db, "SELECT count(*) FROM t;");
        assertThat(free.stderr()).isEmpty();
        assertThat(free.stdout().trim()).isEqualTo("3");
    }

    @Test
    void secondWritableOpenInTheSameProcessIsBusy() {
        Path db = dir.resolve("twice.db");
        Storage s = openStarted(db, StorageOptions.defaults());
        try (IoBackend other = IoBackends.create(IoKind.PORTABLE)) {
            assertThatThrownBy(() -> Storage.open(other, db, StorageOptions.defaults()))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> {
                        assertThat(e.code()).isEqualTo(ResultCode.BUSY);
                        assertThat(e.getMessage()).isEqualTo("database is locked");
                    });
        }
        TestIo.await(io, s.close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixture:hot-journal.db", "made:hot-journal"})
    void hotJournalIsRolledBackAsSqliteRollsItBack(String state) throws Exception {
        Path original = CrashStates.make(state, dir.resolve("original"));
        assertThat(Files.exists(Path.of(original + "-journal"))).isTrue();
        Path theirs = CrashStates.copy(original, dir.resolve("sqlite"));
        // SQLite rolls the hot journal back on first read.
        assertThat(query(theirs, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(Files.exists(Path.of(theirs + "-journal"))).isFalse();
        assertThat(Files.readAllBytes(theirs)).as("the journal was hot: rollback changed the file")
                .isNotEqualTo(Files.readAllBytes(original));

        Path ours = CrashStates.copy(original, dir.resolve("ringlite"));
        Storage s = openStarted(ours, StorageOptions.defaults());
        assertThat(Files.exists(Path.of(ours + "-journal"))).isFalse();
        TestIo.await(io, s.close());
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
    }

    @Test
    void rollbackJournalFileSwitchesToWalOnItsFirstWrite() throws Exception {
        Path db = TestIo.copyFixture("basic-4096.db", dir);
        List<String> before = query(db, "SELECT name FROM sqlite_schema ORDER BY name");
        assertThat(query(db, "PRAGMA journal_mode")).containsExactly("delete");
        Storage s = openStarted(db, StorageOptions.defaults());
        WalPager pager = s.walPager();
        TestIo.ready(io, pager::beginRead);
        TestIo.ready(io, pager::beginWrite);
        pager.setHeaderInt(DatabaseHeader.OFF_USER_VERSION, 1234);
        TestIo.await(io, pager.commit());
        pager.endRead();
        TestIo.await(io, s.close());

        byte[] header = Files.readAllBytes(db);
        assertThat(header[18]).isEqualTo((byte) 2);
        assertThat(header[19]).isEqualTo((byte) 2);
        assertThat(query(db, "PRAGMA journal_mode")).containsExactly("wal");
        assertThat(query(db, "PRAGMA user_version")).containsExactly("1234");
        assertThat(query(db, "PRAGMA integrity_check")).containsExactly("ok");
        assertThat(query(db, "SELECT name FROM sqlite_schema ORDER BY name")).isEqualTo(before);
    }

    @Test
    void staleInHeaderPageCountFallsBackToTheFileSizeAsSqliteDoes() throws Exception {
        Path db = TestIo.copyFixture("basic-4096.db", dir);
        List<String> sqliteCount = query(db, "PRAGMA page_count");
        try (var ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
            // version-valid-for != change counter: the page count at offset 28 must be ignored.
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 1}), DatabaseHeader.OFF_PAGE_COUNT);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x7f, 0, 0, 0}), DatabaseHeader.OFF_VERSION_VALID_FOR);
        }
        assertThat(query(db, "PRAGMA page_count")).isEqualTo(sqliteCount);
        Storage s = Storage.open(io, db, StorageOptions.defaults().withReadOnly(true));
        TestIo.await(io, s.start());
        assertThat(String.valueOf(s.pager().pageCount())).isEqualTo(sqliteCount.getFirst());
        TestIo.await(io, s.close());
    }

    @Test
    void garbageFileIsNotADatabase() throws Exception {
        Path db = dir.resolve("junk.db");
        Files.write(db, "this is certainly not a database file, it is just some text padding it out to more than one hundred bytes"
                .getBytes(StandardCharsets.US_ASCII));
        Storage s = Storage.open(io, db, StorageOptions.defaults());
        assertThatThrownBy(() -> TestIo.await(io, s.start())).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.code()).isEqualTo(ResultCode.NOTADB));
        TestIo.await(io, s.close());
        // The failed open released its lock.
        TestIo.await(io, Storage.open(io, db, StorageOptions.defaults().withReadOnly(true)).close());
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static boolean sqlite3Available() {
        try {
            Process p = new ProcessBuilder("sqlite3", "-version").start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Result sqlite3(Path db, String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", db.toString(), sql).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
