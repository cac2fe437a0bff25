package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.schema.Schema;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.op.Insn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shape of generated programs and what they leave in the database, checked against SQLite. */
class CodegenTest {

    private static List<String> sqliteOpcodes(Connection c, String sql) throws Exception {
        List<String> ops = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                ops.add(rs.getString("opcode"));
            }
        }
        return ops;
    }

    private static List<String> ourOpcodes(Program p) {
        return p.explain().stream().map(r -> (String) r[1]).toList();
    }

    /** True if {@code sub} appears in {@code seq} in order (not necessarily adjacent). */
    private static boolean isSubsequence(List<String> sub, List<String> seq) {
        int i = 0;
        for (String s : seq) {
            if (i < sub.size() && sub.get(i).equals(s)) {
                i++;
            }
        }
        return i == sub.size();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE u(x)",
            "create   table  if not exists  \"U x\"  ( a  VARCHAR ( 10 ) , b int)",
            "CREATE TABLE main.u(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'n' /* c */, v REAL)",
            "CREATE TABLE [u](a, b CHECK (b > 0), c REFERENCES t(id))",
            "CREATE TABLE u(a) ; SELECT 1",
    })
    void createTableStoresWhatSqliteStores(String create) throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(create.contains(";") ? create.substring(0, create.indexOf(';')) : create);
        String q = "SELECT type, name, tbl_name, sql FROM sqlite_schema";
        try (OracleSupport oracle = new OracleSupport()) {
            oracle.exec(create.contains(";") ? create.substring(0, create.indexOf(';')) : create);
            assertThat(OracleSupport.show(engine.run(q))).isEqualTo(OracleSupport.show(oracle.query(q)));
        }
    }

    @Test
    void createTableBumpsTheSchemaCookieAndSetsTheFileFormat() {
        MiniEngine engine = new MiniEngine();
        engine.run("CREATE TABLE a(x)");
        assertThat(engine.schemaCookie()).isEqualTo(1);
        assertThat(engine.readCookie(36 + 4 * 2)).isEqualTo(4);
        assertThat(engine.readCookie(36 + 4 * 5)).isEqualTo(1);
        engine.run("CREATE TABLE b(x)");
        assertThat(engine.schemaCookie()).isEqualTo(2);
        assertThat(engine.schema().cookie()).isEqualTo(2);
        assertThat(engine.run("SELECT name, rootpage FROM sqlite_schema ORDER BY name"))
                .containsExactly(List.of("a", 2L), List.of("b", 3L));
    }

    @Test
    void programsCheckTheSchemaCookieTheyWereCompiledAgainst() {
        Schema s = Schema.build(List.of(), 5);
        Program p = Compiler.compile("CREATE TABLE a(x)", s).program();
        Insn.Transaction txn = p.instructions().stream().filter(i -> i instanceof Insn.Transaction)
                .map(i -> (Insn.Transaction) i).findFirst().orElseThrow();
        assertThat(txn.write()).isTrue();
        assertThat(txn.checkCookie()).isTrue();
        assertThat(txn.schemaCookie()).isEqualTo(5);
        assertThat(p.instructions()).contains(new Insn.SetCookie(0, 1, 6));
    }

    @Test
    void dropViewRemovesItsSchemaRowAndBumpsTheCookie() throws Exception {
        String script = "CREATE TABLE a(x); CREATE VIEW v1 AS SELECT x FROM a; CREATE VIEW v2 AS SELECT 1; "
                + "DROP VIEW V1; DROP VIEW IF EXISTS v1";
        MiniEngine engine = new MiniEngine();
        engine.run(script);
        assertThat(engine.schemaCookie()).isEqualTo(4);
        assertThat(engine.schema().other("v1")).isNull();
        String q = "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema";
        try (OracleSupport oracle = new OracleSupport()) {
            for (String stmt : script.split(";")) {
                oracle.exec(stmt);
            }
            assertThat(OracleSupport.show(engine.run(q))).isEqualTo(OracleSupport.show(oracle.query(q)));
        }
    }

    @Test
    void createTableIfNotExistsOnAnExistingTableDoesNothing() {
        MiniEngine engine = new MiniEngine();
        engine.run("CREATE TABLE a(x)");
        engine.run("CREATE TABLE IF NOT EXISTS a(y, z)");
        assertThat(engine.schemaCookie()).isEqualTo(1);
        assertThat(engine.schema().table("a").columns()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE u(x)",
            "INSERT INTO t VALUES (NULL, 'x', 2, 3)",
            "INSERT INTO t(a) VALUES (?)",
            "SELECT a, c + 1 FROM t WHERE id = 5",
            "SELECT * FROM t WHERE c > 1",
            "SELECT count(*), max(a) FROM t WHERE c",
            "SELECT 1 + 1",
            "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
    })
    void programsFollowSqlitesShape(String sql) throws Exception {
        String setup = "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b REAL DEFAULT 1.5, c)";
        MiniEngine engine = new MiniEngine();
        engine.run(setup);
        List<String> ours = ourOpcodes(Compiler.compile(sql, engine.schema()).program());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.createStatement().executeUpdate(setup);
            List<String> theirs = sqliteOpcodes(c, sql);
            // The skeleton every program shares, in SQLite's order.
            List<String> skeleton = new ArrayList<>();
            for (String op : ours) {
                if (List.of("Init", "Transaction", "OpenRead", "OpenWrite", "Rewind", "SeekRowid", "Next",
                        "NewRowid", "MakeRecord", "Insert", "ResultRow", "CreateBtree", "SetCookie", "ParseSchema",
                        "AutoCommit", "AggStep", "AggFinal", "Halt", "Goto").contains(op)) {
                    skeleton.add(op);
                }
            }
            assertThat(isSubsequence(skeleton.subList(0, skeleton.size() - 2), theirs))
                    .as("ours %s within theirs %s", skeleton, theirs).isTrue();
            assertThat(ours.get(0)).isEqualTo("Init");
            assertThat(ours.get(ours.size() - 1)).isEqualTo("Goto");
        }
    }

    @Test
    void explainReturnsTheProgramInSqlitesColumns() {
        MiniEngine engine = new MiniEngine();
        CompiledStatement c = Compiler.compile("EXPLAIN SELECT 1", engine.schema());
        assertThat(c.explain()).isTrue();
        assertThat(c.readOnly()).isTrue();
        assertThat(c.columnNames()).containsExactly("addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment");
        List<List<Object>> rows = engine.execute(c);
        assertThat(rows.get(0).get(0)).isEqualTo(0L);
        assertThat(rows.get(0).get(1)).isEqualTo("Init");
        assertThat(rows).extracting(r -> r.get(1)).contains("ResultRow", "Halt");
    }

    @Test
    void compiledStatementDescribesItself() {
        MiniEngine engine = new MiniEngine();
        engine.run("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b)");
        CompiledStatement c = Compiler.compile("SELECT id, a, b + 1 AS x FROM t WHERE a = :name AND b > ?3; DELETE FROM t",
                engine.schema());
        assertThat(c.sql()).isEqualTo("SELECT id, a, b + 1 AS x FROM t WHERE a = :name AND b > ?3");
        assertThat(c.tail()).isEqualTo(" DELETE FROM t");
        assertThat(c.columnNames()).containsExactly("id", "a", "x");
        assertThat(c.declaredTypes()).containsExactly("INTEGER", "TEXT", null);
        assertThat(c.parameterNames()).containsExactly(":name", null, "?3");
        assertThat(c.parameterCount()).isEqualTo(3);
        assertThat(c.readOnly()).isTrue();
        assertThat(c.explain()).isFalse();
        assertThat(Compiler.compile("INSERT INTO t(a) VALUES (1)", engine.schema()).readOnly()).isFalse();
        assertThat(Compiler.compile("  /* nothing */ ", engine.schema())).isNull();
    }

    @Test
    void parametersBindByIndexWhateverTheirSpelling() {
        MiniEngine engine = new MiniEngine();
        engine.run("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b)");
        engine.run("INSERT INTO t(a, b) VALUES (?, ?)", "x", 1L);
        engine.run("INSERT INTO t(a, b) VALUES (:a, :b), (:a, @c)", "y", 2L, 3L);
        engine.run("INSERT INTO t(id, a) VALUES (?2, ?1)", "z", 10L);
        assertThat(engine.run("SELECT id, a, b FROM t WHERE a = $p OR id = ?2", "y", 10L))
                .containsExactly(row(2L, "y", 2L), row(3L, "y", 3L), row(10L, "z", null));
    }

    @Test
    void insertCountsChangesAndSetsLastInsertRowid() {
        MiniEngine engine = new MiniEngine();
        engine.run("CREATE TABLE t(id INTEGER PRIMARY KEY, a)");
        engine.run("INSERT INTO t(a) VALUES (1), (2), (3)");
        assertThat(engine.lastChanges).isEqualTo(3);
        assertThat(engine.lastInsertRowid()).isEqualTo(3);
        engine.run("INSERT INTO t VALUES (100, 'x')");
        assertThat(engine.lastInsertRowid()).isEqualTo(100);
        engine.run("INSERT INTO t(a) VALUES ('next')");
        assertThat(engine.lastInsertRowid()).isEqualTo(101);
    }

    @Test
    void insertOrIgnoreAndOrReplaceMatchSqlite() throws Exception {
        String script = """
                CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b DEFAULT 'dflt');
                INSERT INTO t VALUES (1, 'one', 1), (2, 'two', 2);
                INSERT OR IGNORE INTO t VALUES (1, 'uno', 9), (3, 'three', 3);
                INSERT OR IGNORE INTO t(id, a) VALUES (4, NULL);
                INSERT OR REPLACE INTO t VALUES (2, 'dos', 22);
                REPLACE INTO t(id, a) VALUES (5, 'five');
                """;
        MiniEngine engine = new MiniEngine();
        try (OracleSupport oracle = new OracleSupport()) {
            for (String stmt : script.split(";")) {
                if (!stmt.isBlank()) {
                    oracle.exec(stmt);
                }
            }
            engine.run(script);
            String q = "SELECT id, a, b FROM t";
            assertThat(OracleSupport.show(engine.run(q))).isEqualTo(OracleSupport.show(oracle.query(q)));
        }
    }

    @Test
    void checkConstraintsMatchSqlite() throws Exception {
        String create = "CREATE TABLE c(id INTEGER PRIMARY KEY, a INT CHECK (a > 0), b TEXT, "
                + "CONSTRAINT short CHECK (length(b) <   4), CHECK (typeof(a) = 'integer' OR a IS NULL))";
        List<String> statements = List.of(
                "INSERT INTO c VALUES (1, 5, 'ok')",
                "INSERT INTO c VALUES (2, -5, 'ok')",
                "INSERT INTO c VALUES (3, 5, 'toolong')",
                "INSERT INTO c VALUES (4, NULL, NULL)",
                "INSERT INTO c VALUES (5, '7', 'x')",
                "INSERT INTO c VALUES (6, 'seven', 'x')",
                "INSERT OR IGNORE INTO c VALUES (7, -1, 'x'), (8, 8, 'y')",
                "UPDATE c SET a = a - 5",
                "UPDATE c SET b = b || 'zz' WHERE id = 1",
                "UPDATE c SET b = 'abc' WHERE id = 4");
        MiniEngine engine = new MiniEngine();
        engine.run(create);
        try (OracleSupport oracle = new OracleSupport()) {
            oracle.exec(create);
            for (String stmt : statements) {
                String theirs = null;
                try {
                    oracle.exec(stmt);
                } catch (java.sql.SQLException e) {
                    theirs = e.getMessage().substring(e.getMessage().indexOf('(') + 1, e.getMessage().lastIndexOf(')'));
                }
                String ours = null;
                try {
                    engine.run(stmt);
                } catch (io.ringlite.storage.error.DatabaseException e) {
                    ours = e.getMessage();
                }
                assertThat(ours).as(stmt).isEqualTo(theirs);
            }
            String q = "SELECT id, quote(a), quote(b) FROM c";
            assertThat(OracleSupport.show(engine.run(q))).isEqualTo(OracleSupport.show(oracle.query(q)));
        }
    }

    private static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
