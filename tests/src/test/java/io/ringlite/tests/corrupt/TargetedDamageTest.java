package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.tests.corrupt.Hostile.Result;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precisely aimed damage to a database written by real SQLite. Each case must give correct data
 * or SQLITE_CORRUPT / SQLITE_NOTADB — naming the damaged page where the damage is on a page —
 * and never another exception, a hang, or an out-of-memory error. Where real SQLite reports
 * corruption on the same bytes, so must the engine.
 */
class TargetedDamageTest {
    @TempDir
    static Path tmp;

    static Specimen specimen;
    static final int ROWS = 3000;

    @BeforeAll
    static void build() throws Exception {
        specimen = Specimen.create(tmp, "targeted.db", 512, ROWS, 4, 5000, 20261121L);
        Pages p = new Pages(specimen.image());
        assertThat(p.interiors(specimen.rootT())).as("t must have interior pages").hasSizeGreaterThan(2);
        assertThat(p.overflowChain(p.leaves(specimen.rootDocs()).get(0), 0)).as("docs must spill").hasSizeGreaterThan(2);
    }

    static final String SCAN_T = "SELECT id, v FROM t";
    static final String SCAN_DOCS = "SELECT id, length(body), body FROM docs";

    static List<String> statements() {
        return List.of(
                SCAN_T,
                "SELECT v FROM t WHERE id = " + (ROWS / 2),
                "SELECT id, v FROM t WHERE id = " + ROWS,
                SCAN_DOCS,
                "INSERT INTO t(v) VALUES ('inserted')",
                "SELECT count(*) FROM t");
    }

    /** Damages a copy, runs both engines, checks the common rules, returns the engine's results. */
    static List<Result> check(String what, Consumer<Pages> damage) throws Exception {
        byte[] bad = specimen.copy();
        damage.accept(new Pages(bad));
        return check(what, bad);
    }

    static List<Result> check(String what, byte[] bad) throws Exception {
        List<String> sql = statements();
        List<Result> mine = Hostile.engineGuarded(bad, null, sql);
        List<Result> oracle = Hostile.sqlite(tmp, bad, null, sql);
        System.out.println("== " + what);
        for (int i = 0; i < Math.max(mine.size(), oracle.size()); i++) {
            System.out.println("   ringlite: " + (i < mine.size() ? mine.get(i) : "-"));
            System.out.println("   sqlite:   " + (i < oracle.size() ? oracle.get(i) : "-"));
        }
        Rules.assertOnlyRowsOrCorrupt(what, mine);
        Rules.assertSameRowsWhereBothRead(what, mine, oracle);
        return mine;
    }

    @Test
    void cellPointerBeyondThePageIsCorruptionNamingThePage() throws Exception {
        int[] leaf = new int[1];
        List<Result> r = check("cell pointer out of range", p -> {
            leaf[0] = p.leaves(specimen.rootT()).get(1);
            p.put16(p.cellPointerSlot(leaf[0], 0), 0xFFF0);
        });
        Rules.assertCorruptNaming(r, SCAN_T, leaf[0]);
    }

    @Test
    void cellPointerIntoThePageHeaderIsCorruptionNamingThePage() throws Exception {
        int[] leaf = new int[1];
        List<Result> r = check("cell pointer into header", p -> {
            leaf[0] = p.leaves(specimen.rootT()).get(2);
            p.put16(p.cellPointerSlot(leaf[0], 1), 2);
        });
        Rules.assertCorruptNaming(r, SCAN_T, leaf[0]);
    }

    @Test
    void cellCountLargerThanThePageHoldsIsCorruption() throws Exception {
        int[] leaf = new int[1];
        List<Result> r = check("huge cell count", p -> {
            leaf[0] = p.leaves(specimen.rootT()).get(3);
            p.put16(p.header(leaf[0]) + 3, 0xFFFF);
        });
        Rules.assertCorruptNaming(r, SCAN_T, leaf[0]);
    }

    @Test
    void invalidPageTypeIsCorruptionNamingThePage() throws Exception {
        int[] leaf = new int[1];
        List<Result> r = check("invalid page type", p -> {
            leaf[0] = p.leaves(specimen.rootT()).get(4);
            p.put8(p.header(leaf[0]), 7);
        });
        Rules.assertCorruptNaming(r, SCAN_T, leaf[0]);
    }

    @Test
    void indexPageTypeInsideATableTreeIsCorruption() throws Exception {
        int[] leaf = new int[1];
        List<Result> r = check("index leaf type in table tree", p -> {
            leaf[0] = p.leaves(specimen.rootT()).get(5);
            p.put8(p.header(leaf[0]), 10);
        });
        Rules.assertCorruptNaming(r, SCAN_T, leaf[0]);
    }

    /**
     * A chain that loops is still bounded by the payload size in the cell, so real SQLite reads
     * the looping page again instead of noticing; the engine must not loop for ever, and must
     * read what SQLite reads or report corruption ({@link #check} compares the rows).
     */
    @Test
    void overflowPageThatPointsToItselfNeverHangs() throws Exception {
        int[] page = new int[1];
        List<Result> r = check("overflow page points to itself", p -> {
            int leaf = p.leaves(specimen.rootDocs()).get(0);
            List<Integer> chain = p.overflowChain(leaf, 0);
            page[0] = chain.get(1);
            p.put32(p.pageStart(page[0]), page[0]);
        });
        assertThat(Rules.find(r, SCAN_DOCS).isRows() || Rules.find(r, SCAN_DOCS).isCorruptOrNotADb()).isTrue();
    }

    @Test
    void overflowChainPointingToPageOneIsCorruption() throws Exception {
        List<Result> r = check("overflow chain points to page 1", p -> {
            int leaf = p.leaves(specimen.rootDocs()).get(0);
            p.put32(p.overflowSlot(leaf, 0), 1);
        });
        Rules.assertCorrupt(r, SCAN_DOCS);
    }

    @Test
    void overflowChainPointingPastTheEndOfTheFileIsCorruption() throws Exception {
        List<Result> r = check("overflow chain points past the end", p -> {
            int leaf = p.leaves(specimen.rootDocs()).get(0);
            p.put32(p.overflowSlot(leaf, 0), 0x7FFF_FFF0);
        });
        Rules.assertCorrupt(r, SCAN_DOCS);
    }

    @Test
    void overflowChainThatEndsEarlyIsCorruption() throws Exception {
        List<Result> r = check("overflow chain ends early", p -> {
            int leaf = p.leaves(specimen.rootDocs()).get(0);
            List<Integer> chain = p.overflowChain(leaf, 0);
            p.put32(p.pageStart(chain.get(0)), 0);
        });
        Rules.assertCorrupt(r, SCAN_DOCS);
    }

    @Test
    void childPointerLoopingToAnAncestorIsCorruptionNotAHang() throws Exception {
        List<Result> r = check("child pointer loops to ancestor", p -> {
            int deeper = p.interiors(specimen.rootT()).get(1);
            p.put32(p.rightChildSlot(deeper), specimen.rootT());
        });
        Rules.assertCorrupt(r, SCAN_T);
    }

    @Test
    void childPointerToItselfIsCorruptionNotAHang() throws Exception {
        List<Result> r = check("root points to itself", p -> {
            p.put32(p.cell(specimen.rootT(), 0), specimen.rootT());
        });
        Rules.assertCorrupt(r, SCAN_T);
    }

    @Test
    void childPointerToPageZeroOrPastTheEndIsCorruption() throws Exception {
        List<Result> zero = check("child pointer 0", p -> p.put32(p.rightChildSlot(specimen.rootT()), 0));
        Rules.assertCorrupt(zero, SCAN_T);
        List<Result> past = check("child pointer past end", p -> p.put32(p.rightChildSlot(specimen.rootT()), 999_999));
        Rules.assertCorrupt(past, SCAN_T);
    }

    @Test
    void pageReferencedTwiceNeverCrashesOrHangs() throws Exception {
        // Two children of one interior page are the same leaf. Real SQLite reads such a tree
        // without noticing (only integrity_check does); the engine may do the same or report
        // corruption, and must stay within the rules either way, also when it writes.
        check("page referenced twice", p -> {
            int parent = p.interiors(specimen.rootT()).get(1);
            p.put32(p.cell(parent, 1), p.child(parent, 0));
        });
    }

    @Test
    void childPointerIntoAnotherTablesTreeNeverCrashesOrHangs() throws Exception {
        check("child pointer into the other table", p -> {
            int parent = p.interiors(specimen.rootT()).get(1);
            p.put32(p.cell(parent, 0), specimen.rootDocs());
        });
    }

    @Test
    void payloadSizeOfGigabytesIsCorruptionNotAnAllocation() throws Exception {
        for (long claimed : new long[] {0x7FFF_FFFFL, 1L << 40, Long.MAX_VALUE}) {
            List<Result> r = check("payload size " + claimed, p -> {
                int leaf = p.leaves(specimen.rootDocs()).get(0);
                int at = p.cell(leaf, 0);
                int n = putVarint(p, at, claimed);
                p.put8(at + n, 1); // rowid 1
            });
            Rules.assertCorrupt(r, SCAN_DOCS);
        }
    }

    @Test
    void recordHeaderClaimingAHugeColumnIsCorruptionNotAnAllocation() throws Exception {
        for (long serialType : new long[] {13 + 2 * 1_000_000_000L, 12 + 2 * (1L << 40), Long.MAX_VALUE}) {
            int[] leaf = new int[1];
            List<Result> r = check("serial type " + serialType, p -> {
                leaf[0] = p.leaves(specimen.rootT()).get(7);
                int i = p.cellCount(leaf[0]) - 1;
                int at = p.cell(leaf[0], i);
                long rowid = p.varint(at + 1)[0];
                // payload 20 bytes: header (length 11: NULL id, the huge serial type), 9 more bytes
                int o = at;
                p.put8(o++, 20);
                o += putVarint(p, o, rowid);
                p.put8(o++, 11);
                p.put8(o++, 0);
                o += putVarintFull(p, o, serialType);
            });
            Rules.assertCorrupt(r, SCAN_T);
        }
    }

    /** Writes a varint (shortest form); returns its length. */
    static int putVarint(Pages p, int at, long v) {
        if (v < 0 || v >= (1L << 56)) {
            return putVarintFull(p, at, v);
        }
        int n = 1;
        while (n < 8 && (v >>> (7 * n)) != 0) {
            n++;
        }
        for (int i = 0; i < n; i++) {
            int bits = (int) (v >>> (7 * (n - 1 - i))) & 0x7f;
            p.put8(at + i, i < n - 1 ? bits | 0x80 : bits);
        }
        return n;
    }

    /** Writes the 9-byte form of a varint; returns 9. */
    static int putVarintFull(Pages p, int at, long v) {
        p.put8(at + 8, (int) v);
        long rest = v >>> 8;
        for (int i = 7; i >= 0; i--) {
            p.put8(at + i, (int) (rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        return 9;
    }

    @Test
    void invalidPageSizeInTheHeaderIsNotADatabase() throws Exception {
        for (int size : new int[] {0, 1000, 256, 3, 0x8001}) {
            byte[] bad = specimen.copy();
            new Pages(bad).put16(16, size);
            List<Result> r = check("header page size " + size, bad);
            assertThat(r.get(0).isRows()).as("page size %d must not open", size).isFalse();
        }
    }

    @Test
    void badMagicIsNotADatabase() throws Exception {
        byte[] bad = specimen.copy();
        bad[3] = 'X';
        List<Result> r = check("bad magic", bad);
        assertThat(r.get(0).error()).isNotNull();
        assertThat(r.get(0).error().code().name()).isEqualTo("NOTADB");
    }

    @Test
    void fileTruncatedMidPageIsCorruptionOrNotADatabase() throws Exception {
        Pages p = new Pages(specimen.image());
        int cut = p.pageStart(p.leaves(specimen.rootT()).get(3)) + 300;
        byte[] bad = Arrays.copyOf(specimen.image(), cut);
        List<Result> r = check("truncated mid-page at " + cut, bad);
        Rules.assertCorrupt(r, SCAN_T);
    }

    @Test
    void fileTruncatedBelowTheHeaderSizeIsRejected() throws Exception {
        for (int n : new int[] {10, 50, 99}) {
            byte[] bad = Arrays.copyOf(specimen.image(), n);
            check("truncated to " + n + " bytes", bad);
        }
    }
}
