package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import io.ringlite.tests.corrupt.Hostile.Result;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged WAL is recovered as SQLite recovers it: frames are valid up to the first frame whose
 * salts do not match the header or whose cumulative checksum is wrong, and only whole commits
 * among them count. The engine must show exactly that prefix — the same rows real SQLite shows
 * on the same bytes — never an error, a hang, or a half commit.
 */
class MalformedWalTest {
    static final int COMMITS = 6;

    @TempDir
    static Path tmp;

    static WalSpecimen specimen;

    @BeforeAll
    static void build() throws Exception {
        specimen = WalSpecimen.create(tmp, COMMITS);
    }

    /** Runs both engines on the bytes; asserts both show exactly the rows of commits 1..k. */
    static void assertRecoversThrough(String what, byte[] wal, int k) throws Exception {
        List<Result> mine = Hostile.engineGuarded(specimen.db(), wal, List.of(WalSpecimen.QUERY));
        List<Result> oracle = Hostile.sqlite(tmp, specimen.db(), wal, List.of(WalSpecimen.QUERY));
        System.out.println("== " + what + ": ringlite " + mine + " / sqlite " + oracle);
        Rules.assertOnlyRowsOrCorrupt(what, mine);
        assertThat(oracle.get(0).rows()).as("%s: real SQLite's rows", what).isEqualTo(WalSpecimen.expectedAfter(k));
        assertThat(mine.get(0).isRows()).as("%s: %s", what, mine.get(0)).isTrue();
        assertThat(mine.get(0).rows()).as("%s: rows after recovery", what).isEqualTo(WalSpecimen.expectedAfter(k));
    }

    @Test
    void intactWalShowsEveryCommit() throws Exception {
        assertRecoversThrough("intact", specimen.wal(), COMMITS);
    }

    @Test
    void badChecksumInTheMiddleStopsRecoveryAtTheLastCommitBeforeIt() throws Exception {
        byte[] wal = specimen.wal().clone();
        int frame = specimen.firstFrameOf(3);
        wal[specimen.frameOffset(frame) + 24 + specimen.pageSize() / 2] ^= 0x55;
        assertRecoversThrough("page byte flipped in commit 3", wal, 2);
    }

    @Test
    void badChecksumFieldStopsRecovery() throws Exception {
        byte[] wal = specimen.wal().clone();
        int frame = specimen.commitEnds().get(3);
        wal[specimen.frameOffset(frame) + 20] ^= 0x01;
        assertRecoversThrough("checksum field of commit 4's commit frame", wal, 3);
    }

    @Test
    void saltMismatchStopsRecovery() throws Exception {
        byte[] wal = specimen.wal().clone();
        int frame = specimen.firstFrameOf(2);
        wal[specimen.frameOffset(frame) + 9] ^= 0x40;
        assertRecoversThrough("salt-1 of commit 2's first frame", wal, 1);
    }

    @Test
    void changedCommitSizeFieldStopsRecovery() throws Exception {
        byte[] wal = specimen.wal().clone();
        int frame = specimen.commitEnds().get(4);
        wal[specimen.frameOffset(frame) + 7] ^= 0x02;
        assertRecoversThrough("db-size field of commit 5", wal, 4);
    }

    @Test
    void walTruncatedMidFrameKeepsTheWholeCommitsBeforeTheCut() throws Exception {
        int frame = specimen.commitEnds().get(3);
        byte[] wal = Arrays.copyOf(specimen.wal(), specimen.frameOffset(frame) + 24 + 100);
        assertRecoversThrough("truncated inside commit 4's last frame", wal, 3);
        byte[] header = Arrays.copyOf(specimen.wal(), 20);
        assertRecoversThrough("truncated inside the WAL header", header, 0);
    }

    @Test
    void walWithABadHeaderIsIgnored() throws Exception {
        byte[] badChecksum = specimen.wal().clone();
        badChecksum[26] ^= 0x10;
        assertRecoversThrough("header checksum", badChecksum, 0);
        byte[] badMagic = specimen.wal().clone();
        badMagic[0] ^= 0x01;
        assertRecoversThrough("header magic", badMagic, 0);
        byte[] badVersion = specimen.wal().clone();
        badVersion[5] ^= 0x01;
        assertRecoversThrough("header version", badVersion, 0);
    }

    /**
     * A WAL written by the engine itself (copied while the database is open, before the
     * checkpoint on close), damaged in the middle: the engine recovers the same whole-commit
     * prefix real SQLite recovers from the same bytes.
     */
    @Test
    void walWrittenByTheEngineWithABadFrameRecoversTheSamePrefixAsSqlite() throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(11);
        Database database = Databases.open(new DatabaseConfig(Hostile.SIM_DB, IoKind.SIMULATED, false, 11), fs)
                .block(Hostile.HANG_GUARD);
        Session session = database.connect();
        byte[] db;
        byte[] wal;
        try {
            exec(session, "CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT)");
            for (int k = 0; k <= COMMITS; k++) {
                StringBuilder sql = new StringBuilder("INSERT INTO w(id, v) VALUES ");
                for (int i = 1; i <= WalSpecimen.ROWS_PER_COMMIT; i++) {
                    long id = (long) k * WalSpecimen.ROWS_PER_COMMIT + i;
                    sql.append(i > 1 ? "," : "").append('(').append(id).append(", 'row-").append(id).append('-')
                            .append("y".repeat(40)).append("')");
                }
                exec(session, sql.toString());
            }
            db = fs.durableContent(Hostile.SIM_DB);
            wal = fs.durableContent(Hostile.SIM_WAL);
        } finally {
            session.close().block(Hostile.HANG_GUARD);
            database.close().block(Hostile.HANG_GUARD);
        }
        int pageSize = (int) WalSpecimen.u32(wal, 8);
        int frames = (wal.length - 32) / (24 + pageSize);
        List<Integer> ends = new java.util.ArrayList<>();
        for (int i = 0; i < frames; i++) {
            if (WalSpecimen.u32(wal, WalSpecimen.frameOffset(pageSize, i) + 4) != 0) {
                ends.add(i);
            }
        }
        assertThat(ends).as("commit frames in the engine's WAL").hasSizeGreaterThanOrEqualTo(COMMITS);

        List<Result> full = Hostile.sqlite(tmp, db, wal, List.of(WalSpecimen.QUERY));
        assertThat(full.get(0).rows()).as("real SQLite reads the engine's intact WAL")
                .isEqualTo(WalSpecimen.expectedAfter(COMMITS));

        int victim = ends.get(ends.size() - 3) + 1; // first frame of the second-last commit
        byte[] bad = wal.clone();
        bad[WalSpecimen.frameOffset(pageSize, victim) + 24 + 7] ^= 0x20;
        List<Result> mine = Hostile.engineGuarded(db, bad, List.of(WalSpecimen.QUERY));
        List<Result> oracle = Hostile.sqlite(tmp, db, bad, List.of(WalSpecimen.QUERY));
        System.out.println("== engine-written WAL, frame " + victim + " damaged: ringlite " + mine + " / sqlite " + oracle);
        Rules.assertOnlyRowsOrCorrupt("engine-written WAL", mine);
        assertThat(oracle.get(0).rows()).isEqualTo(WalSpecimen.expectedAfter(COMMITS - 2));
        assertThat(mine.get(0).rows()).isEqualTo(oracle.get(0).rows());
    }

    private static void exec(Session session, String sql) {
        PreparedStatement ps = session.prepare(sql).block(Hostile.HANG_GUARD);
        session.execute(ps, List.of()).then().block(Hostile.HANG_GUARD);
    }

    /**
     * Seeded random byte flips anywhere in the WAL: the engine shows exactly what real SQLite
     * shows on the same bytes. {@code -Dringlite.fuzz.cases=N} runs more.
     */
    @Test
    void randomByteFlipsInTheWalRecoverTheSamePrefixAsSqlite() throws Exception {
        int cases = Math.max(1, Integer.getInteger("ringlite.fuzz.cases", 200) / 4);
        long seed = Long.getLong("ringlite.fuzz.seed", 0x5A17_0000L);
        for (int c = 0; c < cases; c++) {
            long caseSeed = seed + c;
            SplittableRandom rnd = new SplittableRandom(caseSeed);
            byte[] wal = specimen.wal().clone();
            int flips = 1 + rnd.nextInt(3);
            for (int i = 0; i < flips; i++) {
                wal[rnd.nextInt(wal.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            String what = "WAL flip case seed " + caseSeed;
            List<Result> mine = Hostile.engineGuarded(specimen.db(), wal, List.of(WalSpecimen.QUERY));
            List<Result> oracle = Hostile.sqlite(tmp, specimen.db(), wal, List.of(WalSpecimen.QUERY));
            Rules.assertOnlyRowsOrCorrupt(what, mine);
            assertThat(mine.get(0).isRows()).as("%s: %s (sqlite: %s)", what, mine.get(0), oracle.get(0)).isTrue();
            assertThat(mine.get(0).rows()).as("%s: rows compared with real SQLite", what).isEqualTo(oracle.get(0).rows());
        }
    }
}
