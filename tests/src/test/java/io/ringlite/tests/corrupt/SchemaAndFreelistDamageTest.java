package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.tests.corrupt.Hostile.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damage to the schema table and to the freelist. A damaged freelist is only noticed when a
 * write allocates pages, so each case writes enough to drain it: the outcome must be correct
 * data or corruption, never a hang, a loop, or a live page handed out twice without notice.
 *
 * <pre>
 * Freelist (header offset 32: first trunk page, 36: number of free pages)
 * trunk page: OFFSET | SIZE | DESCRIPTION
 *                  0 |    4 | next trunk page, or 0
 *                  4 |    4 | number of leaf page numbers that follow
 *                  8 |  4*n | leaf page numbers
 * </pre>
 */
class SchemaAndFreelistDamageTest {
    @TempDir
    static Path tmp;

    static byte[] withFreelist;

    static final String SCAN = "SELECT id, v FROM t ORDER BY id";
    static final String FILL = "INSERT INTO t(v) SELECT v || '-again' FROM t";

    @BeforeAll
    static void build() throws Exception {
        withFreelist = Specimen.fromScript(tmp, "freelist.db", 512,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                        + "INSERT INTO t(id, v) SELECT i, 'row-' || i FROM n",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                        + "INSERT INTO big(id, b) SELECT i, randomblob(2000) FROM n",
                "DELETE FROM big");
        Pages p = new Pages(withFreelist);
        assertThat(p.u32(32)).as("first freelist trunk").isPositive();
        assertThat(p.u32(36)).as("free pages").isGreaterThan(50);
    }

    static List<String> statements() {
        return List.of(SCAN, FILL, FILL, "SELECT count(*) FROM t", "DELETE FROM t WHERE id % 2 = 0", SCAN);
    }

    static List<Result> check(String what, byte[] source, Consumer<Pages> damage) throws Exception {
        byte[] bad = source.clone();
        damage.accept(new Pages(bad));
        List<Result> mine = Hostile.engineGuarded(bad, null, statements());
        List<Result> oracle = Hostile.sqlite(tmp, bad, null, statements());
        System.out.println("== " + what);
        for (int i = 0; i < Math.max(mine.size(), oracle.size()); i++) {
            System.out.println("   ringlite: " + (i < mine.size() ? mine.get(i) : "-"));
            System.out.println("   sqlite:   " + (i < oracle.size() ? oracle.get(i) : "-"));
        }
        Rules.assertOnlyRowsOrCorruptOrAsSqlite(what, mine, oracle);
        Rules.assertSameRowsWhereBothRead(what, mine.subList(0, 1), oracle.subList(0, 1));
        return mine;
    }

    @Test
    void intactFreelistIsReusedWithoutError() throws Exception {
        List<Result> r = check("intact", withFreelist, p -> { });
        assertThat(r).allMatch(Result::isRows);
    }

    @Test
    void freelistTrunkPointingToItselfNeverLoops() throws Exception {
        check("trunk points to itself", withFreelist, p -> {
            int trunk = p.u32(32);
            p.put32(p.pageStart(trunk), trunk);
            p.put32(36, 0x7FFF_FFFF);
        });
    }

    @Test
    void freelistTrunkWithAHugeLeafCountIsCorruption() throws Exception {
        List<Result> r = check("huge leaf count", withFreelist, p -> p.put32(p.pageStart(p.u32(32)) + 4, 0x7FFF_FFFF));
        assertThat(r.stream().anyMatch(Result::isCorruptOrNotADb)).as("some statement must report corruption").isTrue();
    }

    @Test
    void freelistLeafOutOfRangeIsCorruption() throws Exception {
        List<Result> r = check("leaf out of range", withFreelist, p -> {
            int trunk = p.u32(32);
            int n = p.u32(p.pageStart(trunk) + 4);
            for (int i = 0; i < n; i++) {
                p.put32(p.pageStart(trunk) + 8 + 4 * i, i % 2 == 0 ? 0 : 0x7FFF_0000);
            }
        });
        assertThat(r.stream().anyMatch(Result::isCorruptOrNotADb)).as("some statement must report corruption").isTrue();
    }

    @Test
    void freelistHandingOutALivePageNeverCrashesOrHangs() throws Exception {
        // A free-list leaf that is also a live leaf of t: a page referenced twice. Real SQLite
        // reuses it without noticing (only integrity_check does); the engine must stay within
        // the rules whatever it does.
        check("live page on the freelist", withFreelist, p -> {
            int trunk = p.u32(32);
            int liveLeaf = p.leaves(rootOf(p, "t")).get(1);
            p.put32(p.pageStart(trunk) + 8, liveLeaf);
        });
    }

    @Test
    void firstTrunkPageOutOfRangeIsCorruption() throws Exception {
        List<Result> r = check("first trunk past the end", withFreelist, p -> p.put32(32, 0x7FFF_FFFF));
        assertThat(r.stream().anyMatch(Result::isCorruptOrNotADb)).as("some statement must report corruption").isTrue();
    }

    /**
     * The root page in t's schema row replaced by page 1 (the schema's own root) or by the root
     * of another table. (Root pages 0 and negative are left out: today they escape as
     * IllegalArgumentException from PagerBTreeStore.openTable, see the report.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "other table"})
    void schemaRootPageThatIsNotTheTablesRootIsCorruptionOrData(String which) throws Exception {
        Pages intact = new Pages(withFreelist);
        int root = switch (which) {
            case "other table" -> rootOf(intact, "big");
            default -> Integer.parseInt(which);
        };
        List<Result> r = check("schema root page " + which + " (" + root + ")", withFreelist, p -> setRootOf(p, "t", root));
        assertThat(r.get(0).isCorruptOrNotADb() || r.get(0).isRows()).as("%s", r.get(0)).isTrue();
    }

    @Test
    void schemaSqlThatDoesNotParseIsAnError() throws Exception {
        List<Result> r = check("schema sql garbled", withFreelist, p -> {
            byte[] image = p.image();
            int at = indexOf(image, "CREATE TABLE t(".getBytes(StandardCharsets.UTF_8));
            image[at + 2] = 'x';
        });
        assertThat(r.get(0).isRows()).as("%s", r.get(0)).isFalse();
    }

    // ------------------------------------------------------------------ schema surgery

    /** The root page of table {@code name}, read from its schema row on page 1. */
    static int rootOf(Pages p, String name) {
        int[] slot = rootSlotOf(p, name);
        int v = 0;
        for (int i = 0; i < slot[1]; i++) {
            v = (v << 8) | (p.image()[slot[0] + i] & 0xff);
        }
        return v;
    }

    /** Overwrites the root page of {@code name} in place, at the width its record already has. */
    static void setRootOf(Pages p, String name, int root) {
        int[] slot = rootSlotOf(p, name);
        for (int i = slot[1] - 1, v = root; i >= 0; i--, v >>= 8) {
            p.put8(slot[0] + i, v);
        }
    }

    /**
     * {@code {offset, width}} of the rootpage column of {@code name}'s schema row on page 1.
     * Schema record: (type, name, tbl_name, rootpage, sql); text serial types are odd and
     * &gt;= 13 with length (N-13)/2; integer serial types 1..4 have widths 1, 2, 3, 4.
     */
    private static int[] rootSlotOf(Pages p, String name) {
        for (int i = 0; i < p.cellCount(1); i++) {
            int at = p.cell(1, i);
            long[] payload = p.varint(at);
            long[] rowid = p.varint(at + (int) payload[1]);
            int rec = at + (int) payload[1] + (int) rowid[1];
            long[] hdr = p.varint(rec);
            int h = rec + (int) hdr[1];
            long[] types = new long[5];
            for (int c = 0; c < 5; c++) {
                long[] st = p.varint(h);
                types[c] = st[0];
                h += (int) st[1];
            }
            int body = rec + (int) hdr[0];
            int typeLen = (int) (types[0] - 13) / 2;
            int nameLen = (int) (types[1] - 13) / 2;
            int tblLen = (int) (types[2] - 13) / 2;
            String rowName = new String(p.image(), body + typeLen, nameLen, StandardCharsets.UTF_8);
            if (rowName.equals(name)) {
                int width = switch ((int) types[3]) {
                    case 1 -> 1;
                    case 2 -> 2;
                    case 3 -> 3;
                    case 4 -> 4;
                    default -> throw new IllegalStateException("invariant: rootpage serial type " + types[3]);
                };
                return new int[] {body + typeLen + nameLen + tblLen, width};
            }
        }
        throw new IllegalStateException("invariant: no schema row for " + name);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("invariant: pattern not found");
    }
}
