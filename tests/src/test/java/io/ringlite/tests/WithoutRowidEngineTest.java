package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WITHOUT ROWID tables through the whole engine (sessions, transactions, the event loop, real
 * files): changes() and last_insert_rowid as SQLite reports them, constraint failures inside an
 * explicit transaction, rows and keys larger than a page, and a file SQLite finds sound and
 * reads back identically.
 */
class WithoutRowidEngineTest {
    private static final long SEED = 20261121L;

    @TempDir
    Path tmp;

    private static Outcome.Done done(Db db, String sql, Object... args) {
        PreparedStatement ps = db.prepare(sql);
        List<Outcome> all = db.session.execute(ps, Arrays.asList(args)).collectList().block(Db.TIMEOUT);
        return (Outcome.Done) all.get(all.size() - 1);
    }

    private static List<List<Object>> sqlite(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<Object>> out = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Integer x ? Long.valueOf(x) : v instanceof byte[] b ? Arrays.toString(b) : v);
                }
                out.add(row);
            }
            return out;
        }
    }

    private static List<List<Object>> rows(List<Object[]> raw) {
        List<List<Object>> out = new ArrayList<>();
        for (Object[] r : raw) {
            List<Object> row = new ArrayList<>();
            for (Object v : r) {
                row.add(v instanceof byte[] b ? Arrays.toString(b) : v);
            }
            out.add(row);
        }
        return out;
    }

    @Test
    void changesCountRowsAndLastInsertRowidIsLeftAlone() {
        try (Db db = Db.open(DatabaseConfig.file(tmp.resolve("changes.db")))) {
            db.script("""
                    CREATE TABLE r(id INTEGER PRIMARY KEY, x);
                    CREATE TABLE w(a TEXT, b INT, c, PRIMARY KEY(a, b), UNIQUE(c)) WITHOUT ROWID;
                    CREATE INDEX w_b ON w(b DESC);
                    """);
            assertThat(done(db, "INSERT INTO r VALUES (42, 'rowid row')").lastInsertRowid()).isEqualTo(42);
            Outcome.Done ins = done(db, "INSERT INTO w VALUES ('a', 1, 10), ('a', 2, 20), ('b', 1, 30)");
            assertThat(ins.changes()).isEqualTo(3);
            assertThat(ins.lastInsertRowid()).isEqualTo(42);
            assertThat(done(db, "INSERT OR IGNORE INTO w VALUES ('a', 1, 99), ('c', 1, 40)").changes()).isEqualTo(1);
            assertThat(done(db, "INSERT OR REPLACE INTO w VALUES ('a', 1, 11), ('d', 9, 20)").changes()).isEqualTo(2);
            assertThat(done(db, "UPDATE w SET b = b + 100 WHERE a < 'c'").changes()).isEqualTo(2);
            assertThat(done(db, "DELETE FROM w WHERE c >= 30").changes()).isEqualTo(2);
            assertThat(rows(db.query("SELECT * FROM w ORDER BY a, b"))).containsExactly(
                    List.of("a", 101L, 11L), List.of("d", 9L, 20L));
            assertThat(rows(db.query("SELECT last_insert_rowid()"))).containsExactly(List.of(42L));
        }
    }

    @Test
    void aViolationInsideATransactionUndoesOnlyItsStatement() throws Exception {
        Path file = tmp.resolve("txn.db");
        try (Db db = Db.open(DatabaseConfig.file(file))) {
            db.script("CREATE TABLE w(k TEXT PRIMARY KEY COLLATE NOCASE, v NOT NULL) WITHOUT ROWID");
            db.script("BEGIN");
            db.script("INSERT INTO w VALUES ('one', 1), ('two', 2)");
            assertThatThrownBy(() -> db.script("INSERT INTO w VALUES ('three', 3), ('ONE', 4)"))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> {
                        assertThat(e.code()).isEqualTo(ResultCode.CONSTRAINT_PRIMARYKEY);
                        assertThat(e.getMessage()).isEqualTo("UNIQUE constraint failed: w.k");
                    });
            assertThatThrownBy(() -> db.script("UPDATE w SET v = NULL WHERE k = 'TWO'"))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> {
                        assertThat(e.code()).isEqualTo(ResultCode.CONSTRAINT_NOTNULL);
                        assertThat(e.getMessage()).isEqualTo("NOT NULL constraint failed: w.v");
                    });
            db.script("UPDATE w SET k = upper(k) WHERE v = 2");
            db.script("COMMIT");
            assertThat(rows(db.query("SELECT * FROM w"))).containsExactly(List.of("one", 1L), List.of("TWO", 2L));
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(sqlite(file, "SELECT * FROM w")).containsExactly(List.of("one", 1L), List.of("TWO", 2L));
    }

    @Test
    void insertOrRollbackEndsTheWholeTransaction() {
        try (Db db = Db.open(DatabaseConfig.file(tmp.resolve("rollback.db")))) {
            db.script("""
                    CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID;
                    CREATE TABLE r(id INTEGER PRIMARY KEY, v UNIQUE);
                    INSERT INTO w VALUES (1, 'kept');
                    INSERT INTO r VALUES (1, 'kept');
                    """);
            for (String[] c : new String[][] {
                    {"INSERT INTO w VALUES (2, 'gone')", "INSERT OR ROLLBACK INTO w VALUES (3, 'x'), (1, 'dup')",
                            "UNIQUE constraint failed: w.k"},
                    {"INSERT INTO r VALUES (2, 'gone')", "INSERT OR ROLLBACK INTO r VALUES (3, 'x'), (4, 'kept')",
                            "UNIQUE constraint failed: r.v"}}) {
                db.script("BEGIN");
                db.script(c[0]);
                assertThatThrownBy(() -> db.script(c[1])).isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(c[2]);
                    assertThat(e.code().primary()).isEqualTo(ResultCode.CONSTRAINT);
                });
                assertThatThrownBy(() -> db.script("COMMIT")).hasMessage("cannot commit - no transaction is active");
            }
            assertThat(rows(db.query("SELECT * FROM w"))).containsExactly(List.of(1L, "kept"));
            assertThat(rows(db.query("SELECT * FROM r"))).containsExactly(List.of(1L, "kept"));
            // Outside a transaction OR ROLLBACK undoes the statement, as ABORT does.
            assertThatThrownBy(() -> db.script("INSERT OR ROLLBACK INTO w VALUES (5, 'x'), (1, 'dup')"))
                    .hasMessage("UNIQUE constraint failed: w.k");
            assertThat(rows(db.query("SELECT count(*) FROM w"))).containsExactly(List.of(1L));
            assertThatThrownBy(() -> db.script("INSERT OR FAIL INTO w VALUES (6, 'x')"))
                    .hasMessage("not supported yet: INSERT OR FAIL");
        }
    }

    @Test
    void manyRowsWithKeysAndValuesLargerThanAPageReadBackInSqlite() throws Exception {
        Path file = tmp.resolve("big.db");
        SplittableRandom rnd = new SplittableRandom(SEED);
        try (Db db = Db.open(DatabaseConfig.file(file))) {
            db.script("""
                    CREATE TABLE doc(path TEXT, rev INT, body BLOB, size INT, PRIMARY KEY(path, rev DESC)) WITHOUT ROWID;
                    CREATE INDEX doc_size ON doc(size);
                    """);
            db.script("BEGIN");
            PreparedStatement ins = db.prepare("INSERT INTO doc VALUES (?, ?, ?, ?)");
            for (int i = 0; i < 1500; i++) {
                int keyLen = rnd.nextInt(10) == 0 ? 3000 + rnd.nextInt(5000) : 5 + rnd.nextInt(40);
                String path = "/p" + rnd.nextInt(500) + "/" + "k".repeat(keyLen);
                byte[] body = new byte[rnd.nextInt(8) == 0 ? 5000 + rnd.nextInt(20_000) : rnd.nextInt(200)];
                rnd.nextBytes(body);
                db.run(ins, Arrays.asList(path, (long) i, body, (long) body.length));
            }
            db.script("COMMIT");
            db.script("UPDATE doc SET rev = rev + 10000 WHERE rev % 7 = 0");
            db.script("DELETE FROM doc WHERE size > 15000");
            db.script("UPDATE doc SET path = path || '/moved' WHERE rev % 5 = 1");
        }
        assertThat(sqlite(file, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        try (Db db = Db.open(DatabaseConfig.file(file))) {
            assertThat(rows(db.query("SELECT path, rev, hex(body), size FROM doc")))
                    .isEqualTo(sqlite(file, "SELECT path, rev, hex(body), size FROM doc"));
            assertThat(rows(db.query("SELECT count(*), sum(size) FROM doc WHERE size < 100")))
                    .isEqualTo(sqlite(file, "SELECT count(*), sum(size) FROM doc INDEXED BY doc_size WHERE size < 100"));
        }
    }
}
