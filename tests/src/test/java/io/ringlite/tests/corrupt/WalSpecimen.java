package io.ringlite.tests.corrupt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A database plus an uncheckpointed WAL written by real SQLite: commit 0 (table w, rows 1..10)
 * is checkpointed into the database file; commits 1..n each add ten rows and live only in the
 * WAL. Both files are copied while the writing connection is still open, so the WAL survives.
 *
 * <pre>
 * WAL header (32 bytes)                    WAL frame header (24 bytes), then one page
 * OFFSET | SIZE | DESCRIPTION              OFFSET | SIZE | DESCRIPTION
 *      0 |    4 | magic 0x377f0682/3            0 |    4 | page number
 *      4 |    4 | format version 3007000        4 |    4 | database size after commit, or 0
 *      8 |    4 | page size                     8 |    4 | salt-1 (copied from the header)
 *     12 |    4 | checkpoint sequence          12 |    4 | salt-2
 *     16 |    8 | salt-1, salt-2               16 |    8 | cumulative checksum
 *     24 |    8 | checksum of bytes 0..23
 * </pre>
 *
 * @param db          the database file
 * @param wal         the WAL file
 * @param pageSize    page size
 * @param commitEnds  for commit i (1-based, index i-1), the index of its last (commit) frame
 */
record WalSpecimen(byte[] db, byte[] wal, int pageSize, List<Integer> commitEnds) {
    static final int ROWS_PER_COMMIT = 10;
    static final String QUERY = "SELECT id, v FROM w ORDER BY id";

    static WalSpecimen create(Path dir, int commits) throws IOException, java.sql.SQLException {
        Path file = dir.resolve("wal-specimen.db");
        Files.deleteIfExists(file);
        byte[] db;
        byte[] wal;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size=1024");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT)");
            insert(s, 0);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            for (int k = 1; k <= commits; k++) {
                insert(s, k);
            }
            db = Files.readAllBytes(file);
            wal = Files.readAllBytes(Path.of(file + "-wal"));
        }
        int pageSize = (int) u32(wal, 8);
        List<Integer> ends = new ArrayList<>();
        int frames = (wal.length - 32) / (24 + pageSize);
        for (int i = 0; i < frames; i++) {
            if (u32(wal, frameOffset(pageSize, i) + 4) != 0) {
                ends.add(i);
            }
        }
        if (ends.size() != commits) {
            throw new IllegalStateException("invariant: expected " + commits + " commits in the WAL, found " + ends);
        }
        return new WalSpecimen(db, wal, pageSize, ends);
    }

    private static void insert(Statement s, int commit) throws java.sql.SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO w(id, v) VALUES ");
        for (int i = 1; i <= ROWS_PER_COMMIT; i++) {
            long id = (long) commit * ROWS_PER_COMMIT + i;
            sql.append(i > 1 ? "," : "").append('(').append(id).append(", '")
                    .append("row-").append(id).append("-").append("y".repeat(40)).append("')");
        }
        s.execute(sql.toString());
    }

    static int frameOffset(int pageSize, int frame) {
        return 32 + frame * (24 + pageSize);
    }

    int frameOffset(int frame) {
        return frameOffset(pageSize, frame);
    }

    /** The first frame of commit {@code k} (1-based). */
    int firstFrameOf(int k) {
        return k == 1 ? 0 : commitEnds.get(k - 2) + 1;
    }

    /** The ids visible after commits 1..k of the WAL (k = 0: the database file alone). */
    static List<List<Object>> expectedAfter(int k) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id = 1; id <= (long) (k + 1) * ROWS_PER_COMMIT; id++) {
            rows.add(List.of(id, "row-" + id + "-" + "y".repeat(40)));
        }
        return rows;
    }

    static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }
}
