package io.ringlite.storage.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.pager.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The structural integrity check against real SQLite (sqlite-jdbc's {@code PRAGMA integrity_check}
 * on the same bytes): sound files say ok, corrupted copies give SQLite's messages.
 */
class IntegrityCheckTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private final IoBackend io = IoBackends.create(IoKind.PORTABLE);

    @AfterEach
    void closeBackend() {
        io.close();
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(TestIo.fixtures())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".db")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureChecksOkAsInSqlite(String name) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("ours"));
        Path ours = TestIo.copyFixture(name, sub);
        Path theirsDir = Files.createDirectories(dir.resolve("theirs"));
        Path theirs = TestIo.copyFixture(name, theirsDir);
        List<String> expected = sqlite(theirs, "PRAGMA integrity_check");
        // Read-write, as sqlite-jdbc opened "theirs": a hot journal must be rolled back before the check,
        // and a read-only open refuses that exactly as SQLite does (SQLITE_READONLY_ROLLBACK).
        assertThat(check(ours, roots(theirs), false)).isEqualTo(expected).containsExactly("ok");
    }

    @Test
    void wrongFreelistCountIsReportedAsSqliteDoes() throws Exception {
        byte[] b = sampleDatabase();
        putInt(b, 36, getInt(b, 36) + 3);
        assertSameAsSqlite(b);
    }

    @Test
    void pagesNobodyOwnsAreNeverUsed() throws Exception {
        byte[] src = sampleDatabase();
        byte[] b = java.util.Arrays.copyOf(src, src.length + 2 * PAGE);
        putInt(b, 28, b.length / PAGE);
        assertSameAsSqlite(b);
    }

    @Test
    void aPageReferencedTwiceIsASecondReference() throws Exception {
        byte[] b = sampleDatabase();
        int off = PAGE; // page 2, the interior root of t
        assertThat(b[off]).isEqualTo((byte) 0x05);
        int c0 = getShort(b, off + 12);
        int c1 = getShort(b, off + 14);
        System.arraycopy(b, off + c1, b, off + c0, 4);
        List<String> ours = assertSameAsSqlite(b);
        assertThat(ours.get(0)).contains("2nd reference to page");
    }

    @Test
    void anOverflowChainLoopingOnItselfEndsWithSqlitesMessage() throws Exception {
        byte[] b = sampleDatabase();
        int first = firstOverflowPage(b);
        // the first overflow page points back at itself
        putInt(b, (first - 1) * PAGE, first);
        List<String> ours = assertSameAsSqlite(b);
        assertThat(ours.get(0)).isNotEqualTo("ok");
    }

    @Test
    void aTruncatedFileEndsWithSqlitesMessages() throws Exception {
        byte[] src = sampleDatabase();
        byte[] b = java.util.Arrays.copyOf(src, src.length - PAGE);
        putInt(b, 28, b.length / PAGE);
        assertSameAsSqlite(b);
    }

    @Test
    void rowidsOutOfOrderAndBadPageTypesAreReported() throws Exception {
        byte[] b = sampleDatabase();
        b[2 * PAGE] = 0x07; // page 3 is no B-tree page any more
        assertSameAsSqlite(b);
        byte[] c = sampleDatabase();
        int leaf = 3 * PAGE; // page 4: a table leaf; make its first rowid huge
        assertThat(c[leaf]).isEqualTo((byte) 0x0D);
        int cell = getShort(c, leaf + 8);
        int payloadLen = varintLength(c, leaf + cell);
        c[leaf + cell + payloadLen] = (byte) 0x7F; // the one-byte rowid becomes 127
        assertSameAsSqlite(c);
    }

    @Test
    void anOverflowPageSharedByThreeTablesIsReportedInSqlitesTreeOrder() throws Exception {
        Path f = dir.resolve("three.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
            for (String t : new String[] {"t1", "t2", "t3"}) {
                st.executeUpdate("CREATE TABLE " + t + "(x)");
                st.executeUpdate("INSERT INTO " + t + " VALUES (zeroblob(5000))");
            }
        }
        byte[] b = Files.readAllBytes(f);
        int shared = overflowPointer(b, 2);
        putInt(b, overflowPointerAt(b, 3), shared);
        putInt(b, overflowPointerAt(b, 4), shared);
        List<String> ours = assertSameAsSqlite(b);
        assertThat(ours.get(0)).contains("2nd reference to page " + shared);
    }

    @Test
    void anOverflowChainIntoPageOneIsReportedBeforeTheSchemaTree() throws Exception {
        Path f = dir.resolve("one.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE t1(x)");
            st.executeUpdate("INSERT INTO t1 VALUES (zeroblob(5000))");
        }
        byte[] b = Files.readAllBytes(f);
        putInt(b, overflowPointerAt(b, 2), 1);
        assertSameAsSqlite(b);
    }

    @Test
    void aCheckRunInSmallSlicesReportsWhatOneRunReports() throws Exception {
        byte[] b = sampleDatabase();
        putInt(b, 36, getInt(b, 36) + 1);
        int first = firstOverflowPage(b);
        putInt(b, (first - 1) * PAGE, first);
        Path f = dir.resolve("sliced.db");
        Files.write(f, b);
        Path copy = dir.resolve("sliced-sqlite.db");
        Files.write(copy, b);
        int[] roots = roots(copy);
        List<String> whole = check(f, roots);
        Storage s = Storage.open(io, f, StorageOptions.defaults().withReadOnly(true));
        try {
            TestIo.await(io, s.start());
            TestIo.ready(io, s.pager()::beginRead);
            IntegrityCheck check = new IntegrityCheck(s.pager(), roots, 100);
            int slices = 0;
            while (!check.isFinished()) {
                TestIo.ready(io, () -> check.run(1));
                slices++;
                assertThat(slices).isLessThan(100_000);
            }
            assertThat(check.messages()).isEqualTo(whole);
            assertThat(slices).isGreaterThan(10);
            s.pager().endRead();
        } finally {
            TestIo.await(io, s.close());
        }
    }

    /** Random byte flips in random pages: never a hang or a crash; ok exactly when SQLite says ok. */
    @Test
    void randomCorruptionNeverHangsOrCrashesAndAgreesWithSqliteOnOk() throws Exception {
        long seed = Long.getLong("rl.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] src = sampleDatabase();
        int same = 0;
        int rounds = Integer.getInteger("rl.rounds", 40);
        for (int round = 0; round < rounds; round++) {
            byte[] b = src.clone();
            int page = 1 + r.nextInt(b.length / PAGE);
            int flips = 1 + r.nextInt(8);
            for (int i = 0; i < flips; i++) {
                int at = (page - 1) * PAGE + (page == 1 ? 100 : 0) + r.nextInt(page == 1 ? PAGE - 100 : 24);
                b[at] = (byte) r.nextInt(256);
            }
            Path f = dir.resolve("rand" + round + ".db");
            Files.write(f, b);
            Path copy = dir.resolve("rand" + round + "-sqlite.db");
            Files.write(copy, b);
            List<String> theirs;
            try {
                theirs = sqlite(copy, "PRAGMA quick_check");
            } catch (SQLException e) {
                continue; // SQLite refuses to open it at all (header / schema corrupt)
            }
            List<String> ours;
            try {
                ours = check(f, roots(copy));
            } catch (io.ringlite.storage.error.DatabaseException e) {
                continue; // we refuse to open it (header validation)
            } catch (SQLException e) {
                continue;
            }
            assertThat(ours.equals(List.of("ok")))
                    .as("seed %d round %d: ours %s, sqlite %s", seed, round, ours, theirs)
                    .isEqualTo(theirs.equals(List.of("ok")));
            if (ours.equals(theirs)) {
                same++;
            } else {
                System.out.println("IntegrityCheckTest seed " + seed + " round " + round + " differs:\n ours   " + ours
                        + "\n sqlite " + theirs);
            }
        }
        System.out.println("IntegrityCheckTest random corruption: seed " + seed + ", identical reports " + same + "/" + rounds);
    }

    // ---- helpers ----

    private List<String> assertSameAsSqlite(byte[] bytes) throws Exception {
        Path f = dir.resolve("c" + System.nanoTime() + ".db");
        Files.write(f, bytes);
        Path copy = dir.resolve("s" + System.nanoTime() + ".db");
        Files.write(copy, bytes);
        // quick_check: the same B-tree checks without the row scans, which make SQLite's
        // integrity_check fail outright on a corrupt table page
        List<String> expected = sqlite(copy, "PRAGMA quick_check");
        List<String> ours = check(f, roots(copy));
        assertThat(ours).isEqualTo(expected);
        return ours;
    }

    /** t(a INTEGER PRIMARY KEY, b): a two-level tree with overflow chains; u(x): one big row; some free pages. */
    private byte[] sampleDatabase() throws Exception {
        Path f = dir.resolve("sample" + System.nanoTime() + ".db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
            st.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300) "
                    + "INSERT INTO t SELECT i, CASE WHEN i % 50 = 0 THEN zeroblob(6000) ELSE zeroblob(300) END FROM n");
            st.executeUpdate("CREATE TABLE u(x)");
            st.executeUpdate("INSERT INTO u VALUES (zeroblob(10000))");
            st.executeUpdate("DELETE FROM t WHERE a > 250 AND a < 270");
        }
        return Files.readAllBytes(f);
    }

    private List<String> check(Path file, int[] roots) {
        return check(file, roots, true);
    }

    private List<String> check(Path file, int[] roots, boolean readOnly) {
        Storage s = Storage.open(io, file, StorageOptions.defaults().withReadOnly(readOnly));
        try {
            TestIo.await(io, s.start());
            Pager pager = s.pager();
            TestIo.ready(io, pager::beginRead);
            try {
                IntegrityCheck check = new IntegrityCheck(pager, roots, 100);
                for (int i = 0; ; i++) {
                    if (check.run() instanceof io.ringlite.storage.io.IoStatus.Pending(var c)) {
                        TestIo.await(io, c);
                    } else {
                        break;
                    }
                    assertThat(i).as("page reads of one check").isLessThan(1_000_000);
                }
                return check.messages();
            } finally {
                pager.endRead();
            }
        } finally {
            TestIo.await(io, s.close());
        }
    }

    private static int[] roots(Path file) throws SQLException {
        List<String> r = sqlite(file, "SELECT rootpage FROM sqlite_schema WHERE rootpage > 0 ORDER BY rowid DESC");
        return r.stream().mapToInt(Integer::parseInt).toArray();
    }

    private static List<String> sqlite(Path file, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String v = rs.getString(1);
                if (!v.equals("database disk image is malformed") || out.isEmpty()) {
                    out.add(v); // SQLite 3.40 appends this row after some reports (not part of the report)
                }
            }
        } catch (SQLException e) {
            // SQLite's checks return their report, then a later step of the same statement may
            // fail with SQLITE_CORRUPT (sqlite3 prints the report and "Error: stepping"): keep the report.
            if (out.isEmpty()) {
                throw e;
            }
        }
        return out;
    }

    private static int firstOverflowPage(byte[] b) {
        // u's root is the last table; its only cell spills. Find it through the schema-free route:
        // scan table leaves for a cell whose payload exceeds the page.
        for (int p = 2; p <= b.length / PAGE; p++) {
            int off = (p - 1) * PAGE;
            if (b[off] != 0x0D || getShort(b, off + 3) != 1) {
                continue;
            }
            int cell = off + getShort(b, off + 8);
            long payload = 0;
            int i = cell;
            while ((b[i] & 0x80) != 0) {
                payload = (payload << 7) | (b[i++] & 0x7F);
            }
            payload = (payload << 7) | b[i++];
            if (payload > PAGE) {
                int rowidLen = varintLength(b, i);
                int usable = PAGE;
                int min = ((usable - 12) * 32 / 255) - 23;
                int max = usable - 35;
                long k = min + ((payload - min) % (usable - 4));
                int local = (int) (k <= max ? k : min);
                return getInt(b, i + rowidLen + local);
            }
        }
        throw new AssertionError("no overflowing cell");
    }

    /** Where the overflow pointer of the first cell of table leaf {@code page} is (one-byte rowid). */
    private static int overflowPointerAt(byte[] b, int page) {
        int off = (page - 1) * PAGE;
        int cell = off + getShort(b, off + 8);
        long payload = 0;
        int i = cell;
        while ((b[i] & 0x80) != 0) {
            payload = (payload << 7) | (b[i++] & 0x7F);
        }
        payload = (payload << 7) | b[i++];
        i += varintLength(b, i);
        int min = ((PAGE - 12) * 32 / 255) - 23;
        int max = PAGE - 35;
        long k = min + ((payload - min) % (PAGE - 4));
        return i + (int) (k <= max ? k : min);
    }

    private static int overflowPointer(byte[] b, int page) {
        return getInt(b, overflowPointerAt(b, page));
    }

    private static int varintLength(byte[] b, int at) {
        int n = 1;
        while ((b[at + n - 1] & 0x80) != 0 && n < 9) {
            n++;
        }
        return n;
    }

    private static int getShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int getInt(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).getInt();
    }

    private static void putInt(byte[] b, int at, int v) {
        ByteBuffer.wrap(b, at, 4).putInt(v);
    }
}
