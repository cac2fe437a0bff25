package io.ringlite.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.pager.TablePages;
import io.ringlite.storage.pager.TestIo;
import io.ringlite.storage.pager.WalPager;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The B-tree layer over the real pager ({@link Storage#btrees()}), checked by real SQLite. */
class StorageBTreeTest {
    @TempDir
    Path dir;

    @Test
    void tableWrittenThroughStorageBTreesPassesSqliteIntegrityCheck() throws Exception {
        Path db = dir.resolve("bt.db");
        int rows = 3000;
        try (IoBackend io = IoBackends.create(IoKind.PORTABLE)) {
            // A small cache forces evictions and re-reads from the WAL between commits.
            Storage s = Storage.open(io, db, StorageOptions.defaults().withPageSize(1024).withCacheSize(32)
                    .withWalAutoCheckpoint(200));
            TestIo.await(io, s.start());
            WalPager pager = s.walPager();
            BTreeStore trees = s.btrees();
            int[] root = new int[1];
            TestIo.ready(io, pager::beginRead);
            TestIo.ready(io, pager::beginWrite);
            TestIo.ready(io, () -> trees.createTable(root));
            try (BTreeCursor schema = trees.openTable(1, true)) {
                MemorySegment rec = MemorySegment.ofArray(TablePages.record("table", "t", "t", (long) root[0],
                        "CREATE TABLE t(a)"));
                TestIo.ready(io, () -> schema.insert(1, rec));
            }
            pager.setHeaderInt(DatabaseHeader.OFF_SCHEMA_COOKIE, 1);
            TestIo.await(io, pager.commit());
            pager.endRead();
            // Many small transactions, each its own commit, with text up to a few pages long.
            for (int batch = 0; batch < rows / 100; batch++) {
                TestIo.ready(io, pager::beginRead);
                TestIo.ready(io, pager::beginWrite);
                try (BTreeCursor c = trees.openTable(root[0], true)) {
                    for (int i = 1; i <= 100; i++) {
                        long rowid = batch * 100L + i;
                        MemorySegment rec = MemorySegment.ofArray(TablePages.record("x".repeat((int) (rowid % 37) * 40)));
                        TestIo.ready(io, () -> c.insert(rowid, rec));
                    }
                }
                TestIo.await(io, pager.commit());
                pager.endRead();
            }
            TestIo.await(io, s.close());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*), sum(length(a)), max(rowid) FROM t")) {
                rs.next();
                long expectedLength = 0;
                for (long r = 1; r <= rows; r++) {
                    expectedLength += (r % 37) * 40;
                }
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getLong(2)).isEqualTo(expectedLength);
                assertThat(rs.getLong(3)).isEqualTo(rows);
            }
        }
    }
}
