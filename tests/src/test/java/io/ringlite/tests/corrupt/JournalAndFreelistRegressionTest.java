package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ringlite.tests.corrupt.Hostile.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regressions found by the hostile-input suite, each compared with real SQLite on the same bytes:
 * <ul>
 *   <li>a hot journal claiming an original size of 2^31-1 pages hung the open (the playback
 *       extended the file to that size, which threw inside an I/O callback);</li>
 *   <li>a hot journal with an invalid sector size was played back with 512 instead, zeroing
 *       pages, where SQLite ignores the journal;</li>
 *   <li>a freelist trunk pointing to itself, or a free-page count not below the page count, let
 *       the engine hand out the same page twice where SQLite refuses the write with CORRUPT.</li>
 * </ul>
 */
class JournalAndFreelistRegressionTest {
    @TempDir
    static Path tmp;

    static Specimen specimen;
    static byte[] withFreelist;

    static final List<String> JOURNAL_STATEMENTS = List.of(
            "SELECT id, v FROM t", "SELECT id, length(body) FROM docs", "SELECT count(*) FROM t");

    static final String SCAN = "SELECT id, v FROM t ORDER BY id";
    static final String FILL = "INSERT INTO t(v) SELECT v || '-again' FROM t";

    @BeforeAll
    static void build() throws Exception {
        specimen = Specimen.create(tmp, "regress-journal.db", 512, 200, 1, 1200, 5L);
        withFreelist = Specimen.fromScript(tmp, "regress-freelist.db", 512,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                        + "INSERT INTO t(id, v) SELECT i, 'row-' || i FROM n",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                        + "INSERT INTO big(id, b) SELECT i, randomblob(2000) FROM n",
                "DELETE FROM big");
    }

    // ------------------------------------------------------------------ hot journal

    /** Runs the journal statements on both engines; every statement must have SQLite's outcome. */
    static List<Result> checkJournal(String what, byte[] journal) throws Exception {
        List<Result> mine = assertTimeoutPreemptively(Hostile.HANG_GUARD,
                () -> Hostile.engine(specimen.image(), null, journal, JOURNAL_STATEMENTS, null),
                () -> what + ": the engine did not finish (hang)");
        List<Result> oracle = Hostile.sqlite(tmp, specimen.image(), null, journal, JOURNAL_STATEMENTS);
        System.out.println("== " + what + "\n   ringlite: " + mine + "\n   sqlite:   " + oracle);
        Rules.assertOnlyRowsOrCorruptOrAsSqlite(what, mine, oracle);
        assertThat(mine).hasSameSizeAs(oracle);
        for (int i = 0; i < mine.size(); i++) {
            Result m = mine.get(i);
            Result o = oracle.get(i);
            assertThat(m.isRows()).as("%s: %s vs real SQLite %s", what, m, o).isEqualTo(o.isRows());
            if (m.isRows()) {
                assertThat(m.rows()).as("%s: rows of %s", what, m.sql()).isEqualTo(o.rows());
            }
        }
        return mine;
    }

    int pages() {
        return specimen.image().length / 512;
    }

    @Test
    void hotJournalClaimingAnOriginalSizeOfTwoToTheThirtyOnePagesOpensWithoutHanging() throws Exception {
        checkJournal("original size 2^31-1, record for page 2",
                HostileJournalTest.journal(1, 7, 0x7FFF_FFFF, 512, 512, 2));
        checkJournal("original size 2^31-1, no records",
                HostileJournalTest.journal(0, 7, 0x7FFF_FFFF, 512, 512));
    }

    @ParameterizedTest(name = "sector size {0}")
    @ValueSource(ints = {0, -1, 16, 100, 131072})
    void hotJournalWithAnInvalidSectorSizeIsIgnoredAndTheRowsStayIntact(int sector) throws Exception {
        List<Result> mine = checkJournal("sector size " + sector,
                HostileJournalTest.journal(1, 7, pages(), sector, 512, 2));
        assertThat(mine).allMatch(Result::isRows);
        assertThat(mine.get(0).rows()).hasSize(specimen.rows());
    }

    // ------------------------------------------------------------------ freelist

    /**
     * Damages a copy, runs a scan and an insert that needs free pages, and checks: the insert is
     * refused with CORRUPT as in SQLite, and the database file is exactly the damaged copy
     * afterwards (nothing was written on the strength of the bad freelist).
     */
    static List<Result> checkFreelistRefused(String what, boolean sqliteRefusesToo, Consumer<Pages> damage)
            throws Exception {
        byte[] bad = withFreelist.clone();
        damage.accept(new Pages(bad));
        List<String> statements = List.of(SCAN, FILL);
        byte[][] after = new byte[2][];
        List<Result> mine = assertTimeoutPreemptively(Hostile.HANG_GUARD,
                () -> Hostile.engine(bad, null, null, statements, after),
                () -> what + ": the engine did not finish (hang)");
        List<Result> oracle = Hostile.sqlite(tmp, bad, null, statements);
        System.out.println("== " + what + "\n   ringlite: " + mine + "\n   sqlite:   " + oracle);
        Rules.assertOnlyRowsOrCorruptOrAsSqlite(what, mine, oracle);
        Rules.assertSameRowsWhereBothRead(what, mine.subList(0, 1), oracle.subList(0, 1));
        if (sqliteRefusesToo) {
            assertThat(oracle.get(1).isCorruptOrNotADb()).as("%s: real SQLite refuses the insert: %s", what, oracle.get(1))
                    .isTrue();
        }
        Rules.assertCorrupt(mine, FILL);
        assertThat(after[0]).as("%s: database file after the refused insert", what).isEqualTo(bad);
        assertThat(after[1] == null || after[1].length <= 32).as("%s: no WAL frames written", what).isTrue();
        return mine;
    }

    @Test
    void freelistTrunkPointingToItselfIsRefusedWithCorruptNamingItBeforeAnythingIsWritten() throws Exception {
        int trunk = new Pages(withFreelist.clone()).u32(32);
        // Real SQLite takes this trunk's leaves first and only trips over the loop once the
        // trunk itself is handed out; the engine refuses as soon as it reads the trunk, which
        // is never a page handed out twice.
        List<Result> mine = checkFreelistRefused("trunk points to itself", false,
                p -> p.put32(p.pageStart(trunk), trunk));
        Rules.assertCorruptNaming(mine, FILL, trunk);
    }

    @Test
    void trunkPointingToItselfWithAHugeFreeCountIsRefusedAsInSqlite() throws Exception {
        checkFreelistRefused("trunk points to itself, free count 2^31-1", true, p -> {
            int trunk = p.u32(32);
            p.put32(p.pageStart(trunk), trunk);
            p.put32(36, 0x7FFF_FFFF);
        });
    }

    @Test
    void freeCountNotBelowThePageCountIsRefusedWithCorruptAsInSqlite() throws Exception {
        checkFreelistRefused("free count = page count", true, p -> p.put32(36, p.pageCount()));
        checkFreelistRefused("free count 2^31-1", true, p -> p.put32(36, 0x7FFF_FFFF));
    }
}
