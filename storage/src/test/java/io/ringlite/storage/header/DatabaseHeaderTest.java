package io.ringlite.storage.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.pager.TestIo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseHeaderTest {
    @TempDir
    Path dir;

    private static MemorySegment headerOf(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        return MemorySegment.ofArray(Arrays.copyOf(bytes, Math.max(bytes.length, DatabaseHeader.SIZE)));
    }

    @ParameterizedTest
    @CsvSource({"basic-4096.db,4096,0", "pagesize-512.db,512,0", "pagesize-65536.db,65536,0",
            "reserved-bytes.db,4096,8"})
    void validatesHeadersWrittenBySqlite(String fixture, int pageSize, int reserved) throws Exception {
        DatabaseHeader.Info info = DatabaseHeader.validate(headerOf(TestIo.fixtures().resolve(fixture)));
        assertThat(info.pageSize()).isEqualTo(pageSize);
        assertThat(info.reservedBytes()).isEqualTo(reserved);
        assertThat(info.textEncoding()).isEqualTo(1);
    }

    @Test
    void newDatabasePageOneMatchesWhatSqliteWritesForAnEmptyWalDatabase() throws Exception {
        // sqlite3's own new database, WAL mode, sqlite_schema still empty.
        Path db = dir.resolve("sqlite.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(a)");
            s.execute("DROP TABLE t");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        MemorySegment theirs = headerOf(db);
        MemorySegment ours = MemorySegment.ofArray(new byte[4096]);
        DatabaseHeader.initialise(ours, 4096, 0);
        // Fields that describe the format must agree byte for byte; counters and cookies
        // (24..43, 92..99) depend on history.
        int[][] ranges = {{0, 24}, {44, 48}, {52, 92}};
        for (int[] r : ranges) {
            assertThat(ours.asSlice(r[0], r[1] - r[0]).toArray(ValueLayout.JAVA_BYTE))
                    .as("header bytes %d..%d", r[0], r[1] - 1)
                    .isEqualTo(theirs.asSlice(r[0], r[1] - r[0]).toArray(ValueLayout.JAVA_BYTE));
        }
        // The empty sqlite_schema leaf: page type, no cells, content area at the page end.
        assertThat(ours.asSlice(100, 8).toArray(ValueLayout.JAVA_BYTE))
                .isEqualTo(theirs.asSlice(100, 8).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void initialisedPageOneValidates() {
        for (int ps = 512; ps <= 65536; ps *= 2) {
            MemorySegment page = MemorySegment.ofArray(new byte[ps]);
            DatabaseHeader.initialise(page, ps, 0);
            DatabaseHeader.Info info = DatabaseHeader.validate(page);
            assertThat(info.pageSize()).isEqualTo(ps);
            assertThat(info.walMode()).isTrue();
            assertThat(info.pageCountValid()).isTrue();
        }
    }

    @Test
    void garbageIsNotADatabase() {
        byte[] junk = new byte[100];
        Arrays.fill(junk, (byte) 'x');
        assertThatThrownBy(() -> DatabaseHeader.validate(MemorySegment.ofArray(junk)))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.NOTADB);
                    assertThat(e.getMessage()).isEqualTo("file is not a database");
                });
    }

    @Test
    void badPageSizeOrFractionsAreNotADatabase() {
        MemorySegment page = MemorySegment.ofArray(new byte[4096]);
        DatabaseHeader.initialise(page, 4096, 0);
        page.set(ValueLayout.JAVA_BYTE, 16, (byte) 0x0f); // 0x0f00 = 3840, not a power of two
        assertThatThrownBy(() -> DatabaseHeader.validate(page)).isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.NOTADB);
        DatabaseHeader.initialise(page, 4096, 0);
        page.set(ValueLayout.JAVA_BYTE, 21, (byte) 63);
        assertThatThrownBy(() -> DatabaseHeader.validate(page)).isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.NOTADB);
    }

    @Test
    void truncatedHeaderIsNotADatabase() {
        assertThatThrownBy(() -> DatabaseHeader.validate(MemorySegment.ofArray(new byte[50])))
                .isInstanceOf(DatabaseException.class);
    }
}
