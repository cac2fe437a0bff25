package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.record.Collation;
import io.ringlite.storage.record.KeyInfo;
import io.ringlite.storage.record.RecordCompare;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Index B-trees cross both ways with real SQLite: indexes and WITHOUT ROWID tables that
 * sqlite3 built read back here in SQLite's order and with SQLite's content; index trees written
 * here (with their table and sqlite_schema rows) pass SQLite's integrity_check, which compares
 * every index entry with its table row.
 */
class IndexInteropTest {
    @TempDir
    Path tmp;

    static List<byte[]> scan(MemoryPager pager, BTreeStore store, int root, KeyInfo ki) {
        List<byte[]> out = new ArrayList<>();
        try (IndexCursor c = store.openIndex(root, ki, false)) {
            Io.run(pager, c::first);
            while (!c.eof()) {
                Io.run(pager, c::loadPayload);
                out.add(c.payload().toArray(ValueLayout.JAVA_BYTE));
                pager.evict();
                Io.run(pager, c::next);
            }
        }
        return out;
    }

    static void assertStrictlyOrdered(List<byte[]> entries, KeyInfo ki) {
        for (int i = 1; i < entries.size(); i++) {
            assertThat(RecordCompare.compare(MemorySegment.ofArray(entries.get(i - 1)), MemorySegment.ofArray(entries.get(i)), ki))
                    .as("entry %d sorts before entry %d", i - 1, i).isNegative();
        }
    }

    static List<List<Object>> query(Connection conn, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Integer x ? Long.valueOf(x) : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    static List<List<Object>> decoded(List<byte[]> entries) {
        List<List<Object>> out = new ArrayList<>();
        for (byte[] e : entries) {
            List<Object> row = new ArrayList<>(Records.decode(e));
            row.replaceAll(v -> v instanceof byte[] b ? new String(Arrays.toString(b)) : v);
            out.add(row);
        }
        return out;
    }

    static List<List<Object>> normalized(List<List<Object>> rows) {
        for (List<Object> row : rows) {
            row.replaceAll(v -> v instanceof byte[] b ? new String(Arrays.toString(b)) : v);
        }
        return rows;
    }

    @Test
    void indexesAndWithoutRowidTablesMadeBySqliteReadInSqlitesOrder() throws Exception {
        Path file = Fixtures.copy("indexes.db", tmp);
        MemoryPager pager = MemoryPager.load(file, 5, 0.2);
        BTreeStore store = BTrees.create(pager);
        try (Connection conn = SqliteInteropTest.open(file)) {
            KeyInfo kv = KeyInfo.binary(1);
            List<byte[]> kvEntries = scan(pager, store, 2, kv);
            assertStrictlyOrdered(kvEntries, kv);
            assertThat(decoded(kvEntries)).isEqualTo(normalized(query(conn, "SELECT k, v FROM kv ORDER BY k")));

            KeyInfo pair = KeyInfo.binary(2);
            List<byte[]> pairEntries = scan(pager, store, 3, pair);
            assertStrictlyOrdered(pairEntries, pair);
            assertThat(decoded(pairEntries)).isEqualTo(normalized(query(conn, "SELECT a, b, c FROM pair ORDER BY a, b")));

            KeyInfo xy = new KeyInfo(new Collation[] {Collation.BINARY, Collation.NOCASE}, new boolean[] {true, false});
            List<byte[]> xyEntries = scan(pager, store, 6, xy);
            assertStrictlyOrdered(xyEntries, xy);
            assertThat(decoded(xyEntries)).isEqualTo(normalized(query(conn,
                    "SELECT x, y, id FROM t INDEXED BY t_xy ORDER BY x DESC, y COLLATE NOCASE, id")));

            KeyInfo y = new KeyInfo(new Collation[] {Collation.NOCASE}, new boolean[] {false});
            List<byte[]> yEntries = scan(pager, store, 7, y);
            assertStrictlyOrdered(yEntries, y);
            assertThat(decoded(yEntries)).isEqualTo(normalized(query(conn,
                    "SELECT y, id FROM t ORDER BY y COLLATE NOCASE, id")));

            KeyInfo z = KeyInfo.binary(1);
            List<byte[]> zEntries = scan(pager, store, 8, z);
            assertStrictlyOrdered(zEntries, z);
            assertThat(decoded(zEntries)).isEqualTo(normalized(query(conn, "SELECT z, id FROM t WHERE z > 0.5 ORDER BY z, id")));

            // partial-key seeks agree with SQLite on the NOCASE index
            Random r = new Random(3);
            try (IndexCursor c = store.openIndex(7, y, false);
                 PreparedStatement ge = conn.prepareStatement("SELECT y, id FROM t WHERE y >= ? ORDER BY y COLLATE NOCASE, id LIMIT 1");
                 PreparedStatement lt = conn.prepareStatement("SELECT y, id FROM t WHERE y < ? ORDER BY y COLLATE NOCASE DESC, id DESC LIMIT 1")) {
                for (int i = 0; i < 200; i++) {
                    List<Object> probeRow = Records.decode(yEntries.get(r.nextInt(yEntries.size())));
                    Object probe = probeRow.get(0);
                    if (probe instanceof String s && r.nextBoolean()) {
                        probe = r.nextBoolean() ? s.toUpperCase(java.util.Locale.ROOT) : s + "a";
                    }
                    Object p = probe;
                    for (boolean forward : new boolean[] {true, false}) {
                        pager.evict();
                        Io.run(pager, () -> c.seek(new Object[] {p}, forward ? SeekOp.GE : SeekOp.LT));
                        PreparedStatement ps = forward ? ge : lt;
                        ps.setObject(1, p);
                        List<List<Object>> want = new ArrayList<>();
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                want.add(new ArrayList<>(Arrays.asList(rs.getObject(1), rs.getLong(2))));
                            }
                        }
                        assertThat(c.eof()).as("probe %s forward %s", p, forward).isEqualTo(want.isEmpty());
                        if (!want.isEmpty()) {
                            Io.run(pager, c::loadPayload);
                            List<Object> got = Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE));
                            assertThat(got.get(1)).as("probe %s forward %s", p, forward).isEqualTo(want.get(0).get(1));
                        }
                    }
                }
            }
        }
    }

    @Test
    void uniqueAndPlainIndexesOfBasicFixtureMatchSqlite() throws Exception {
        Path file = Fixtures.copy("basic-4096.db", tmp);
        MemoryPager pager = MemoryPager.load(file, 7, 0.2);
        BTreeStore store = BTrees.create(pager);
        try (Connection conn = SqliteInteropTest.open(file)) {
            KeyInfo one = KeyInfo.binary(1);
            List<byte[]> age = scan(pager, store, 4, one);
            assertStrictlyOrdered(age, one);
            assertThat(decoded(age)).isEqualTo(normalized(query(conn, "SELECT age, id FROM people ORDER BY age, id")));
            List<byte[]> name = scan(pager, store, 5, one);
            assertStrictlyOrdered(name, one);
            assertThat(decoded(name)).isEqualTo(normalized(query(conn, "SELECT name, id FROM people ORDER BY name, id")));
        }
    }

    static void schemaRow(MemoryPager pager, BTreeStore store, String type, String name, String table, int root, String sql) {
        byte[] rec = Records.encode(type, name, table, (long) root, sql);
        try (BTreeCursor schema = store.openTable(1, true)) {
            Io.run(pager, schema::last);
            long rowid = schema.eof() ? 1 : schema.rowid() + 1;
            Io.run(pager, () -> schema.insert(rowid, MemorySegment.ofArray(rec)));
        }
    }

    static String text(Random r, int pageSize) {
        int len = r.nextInt(8) == 0 ? r.nextInt(pageSize) : 1 + r.nextInt(30);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append((char) ('A' + r.nextInt(6) + (r.nextBoolean() ? 32 : 0)));
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "pageSize={0} seed={1} keep={2}")
    @CsvSource({"512,41,0.5", "1024,42,0.1", "4096,43,0.3", "4096,44,0.02", "65536,45,0.5"})
    void indexWrittenHerePassesSqliteIntegrityCheck(int pageSize, long seed, double keep) throws Exception {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] table = new int[1];
        int[] index = new int[1];
        int[] wr = new int[1];
        Io.run(pager, () -> store.createTable(table));
        Io.run(pager, () -> store.createIndex(index));
        Io.run(pager, () -> store.createIndex(wr));
        KeyInfo ki = new KeyInfo(new Collation[] {Collation.NOCASE, Collation.BINARY}, new boolean[] {false, true});
        KeyInfo wki = KeyInfo.binary(1);
        TreeMap<Long, Object[]> rows = new TreeMap<>();
        int n = pageSize == 65536 ? 800 : 2000;
        try (BTreeCursor t = store.openTable(table[0], true);
             IndexCursor x = store.openIndex(index[0], ki, true);
             IndexCursor w = store.openIndex(wr[0], wki, true)) {
            for (long id = 1; id <= n; id++) {
                String a = text(r, pageSize);
                long b = r.nextInt(50);
                long rowid = id;
                byte[] row = Records.encode(a, b);
                byte[] entry = Records.encode(a, b, rowid);
                byte[] wrow = Records.encode("k" + id + "-" + a, b);
                pager.evict();
                Io.run(pager, () -> t.insert(rowid, MemorySegment.ofArray(row)));
                Io.run(pager, () -> x.insert(MemorySegment.ofArray(entry)));
                Io.run(pager, () -> w.insert(MemorySegment.ofArray(wrow)));
                rows.put(id, new Object[] {a, b});
            }
            for (long id : new ArrayList<>(rows.keySet())) {
                if (r.nextDouble() < keep) {
                    continue;
                }
                Object[] v = rows.remove(id);
                pager.evict();
                Io.run(pager, () -> t.seekRowid(id));
                Io.run(pager, t::delete);
                Io.run(pager, () -> x.seek(new Object[] {v[0], v[1], id}, SeekOp.EQ));
                assertThat(x.found()).isTrue();
                Io.run(pager, x::delete);
                Io.run(pager, () -> w.seek(new Object[] {"k" + id + "-" + v[0]}, SeekOp.EQ));
                assertThat(w.found()).isTrue();
                Io.run(pager, w::delete);
            }
        }
        schemaRow(pager, store, "table", "t", "t", table[0], "CREATE TABLE t(a TEXT, b INTEGER)");
        schemaRow(pager, store, "index", "t_ab", "t", index[0], "CREATE INDEX t_ab ON t(a COLLATE NOCASE, b DESC)");
        schemaRow(pager, store, "table", "w", "w", wr[0], "CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID");
        Path file = tmp.resolve("index.db");
        pager.writeTo(file);
        try (Connection conn = SqliteInteropTest.open(file)) {
            assertThat(SqliteInteropTest.integrityCheck(conn)).isEqualTo("ok");
            assertThat(query(conn, "SELECT count(*) FROM t INDEXED BY t_ab WHERE a >= ''").get(0).get(0))
                    .isEqualTo((long) rows.size());
            assertThat(query(conn, "SELECT count(*) FROM w").get(0).get(0)).isEqualTo((long) rows.size());
        }
    }
}
