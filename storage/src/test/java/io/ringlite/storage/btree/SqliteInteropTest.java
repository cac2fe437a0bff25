package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files cross both ways: trees we write pass real SQLite's integrity_check and read back
 * identically there; trees SQLite wrote read back identically here.
 */
class SqliteInteropTest {
    @TempDir
    Path tmp;

    static Connection open(Path file) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    static String integrityCheck(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
            return sb.toString().trim();
        }
    }

    @ParameterizedTest(name = "pageSize={0} seed={1} reserved={2}")
    @CsvSource({"512,11,0", "1024,12,0", "4096,13,0", "65536,14,0", "1024,15,8", "4096,16,32"})
    void treeWrittenHerePassesSqliteIntegrityCheckAndReadsBackIdentically(int pageSize, long seed, int reserved) throws Exception {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, reserved, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        TreeMap<Long, byte[]> model = new TreeMap<>();
        try (BTreeCursor c = store.openTable(root[0], true)) {
            int n = pageSize == 65536 ? 300 : 1200;
            for (int i = 0; i < n; i++) {
                long key = r.nextInt(3) == 0 ? (model.isEmpty() ? 1 : model.lastKey() + 1) : r.nextLong(1, 1_000_000);
                byte[] blob = TableBTreeModelTest.payload(r, pageSize);
                byte[] rec = Records.encode((Object) blob);
                pager.evict();
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                model.put(key, blob);
            }
        }
        writeSchemaRow(pager, store, "t", root[0], "CREATE TABLE t(b BLOB)");
        Path file = tmp.resolve("out.db");
        pager.writeTo(file);

        try (Connection conn = open(file)) {
            assertThat(integrityCheck(conn)).isEqualTo("ok");
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT rowid, b FROM t ORDER BY rowid")) {
                for (var e : model.entrySet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(e.getKey());
                    byte[] b = rs.getBytes(2);
                    assertThat(b == null ? new byte[0] : b).isEqualTo(e.getValue());
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "pageSize={0} seed={1} keep={2}")
    @CsvSource({"512,31,0.3", "512,32,0.02", "1024,33,0.1", "4096,34,0.5", "4096,35,0.005", "65536,36,0.2"})
    void treeAfterManyDeletesPassesSqliteIntegrityCheck(int pageSize, long seed, double keep) throws Exception {
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        TreeMap<Long, byte[]> model = new TreeMap<>();
        try (BTreeCursor c = store.openTable(root[0], true)) {
            int n = pageSize == 65536 ? 600 : 2500;
            for (int i = 0; i < n; i++) {
                long key = r.nextBoolean() ? i : r.nextLong(1, 1_000_000);
                byte[] blob = r.nextInt(5) == 0 ? TableBTreeModelTest.payload(r, pageSize) : new byte[r.nextInt(pageSize / 10)];
                byte[] rec = Records.encode((Object) blob);
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                model.put(key, blob);
            }
            for (Long key : new ArrayList<>(model.keySet())) {
                if (r.nextDouble() >= keep) {
                    pager.evict();
                    Io.run(pager, () -> c.seekRowid(key));
                    Io.run(pager, c::delete);
                    model.remove(key);
                }
            }
        }
        writeSchemaRow(pager, store, "t", root[0], "CREATE TABLE t(b BLOB)");
        Path file = tmp.resolve("deleted.db");
        pager.writeTo(file);
        try (Connection conn = open(file)) {
            assertThat(integrityCheck(conn)).isEqualTo("ok");
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT rowid, b FROM t ORDER BY rowid")) {
                for (var e : model.entrySet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(e.getKey());
                    byte[] b = rs.getBytes(2);
                    assertThat(b == null ? new byte[0] : b).isEqualTo(e.getValue());
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /**
     * A file SQLite made (with freeblocks, fragments and a freelist in freelist.db) changed by
     * our B-tree: deletes, replaces of other sizes, inserts with overflow. SQLite still finds
     * it intact and reads exactly our rows; the untouched table is unchanged.
     */
    @ParameterizedTest
    @ValueSource(strings = {"freelist.db", "basic-4096.db", "pagesize-512.db", "pagesize-65536.db"})
    void sqliteFileChangedHereStaysIntactForSqlite(String fixture) throws Exception {
        Path file = Fixtures.copy(fixture, tmp);
        long peopleBefore;
        try (Connection conn = open(file); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM people")) {
            rs.next();
            peopleBefore = rs.getLong(1);
        }
        MemoryPager pager = MemoryPager.load(file, 99, 0.2);
        BTreeStore store = BTrees.create(pager);
        Random r = new Random(fixture.hashCode());
        TreeMap<Long, byte[]> model = new TreeMap<>();
        int mixedRoot = 3;
        try (BTreeCursor c = store.openTable(mixedRoot, true)) {
            Io.run(pager, c::first);
            while (!c.eof()) {
                Io.run(pager, c::loadPayload);
                model.put(c.rowid(), c.payload().toArray(ValueLayout.JAVA_BYTE));
                Io.run(pager, c::next);
            }
            int page = pager.pageSize();
            for (int i = 0; i < 400; i++) {
                int op = r.nextInt(3);
                if (op == 0 && !model.isEmpty()) {
                    long key = TableBTreeModelTest.randomExisting(model, r);
                    pager.evict();
                    Io.run(pager, () -> c.seekRowid(key));
                    Io.run(pager, c::delete);
                    model.remove(key);
                } else {
                    long key = op == 1 && !model.isEmpty() ? TableBTreeModelTest.randomExisting(model, r) : r.nextLong(1, 10_000);
                    byte[] blob = new byte[r.nextInt(4) == 0 ? r.nextInt(3 * page) : r.nextInt(40)];
                    r.nextBytes(blob);
                    byte[] rec = Records.encode(blob, r.nextLong(), "text " + r.nextInt(), r.nextDouble(), blob, (long) r.nextInt());
                    pager.evict();
                    Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                    model.put(key, rec);
                }
            }
        }
        TableBTreeModelTest.verify(pager, store, mixedRoot, model, r);
        pager.writeTo(file);
        try (Connection conn = open(file)) {
            assertThat(integrityCheck(conn)).isEqualTo("ok");
            assertThat(compareTable(conn, pager, store, "mixed", mixedRoot)).isEqualTo(model.size());
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM people")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(peopleBefore);
            }
        }
    }

    static void writeSchemaRow(MemoryPager pager, BTreeStore store, String name, int root, String sql) {
        byte[] rec = Records.encode("table", name, name, root, sql);
        try (BTreeCursor schema = store.openTable(1, true)) {
            Io.run(pager, schema::last);
            long rowid = schema.eof() ? 1 : schema.rowid() + 1;
            Io.run(pager, () -> schema.insert(rowid, MemorySegment.ofArray(rec)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic-4096.db", "pagesize-512.db", "overflow.db", "pagesize-65536.db", "reserved-bytes.db"})
    void fixtureMadeBySqliteReadsBackIdentically(String fixture) throws Exception {
        Path file = Fixtures.copy(fixture, tmp);
        MemoryPager pager = MemoryPager.load(file, fixture.hashCode(), 0.2);
        BTreeStore store = BTrees.create(pager);
        try (Connection conn = open(file)) {
            List<String> tables = new ArrayList<>();
            List<Integer> roots = new ArrayList<>();
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, rootpage FROM sqlite_schema WHERE type='table' AND sql NOT LIKE '%WITHOUT ROWID%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                    roots.add(rs.getInt(2));
                }
            }
            assertThat(tables).isNotEmpty();
            for (int t = 0; t < tables.size(); t++) {
                int rows = compareTable(conn, pager, store, tables.get(t), roots.get(t));
                assertThat(rows).as(tables.get(t)).isGreaterThanOrEqualTo(0);
            }
            // the schema table itself (page 1, with the 100-byte header before its b-tree header)
            compareTable(conn, pager, store, "sqlite_schema", 1);
        }
    }

    private static int compareTable(Connection conn, MemoryPager pager, BTreeStore store, String table, int root) throws Exception {
        int rows = 0;
        List<Long> rowids = new ArrayList<>();
        int alias = rowidAliasColumn(conn, table);
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT rowid, * FROM \"" + table + "\" ORDER BY rowid");
             BTreeCursor c = store.openTable(root, false)) {
            int cols = rs.getMetaData().getColumnCount() - 1;
            pager.evict();
            Io.run(pager, c::first);
            while (rs.next()) {
                assertThat(c.eof()).as(table + " ends early").isFalse();
                assertThat(c.rowid()).isEqualTo(rs.getLong(1));
                rowids.add(c.rowid());
                pager.evict();
                Io.run(pager, c::loadPayload);
                List<Object> values = Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE));
                for (int i = 0; i < cols; i++) {
                    Object mine = i < values.size() ? values.get(i) : null;
                    Object theirs = rs.getObject(i + 2);
                    if (i == alias) {
                        // an INTEGER PRIMARY KEY is the rowid; the record stores NULL in its place
                        assertThat(mine).isNull();
                        mine = c.rowid();
                    }
                    if (mine instanceof Long l && theirs instanceof Double) {
                        mine = (double) l; // SQLite stores an integral REAL as an integer on disk
                    }
                    assertThat(normalize(mine)).as(table + " rowid " + c.rowid() + " column " + i).isEqualTo(normalize(theirs));
                }
                rows++;
                Io.run(pager, c::next);
            }
            assertThat(c.eof()).as(table + " has extra rows").isTrue();
            for (long id : rowids) {
                pager.evict();
                Io.run(pager, () -> c.seekRowid(id));
                assertThat(c.found()).isTrue();
                assertThat(c.rowid()).isEqualTo(id);
            }
        }
        return rows;
    }

    /** The column index of an INTEGER PRIMARY KEY (the rowid alias), or -1. */
    private static int rowidAliasColumn(Connection conn, String table) throws Exception {
        int alias = -1;
        int pks = 0;
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
            while (rs.next()) {
                if (rs.getInt("pk") > 0) {
                    pks++;
                    if (rs.getString("type").equalsIgnoreCase("INTEGER")) {
                        alias = rs.getInt("cid");
                    }
                }
            }
        }
        return pks == 1 ? alias : -1;
    }

    /** JDBC hands back Integer/Long/Double/String/byte[]; the record gives Long for any integer. */
    private static Object normalize(Object o) {
        if (o instanceof Integer i) {
            return (long) i;
        }
        if (o instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return o;
    }
}
