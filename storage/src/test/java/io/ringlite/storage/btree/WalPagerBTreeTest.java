package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The B-tree over the real pager (WAL, page cache, portable file I/O), checked by real SQLite. */
class WalPagerBTreeTest {
    @TempDir
    Path tmp;

    private IoBackend io;

    private void await(Completion c) {
        long spins = 0;
        while (!c.isDone()) {
            io.poll(io.hasInFlight());
            if (++spins > 50_000_000L) {
                throw new AssertionError("completion never finished");
            }
        }
        if (c.isFailed()) {
            throw new AssertionError(c.failure());
        }
    }

    private void ready(Supplier<IoStatus> op) {
        for (int i = 0; i < 100_000; i++) {
            IoStatus s = op.get();
            if (s instanceof IoStatus.Pending(Completion c)) {
                await(c);
            } else {
                return;
            }
        }
        throw new AssertionError("operation stayed Pending");
    }

    @Test
    void tableWrittenThroughTheWalPagerPassesSqliteIntegrityCheckAndReadsBack() throws Exception {
        Path file = tmp.resolve("wal.db");
        io = IoBackends.create(IoKind.PORTABLE);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        Random r = new Random(77);
        try {
            Storage storage = Storage.open(io, file, StorageOptions.defaults().withPageSize(1024).withCacheSize(8).withSaltSeed(3));
            await(storage.start());
            Pager pager = storage.pager();
            BTreeStore store = storage.btrees();
            int[] root = new int[1];
            // two transactions: create + fill, then replace/delete some rows
            ready(pager::beginRead);
            ready(pager::beginWrite);
            ready(() -> store.createTable(root));
            try (BTreeCursor c = store.openTable(root[0], true)) {
                for (int i = 0; i < 600; i++) {
                    long key = r.nextLong(1, 5_000);
                    byte[] blob = TableBTreeModelTest.payload(r, 1024);
                    byte[] rec = Records.encode((Object) blob);
                    ready(() -> c.insert(key, MemorySegment.ofArray(rec)));
                    model.put(key, blob);
                }
            }
            byte[] schema = Records.encode("table", "t", "t", root[0], "CREATE TABLE t(b BLOB)");
            try (BTreeCursor s = store.openTable(1, true)) {
                ready(() -> s.insert(1, MemorySegment.ofArray(schema)));
            }
            pager.setHeaderInt(40, pager.headerInt(40) + 1);
            await(pager.commit());
            pager.endRead();

            ready(pager::beginRead);
            ready(pager::beginWrite);
            try (BTreeCursor c = store.openTable(root[0], true)) {
                for (Long key : model.keySet().toArray(new Long[0])) {
                    if (r.nextInt(3) == 0) {
                        ready(() -> c.seekRowid(key));
                        ready(c::delete);
                        model.remove(key);
                    }
                }
            }
            await(pager.commit());
            pager.endRead();

            // read back through the pager with a cache far smaller than the tree
            ready(pager::beginRead);
            try (BTreeCursor c = store.openTable(root[0], false)) {
                ready(c::first);
                for (var e : model.entrySet()) {
                    assertThat(c.rowid()).isEqualTo(e.getKey());
                    ready(c::loadPayload);
                    assertThat(Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE)).get(0)).isEqualTo(e.getValue());
                    ready(c::next);
                }
                assertThat(c.eof()).isTrue();
            }
            pager.endRead();
            await(storage.close());
        } finally {
            io.close();
        }

        try (Connection conn = SqliteInteropTest.open(file)) {
            assertThat(SqliteInteropTest.integrityCheck(conn)).isEqualTo("ok");
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

    @Test
    void rowWithAnOverflowChainLongerThanTheCacheIsReadReplacedAndFreed() throws Exception {
        Path file = tmp.resolve("long.db");
        io = IoBackends.create(IoKind.PORTABLE);
        byte[] big = new byte[200_000];
        new Random(5).nextBytes(big);
        byte[] rec = Records.encode((Object) big);
        int[] root = new int[1];
        try {
            Storage storage = Storage.open(io, file, StorageOptions.defaults().withPageSize(1024).withCacheSize(8).withSaltSeed(4));
            await(storage.start());
            Pager pager = storage.pager();
            BTreeStore store = storage.btrees();
            ready(pager::beginRead);
            ready(pager::beginWrite);
            ready(() -> store.createTable(root));
            try (BTreeCursor c = store.openTable(root[0], true)) {
                ready(() -> c.insert(1, MemorySegment.ofArray(rec)));
            }
            byte[] schema = Records.encode("table", "t", "t", root[0], "CREATE TABLE t(b BLOB)");
            try (BTreeCursor s = store.openTable(1, true)) {
                ready(() -> s.insert(1, MemorySegment.ofArray(schema)));
            }
            await(pager.commit());
            pager.endRead();
            await(storage.close());

            // reopened: a cold cache of 8 pages against a chain of about 200
            Storage cold = Storage.open(io, file, StorageOptions.defaults().withCacheSize(8).withSaltSeed(5));
            await(cold.start());
            Pager coldPager = cold.pager();
            BTreeStore coldStore = cold.btrees();
            ready(coldPager::beginRead);
            try (BTreeCursor c = coldStore.openTable(root[0], false)) {
                ready(() -> c.seekRowid(1));
                ready(c::loadPayload);
                assertThat(Records.decode(c.payload().toArray(ValueLayout.JAVA_BYTE)).get(0)).isEqualTo(big);
            }
            coldPager.endRead();
            await(cold.close());

            // reopened again, cold: replacing the row frees the chain
            Storage again = Storage.open(io, file, StorageOptions.defaults().withCacheSize(8).withSaltSeed(6));
            await(again.start());
            Pager againPager = again.pager();
            BTreeStore againStore = again.btrees();
            ready(againPager::beginRead);
            ready(againPager::beginWrite);
            byte[] small = Records.encode((Object) new byte[] {1, 2, 3});
            try (BTreeCursor c = againStore.openTable(root[0], true)) {
                ready(() -> c.insert(1, MemorySegment.ofArray(small)));
            }
            await(againPager.commit());
            againPager.endRead();
            await(again.close());
        } finally {
            io.close();
        }
        try (Connection conn = SqliteInteropTest.open(file)) {
            assertThat(SqliteInteropTest.integrityCheck(conn)).isEqualTo("ok");
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT length(b), (SELECT freelist_count FROM pragma_freelist_count) FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getLong(2)).as("the whole chain went to the freelist")
                        .isEqualTo(PayloadRules.overflowPages(PageType.TABLE_LEAF, rec.length, 1024));
            }
        }
    }
}
