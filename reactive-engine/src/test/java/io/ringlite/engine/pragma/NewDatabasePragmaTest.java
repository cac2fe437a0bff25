package io.ringlite.engine.pragma;

import static io.ringlite.engine.pragma.EngineSql.close;
import static io.ringlite.engine.pragma.EngineSql.open;
import static io.ringlite.engine.pragma.EngineSql.rows;
import static io.ringlite.engine.pragma.EngineSql.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Database;
import io.ringlite.engine.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** page_size / page_count on a database that has no content yet, as sqlite3 3.40 treats them. */
class NewDatabasePragmaTest {
    @TempDir
    Path dir;

    @Test
    void aNewDatabaseReportsWhatSqliteReportsForAnEmptyFile() throws Exception {
        List<String> pragmas = List.of("page_count", "freelist_count", "user_version", "application_id",
                "schema_version", "page_size");
        Path ours = dir.resolve("new.db");
        Path theirs = dir.resolve("new-sqlite.db");
        Database db = open(ours);
        try {
            Session s = db.connect();
            for (String p : pragmas) {
                assertThat(rows(s, "PRAGMA " + p)).as(p).isEqualTo(sqlite(theirs, "PRAGMA " + p));
            }
            assertThat(rows(s, "PRAGMA page_count")).containsExactly(List.of(0L));
            rows(s, "CREATE TABLE t(a)");
            assertThat(rows(s, "PRAGMA page_count")).containsExactly(List.of(2L));
        } finally {
            close(db);
        }
    }

    @Test
    void pageSizeSetBeforeTheFirstTableIsTheFilesPageSizeAndLaterRequestsAreIgnored() throws Exception {
        Path file = dir.resolve("ps.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            rows(s, "PRAGMA page_size = 1024");
            assertThat(rows(s, "PRAGMA page_size")).containsExactly(List.of(1024L));
            assertThat(rows(s, "PRAGMA page_count")).containsExactly(List.of(0L));
            rows(s, "CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
            for (int i = 0; i < 30; i++) {
                rows(s, "INSERT INTO t(b) VALUES (zeroblob(700))");
            }
            rows(s, "PRAGMA page_size = 8192");
            assertThat(rows(s, "PRAGMA page_size")).as("fixed once the database has content")
                    .containsExactly(List.of(1024L));
            assertThat(rows(s, "PRAGMA page_count").get(0).get(0)).isEqualTo(32L);
        } finally {
            close(db);
        }
        assertThat(sqlite(file, "PRAGMA page_size")).containsExactly(List.of(1024L));
        assertThat(sqlite(file, "PRAGMA page_count")).containsExactly(List.of(32L));
        assertThat(sqlite(file, "SELECT count(*), sum(length(b)) FROM t")).containsExactly(List.of(30L, 21000L));
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "256", "131072", "0", "-4096", "'big'"})
    void invalidPageSizesAreIgnoredAsBySqlite(String value) throws Exception {
        Path ours = dir.resolve("bad.db");
        Path theirs = dir.resolve("bad-sqlite.db");
        Database db = open(ours);
        try {
            Session s = db.connect();
            rows(s, "PRAGMA page_size = " + value);
            assertThat(rows(s, "PRAGMA page_size"))
                    .isEqualTo(sqlite(theirs, "PRAGMA page_size = " + value, "PRAGMA page_size"));
        } finally {
            close(db);
        }
    }

    @Test
    void pageSize65536IsStoredAsOneAndTheHeaderFieldWinsOverALaterRequest() throws Exception {
        Path file = dir.resolve("big.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            rows(s, "PRAGMA page_size = 65536");
            rows(s, "PRAGMA user_version = 3");
            rows(s, "PRAGMA page_size = 512");
            assertThat(rows(s, "PRAGMA page_size")).containsExactly(List.of(65536L));
            assertThat(rows(s, "PRAGMA page_count")).containsExactly(List.of(1L));
        } finally {
            close(db);
        }
        byte[] header = Files.readAllBytes(file);
        assertThat(header[16]).isEqualTo((byte) 0);
        assertThat(header[17]).isEqualTo((byte) 1);
        assertThat(sqlite(file, "PRAGMA page_size")).containsExactly(List.of(65536L));
        assertThat(sqlite(file, "PRAGMA user_version")).containsExactly(List.of(3L));
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @Test
    void pageSizeAndAutoVacuumSetOnANewFileAgreeWithSqlite() throws Exception {
        List<String> script = List.of("PRAGMA auto_vacuum = 1", "PRAGMA page_size = 1024", "CREATE TABLE t(a)");
        List<String> probes = List.of("PRAGMA page_size", "PRAGMA auto_vacuum", "PRAGMA page_count");
        Path ours = dir.resolve("av.db");
        Path theirs = dir.resolve("av-sqlite.db");
        Database db = open(ours);
        try {
            Session s = db.connect();
            script.forEach(q -> rows(s, q));
        } finally {
            close(db);
        }
        List<String> all = new java.util.ArrayList<>(script);
        sqlite(theirs, all.toArray(new String[0]));
        for (String p : probes) {
            assertThat(sqlite(ours, p)).as(p).isEqualTo(sqlite(theirs, p));
        }
        assertThat(sqlite(ours, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    @Test
    void aRolledBackFirstTransactionLeavesThePageSizeChangeable() throws Exception {
        Path file = dir.resolve("rb.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            rows(s, "BEGIN");
            rows(s, "CREATE TABLE t(a)");
            rows(s, "ROLLBACK");
            assertThat(rows(s, "PRAGMA page_count")).containsExactly(List.of(0L));
            rows(s, "PRAGMA page_size = 2048");
            rows(s, "CREATE TABLE t(a)");
            assertThat(rows(s, "PRAGMA page_size")).containsExactly(List.of(2048L));
        } finally {
            close(db);
        }
        assertThat(sqlite(file, "PRAGMA page_size")).containsExactly(List.of(2048L));
    }

    @Test
    void synchronousAcceptsSqlitesWordsAndNumbersAndEveryLevelCommits() throws Exception {
        Path file = dir.resolve("sync.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            Session other = db.connect();
            rows(s, "CREATE TABLE t(a)");
            String[][] cases = {{"OFF", "0"}, {"NORMAL", "1"}, {"FULL", "2"}, {"EXTRA", "3"}, {"off", "0"},
                    {"1", "1"}, {"yes", "1"}, {"3", "3"}, {"4", "4"}, {"7", "0"}, {"8", "0"}, {"-1", "1"},
                    {"true", "1"}, {"extra2", "1"}};
            int n = 0;
            for (String[] c : cases) {
                rows(s, "PRAGMA synchronous = " + c[0]);
                assertThat(rows(s, "PRAGMA synchronous")).as(c[0])
                        .isEqualTo(sqlite(dir.resolve("sync-sqlite.db"), "PRAGMA synchronous = " + c[0],
                                "PRAGMA synchronous"));
                assertThat(rows(other, "PRAGMA synchronous")).as("per database: every session sees it")
                        .containsExactly(List.of(Long.parseLong(c[1])));
                rows(other, "INSERT INTO t VALUES (" + (++n) + ")");
            }
        } finally {
            close(db);
        }
        assertThat(sqlite(file, "SELECT count(*) FROM t")).containsExactly(List.of(14L));
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }
}
