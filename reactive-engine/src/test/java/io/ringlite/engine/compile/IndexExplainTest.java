package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXPLAIN of index maintenance uses SQLite's opcode names and prints index KeyInfos as SQLite does. */
class IndexExplainTest {
    @Test
    void insertIntoAnIndexedTableProbesThenWritesEveryIndex() {
        IndexedMiniEngine e = new IndexedMiniEngine();
        e.run("CREATE TABLE t(a, b REAL, c TEXT UNIQUE, d, PRIMARY KEY(a, d))");
        e.run("CREATE UNIQUE INDEX i1 ON t(b DESC, c COLLATE NOCASE)");
        List<List<Object>> rows = e.run("EXPLAIN INSERT INTO t VALUES (1, 2, 'x', 4)");
        List<String> opcodes = new ArrayList<>();
        List<Object> indexP4 = new ArrayList<>();
        for (List<Object> r : rows) {
            opcodes.add((String) r.get(1));
            if (r.get(1).equals("OpenWrite") && !Long.valueOf(0).equals(r.get(2))) {
                indexP4.add(r.get(5));
            }
        }
        // as sqlite3 3.40 prints them: i1 first (newest index first), then the automatic ones
        assertThat(indexP4).containsExactly("k(3,-,NOCASE,)", "k(3,,,)", "k(2,,)");
        assertThat(opcodes).containsSubsequence("NoConflict", "Halt", "NoConflict", "Halt", "NoConflict", "Halt",
                "IdxInsert", "IdxInsert", "IdxInsert", "Insert");
    }
}
