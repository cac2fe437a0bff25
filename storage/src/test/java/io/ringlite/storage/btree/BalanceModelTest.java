package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.check.IntegrityCheck;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table and an index on it, written through inserts, updates and deletes (down to empty) in
 * ascending, descending and random key order, against a {@code TreeMap}/{@code TreeSet} model;
 * after every batch the trees pass our {@link IntegrityCheck} and, written to a file, real
 * SQLite's {@code PRAGMA integrity_check} (which also checks that the index matches the table)
 * and read back identically there. Payloads include overflowing ones, so balancing moves cells
 * with overflow chains; the pager makes fetches Pending on a seeded schedule.
 *
 * <p>Default run: a few seeds per page size; {@code -Dringlite.btree.long=true} runs more seeds
 * with more rows.
 */
class BalanceModelTest {
    static final boolean LONG = Boolean.getBoolean("ringlite.btree.long");

    enum Order { ASC, DESC, RANDOM }

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[] sizes = {512, 1024, 4096, 65536};
        long seed = 1000;
        for (int size : sizes) {
            for (Order o : Order.values()) {
                int seeds = LONG ? 4 : (size == 4096 || o == Order.RANDOM ? 1 : 0);
                if (size == 65536 && !LONG && o != Order.RANDOM) {
                    seeds = 0;
                }
                for (int s = 0; s < seeds; s++) {
                    out.add(Arguments.of(size, seed++, o));
                }
                seed += 10;
            }
        }
        return out.stream();
    }

    /** One table {@code t(b BLOB)} and index {@code i ON t(b)} kept in step with the model. */
    static final class Db {
        final MemoryPager pager;
        final BTreeStore store;
        final int table;
        final int index;
        final TreeMap<Long, byte[]> rows = new TreeMap<>();
        final BTreeCursor t;
        final IndexCursor x;
        final Random r;

        final Path dir;

        Db(int pageSize, long seed, Random r, Path dir) {
            this.r = r;
            this.dir = dir;
            pager = MemoryPager.create(pageSize, 0, seed, 0.1);
            store = BTrees.create(pager);
            int[] a = new int[1];
            int[] b = new int[1];
            Io.run(pager, () -> store.createTable(a));
            Io.run(pager, () -> store.createIndex(b));
            table = a[0];
            index = b[0];
            IndexInteropTest.schemaRow(pager, store, "table", "t", "t", table, "CREATE TABLE t(b BLOB)");
            IndexInteropTest.schemaRow(pager, store, "index", "i", "t", index, "CREATE INDEX i ON t(b)");
            t = store.openTable(table, true);
            x = store.openIndex(index, IndexBTreeModelTest.KEY, true);
        }

        private void maybeEvict() {
            if (r.nextInt(4) == 0) {
                pager.evict();
            }
        }

        void put(long rowid, byte[] blob) {
            byte[] old = rows.get(rowid);
            if (old != null) {
                removeIndexEntry(rowid, old);
            }
            byte[] rec = Records.encode((Object) blob);
            byte[] entry = Records.encode(blob, rowid);
            maybeEvict();
            Io.run(pager, () -> t.insert(rowid, MemorySegment.ofArray(rec)));
            maybeEvict();
            Io.run(pager, () -> x.insert(MemorySegment.ofArray(entry)));
            rows.put(rowid, blob);
        }

        void delete(long rowid) {
            byte[] old = rows.remove(rowid);
            maybeEvict();
            Io.run(pager, () -> t.seekRowid(rowid));
            assertThat(t.found()).as("row %d", rowid).isTrue();
            maybeEvict();
            Io.run(pager, t::delete);
            removeIndexEntry(rowid, old);
        }

        private void removeIndexEntry(long rowid, byte[] blob) {
            maybeEvict();
            Io.run(pager, () -> x.seek(new Object[] {blob, rowid}, SeekOp.EQ));
            assertThat(x.found()).as("index entry of row %d", rowid).isTrue();
            maybeEvict();
            Io.run(pager, x::delete);
        }

        TreeMap<Long, byte[]> tableModel() {
            TreeMap<Long, byte[]> m = new TreeMap<>();
            rows.forEach((k, v) -> m.put(k, Records.encode((Object) v)));
            return m;
        }

        TreeSet<IndexBTreeModelTest.Entry> indexModel() {
            TreeSet<IndexBTreeModelTest.Entry> s = new TreeSet<>(IndexBTreeModelTest.ORDER);
            rows.forEach((k, v) -> s.add(new IndexBTreeModelTest.Entry(v, k)));
            return s;
        }

        /**
         * Our integrity check (on the file the pages make, which is where the freelist lives)
         * and the cursors against the model.
         */
        void check() throws Exception {
            Path file = dir.resolve("check.db");
            pager.writeTo(file);
            assertThat(integrity(MemoryPager.load(file, 1, 0.1), table, index)).isEqualTo(List.of("ok"));
            TableBTreeModelTest.verify(pager, store, table, tableModel(), r);
            IndexBTreeModelTest.verify(pager, store, index, indexModel(), r);
        }

        /** Real SQLite: integrity_check ok, and the table and the index read back as the model. */
        void checkWithSqlite(Path file) throws Exception {
            pager.writeTo(file);
            try (Connection c = SqliteInteropTest.open(file)) {
                assertThat(SqliteInteropTest.integrityCheck(c)).isEqualTo("ok");
                List<String> expected = new ArrayList<>();
                rows.forEach((k, v) -> expected.add(row(k, v)));
                assertThat(readRows(c, "SELECT rowid, b FROM t ORDER BY rowid")).containsExactlyElementsOf(expected);
                List<String> byIndex = new ArrayList<>();
                for (IndexBTreeModelTest.Entry e : indexModel()) {
                    byIndex.add(row(e.rowid(), e.blob()));
                }
                assertThat(readRows(c, "SELECT rowid, b FROM t INDEXED BY i WHERE b IS NOT NULL ORDER BY b, rowid"))
                        .containsExactlyElementsOf(byIndex);
            }
        }

        void close() {
            t.close();
            x.close();
        }
    }

    static List<String> integrity(MemoryPager pager, int... roots) {
        IntegrityCheck check = new IntegrityCheck(pager, roots, 20);
        pager.evict();
        Io.run(pager, check::run);
        return check.messages();
    }

    static String row(long rowid, byte[] blob) {
        return rowid + ":" + HexFormat.of().formatHex(blob);
    }

    static List<String> readRows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                byte[] b = rs.getBytes(2);
                out.add(row(rs.getLong(1), b == null ? new byte[0] : b));
            }
        }
        return out;
    }

    /** A value whose order follows {@code rank} for ASC/DESC; some overflow a page. */
    static byte[] blob(Random r, int pageSize, Order order, long rank) {
        int len = switch (r.nextInt(10)) {
            case 0 -> r.nextInt(pageSize * 2); // overflows
            case 1 -> pageSize / 4 - 40 + r.nextInt(60); // around the index local limit
            default -> r.nextInt(Math.max(4, pageSize / 30));
        };
        byte[] b = new byte[len + 8];
        r.nextBytes(b);
        if (order != Order.RANDOM) {
            ByteBuffer.wrap(b).putLong(order == Order.ASC ? rank : Long.MAX_VALUE - rank);
        }
        return b;
    }

    @ParameterizedTest(name = "pageSize={0} seed={1} order={2}")
    @MethodSource("cases")
    void tableAndIndexStayBalancedAndSoundThroughInsertsUpdatesAndDeletesDownToEmpty(int pageSize, long seed, Order order) throws Exception {
        Random r = new Random(seed);
        Db db = new Db(pageSize, seed, r, tmp);
        try {
            int n = (pageSize == 65536 ? 250 : 900) * (LONG ? 4 : 1);
            // 1. grow, in the chosen key order
            for (int i = 0; i < n; i++) {
                long rowid = switch (order) {
                    case ASC -> i + 1;
                    case DESC -> 1_000_000 - i;
                    case RANDOM -> r.nextLong(1, 1_000_000_000);
                };
                db.put(rowid, blob(r, pageSize, order, i));
                if (i % 300 == 299) {
                    db.check();
                }
            }
            db.check();
            db.checkWithSqlite(tmp.resolve("grown.db"));

            // 2. updates (bigger, smaller, overflowing), deletes and fresh inserts, mixed
            List<Long> keys = new ArrayList<>(db.rows.keySet());
            for (int i = 0; i < n; i++) {
                int op = r.nextInt(10);
                if (op < 4 && !keys.isEmpty()) {
                    long k = keys.get(r.nextInt(keys.size()));
                    byte[] b = r.nextInt(3) == 0 ? new byte[r.nextInt(3)] : blob(r, pageSize, Order.RANDOM, i);
                    db.put(k, b);
                } else if (op < 7 && !keys.isEmpty()) {
                    long k = keys.remove(r.nextInt(keys.size()));
                    db.delete(k);
                } else {
                    long k = r.nextLong(1, 1_000_000_000);
                    if (!db.rows.containsKey(k)) {
                        keys.add(k);
                    }
                    db.put(k, blob(r, pageSize, Order.RANDOM, i));
                }
            }
            db.check();
            db.checkWithSqlite(tmp.resolve("mixed.db"));

            // 3. delete nine in ten: the trees give their pages back
            int before = RebalanceTest.livePages(db.pager);
            Collections.shuffle(keys, r);
            int keep = keys.size() / 10;
            for (long k : keys.subList(keep, keys.size())) {
                db.delete(k);
            }
            int after = RebalanceTest.livePages(db.pager);
            assertThat(after).as("live pages after deleting 90%% of the rows (%d before)", before)
                    .isLessThanOrEqualTo(Math.max(4, before / 3));
            db.check();
            db.checkWithSqlite(tmp.resolve("thinned.db"));

            // 4. down to empty: both roots are empty leaves, every other page is free again
            for (long k : keys.subList(0, keep)) {
                db.delete(k);
            }
            db.check();
            assertThat(db.rows).isEmpty();
            assertThat(db.pager.freePages()).as("all but page 1 and the two roots are free")
                    .hasSize(db.pager.pageCount() - 3);
            db.checkWithSqlite(tmp.resolve("empty.db"));
        } catch (Throwable t) {
            throw new AssertionError("failing seed " + seed + " pageSize " + pageSize + " order " + order + ": " + t, t);
        } finally {
            db.close();
        }
        assertThat(db.pager.pinnedPages()).isZero();
    }

    @ParameterizedTest(name = "pageSize={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {512, 4096})
    void treeOnPageOneGrowsBelowTheFileHeaderAndShrinksBackIntoPageOne(int pageSize) throws Exception {
        long seed = pageSize;
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        try (BTreeCursor c = store.openTable(1, true)) {
            for (long k = 1; k <= 600; k++) {
                byte[] rec = Records.encode("table", "t" + k, "t" + k, 0L, "CREATE TABLE t" + k + "(x)" + " ".repeat(r.nextInt(pageSize / 4)));
                long key = k;
                pager.evict();
                Io.run(pager, () -> c.insert(key, MemorySegment.ofArray(rec)));
                model.put(k, rec);
            }
            assertThat(pager.pageCount()).as("the tree grew below page 1").isGreaterThan(10);
            List<Long> keys = new ArrayList<>(model.keySet());
            Collections.shuffle(keys, r);
            for (long k : keys) {
                pager.evict();
                Io.run(pager, () -> c.seekRowid(k));
                Io.run(pager, c::delete);
                model.remove(k);
                if (model.size() % 150 == 0) {
                    TableBTreeModelTest.verify(pager, store, 1, model, r);
                }
            }
        }
        assertThat(pager.freePages()).as("every page but page 1 is free").hasSize(pager.pageCount() - 1);
        Path file = tmp.resolve("one.db");
        pager.writeTo(file);
        assertThat(integrity(MemoryPager.load(file, 1, 0.1))).isEqualTo(List.of("ok"));
        try (Connection c = SqliteInteropTest.open(file)) {
            assertThat(SqliteInteropTest.integrityCheck(c)).isEqualTo("ok");
        }
    }

    @ParameterizedTest(name = "pageSize={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {512, 4096})
    void aCursorWalkingTheTableStaysOnTheRightRowsWhileAnotherCursorBalancesThePagesUnderIt(int pageSize) {
        long seed = 77L + pageSize;
        Random r = new Random(seed);
        MemoryPager pager = MemoryPager.create(pageSize, 0, seed, 0.1);
        BTreeStore store = BTrees.create(pager);
        int[] root = new int[1];
        Io.run(pager, () -> store.createTable(root));
        TreeMap<Long, byte[]> model = new TreeMap<>();
        try (BTreeCursor writer = store.openTable(root[0], true);
             BTreeCursor reader = store.openTable(root[0], false)) {
            for (long k = 1; k <= 1500; k++) {
                byte[] rec = Records.encode((Object) new byte[r.nextInt(pageSize / 6)]);
                long key = k * 10;
                Io.run(pager, () -> writer.insert(key, MemorySegment.ofArray(rec)));
                model.put(key, rec);
            }
            Io.run(pager, reader::first);
            long at = reader.rowid();
            while (true) {
                // the writer deletes rows ahead of and behind the reader (merging pages) and
                // inserts new ones (splitting them) before each step
                for (int j = 0; j < 3 && !model.isEmpty(); j++) {
                    long victim = model.ceilingKey(r.nextLong(model.firstKey(), model.lastKey() + 1));
                    if (victim == at) {
                        continue;
                    }
                    pager.evict();
                    Io.run(pager, () -> writer.seekRowid(victim));
                    Io.run(pager, writer::delete);
                    model.remove(victim);
                }
                long fresh = r.nextLong(1, 15_000) * 10 + 5;
                byte[] rec = Records.encode((Object) new byte[r.nextInt(pageSize / 4)]);
                pager.evict();
                Io.run(pager, () -> writer.insert(fresh, MemorySegment.ofArray(rec)));
                model.put(fresh, rec);

                pager.evict();
                Io.run(pager, reader::next);
                Long expected = model.higherKey(at);
                assertThat(reader.eof()).as("after %d", at).isEqualTo(expected == null);
                if (expected == null) {
                    break;
                }
                assertThat(reader.rowid()).as("the row after %d", at).isEqualTo(expected);
                Io.run(pager, reader::loadPayload);
                assertThat(reader.payload().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(model.get(expected));
                at = expected;
            }
        } catch (Throwable t) {
            throw new AssertionError("failing seed " + seed + ": " + t, t);
        }
        TableBTreeModelTest.verify(pager, store, root[0], model, r);
    }
}
