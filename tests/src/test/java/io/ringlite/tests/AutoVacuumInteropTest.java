package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-vacuum (FULL) and incremental-vacuum files made by sqlite3, written by Ringlite, stay
 * valid for real SQLite ({@code PRAGMA integrity_check} checks every pointer-map entry), read
 * back what a model expects, and can be written by SQLite afterwards.
 */
class AutoVacuumInteropTest {
    @TempDir
    Path tmp;

    private static DatabaseConfig config(Path file) {
        return DatabaseConfig.file(file).withIo(IoKind.PORTABLE);
    }

    /** Rows of {@code sql} through sqlite-jdbc, each row's columns joined by '|'. */
    static List<String> sqlite(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            List<String> out = new ArrayList<>();
            boolean rows = s.execute(sql);
            if (!rows) {
                return out;
            }
            try (ResultSet rs = s.getResultSet()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        if (i > 1) {
                            b.append('|');
                        }
                        b.append(rs.getString(i));
                    }
                    out.add(b.toString());
                }
            }
            return out;
        }
    }

    static void assertSqliteSaysOk(Path file) throws SQLException {
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly("ok");
    }

    private static long one(Db db, String sql) {
        return ((Number) db.query(sql).get(0)[0]).longValue();
    }

    @Test
    void fullFixtureStaysValidThroughInsertsDeletesAndDdl() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        long pagesBefore;
        long pagesAfterDelete;
        try (Db db = Db.open(config(file))) {
            assertThat(one(db, "PRAGMA auto_vacuum")).isEqualTo(1);
            db.script("CREATE TABLE big(id INTEGER PRIMARY KEY, body TEXT)");
            PreparedStatement ins = db.prepare("INSERT INTO big VALUES (?, ?)");
            for (int i = 1; i <= 200; i++) {
                db.run(ins, List.of((long) i, "b".repeat(10 + (i * 97) % 9000) + i));
            }
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            db.script("CREATE INDEX big_body ON big(body)");
            pagesBefore = one(db, "PRAGMA page_count");
            db.script("DELETE FROM big WHERE id % 3 <> 0");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            pagesAfterDelete = one(db, "PRAGMA page_count");
            assertThat(pagesAfterDelete).isLessThan(pagesBefore);
            db.script("CREATE TABLE small(a, b)");
            db.script("INSERT INTO small VALUES (1, 'x'), (2, randomblob(5000))");
            db.script("DROP TABLE mixed");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            db.script("DROP INDEX big_body");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            assertThat(one(db, "SELECT count(*) FROM big")).isEqualTo(66);
            assertThat(one(db, "SELECT count(*) FROM small")).isEqualTo(2);
        }
        assertSqliteSaysOk(file);
        assertThat(sqlite(file, "PRAGMA freelist_count")).containsExactly("0");
        assertThat(sqlite(file, "SELECT count(*), sum(length(body)) FROM big WHERE id % 3 = 0")).hasSize(1);
        assertThat(sqlite(file, "SELECT count(*) FROM big")).containsExactly("66");
        assertThat(sqlite(file, "SELECT count(*) FROM people")).isEqualTo(
                sqlite(Fixtures.dir().resolve("autovacuum-full.db"), "SELECT count(*) FROM people"));
        // SQLite writes after us: its own auto-vacuum commit must find the file as it expects.
        sqlite(file, "DELETE FROM people WHERE rowid % 2 = 0");
        sqlite(file, "CREATE TABLE after_us(x)");
        sqlite(file, "DROP TABLE small");
        assertSqliteSaysOk(file);
    }

    @Test
    void incrementalFixtureKeepsFreePagesUntilIncrementalVacuum() throws Exception {
        Path file = Fixtures.copy("autovacuum-incremental.db", tmp);
        try (Db db = Db.open(config(file))) {
            assertThat(one(db, "PRAGMA auto_vacuum")).isEqualTo(2);
            db.script("CREATE TABLE big(id INTEGER PRIMARY KEY, body BLOB)");
            PreparedStatement ins = db.prepare("INSERT INTO big VALUES (?, randomblob(?))");
            for (int i = 1; i <= 120; i++) {
                db.run(ins, List.of((long) i, (long) (100 + (i * 131) % 7000)));
            }
            db.script("DELETE FROM big WHERE id > 30");
            long free = one(db, "PRAGMA freelist_count");
            long pages = one(db, "PRAGMA page_count");
            assertThat(free).isGreaterThan(20);
            db.script("PRAGMA incremental_vacuum(7)");
            assertThat(one(db, "PRAGMA freelist_count")).isEqualTo(free - 7);
            assertThat(one(db, "PRAGMA page_count")).isLessThan(pages);
            db.script("BEGIN; DELETE FROM people WHERE rowid % 5 = 0; PRAGMA incremental_vacuum(3); "
                    + "INSERT INTO big VALUES (1000, randomblob(9000)); COMMIT");
            db.script("PRAGMA incremental_vacuum");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            assertThat(one(db, "SELECT count(*) FROM big")).isEqualTo(31);
        }
        assertSqliteSaysOk(file);
        assertThat(sqlite(file, "PRAGMA freelist_count")).containsExactly("0");
        assertThat(sqlite(file, "SELECT count(*) FROM big")).containsExactly("31");
        sqlite(file, "DELETE FROM big WHERE id < 10");
        sqlite(file, "PRAGMA incremental_vacuum(2)");
        sqlite(file, "CREATE TABLE after_us(x)");
        assertSqliteSaysOk(file);
    }

    @Test
    void droppingATableMovesTheLargestRootIntoItsSlot() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        List<String> people = sqlite(Fixtures.dir().resolve("autovacuum-full.db"), "SELECT * FROM people ORDER BY rowid");
        try (Db db = Db.open(config(file))) {
            db.script("CREATE TABLE t1(a INTEGER PRIMARY KEY, b)");
            db.script("CREATE TABLE t2(a INTEGER PRIMARY KEY, b)");
            db.script("CREATE INDEX t2b ON t2(b)");
            db.script("INSERT INTO t1 VALUES (1, 'one'), (2, randomblob(3000))");
            db.script("INSERT INTO t2 VALUES (1, 'uno'), (2, 'dos')");
            long t2b = one(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't2b'");
            db.script("DROP TABLE t1");
            // t1's root slot now holds the largest root (t2b), as SQLite's OP_Destroy does.
            assertThat(one(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't2b'")).isLessThan(t2b);
            assertThat(db.query("SELECT b FROM t2 WHERE b > 'a' ORDER BY b")).hasSize(2);
            db.script("DROP TABLE people");
            db.script("INSERT INTO t2 VALUES (3, 'tres')");
        }
        assertSqliteSaysOk(file);
        assertThat(sqlite(file, "SELECT b FROM t2 ORDER BY b")).containsExactly("dos", "tres", "uno");
        assertThat(sqlite(file, "SELECT count(*) FROM sqlite_schema WHERE name IN ('people', 't1')")).containsExactly("0");
        assertThat(people).isNotEmpty();
        sqlite(file, "DROP TABLE mixed");
        sqlite(file, "CREATE TABLE after_us(x)");
        assertSqliteSaysOk(file);
    }

    @Test
    void newDatabaseWithAutoVacuumSetBeforeTheFirstTableIsAnAutoVacuumFile() throws Exception {
        for (int mode : new int[] {1, 2}) {
            Path file = tmp.resolve("new" + mode + ".db");
            try (Db db = Db.open(config(file))) {
                db.script("PRAGMA auto_vacuum = " + (mode == 1 ? "FULL" : "incremental"));
                assertThat(one(db, "PRAGMA auto_vacuum")).isEqualTo(mode);
                db.script("CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
                db.script("CREATE INDEX tb ON t(b)");
                db.script("INSERT INTO t SELECT NULL, randomblob(2000)");
                for (int i = 0; i < 6; i++) {
                    db.script("INSERT INTO t SELECT NULL, randomblob(1500) FROM t");
                }
                db.script("DELETE FROM t WHERE a % 4 <> 0");
                assertThat(one(db, "PRAGMA freelist_count") == 0).isEqualTo(mode == 1);
                // the mode of a database with tables changes only between FULL and INCREMENTAL
                db.script("PRAGMA auto_vacuum = NONE");
                assertThat(one(db, "PRAGMA auto_vacuum")).isEqualTo(mode);
            }
            assertThat(sqlite(file, "PRAGMA auto_vacuum")).containsExactly(String.valueOf(mode));
            assertSqliteSaysOk(file);
            assertThat(sqlite(file, "SELECT count(*) FROM t")).containsExactly("16");
        }
    }

    @Test
    void autoVacuumCannotBeTurnedOnOnceTheDatabaseHasContent() throws Exception {
        Path file = tmp.resolve("plain.db");
        try (Db db = Db.open(config(file))) {
            db.script("PRAGMA user_version = 3");
            db.script("PRAGMA auto_vacuum = 1");
            assertThat(one(db, "PRAGMA auto_vacuum")).isZero();
            db.script("CREATE TABLE t(a)");
        }
        assertThat(sqlite(file, "PRAGMA auto_vacuum")).containsExactly("0");
        assertSqliteSaysOk(file);
    }

    @Test
    void switchingBetweenFullAndIncrementalTakesEffectAtOnce() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        try (Db db = Db.open(config(file))) {
            db.script("PRAGMA auto_vacuum = 2");
            assertThat(one(db, "PRAGMA auto_vacuum")).isEqualTo(2);
            db.script("DELETE FROM mixed");
            assertThat(one(db, "PRAGMA freelist_count")).isPositive();
            db.script("PRAGMA auto_vacuum = full");
            db.script("INSERT INTO mixed(rowid) VALUES (1)");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
        }
        assertThat(sqlite(file, "PRAGMA auto_vacuum")).containsExactly("1");
        assertSqliteSaysOk(file);
    }

    @Test
    void rolledBackStatementsAndTransactionsLeaveAValidFile() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        try (Db db = Db.open(config(file))) {
            db.script("CREATE TABLE u(a INTEGER PRIMARY KEY, b UNIQUE)");
            db.script("INSERT INTO u VALUES (1, 'x')");
            db.script("BEGIN");
            db.script("INSERT INTO u VALUES (2, randomblob(6000))");
            assertThatFails(() -> db.script("INSERT INTO u VALUES (3, randomblob(7000)), (4, 'x')"));
            db.script("CREATE TABLE v(a)");
            db.script("DELETE FROM people WHERE rowid < 20");
            db.script("COMMIT");
            db.script("BEGIN");
            db.script("DROP TABLE v");
            db.script("INSERT INTO u VALUES (5, randomblob(9000))");
            db.script("ROLLBACK");
            assertThat(one(db, "SELECT count(*) FROM u")).isEqualTo(2);
        }
        assertSqliteSaysOk(file);
        assertThat(sqlite(file, "SELECT count(*) FROM v")).containsExactly("0");
    }

    @Test
    void droppedAndMovedRootsInsideOneTransactionReadBackAndRollBack() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        try (Db db = Db.open(config(file))) {
            db.script("CREATE TABLE a(x INTEGER PRIMARY KEY, y)");
            db.script("CREATE INDEX ay ON a(y)");
            db.script("CREATE TABLE b(x INTEGER PRIMARY KEY, y)");
            db.script("CREATE INDEX by_y ON b(y)");
            db.script("INSERT INTO a VALUES (1, 'a1'), (2, 'a2')");
            db.script("INSERT INTO b VALUES (1, 'b1'), (2, randomblob(5000))");
            List<Object[]> rootsBefore = db.query("SELECT name, rootpage FROM sqlite_schema ORDER BY name");
            db.script("BEGIN");
            db.script("DROP TABLE a");
            db.script("DROP TABLE people");
            db.script("INSERT INTO b VALUES (3, 'b3')");
            assertThat(db.query("SELECT x FROM b WHERE y = 'b3'")).hasSize(1);
            db.script("ROLLBACK");
            assertThat(db.query("SELECT name, rootpage FROM sqlite_schema ORDER BY name"))
                    .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(rootsBefore);
            db.script("BEGIN");
            db.script("DROP TABLE a");
            db.script("INSERT INTO b VALUES (3, 'b3')");
            db.script("CREATE TABLE c(z)");
            db.script("INSERT INTO c VALUES (randomblob(4000))");
            db.script("DROP INDEX by_y");
            db.script("COMMIT");
            assertThat(one(db, "SELECT count(*) FROM b")).isEqualTo(3);
            assertThat(one(db, "SELECT max(rootpage) FROM sqlite_schema")).isEqualTo(
                    one(db, "SELECT count(*) FROM sqlite_schema WHERE rootpage > 0") + 2);
        }
        assertSqliteSaysOk(file);
        assertThat(sqlite(file, "SELECT count(*) FROM b")).containsExactly("3");
        assertThat(sqlite(file, "SELECT count(*) FROM c")).containsExactly("1");
    }

    @Test
    void inMemoryDatabaseCanBeAutoVacuumed() {
        try (Db db = Db.open(DatabaseConfig.memory())) {
            db.script("PRAGMA auto_vacuum = FULL");
            db.script("CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
            db.script("INSERT INTO t VALUES (1, randomblob(20000)), (2, randomblob(20000))");
            long pages = one(db, "PRAGMA page_count");
            db.script("DELETE FROM t WHERE a = 1");
            assertThat(one(db, "PRAGMA freelist_count")).isZero();
            assertThat(one(db, "PRAGMA page_count")).isLessThan(pages);
            db.script("CREATE TABLE u(c)");
            db.script("DROP TABLE t");
            assertThat(one(db, "SELECT rootpage FROM sqlite_schema WHERE name = 'u'")).isEqualTo(3);
            assertThat(db.query("PRAGMA integrity_check").get(0)[0]).isEqualTo("ok");
        }
    }

    @Test
    void integrityCheckReportsAWrongPointerMapEntryAsSqliteDoes() throws Exception {
        Path file = Fixtures.copy("autovacuum-full.db", tmp);
        // page 10 is the right child of page 6: make its entry name page 3
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(4096 + 5 * (10 - 3));
            f.write(new byte[] {5, 0, 0, 0, 3});
        }
        String sqliteSays = sqlite(file, "PRAGMA integrity_check").get(0);
        assertThat(sqliteSays).endsWith("Bad ptr map entry key=10 expected=(5,6) got=(5,3)");
        try (Db db = Db.open(config(file))) {
            assertThat((String) db.query("PRAGMA integrity_check").get(0)[0])
                    .isEqualTo("*** in database main ***\nBad ptr map entry key=10 expected=(5,6) got=(5,3)");
        }
    }

    @Test
    void autoVacuumPragmaReadsItsValueAsSqliteDoes() {
        String[][] cases = {{"none", "0"}, {"FULL", "1"}, {"Incremental", "2"}, {"2", "2"}, {"1", "1"}, {"7", "0"},
            {"'full'", "1"}};
        for (String[] c : cases) {
            try (Db db = Db.open(DatabaseConfig.memory())) {
                db.script("PRAGMA auto_vacuum = " + c[0]);
                assertThat(db.query("PRAGMA auto_vacuum").get(0)[0]).as(c[0]).isEqualTo(Long.parseLong(c[1]));
            }
        }
    }

    @Test
    void damagedPointerMapGivesCorruptionNeverAnInvariantFailure() throws Exception {
        long base = Long.getLong("ringlite.autovac.damage.seed", 99L);
        int cases = Integer.getInteger("ringlite.autovac.damage.cases", 24);
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            SplittableRandom rnd = new SplittableRandom(seed);
            Path dir = java.nio.file.Files.createDirectories(tmp.resolve("damage" + i));
            Path file = Fixtures.copy(i % 2 == 0 ? "autovacuum-full.db" : "autovacuum-incremental.db", dir);
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    // the pointer map (page 2) mostly, sometimes header field 52
                    long at = rnd.nextInt(5) == 0 ? 52 + rnd.nextInt(4) : 4096 + rnd.nextInt(5 * 110);
                    f.seek(at);
                    f.write(rnd.nextInt(256));
                }
            }
            String[] writes = {"DELETE FROM people WHERE rowid % 3 = 0", "CREATE TABLE extra(x)",
                "INSERT INTO extra VALUES (randomblob(5000))", "DROP TABLE mixed", "PRAGMA incremental_vacuum",
                "DROP INDEX people_age", "INSERT INTO people SELECT * FROM people LIMIT 20"};
            try (Db db = Db.open(config(file))) {
                for (String w : writes) {
                    try {
                        db.script(w);
                    } catch (RuntimeException e) {
                        Throwable t = e;
                        while (t != null && !(t instanceof io.ringlite.storage.error.DatabaseException)) {
                            t = t.getCause();
                        }
                        if (t == null) {
                            throw new AssertionError("seed " + seed + ": " + w + " failed with " + e, e);
                        }
                    }
                }
            } catch (RuntimeException e) {
                Throwable t = e;
                while (t != null && !(t instanceof io.ringlite.storage.error.DatabaseException)) {
                    t = t.getCause();
                }
                if (t == null) {
                    throw new AssertionError("seed " + seed + ": open/close failed with " + e, e);
                }
            }
        }
    }

    private static void assertThatFails(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException expected) {
            return;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void randomWritesAndDeletesStayValidInSqlite() throws Exception {
        long base = Long.getLong("ringlite.autovac.seed", 20261121L);
        int runs = Integer.getInteger("ringlite.autovac.runs", 4);
        for (int run = 0; run < runs; run++) {
            long seed = base + run;
            String what = switch (run % 4) {
                case 0 -> "autovacuum-full.db";
                case 1 -> "autovacuum-incremental.db";
                case 2 -> "new FULL, 512-byte pages";
                default -> "new INCREMENTAL, 512-byte pages";
            };
            Path dir = tmp.resolve("run" + run);
            java.nio.file.Files.createDirectories(dir);
            try {
                Path file;
                if (run % 4 < 2) {
                    file = Fixtures.copy(what, dir);
                } else {
                    file = dir.resolve("new.db");
                    try (Db db = Db.open(config(file))) {
                        db.script("PRAGMA page_size = 512");
                        db.script("PRAGMA auto_vacuum = " + (run % 4 == 2 ? "FULL" : "INCREMENTAL"));
                    }
                }
                randomRun(file, seed);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " on " + what + " failed: " + t, t);
            }
        }
    }

    private void randomRun(Path file, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeMap<Long, Integer> model = new TreeMap<>();
        List<String> sideTables = new ArrayList<>();
        int created = 0;
        try (Db db = Db.open(config(file))) {
            db.script("CREATE TABLE r(id INTEGER PRIMARY KEY, n INTEGER, v TEXT)");
            db.script("CREATE INDEX rv ON r(v)");
            PreparedStatement ins = db.prepare("INSERT OR REPLACE INTO r VALUES (?1, ?2, ?3)");
            PreparedStatement del = db.prepare("DELETE FROM r WHERE id BETWEEN ?1 AND ?2");
            for (int step = 0; step < 80; step++) {
                int op = rnd.nextInt(10);
                if (op == 0 && !model.isEmpty()) {
                    // size-changing updates move payloads between local and overflow pages
                    Long at = model.ceilingKey((long) rnd.nextInt(400));
                    long id = at == null ? model.firstKey() : at;
                    int n = rnd.nextBoolean() ? rnd.nextInt(50) : 2000 + rnd.nextInt(6000);
                    db.query("UPDATE r SET n = ?2, v = ?3 WHERE id = ?1", id, (long) n, "v".repeat(n) + id);
                    model.put(id, n);
                } else if (op < 5) {
                    db.script("BEGIN");
                    int k = 1 + rnd.nextInt(25);
                    for (int i = 0; i < k; i++) {
                        long id = rnd.nextInt(400);
                        int n = rnd.nextInt(10) == 0 ? 3000 + rnd.nextInt(9000) : rnd.nextInt(300);
                        db.run(ins, List.of(id, (long) n, "v".repeat(n) + id));
                        model.put(id, n);
                    }
                    db.script("COMMIT");
                } else if (op < 8) {
                    long lo = rnd.nextInt(400);
                    long hi = lo + rnd.nextInt(80);
                    db.run(del, List.of(lo, hi));
                    model.subMap(lo, true, hi, true).clear();
                } else if (op == 8) {
                    if (!sideTables.isEmpty() && rnd.nextBoolean()) {
                        String t = sideTables.remove(rnd.nextInt(sideTables.size()));
                        db.script("DROP TABLE " + t);
                    } else {
                        String t = "side" + created++;
                        db.script("CREATE TABLE " + t + "(x)");
                        db.script("INSERT INTO " + t + " VALUES (randomblob(" + rnd.nextInt(6000) + "))");
                        if (rnd.nextBoolean()) {
                            db.script("CREATE INDEX " + t + "_x ON " + t + "(x)");
                        }
                        sideTables.add(t);
                    }
                } else {
                    db.script("PRAGMA incremental_vacuum(" + rnd.nextInt(20) + ")");
                }
                if (one(db, "PRAGMA auto_vacuum") == 1) {
                    assertThat(one(db, "PRAGMA freelist_count")).isZero();
                }
                if (step == 30) {
                    db.script("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
        }
        assertSqliteSaysOk(file);
        List<String> want = new ArrayList<>();
        model.forEach((id, n) -> want.add(id + "|" + n + "|" + "v".repeat(n) + id));
        assertThat(sqlite(file, "SELECT id, n, v FROM r ORDER BY id")).containsExactlyElementsOf(want);
        sqlite(file, "DELETE FROM r WHERE id % 2 = 0");
        sqlite(file, "CREATE TABLE after_us(x)");
        for (String t : sideTables) {
            sqlite(file, "DROP TABLE " + t);
        }
        assertSqliteSaysOk(file);
    }
}
