package io.ringlite.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records byte for byte against what real SQLite (sqlite-jdbc) writes: rows are inserted with
 * sqlite-jdbc into untyped columns (no affinity, so values are stored as given), the table's
 * leaf page is read from the file, and every cell's record must equal our encoding of the same
 * values; the decoder must read SQLite's records back to the same values.
 */
class RecordFormatTest {
    @TempDir
    Path dir;

    private static final Object[][] ROWS = {
            {null, 0L, 1L, -1L, 127L, 128L},
            {-128L, -129L, 32767L, 32768L, -32769L, 8388607L},
            {8388608L, 2147483647L, 2147483648L, -2147483649L, 140737488355327L, 140737488355328L},
            {Long.MAX_VALUE, Long.MIN_VALUE, 1.5, 3.0, -0.25, 1e300},
            {"", "a", "héllo ✓", new byte[0], new byte[] {0, (byte) 0xff, 7}, 2.0},
            {"x".repeat(200), null, null, 0L, 1L, null},
    };

    @Test
    void encodesEveryRowExactlyAsSqliteStoresIt() throws Exception {
        Map<Long, byte[]> stored = writeWithSqlite("CREATE TABLE t(a, b, c, d, e, f)", ROWS, 6);
        RecordEncoder enc = new RecordEncoder();
        for (int i = 0; i < ROWS.length; i++) {
            byte[] sqlite = stored.get((long) i + 1);
            assertThat(enc.encode(ROWS[i])).as("row %d", i + 1).isEqualTo(sqlite);
        }
    }

    @Test
    void decodesSqliteRecordsToTheInsertedValues() throws Exception {
        Map<Long, byte[]> stored = writeWithSqlite("CREATE TABLE t(a, b, c, d, e, f)", ROWS, 6);
        for (int i = 0; i < ROWS.length; i++) {
            RecordDecoder d = RecordDecoder.of(stored.get((long) i + 1));
            assertThat(d.columnCount()).isEqualTo(6);
            for (int c = 0; c < 6; c++) {
                Object expected = ROWS[i][c];
                Object actual = d.column(c);
                if (expected instanceof byte[] b) {
                    assertThat((byte[]) actual).isEqualTo(b);
                } else {
                    assertThat(actual).as("row %d col %d", i + 1, c).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aHeaderLongerThan127BytesUsesATwoByteSizeVarintLikeSqlite() throws Exception {
        int n = 130;
        String cols = String.join(",", java.util.stream.IntStream.range(0, n).mapToObj(i -> "c" + i).toList());
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
            row[i] = (long) i;
        }
        Map<Long, byte[]> stored = writeWithSqlite("CREATE TABLE t(" + cols + ")", new Object[][] {row}, n);
        byte[] ours = new RecordEncoder().encode(row);
        assertThat(ours).isEqualTo(stored.get(1L));
        assertThat(ours[0] & 0x80).isNotZero();
        assertThat(RecordDecoder.of(ours).columns()).containsExactly(row);
    }

    @Test
    void withoutFormat4IntegersZeroAndOneTakeABodyByte() {
        byte[] rec = new RecordEncoder(false).encode(0L, 1L);
        assertThat(rec).containsExactly(3, 1, 1, 0, 1);
        assertThat(new RecordEncoder().encode(0L, 1L)).containsExactly(3, 8, 9);
    }

    @Test
    void missingTrailingColumnsReadAsNull() {
        RecordDecoder d = RecordDecoder.of(new RecordEncoder().encode(5L));
        assertThat(d.columnCount()).isEqualTo(1);
        assertThat(d.column(3)).isNull();
        assertThat(d.isNull(3)).isTrue();
    }

    @Test
    void corruptRecordsAreReportedNotReadOutOfBounds() {
        assertCorrupt(new byte[] {});
        assertCorrupt(new byte[] {9, 1}); // header size beyond record
        assertCorrupt(new byte[] {2, 10}); // reserved serial type 10
        assertCorrupt(new byte[] {2, 6, 0, 0}); // 8-byte integer body truncated
        assertCorrupt(new byte[] {2, 0x7f}); // text of 57 bytes missing
        assertCorrupt(new byte[] {3, (byte) 0x81}); // varint runs past the header
    }

    private static void assertCorrupt(byte[] rec) {
        assertThatThrownBy(() -> RecordDecoder.of(rec))
                .as(Arrays.toString(rec))
                .isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.CORRUPT);
    }

    /** Inserts the rows with real SQLite and returns rowid -> record bytes from the leaf page. */
    private Map<Long, byte[]> writeWithSqlite(String ddl, Object[][] rows, int ncols) throws Exception {
        Path db = dir.resolve("t" + System.nanoTime() + ".db");
        int root;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA page_size=65536");
                s.execute(ddl);
            }
            String marks = String.join(",", java.util.Collections.nCopies(ncols, "?"));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES(" + marks + ")")) {
                for (Object[] row : rows) {
                    for (int i = 0; i < ncols; i++) {
                        Object v = row[i];
                        switch (v) {
                            case null -> ps.setNull(i + 1, java.sql.Types.NULL);
                            case Long l -> ps.setLong(i + 1, l);
                            case Double d -> ps.setDouble(i + 1, d);
                            case String str -> ps.setString(i + 1, str);
                            case byte[] b -> ps.setBytes(i + 1, b);
                            default -> throw new AssertionError(v);
                        }
                    }
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_schema WHERE name='t'")) {
                rs.next();
                root = rs.getInt(1);
            }
        }
        byte[] file = Files.readAllBytes(db);
        int pageSize = 65536;
        ByteBuffer page = ByteBuffer.wrap(file, (root - 1) * pageSize, pageSize).slice();
        assertThat(page.get(0)).as("a single table leaf page").isEqualTo((byte) 13);
        int cells = page.getShort(3) & 0xffff;
        Map<Long, byte[]> out = new HashMap<>();
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            int p = page.getShort(8 + 2 * i) & 0xffff;
            byte[] pageBytes = new byte[pageSize];
            page.get(0, pageBytes);
            long payload = Varint.read(pageBytes, p);
            p += Varint.lengthAt(java.lang.foreign.MemorySegment.ofArray(pageBytes), p, pageSize);
            long rowid = Varint.read(pageBytes, p);
            p += Varint.lengthAt(java.lang.foreign.MemorySegment.ofArray(pageBytes), p, pageSize);
            out.put(rowid, Arrays.copyOfRange(pageBytes, p, p + (int) payload));
            seen.add(rowid);
        }
        assertThat(seen).hasSize(rows.length);
        return out;
    }
}
