package io.ringlite.engine.pragma;

import static io.ringlite.engine.pragma.EngineSql.WAIT;
import static io.ringlite.engine.pragma.EngineSql.close;
import static io.ringlite.engine.pragma.EngineSql.open;
import static io.ringlite.engine.pragma.EngineSql.rows;
import static io.ringlite.engine.pragma.EngineSql.sqlite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Session;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PRAGMA data_version (per session, SQLite's per-connection meaning) and sqlite_version(). */
class DataVersionTest {
    @TempDir
    Path dir;

    private static long version(Session s) {
        return (Long) rows(s, "PRAGMA data_version").get(0).get(0);
    }

    @Test
    void dataVersionChangesWhenAnotherSessionCommitsAndNotForTheSessionsOwnCommits() {
        Database db = open(dir.resolve("dv.db"));
        try {
            Session a = db.connect();
            Session b = db.connect();
            assertThat(version(a)).as("a new connection starts at 1, as in sqlite3").isEqualTo(1L);
            rows(a, "CREATE TABLE t(x)");
            rows(a, "INSERT INTO t VALUES (1)");
            assertThat(version(a)).as("own commits").isEqualTo(1L);
            long b0 = version(b);
            rows(a, "INSERT INTO t VALUES (2)");
            long b1 = version(b);
            assertThat(b1).as("another session committed").isNotEqualTo(b0);
            assertThat(version(b)).as("nothing new").isEqualTo(b1);
            rows(b, "INSERT INTO t VALUES (3)");
            assertThat(version(b)).as("b's own commit").isEqualTo(b1);
            long a1 = version(a);
            assertThat(a1).as("b's commit, seen by a").isNotEqualTo(1L);
            rows(b, "BEGIN");
            rows(b, "INSERT INTO t VALUES (4)");
            rows(b, "ROLLBACK");
            rows(b, "SELECT * FROM t");
            assertThat(version(a)).as("a rolled-back transaction commits nothing").isEqualTo(a1);
            rows(b, "PRAGMA user_version = 9");
            assertThat(version(a)).as("a header change is a commit too").isNotEqualTo(a1);
            assertThat(rows(a, "PRAGMA data_version = 77")).as("read-only: the argument is ignored")
                    .containsExactly(List.of(version(a)));
        } finally {
            close(db);
        }
    }

    @Test
    void dataVersionWorksInMemory() {
        Database db = Databases.open(DatabaseConfig.memory()).block(WAIT);
        try {
            Session a = db.connect();
            Session b = db.connect();
            long b0 = version(b);
            rows(a, "CREATE TABLE t(x)");
            assertThat(version(b)).isNotEqualTo(b0);
            assertThat(version(a)).isEqualTo(1L);
        } finally {
            close(db);
        }
    }

    @Test
    void sqliteVersionIsTheReleaseWhoseBehaviourRingliteMatches() throws Exception {
        Path file = dir.resolve("v.db");
        Database db = open(file);
        try {
            Session s = db.connect();
            assertThat(rows(s, "SELECT sqlite_version(), typeof(sqlite_version())"))
                    .isEqualTo(sqlite(dir.resolve("v-sqlite.db"), "SELECT sqlite_version(), typeof(sqlite_version())"));
            assertThat(rows(s, "SELECT sqlite_version()")).containsExactly(List.of("3.40.1"));
            assertThatThrownBy(() -> rows(s, "SELECT sqlite_version(1)"))
                    .hasMessageContaining("wrong number of arguments to function sqlite_version()");
        } finally {
            close(db);
        }
    }
}
