package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the same statements through the compiler + VM (over in-memory B-trees) and through real
 * SQLite (sqlite-jdbc), and compares rows and column names.
 */
class CompilerAgainstSqliteTest {
    private static final String SETUP = """
            CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b REAL DEFAULT 1.5, c, d INT, e NUMERIC);
            INSERT INTO t VALUES (1, 'one', 1.0, 10, '7', '3.0');
            INSERT INTO t(a, c) VALUES ('two', NULL), ('Three', 'x'), ('four', x'00ff');
            INSERT INTO t(id, a, b, c, d, e) VALUES (10, 'ten', '2.5', 2.5, 3.9, 'abc');
            INSERT INTO t(a, d, e) VALUES ('eleven', -5, ' 12 ');
            INSERT INTO t(a, c, d) VALUES ('null-d', 100, NULL);
            CREATE TABLE u(x, y TEXT, z BLOB);
            INSERT INTO u VALUES (1, 1, 1), (2.0, 2.0, 2.0), ('3', '3', '3'), (NULL, NULL, NULL), (x'41', x'41', x'41');
            CREATE TABLE v(k INTEGER);
            INSERT INTO v VALUES (3), (1), (3), (10), (2);
            CREATE VIEW big AS SELECT id, a FROM t WHERE id > 2;
            CREATE VIEW IF NOT EXISTS vv(n, s) AS SELECT k, k * 2 FROM v;
            """;

    static Stream<String> queries() {
        return Stream.of(
                // REAL literals are read as SQLite 3.40 reads them, which is not always the
                // correctly rounded double (0.00245e300 differs by one ulp).
                "SELECT 0.00245e300 = 2.45e297, quote(0.00245e300), quote(1.7976931348623157e308)",
                "SELECT * FROM t",
                "SELECT id, a, typeof(b), b, c, typeof(d), d, typeof(e), e FROM t",
                "SELECT rowid, _rowid_, oid, id FROM t",
                "SELECT a FROM t WHERE id = 10",
                "SELECT a FROM t WHERE rowid = '3'",
                "SELECT a FROM t WHERE 2 = id AND a <> 'zz'",
                "SELECT a FROM t WHERE id = 99",
                "SELECT a, d FROM t WHERE d > 0",
                "SELECT a FROM t WHERE d = '7'",
                "SELECT a FROM t WHERE c IS NULL",
                "SELECT a FROM t WHERE c IS NOT NULL AND b >= 1.5",
                "SELECT a FROM t WHERE NOT (d < 0) OR c = 'x'",
                "SELECT a FROM t WHERE d BETWEEN 0 AND 5",
                "SELECT a FROM t WHERE id IN (1, 3, 10)",
                "SELECT a FROM t WHERE id NOT IN (1, 3, NULL)",
                "SELECT a FROM t WHERE a LIKE 't%'",
                "SELECT a FROM t WHERE a GLOB 't*'",
                "SELECT a, c FROM t ORDER BY c",
                "SELECT a, c FROM t ORDER BY c DESC, a",
                "SELECT a FROM t ORDER BY a COLLATE NOCASE",
                "SELECT a AS name FROM t ORDER BY name DESC LIMIT 3",
                "SELECT a FROM t ORDER BY 1 LIMIT 2 OFFSET 1",
                "SELECT a FROM t LIMIT 3",
                "SELECT a FROM t LIMIT 2, 3",
                "SELECT a FROM t LIMIT 0",
                "SELECT a FROM t LIMIT -1 OFFSET 5",
                "SELECT count(*) FROM t",
                "SELECT count(*), count(c), max(d), min(a), sum(d), total(d), avg(id) FROM t",
                "SELECT count(*) FROM t WHERE d > 100",
                "SELECT count(*) FROM t WHERE id = 1",
                "SELECT count(*) FROM t WHERE id = 1000",
                "SELECT 1 + 1, 5 / 2, 5.0 / 2, 7 % 3, 2 * 3.5, 1 - 2, -(-3), 'a' || 'b' || 1",
                "SELECT 1 / 0, 1 % 0, NULL + 1, 9223372036854775807 + 1, -9223372036854775808",
                "SELECT 1 < 2, 1 = 1.0, 'a' < 'b', NULL = NULL, NULL IS NULL, 1 IS NOT 2, 'A' = 'a' COLLATE NOCASE",
                "SELECT 6 & 3, 6 | 3, 1 << 4, 256 >> 2, ~5, NOT 0, NOT 1, NOT NULL",
                "SELECT 1 AND 0, 1 OR NULL, 0 AND NULL, NULL OR NULL",
                "SELECT CASE 1 WHEN 1 THEN 'one' ELSE 'other' END, CASE WHEN 0 THEN 1 WHEN NULL THEN 2 END",
                "SELECT CAST('12abc' AS INTEGER), CAST(3.7 AS INTEGER), CAST(5 AS TEXT), CAST('1e3' AS REAL), CAST(x'41' AS TEXT)",
                "SELECT length('héllo'), substr('hello', 2, 3), substr('hello', -3), hex('AB'), typeof(1.5), quote('it''s'), quote(x'0a')",
                "SELECT abs(-5), coalesce(NULL, NULL, 3), ifnull(NULL, 'x'), lower('ABC'), upper('abc'), typeof(NULL)",
                "SELECT 3 IN (1, 2, 3), 4 IN (1, 2, NULL), 4 NOT IN (1, 2), NULL IN (1), 1 IN ()",
                "SELECT 5 BETWEEN 1 AND 10, 5 NOT BETWEEN 6 AND 7, NULL BETWEEN 1 AND 2",
                "SELECT 0x1F, 1e3, .5, 1.5e-7, 100.0, 1e20, 'x''y', x'CAFE'",
                "SELECT x, y, z, typeof(x), typeof(y), typeof(z) FROM u",
                "SELECT x FROM u WHERE x = '3'",
                "SELECT y FROM u WHERE y = 3",
                "SELECT z FROM u WHERE z = 3",
                "SELECT x FROM u WHERE x > 1",
                "SELECT x, y FROM u ORDER BY x",
                "SELECT y FROM u ORDER BY y DESC",
                "SELECT count(*), a FROM t WHERE id = 1",
                "SELECT \"a\", \"nosuchcolumn\" FROM t WHERE id = 1",
                "SELECT true, false",
                "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema",
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name DESC",
                "SELECT a FROM t WHERE c = 10 OR c = 'x' ORDER BY a",
                "SELECT id, b FROM t WHERE b IS NOT NULL ORDER BY b, id",
                "SELECT t.a, t.id FROM t WHERE t.id < 3",
                "SELECT a FROM t AS q WHERE q.id = 2",
                "SELECT (SELECT max(id) FROM t), (SELECT a FROM t WHERE id = 2), (SELECT a FROM t WHERE id = 99)",
                "SELECT a, (SELECT count(*) FROM t AS x WHERE x.id < t.id) FROM t ORDER BY 2",
                "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.id)",
                "SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.id) ORDER BY a DESC",
                "SELECT id IN (SELECT x FROM u), id NOT IN (SELECT x FROM u), NULL IN (SELECT x FROM u) FROM t",
                "SELECT 5 IN (SELECT x FROM u WHERE x > 100), NULL IN (SELECT x FROM u WHERE x > 100)",
                "SELECT a FROM t WHERE id IN (SELECT x FROM u WHERE x IS NOT NULL) ORDER BY 1",
                "SELECT a FROM t WHERE d > (SELECT avg(d) FROM t)",
                "SELECT (SELECT t.a), (SELECT count(*) FROM u WHERE x < t.id LIMIT 1 OFFSET 0) FROM t",
                "SELECT (SELECT a FROM t ORDER BY a DESC LIMIT 1 OFFSET 1)",
                "SELECT CASE WHEN id > (SELECT avg(id) FROM t) THEN 'big' ELSE 'small' END FROM t ORDER BY id",
                "SELECT DISTINCT b FROM t ORDER BY b",
                "SELECT DISTINCT c IS NULL, b > 1 FROM t ORDER BY 1, 2",
                "SELECT DISTINCT x FROM u ORDER BY x DESC",
                "SELECT DISTINCT a FROM t ORDER BY a COLLATE NOCASE LIMIT 3 OFFSET 1",
                "SELECT DISTINCT count(*) FROM t",
                "SELECT DISTINCT id > 3 FROM t ORDER BY 1 LIMIT 1",
                "SELECT count(*) FROM u WHERE x IN (SELECT DISTINCT x FROM u)",
                "SELECT DISTINCT b FROM t",
                "SELECT DISTINCT y, z FROM u",
                "SELECT count(DISTINCT b), sum(DISTINCT b), count(DISTINCT c), avg(DISTINCT d), count(*) FROM t",
                "SELECT count(DISTINCT x), group_concat(DISTINCT y) FROM u",
                "SELECT count(DISTINCT a COLLATE NOCASE), count(DISTINCT upper(a)) FROM t WHERE id < 100",
                "SELECT b, count(*) FROM t GROUP BY b ORDER BY b",
                "SELECT c IS NULL, count(*), sum(id), max(a) FROM t GROUP BY 1 ORDER BY 1",
                "SELECT b, count(*) AS n FROM t GROUP BY b HAVING count(*) > 1",
                "SELECT b * 2, min(id) FROM t WHERE id > 1 GROUP BY b HAVING min(id) < 10 ORDER BY 2 DESC",
                "SELECT x, count(*) FROM u GROUP BY x",
                "SELECT y, count(*) FROM u GROUP BY y ORDER BY count(*) DESC, y LIMIT 2",
                "SELECT DISTINCT count(*) FROM t GROUP BY b",
                "SELECT d > 0, total(id) FROM t GROUP BY d > 0 ORDER BY 1",
                "SELECT a FROM t GROUP BY a COLLATE NOCASE ORDER BY 1",
                "SELECT count(*) FROM t WHERE id > 1000 GROUP BY b",
                "SELECT t.id, u.x FROM t, u WHERE t.id = u.x ORDER BY 1",
                "SELECT * FROM t AS a CROSS JOIN t AS b WHERE a.id < 3 AND b.id < 3 ORDER BY a.id, b.id",
                "SELECT count(*), sum(t.id), max(y) FROM t JOIN u ON t.id < u.x",
                "SELECT a, y FROM (t INNER JOIN u ON t.id = u.x) ORDER BY a",
                "SELECT u.*, t.a FROM u, t WHERE t.id = 1 ORDER BY 1",
                "SELECT DISTINCT x FROM u, t ORDER BY 1",
                "SELECT b, count(*) FROM t, u WHERE u.x IS NOT NULL GROUP BY b ORDER BY b",
                "SELECT count(*) FROM t, u, t AS t2",
                "SELECT a FROM t WHERE id IN (SELECT x FROM u, t AS t3 WHERE t3.id = u.x)",
                "SELECT count(*) FROM t, u WHERE 0",
                "SELECT group_concat(DISTINCT k), sum(DISTINCT k), count(DISTINCT k) FROM v",
                "SELECT id, id IN v, id NOT IN v FROM t ORDER BY id",
                "SELECT a FROM t WHERE id IN main.v ORDER BY a",
                "SELECT k FROM v UNION ALL SELECT id FROM t",
                "SELECT k FROM v UNION SELECT id FROM t",
                "SELECT k, 'v' FROM v UNION SELECT id, 'v' FROM t ORDER BY 1 DESC LIMIT 4 OFFSET 1",
                "SELECT k AS n FROM v UNION ALL SELECT x FROM u ORDER BY n",
                "SELECT 2 UNION SELECT 1 UNION SELECT 2",
                "SELECT y FROM u UNION SELECT a FROM t",
                "SELECT count(*) FROM t WHERE id IN (SELECT k FROM v UNION SELECT x FROM u)",
                "SELECT k FROM v UNION ALL SELECT k FROM v LIMIT 3",
                "SELECT t.id, v.k FROM t LEFT JOIN v ON v.k = t.id ORDER BY 1, 2",
                "SELECT t.id, v.k FROM t LEFT OUTER JOIN v ON v.k = t.id WHERE v.k IS NULL ORDER BY 1",
                "SELECT count(*), count(v.k) FROM t LEFT JOIN v ON v.k = t.id AND v.k > 1",
                "SELECT t.id, v.k, u.x FROM t LEFT JOIN v ON v.k = t.id LEFT JOIN u ON u.x = v.k ORDER BY 1, 2, 3",
                "SELECT t.id, u.x FROM t LEFT JOIN u ON 0 ORDER BY 1",
                "SELECT v.k, t.a FROM v LEFT JOIN t ON t.id = v.k, u WHERE u.x = 1 ORDER BY 1",
                "SELECT t.b, count(v.k) FROM t LEFT JOIN v ON v.k < t.id GROUP BY t.b ORDER BY 1",
                "SELECT * FROM big ORDER BY id",
                "SELECT n, s FROM vv WHERE s > 4",
                "SELECT big.a, vv.s FROM big, vv WHERE big.id = vv.n ORDER BY 1",
                "SELECT count(*), max(s) FROM vv",
                "SELECT q.k FROM (SELECT k FROM v WHERE k > 1) AS q ORDER BY 1 DESC",
                "SELECT * FROM (SELECT 1 AS one, 'x' AS ex) AS c",
                "SELECT t.id, s.total FROM t, (SELECT sum(k) AS total FROM v) AS s WHERE t.id < 3",
                "SELECT a FROM t WHERE id IN (SELECT id FROM big)",
                "SELECT n FROM vv UNION SELECT id FROM big",
                "SELECT s, count(*) FROM vv GROUP BY s ORDER BY 2 DESC, 1",
                "SELECT a, max(d) FROM t",
                "SELECT a, id, min(id), count(*) FROM t WHERE id > 1",
                "SELECT a || '!', max(b) FROM t",
                "SELECT b, a, max(id) FROM t GROUP BY b ORDER BY b",
                "SELECT b, a, min(a) FROM t GROUP BY b ORDER BY b",
                "SELECT k, max(k) FROM v"
        );
    }

    @ParameterizedTest
    @MethodSource("queries")
    void queryMatchesSqlite(String query) throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        try (OracleSupport oracle = new OracleSupport()) {
            for (String stmt : SETUP.split(";")) {
                if (!stmt.isBlank()) {
                    oracle.exec(stmt);
                }
            }
            List<List<Object>> expected = oracle.query(query);
            List<List<Object>> actual = engine.run(query);
            assertThat(OracleSupport.show(actual)).as(query).isEqualTo(OracleSupport.show(expected));
            CompiledStatement c = Compiler.compile(query, engine.schema());
            assertThat(c.columnNames()).as(query).isEqualTo(oracle.columnNames(query));
        }
    }

    static Stream<String> changes() {
        return Stream.of(
                "DELETE FROM t WHERE id = 3",
                "DELETE FROM t WHERE d > 0",
                "DELETE FROM t WHERE rowid = 2 AND a = 'nope'",
                "DELETE FROM t",
                "DELETE FROM t WHERE c IS NULL OR a LIKE '%e%'",
                "UPDATE t SET a = upper(a)",
                "UPDATE t SET b = b * 2, c = 'changed' WHERE id > 2",
                "UPDATE t SET d = '42', e = '1.0' WHERE id = 1",
                "UPDATE t SET id = id + 100 WHERE id = 10",
                "UPDATE t SET rowid = 50 WHERE a = 'two'",
                "UPDATE t SET a = a || '!' WHERE rowid IN (1, 2, 99)",
                "UPDATE u SET x = y + 1, z = x",
                "DELETE FROM u WHERE x = '3'",
                "UPDATE t SET id = 1 WHERE id = 1",
                "INSERT INTO u SELECT id, a, b FROM t WHERE id < 4",
                "INSERT INTO t(a, c) SELECT a || '2', c FROM t ORDER BY id DESC",
                "INSERT INTO u(x) SELECT count(*) FROM t",
                "INSERT OR IGNORE INTO t SELECT * FROM t WHERE id = 10",
                "INSERT OR REPLACE INTO t(id, a) SELECT id, 'replaced' FROM t WHERE id > 3",
                "UPDATE t SET d = (SELECT max(id) FROM t) + id",
                "UPDATE t SET b = (SELECT count(*) FROM u WHERE u.x < t.id) WHERE EXISTS (SELECT 1 FROM v WHERE k = t.id)",
                "INSERT INTO t(a, d) VALUES ('sub', (SELECT count(*) FROM t)), ('sub2', (SELECT count(*) FROM t))",
                "DELETE FROM t WHERE id IN (SELECT k FROM v)",
                "DELETE FROM t WHERE id = (SELECT min(id) FROM t)"
        );
    }

    @ParameterizedTest
    @MethodSource("changes")
    void changesMatchSqlite(String change) throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        try (OracleSupport oracle = new OracleSupport()) {
            for (String stmt : SETUP.split(";")) {
                if (!stmt.isBlank()) {
                    oracle.exec(stmt);
                }
            }
            engine.run(change);
            long ourChanges = engine.lastChanges;
            oracle.exec(change);
            long theirChanges = oracle.changes();
            for (String q : List.of("SELECT rowid, quote(id), quote(a), quote(b), quote(c), quote(d), quote(e) FROM t",
                    "SELECT rowid, quote(x), quote(y), quote(z) FROM u")) {
                assertThat(OracleSupport.show(engine.run(q))).as(change).isEqualTo(OracleSupport.show(oracle.query(q)));
            }
            assertThat(ourChanges).as(change).isEqualTo(theirChanges);
        }
    }

    @Test
    void insertedRowsRoundTripWithAffinity() throws Exception {
        MiniEngine engine = new MiniEngine();
        engine.run(SETUP);
        try (OracleSupport oracle = new OracleSupport()) {
            for (String stmt : SETUP.split(";")) {
                if (!stmt.isBlank()) {
                    oracle.exec(stmt);
                }
            }
            String q = "SELECT quote(id), quote(a), quote(b), quote(c), quote(d), quote(e) FROM t";
            assertThat(OracleSupport.show(engine.run(q))).isEqualTo(OracleSupport.show(oracle.query(q)));
        }
    }
}
