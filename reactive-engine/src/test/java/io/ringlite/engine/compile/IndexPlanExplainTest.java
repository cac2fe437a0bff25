package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which loops the planner emits, read from EXPLAIN: an index is opened and seeked when the WHERE
 * allows it, and left alone when the comparison's collation or affinity forbids it. (That the
 * rows are right either way is {@link IndexPlanAgainstSqliteTest}'s job; a few results are
 * checked here against values sqlite3 3.40 returns.)
 */
class IndexPlanExplainTest {
    private IndexedMiniEngine e;

    @BeforeEach
    void schema() {
        e = new IndexedMiniEngine();
        e.run("CREATE TABLE t(a INTEGER, b TEXT, c, d TEXT COLLATE NOCASE)");
        e.run("CREATE INDEX ia ON t(a)");
        e.run("CREATE INDEX ib ON t(b)");
        e.run("CREATE INDEX ic ON t(c)");
        e.run("CREATE INDEX id ON t(d)");
        e.run("INSERT INTO t VALUES (5, '5', 5.0, 'X'), (6, 'x', '5', 'x'), (NULL, NULL, NULL, NULL), (4, 'X', X'35', 'y')");
    }

    /** The index the loop runs on (the cursor a SeekGE/SeekGT/Rewind of an index cursor uses), or null. */
    private String indexUsed(String sql) {
        List<List<Object>> rows = e.run("EXPLAIN " + sql);
        List<Object> indexCursors = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(1).equals("OpenRead") && String.valueOf(r.get(5)).startsWith("k(")) {
                indexCursors.add(r.get(2));
            }
        }
        for (List<Object> r : rows) {
            String op = (String) r.get(1);
            if ((op.startsWith("Seek") && !op.equals("SeekRowid") || op.equals("Rewind"))
                    && indexCursors.contains(r.get(2))) {
                return op;
            }
        }
        return null;
    }

    private List<String> opcodes(String sql) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : e.run("EXPLAIN " + sql)) {
            out.add((String) r.get(1));
        }
        return out;
    }

    @Test
    void equalityOnAnIndexedColumnSeeksTheIndexAndFetchesTheRow() {
        assertThat(opcodes("SELECT * FROM t WHERE a = 5")).containsSubsequence(
                "OpenRead", "OpenRead", "Affinity", "IsNull", "SeekGE", "IdxGT", "DeferredSeek", "ResultRow", "Next")
                .doesNotContain("Rewind");
        assertThat(e.run("SELECT b FROM t WHERE a = '5'")).containsExactly(List.of("5"));
    }

    @Test
    void textColumnComparedWithANumberSeeksTheTextKey() {
        assertThat(indexUsed("SELECT * FROM t WHERE b = 5")).isEqualTo("SeekGE");
        assertThat(e.run("SELECT a FROM t WHERE b = 5")).containsExactly(List.of(5L));
    }

    @Test
    void aDifferentCollationThanTheIndexsScansTheTable() {
        assertThat(indexUsed("SELECT * FROM t WHERE b = 'x' COLLATE NOCASE")).isNull();
        assertThat(e.run("SELECT a FROM t WHERE b = 'x' COLLATE NOCASE ORDER BY a")).containsExactly(
                List.of(4L), List.of(6L));
        assertThat(indexUsed("SELECT * FROM t WHERE d = 'x'")).isEqualTo("SeekGE");
        assertThat(e.run("SELECT a FROM t WHERE d = 'x' ORDER BY a")).containsExactly(List.of(5L), List.of(6L));
        assertThat(indexUsed("SELECT * FROM t WHERE d = 'x' COLLATE BINARY")).isNull();
    }

    @Test
    void aNumericComparisonCannotUseAnIndexOfNoAffinity() {
        // c has no affinity: CAST(.. AS INTEGER) makes the comparison numeric, which an index
        // of raw values cannot answer ('5' = 5 is true under it).
        assertThat(indexUsed("SELECT * FROM t WHERE c = CAST('5' AS INTEGER)")).isNull();
        assertThat(e.run("SELECT a FROM t WHERE c = CAST('5' AS INTEGER) ORDER BY a"))
                .containsExactly(List.of(5L), List.of(6L));
        assertThat(indexUsed("SELECT * FROM t WHERE c = '5'")).isEqualTo("SeekGE");
        assertThat(e.run("SELECT a FROM t WHERE c = '5'")).containsExactly(List.of(6L));
    }

    @Test
    void aNoAffinityColumnIsNotConvertedToTextForAComparison() {
        // sqlite3 3.40: the no-type column counts as having an affinity (BLOB), so 5.0 stays a number.
        assertThat(e.run("SELECT c = CAST(5.0 AS TEXT), c > CAST(5 AS TEXT) FROM t WHERE a = 5"))
                .containsExactly(List.of(0L, 0L));
    }

    @Test
    void inListComparesUnderTheLeftOperandsAffinityAndCollation() {
        // sqlite3 3.40: 1|1|0 and 0|0|0|0 (a one-item list is x = +item: the item's COLLATE counts)
        assertThat(e.run("SELECT 'x' IN ('X' COLLATE NOCASE), 'x' COLLATE NOCASE IN ('X'), 'x' IN ('X' COLLATE NOCASE, 'y')"))
                .containsExactly(List.of(1L, 1L, 0L));
        e.run("CREATE TABLE z(b TEXT, c)");
        e.run("INSERT INTO z VALUES ('5.0', 5.0)");
        assertThat(e.run("SELECT b IN (CAST('5' AS INTEGER)), b IN (CAST('5' AS INTEGER), 1), c IN (CAST('5.0' AS TEXT)),"
                + " c IN ('5.0') FROM z")).containsExactly(List.of(0L, 0L, 0L, 0L));
    }

    @Test
    void aLeftColumnWithoutCollationMakesTheComparisonBinary() {
        // sqlite3 3.40: 0|1|0|0|0|0|1
        e.run("CREATE TABLE k(x TEXT, y TEXT COLLATE NOCASE, z INTEGER PRIMARY KEY)");
        e.run("INSERT INTO k VALUES ('q', 'Q', 1)");
        assertThat(e.run("SELECT x = y, y = x, z = y, rowid = y, 'Q' = x, x = 'Q', y = 'q' FROM k"))
                .containsExactly(List.of(0L, 1L, 0L, 0L, 0L, 0L, 1L));
    }

    @Test
    void anInnerJoinSeeksTheInnerTablesIndexWithTheOuterRow() {
        e.run("CREATE TABLE o(v)");
        e.run("INSERT INTO o VALUES (5), ('6'), (NULL)");
        assertThat(opcodes("SELECT * FROM o JOIN t ON t.a = o.v")).containsSubsequence(
                "Rewind", "SeekGE", "IdxGT", "DeferredSeek", "ResultRow", "Next", "Next");
        assertThat(e.run("SELECT o.v, t.b FROM o JOIN t ON t.a = o.v ORDER BY 1")).containsExactly(
                List.of(5L, "5"), List.of("6", "x"));
        assertThat(e.run("SELECT count(*) FROM o LEFT JOIN t ON t.a = o.v")).containsExactly(List.of(3L));
    }

    @Test
    void rangesSeekTheirLowerBoundAndTestTheUpperOne() {
        assertThat(indexUsed("SELECT * FROM t WHERE a > 4")).isEqualTo("SeekGT");
        assertThat(indexUsed("SELECT * FROM t WHERE a >= 4")).isEqualTo("SeekGE");
        assertThat(opcodes("SELECT * FROM t WHERE a < 6")).containsSubsequence("Rewind", "IdxGE", "DeferredSeek");
        assertThat(opcodes("SELECT * FROM t WHERE a BETWEEN 4 AND 5")).containsSubsequence(
                "SeekGE", "IdxGT", "DeferredSeek");
        assertThat(e.run("SELECT a FROM t WHERE a BETWEEN 4 AND 5 ORDER BY a")).containsExactly(List.of(4L), List.of(5L));
        assertThat(e.run("SELECT a FROM t WHERE 5 < a")).containsExactly(List.of(6L));
    }

    @Test
    void inListSeeksEachDistinctValueOnce() {
        assertThat(opcodes("SELECT * FROM t WHERE a IN (5, 6)")).containsSubsequence(
                "SorterOpen", "SorterInsert", "SorterSort", "SorterData", "SeekGE", "IdxGT", "DeferredSeek",
                "Next", "SorterNext").doesNotContain("Rewind");
        // 5, '5' and 5.0 are one value once the column's INTEGER affinity is applied.
        assertThat(e.run("SELECT a FROM t WHERE a IN (5, '5', 5.0, NULL, 6, 7) ORDER BY a"))
                .containsExactly(List.of(5L), List.of(6L));
        // Under NOCASE 'x' and 'X' are one value; under BINARY two.
        assertThat(e.run("SELECT count(*) FROM t WHERE d IN ('x', 'X')")).containsExactly(List.of(2L));
        assertThat(e.run("SELECT count(*) FROM t WHERE b IN ('x', 'X', 'x')")).containsExactly(List.of(2L));
        assertThat(e.run("SELECT count(*) FROM t WHERE a IN (NULL)")).containsExactly(List.of(0L));
    }

    @Test
    void orderByThatTheIndexGivesSkipsTheSorter() {
        assertThat(opcodes("SELECT * FROM t ORDER BY a")).containsSubsequence("Rewind", "DeferredSeek", "ResultRow",
                "Next").doesNotContain("SorterOpen");
        assertThat(e.run("SELECT a FROM t ORDER BY a")).containsExactly(
                java.util.Arrays.asList((Object) null), List.of(4L), List.of(5L), List.of(6L));
        assertThat(e.run("SELECT a FROM t WHERE a > 4 ORDER BY a LIMIT 1")).containsExactly(List.of(5L));
        // DESC, or a collation other than the index's, still sorts.
        assertThat(opcodes("SELECT * FROM t ORDER BY a DESC")).contains("SorterOpen");
        assertThat(opcodes("SELECT * FROM t ORDER BY b COLLATE NOCASE")).contains("SorterOpen");
        assertThat(opcodes("SELECT * FROM t WHERE a IN (4, 5) ORDER BY a")).contains("SorterOpen");
    }

    @Test
    void rowidInLooksUpEachDistinctRowidOnce() {
        assertThat(opcodes("SELECT * FROM t WHERE rowid IN (1, 3)")).containsSubsequence(
                "SorterSort", "SorterData", "SeekRowid", "ResultRow", "SorterNext").doesNotContain("Rewind");
        assertThat(e.run("SELECT rowid FROM t WHERE rowid IN (1, '1', 1.0, 3, NULL, 'x', 9) ORDER BY 1"))
                .containsExactly(List.of(1L), List.of(3L));
        e.run("DELETE FROM t WHERE rowid IN (2, 2.0, '4')");
        assertThat(e.run("SELECT rowid FROM t ORDER BY 1")).containsExactly(List.of(1L), List.of(3L));
    }

    @Test
    void nullNeverMatchesEqualityButIsMatchesIt() {
        assertThat(e.run("SELECT count(*) FROM t WHERE a = NULL")).containsExactly(List.of(0L));
        assertThat(e.run("SELECT count(*) FROM t WHERE a IS NULL")).containsExactly(List.of(1L));
        assertThat(indexUsed("SELECT * FROM t WHERE a IS NULL")).isEqualTo("SeekGE");
    }

    @Test
    void aUniqueIndexFullyPinnedIsPreferred() {
        e.run("CREATE TABLE u(x, y, z)");
        e.run("CREATE INDEX uxy ON u(x, y)");
        e.run("CREATE UNIQUE INDEX uz ON u(z)");
        List<List<Object>> rows = e.run("EXPLAIN SELECT * FROM u WHERE x = 1 AND y = 2 AND z = 3");
        Object uzRoot = e.schema().indexes().stream().filter(x -> x.name().equals("uz")).findFirst().orElseThrow()
                .rootPage();
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.get(1)).isEqualTo("OpenRead");
            assertThat(((Number) r.get(3)).longValue()).isEqualTo(((Number) uzRoot).longValue());
        });
    }

    @Test
    void aPartialIndexIsUsedOnlyWhenTheQueryRepeatsItsCondition() {
        e.run("CREATE TABLE p(x, y)");
        e.run("CREATE INDEX px ON p(x) WHERE y > 0");
        e.run("INSERT INTO p VALUES (1, 1), (1, 0), (2, 5)");
        assertThat(indexUsed("SELECT * FROM p WHERE x = 1")).isNull();
        assertThat(e.run("SELECT count(*) FROM p WHERE x = 1")).containsExactly(List.of(2L));
        assertThat(indexUsed("SELECT * FROM p WHERE x = 1 AND y > 0")).isEqualTo("SeekGE");
        assertThat(e.run("SELECT y FROM p WHERE x = 1 AND y > 0")).containsExactly(List.of(1L));
    }

    @Test
    void deleteAndUpdateCollectTheirRowsThroughTheIndex() {
        assertThat(indexUsed("DELETE FROM t WHERE a = 5")).isEqualTo("SeekGE");
        assertThat(indexUsed("UPDATE t SET a = a + 10 WHERE a > 4")).isEqualTo("SeekGT");
        e.run("UPDATE t SET a = a + 10 WHERE a > 4");
        assertThat(e.run("SELECT a FROM t WHERE a > 4 ORDER BY a")).containsExactly(List.of(15L), List.of(16L));
        e.run("DELETE FROM t WHERE a = 15");
        assertThat(e.run("SELECT a FROM t ORDER BY a")).containsExactly(
                java.util.Arrays.asList((Object) null), List.of(4L), List.of(16L));
    }
}
